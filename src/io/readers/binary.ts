/**
 * Telling text from what is not text, on the first bytes of an input (the text readers' sniffing window).
 *
 * - `utf16WithoutBom`: UTF-16 text without a byte order mark has a NUL in one byte of most 2-byte units (every
 *   ASCII character: delimiters, digits, line breaks) and almost never in the other.
 * - `controlBytes`: C0 control bytes other than TAB, LF, CR, FF and ESC (and DEL). Text, in any of the encodings
 *   dq reads, has next to none; random-looking data (compressed, encrypted, images, a damaged file) has about
 *   11% of them, with NULs at only 0.4% (under the NUL rule of the CSV reader).
 */

/** 'le' or 'be' when `buf` looks like UTF-16 text without a byte order mark, else null. */
export function utf16WithoutBom(buf: Uint8Array): 'le' | 'be' | null {
  const n = buf.length & ~1;
  if (n < 4) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) even++;
    if (buf[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd >= pairs * 0.3 && even * 10 < odd) return 'le';
  if (even >= pairs * 0.3 && odd * 10 < even) return 'be';
  return null;
}

export interface ControlBytes {
  count: number;
  /** Offset of the first one (-1: none). */
  first: number;
  /** How many different control byte values occur. */
  kinds: number;
  /** Bytes looked at. */
  of: number;
}

/** Control bytes that do not occur in text (C0 but TAB, LF, FF, CR, ESC; and DEL), except `allowed` (a delimiter). */
export function controlBytes(buf: Uint8Array, allowed = -1): ControlBytes {
  let count = 0;
  let first = -1;
  let seen = 0; // one bit per value 0..31, DEL as bit 31's neighbour below
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if ((c < 0x20 || c === 0x7f) && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b && c !== allowed) {
      if (first < 0) first = i;
      count++;
      seen |= 1 << (c === 0x7f ? 0x1b : c); // ESC never counts, so its bit stands for DEL
    }
  }
  let kinds = 0;
  for (let v = seen; v !== 0; v &= v - 1) kinds++;
  return { count, first, kinds, of: buf.length };
}

/**
 * Whether the control bytes make the sample binary: at least 16 of them, over 5% of the bytes, and of at least 8
 * different values. Text that uses a control character on purpose (Hive's ^A/^B separators inside a field) uses
 * one or two values; random-looking bytes use all 28.
 */
export function tooManyControlBytes(c: ControlBytes): boolean {
  return c.count >= 16 && c.count > c.of * 0.05 && c.kinds >= 8;
}
