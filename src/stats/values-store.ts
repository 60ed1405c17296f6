/**
 * Numeric values of one column in arrival (row) order, NaN where a row has no number.
 * Kept exactly while they fit the column's byte budget, so quantiles, outlier counts and the
 * rows of the first outliers are exact; beyond the budget the caller switches to a sketch.
 *
 * Memory: 8 bytes per row once the column has shown a number (chunks of 64k rows, no copying on growth),
 * 4 bytes in full chunks whose values are all decimals of at most 6 places within int32 once scaled
 * (ids, counts, prices, amounts): such a chunk is packed as Int32 multiples of 10^-d, kept only when every
 * value decodes to the very same double. The budget counts 8 bytes a row either way (`vsBytes`), so
 * when a column switches to a sketch does not depend on packing.
 * State is plain data (survives structuredClone); `start` is the 1-based row of slot 0, so states of
 * consecutive row ranges merge by concatenation in row order.
 */
import { median, quantileSorted as quantileOf, sortFloat64 } from './quantiles.js';

export const CHUNK = 1 << 16;

/** A full chunk stored as value * 10^scale in Int32 (PACKED_NAN for no number). */
export interface PackedChunk {
  ints: Int32Array;
  scale: number;
}

export interface ValuesStore {
  start: number;
  length: number;
  chunks: (Float64Array | PackedChunk)[];
}

const PACKED_NAN = -0x80000000;
const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6];
let unpackScratch = new Float64Array(0);

/** The smallest number of decimal places d <= 6 such that round(v * 10^d) / 10^d is v (+0 for v = 0), or -1. */
function placesOf(v: number): number {
  for (let d = 0; d < POW10.length; d++) {
    const m = Math.round(v * POW10[d]!);
    if (m / POW10[d]! === v) return Math.abs(m) < 0x7fffffff ? d : -1;
  }
  return -1;
}

/**
 * Pack a full chunk when every value survives it exactly; else the chunk as is. One pass at the places d needed
 * so far; when a value needs more, the values before it are packed again at the new d (at most 6 times).
 */
function pack(ch: Float64Array): Float64Array | PackedChunk {
  const ints = new Int32Array(ch.length);
  let d = 0;
  let p = 1;
  for (let i = 0; i < ch.length; i++) {
    const v = ch[i]!;
    if (v !== v) {
      ints[i] = PACKED_NAN;
      continue;
    }
    const m = Math.round(v * p);
    if (m / p === v && Math.abs(m) < 0x7fffffff) {
      if (m === 0 && 1 / v < 0) return ch; // -0 would come back as +0
      ints[i] = m;
      continue;
    }
    const need = placesOf(v);
    // unpackable, or fine at fewer places but not at d
    if (need <= d) return ch;
    d = need;
    p = POW10[d]!;
    if (!repack(ch, ints, i + 1, p)) return ch;
  }
  return { ints, scale: d };
}

/** ints[0..end) = the values of ch at the scale p, or false when one does not survive it. */
function repack(ch: Float64Array, ints: Int32Array, end: number, p: number): boolean {
  for (let j = 0; j < end; j++) {
    const v = ch[j]!;
    if (v !== v) continue;
    const m = Math.round(v * p);
    if (m / p !== v || Math.abs(m) >= 0x7fffffff) return false;
    ints[j] = m;
  }
  return true;
}

/**
 * Chunk c as doubles. A packed chunk is decoded into a scratch array that the next call reuses: read it
 * before calling again.
 */
export function vsChunk(s: ValuesStore, c: number): Float64Array {
  const ch = s.chunks[c]!;
  if (ch instanceof Float64Array) return ch;
  if (unpackScratch.length !== CHUNK) unpackScratch = new Float64Array(CHUNK);
  const out = unpackScratch;
  const { ints, scale } = ch;
  const p = POW10[scale]!;
  for (let i = 0; i < ints.length; i++) {
    const m = ints[i]!;
    out[i] = m === PACKED_NAN ? NaN : m / p;
  }
  return out;
}

export function vsNew(start: number): ValuesStore {
  return { start, length: 0, chunks: [] };
}

export function vsBytes(s: ValuesStore): number {
  return s.chunks.length * CHUNK * 8;
}

