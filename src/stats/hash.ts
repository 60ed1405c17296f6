/**
 * Fast, allocation-free 64-bit hashing of strings, doubles and rows.
 *
 * A 64-bit hash is carried as two uint32 words, `hi` and `lo`, written into a
 * `Uint32Array(2)` as `[hi, lo]`. Every function takes an optional `out` array
 * and defaults to the module-level scratch `HASH_OUT`, so the hot path never
 * allocates:
 *
 *   const h = hashString(cell);      // h === HASH_OUT
 *   hs64Add(set, h[0], h[1]);         // read before the next hash call
 *
 * The construction is a two-lane MurmurHash3-style block function (32-bit
 * blocks = two UTF-16 code units, two independent multiply-rotate lanes that
 * are cross-fed at the end) followed by the murmur3 `fmix32` finaliser on both
 * lanes with cross-addition, which is a bijection of the 64-bit state. Two
 * strings of equal length that differ only in their last block never collide.
 * It is not a cryptographic hash.
 *
 * Domains: `hashString`, `hashFloat64` and `combine` use different initial
 * constants, so the string "1" and the number 1 hash differently.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const C3 = 0x85ebca6b;
const C4 = 0xc2b2ae35;

/** Module-level scratch output: [hi, lo]. Overwritten by every call that does not pass its own `out`. */
export const HASH_OUT = new Uint32Array(2);

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the low / high word of a float64 in U32 (endianness-independent). */
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO_W = LE ? 0 : 1;
const HI_W = LE ? 1 : 0;

export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Lane 1 block step (murmur3 x86_32 body). */
export function blk1(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, C2);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) - 0x19ab949c) | 0; // + 0xe6546b64 mod 2^32
}

/** Lane 2 block step: different multipliers and rotations. */
export function blk2(h: number, k: number): number {
  k = Math.imul(k, C3);
  k = (k << 16) | (k >>> 16);
  h ^= Math.imul(k, C4);
  h = (h << 17) | (h >>> 15);
  return (Math.imul(h, 5) + 0x38495ab5) | 0;
}

/** Tail step: mix a partial block into a lane without the lane rotation. */
function tail1(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return h ^ Math.imul(k, C2);
}

function tail2(h: number, k: number): number {
  k = Math.imul(k, C3);
  k = (k << 16) | (k >>> 16);
  return h ^ Math.imul(k, C4);
}

/** Cross-feed and finalise the two lanes (a bijection of the 64-bit state) into out = [hi, lo]. */
export function finish(h1: number, h2: number, out: Uint32Array): Uint32Array {
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  out[0] = h2;
  out[1] = h1;
  return out;
}

/**
 * 64-bit hash of a JS string (over its UTF-16 code units), written to `out` as [hi, lo].
 * `seed` (uint32) selects an independent hash function.
 */
export function hashString(s: string, seed = 0, out: Uint32Array = HASH_OUT): Uint32Array {
  let h1 = seed ^ 0x1e3779b9;
  let h2 = Math.imul(seed ^ 0x7f4a7c15, 0x5bd1e995) ^ 0x27d4eb2f;
  const len = s.length;
  const end = len & ~1;
  let i = 0;
  for (; i < end; i += 2) {
    const k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    h1 = blk1(h1, k);
    h2 = blk2(h2, k);
  }
  if (i < len) {
    const k = s.charCodeAt(i);
    h1 = tail1(h1, k);
    h2 = tail2(h2, k);
  }
  return finish(h1 ^ len, h2 ^ len, out);
}

/**
 * hashString(s.trim().replace(/\s+/g, ' ').toLowerCase()) (seed 0) into `out`, without building the folded text:
 * whitespace runs are dropped at the ends and become one space inside, A-Z become a-z, and the code units of
 * that text go through the same blocks as in hashString. ASCII only: returns false (out untouched) at the first
 * code unit >= 128, whose case and whitespace rules are left to the string functions.
 */
export function hashFoldedAscii(s: string, out: Uint32Array = HASH_OUT): boolean {
  let h1 = 0x1e3779b9;
  let h2 = Math.imul(0x7f4a7c15, 0x5bd1e995) ^ 0x27d4eb2f;
  let len = 0;
  let half = -1; // first code unit of a block, waiting for its second
  let space = false; // a whitespace run after some text, written as one space before the next character
  const n = s.length;
  for (let j = 0; j < n; j++) {
    let c = s.charCodeAt(j);
    if (c >= 128) return false;
    if (c === 32 || (c >= 9 && c <= 13)) {
      space = len > 0;
      continue;
    }
    if (c >= 65 && c <= 90) c += 32;
    if (space) {
      space = false;
      if (half < 0) half = 32;
      else {
        const k = half | (32 << 16);
        h1 = blk1(h1, k);
        h2 = blk2(h2, k);
        half = -1;
      }
      len++;
    }
    if (half < 0) half = c;
    else {
      const k = half | (c << 16);
      h1 = blk1(h1, k);
      h2 = blk2(h2, k);
      half = -1;
    }
    len++;
  }
  if (half >= 0) {
    h1 = tail1(h1, half);
    h2 = tail2(h2, half);
  }
  finish(h1 ^ len, h2 ^ len, out);
  return true;
}

/** Mix two 32-bit words (a, b) into a seeded 64-bit state and finalise; shared by hashFloat64 and combine. */
function mix2(h1: number, h2: number, a: number, b: number, out: Uint32Array): Uint32Array {
  h1 = blk1(h1, a);
  h2 = blk2(h2, a);
  h1 = blk1(h1, b);
  h2 = blk2(h2, b);
  return finish(h1, h2, out);
}

/**
 * 64-bit hash of a double's bits, written to `out` as [hi, lo].
 * -0 hashes like 0, and every NaN hashes alike.
 */
export function hashFloat64(x: number, seed = 0, out: Uint32Array = HASH_OUT): Uint32Array {
  let lo: number;
  let hi: number;
  if (x === 0) {
    lo = 0;
    hi = 0;
  } else if (x !== x) {
    lo = 0;
    hi = 0x7ff80000;
  } else {
    F64[0] = x;
    lo = U32[LO_W]!;
    hi = U32[HI_W]!;
  }
  return mix2(seed ^ 0x2545f491, Math.imul(seed ^ 0x1b03738b, 0x1e3779b1) ^ 0x6c8e9cf5, lo, hi, out);
}

/** Start a row hash: writes the initial state for `seed` into `out` (default HASH_OUT) and returns it. */
export function rowHashInit(seed = 0, out: Uint32Array = HASH_OUT): Uint32Array {
  out[0] = Math.imul(seed ^ 0x5bd1e995, 0x1e3779b1) ^ 0x3c6ef372;
  out[1] = seed ^ 0x254ff53a;
  return out;
}

/**
 * Order-sensitive combiner: folds the 64-bit value (vHi, vLo) into the row hash held in `h`
 * (`[hi, lo]`, updated in place and returned). combine(combine(s, a), b) != combine(combine(s, b), a)
 * in general. Each step is fully finalised, so the state is a usable hash after any number of steps.
 */
export function combine(h: Uint32Array, vHi: number, vLo: number): Uint32Array {
  return mix2(h[1]! ^ vLo, h[0]!, vHi, vLo ^ 0x61c88647, h);
}