/** Append `n` values (NaN for none) from `src[from..from+n)`. */
export function vsAppend(s: ValuesStore, src: Float64Array, from: number, n: number): void {
  let i = 0;
  while (i < n) {
    const off = s.length % CHUNK;
    if (off === 0 && s.length / CHUNK >= s.chunks.length) s.chunks.push(new Float64Array(CHUNK));
    const chunk = s.chunks[s.chunks.length - 1] as Float64Array; // the last chunk is never packed while it fills
    const take = Math.min(CHUNK - off, n - i);
    chunk.set(src.subarray(from + i, from + i + take), off);
    s.length += take;
    i += take;
    if (off + take === CHUNK) s.chunks[s.chunks.length - 1] = pack(chunk);
  }
}

/** Append `n` NaNs (rows without a number before the store was created, or absent columns). */
export function vsPad(s: ValuesStore, n: number): void {
  const nan = new Float64Array(Math.min(n, CHUNK)).fill(NaN);
  let left = n;
  while (left > 0) {
    const k = Math.min(left, nan.length);
    vsAppend(s, nan, 0, k);
    left -= k;
  }
}

export function vsGet(s: ValuesStore, i: number): number {
  const ch = s.chunks[(i / CHUNK) | 0]!;
  if (ch instanceof Float64Array) return ch[i % CHUNK]!;
  const m = ch.ints[i % CHUNK]!;
  return m === PACKED_NAN ? NaN : m / POW10[ch.scale]!;
}

/** Concatenate b after a (b must start where a ends, after padding a). */
export function vsConcat(a: ValuesStore, b: ValuesStore): ValuesStore {
  const [first, second] = a.start <= b.start ? [a, b] : [b, a];
  const gap = second.start - (first.start + first.length);
  if (gap > 0) vsPad(first, gap);
  for (let c = 0; c < second.chunks.length; c++) {
    const n = Math.min(CHUNK, second.length - c * CHUNK);
    if (n <= 0) break;
    vsAppend(first, vsChunk(second, c), 0, n);
  }
  return first;
}

/** The non-NaN values, sorted ascending (a new array). */
export function vsSorted(s: ValuesStore): Float64Array {
  let n = 0;
  for (let c = 0; c < s.chunks.length; c++) {
    const ch = s.chunks[c]!;
    const m = Math.min(CHUNK, s.length - c * CHUNK);
    // counting needs no decoding: a packed chunk marks no number by PACKED_NAN
    if (ch instanceof Float64Array) for (let i = 0; i < m; i++) n += ch[i] === ch[i] ? 1 : 0;
    else for (let i = 0; i < m; i++) n += ch.ints[i] === PACKED_NAN ? 0 : 1;
  }
  const scaled = sortedScaled(s, n);
  if (scaled !== null) return scaled;
  const out = new Float64Array(n);
  let k = 0;
  for (let c = 0; c < s.chunks.length; c++) {
    const ch = vsChunk(s, c);
    const m = Math.min(CHUNK, s.length - c * CHUNK);
    for (let i = 0; i < m; i++) {
      const v = ch[i]!;
      if (v === v) out[k++] = v;
    }
  }
  sortFloat64(out);
  return out;
}

/**
 * vsSorted for stores whose values are all decimals of at most 6 places (every full chunk packed, and the last,
 * open chunk packs too): the values as integer multiples k of 10^-D (D the most places of any chunk), sorted as
 * unsigned offsets from the smallest by an LSD radix sort (11-bit digits, only as many passes as the range needs:
 * 1 to 3 instead of the 6 of doubles), then decoded as k / 10^D. A value m / 10^d of a chunk packed at d places
 * is k / 10^D with k = m * 10^(D-d), the same rational and so the same correctly rounded double. Equal arrays to
 * sorting the doubles. Null (the caller sorts the doubles) when a chunk does not pack or the offsets span 2^32 or
 * more.
 */
function sortedScaled(s: ValuesStore, n: number): Float64Array | null {
  if (n < 4096) return null;
  const packed: PackedChunk[] = [];
  let D = 0;
  for (let c = 0; c < s.chunks.length; c++) {
    let ch = s.chunks[c]!;
    if (ch instanceof Float64Array) {
      // a full chunk left unpacked has a value that does not pack: only the last one is still open
      const m = s.length - c * CHUNK;
      if (m >= CHUNK) return null;
      ch = pack(ch.subarray(0, m));
      if (ch instanceof Float64Array) return null;
    }
    packed.push(ch);
    if (ch.scale > D) D = ch.scale;
  }
  const P = POW10[D]!;
  // pass 1: smallest and largest key
  kMin = Infinity;
  kMax = -Infinity;
  for (const ch of packed) rangePacked(ch.ints, POW10[D - ch.scale]!);
  const min = kMin;
  const range = kMax - min;
  if (!(range <= 0xffffffff)) return null;
  // pass 2: unsigned offsets from min
  let keys = new Uint32Array(n);
  let j = 0;
  for (const ch of packed) j = keysPacked(keys, j, ch.ints, POW10[D - ch.scale]!, min);
  if (range > 0) {
    const passes = range < 2048 ? 1 : range < 2 ** 22 ? 2 : 3;
    let tmp = new Uint32Array(n);
    const counts = new Int32Array(3 * 2048);
    digitCounts(keys, counts);
    for (let p = 0; p < passes; p++) {
      scatter(keys, tmp, counts, p * 2048, 11 * p);
      const t = keys;
      keys = tmp;
      tmp = t;
    }
  }
  const out = new Float64Array(n);
  decodeKeys(keys, out, min, P);
  return out;
}

// sortedScaled's loops, one per function: each is optimized on its own, with the type feedback of its own runs
// (one function of many loops, called once per column, was compiled on stack again and again as it reached each)

let kMin = Infinity;
let kMax = -Infinity;

function rangePacked(ints: Int32Array, f: number): void {
  let lo = 0x7fffffff;
  let hi = -0x7fffffff;
  for (let i = 0; i < ints.length; i++) {
    const x = ints[i]!;
    if (x === PACKED_NAN) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (lo > hi) return;
  if (lo * f < kMin) kMin = lo * f;
  if (hi * f > kMax) kMax = hi * f;
}

function keysPacked(keys: Uint32Array, j: number, ints: Int32Array, f: number, min: number): number {
  for (let i = 0; i < ints.length; i++) {
    const x = ints[i]!;
    if (x !== PACKED_NAN) keys[j++] = x * f - min;
  }
  return j;
}

function digitCounts(keys: Uint32Array, counts: Int32Array): void {
  const n = keys.length;
  for (let i = 0; i < n; i++) {
    const x = keys[i]!;
    counts[x & 2047]!++;
    counts[2048 + ((x >>> 11) & 2047)]!++;
    counts[4096 + (x >>> 22)]!++;
  }
}

/** One LSD pass: counts[base..base+2048) are digit counts, turned into offsets here. */
function scatter(keys: Uint32Array, tmp: Uint32Array, counts: Int32Array, base: number, shift: number): void {
  let sum = 0;
  for (let d = 0; d < 2048; d++) {
    const cnt = counts[base + d]!;
    counts[base + d] = sum;
    sum += cnt;
  }
  const n = keys.length;
  for (let i = 0; i < n; i++) {
    const x = keys[i]!;
    tmp[counts[base + ((x >>> shift) & 2047)]!++] = x;
  }
}

function decodeKeys(keys: Uint32Array, out: Float64Array, min: number, P: number): void {
  const n = keys.length;
  for (let i = 0; i < n; i++) out[i] = (keys[i]! + min) / P;
}

/** Iterate (row, value) over non-NaN values in row order; stop when fn returns false. */
export function vsEach(s: ValuesStore, fn: (row: number, v: number) => boolean | void): void {
  for (let c = 0; c < s.chunks.length; c++) {
    const ch = vsChunk(s, c);
    const m = Math.min(CHUNK, s.length - c * CHUNK);
    for (let i = 0; i < m; i++) {
      const v = ch[i]!;
      if (v === v && fn(s.start + c * CHUNK + i, v) === false) return;
    }
  }
}

/** Linear interpolation between order statistics, as numpy's default and pandas' quantile; null when empty. */
export function quantileSorted(sorted: Float64Array, p: number): number | null {
  return sorted.length ? quantileOf(sorted, p) : null;
}

/** The median as numpy/pandas compute it (the mean of the two middle values for even n); null when empty. */
export function medianSorted(sorted: Float64Array): number | null {
  return sorted.length ? median(sorted) : null;
}
