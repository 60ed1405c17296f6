/**
 * Quantiles: an exact value store with a byte budget that turns into a KLL sketch when the budget
 * is exceeded, plus exact helpers on sorted arrays (countOutside, median, mad).
 *
 * Exact regime: values are appended to chunked Float64Arrays (chunks grow 1 Ki -> 64 Ki values,
 * never more than the budget allows), 8 bytes per value plus at most one partly filled chunk.
 * qsFinalize sorts them once; quantile(p) is numpy's default ("linear", type 7):
 *   h = (n - 1) p, lo = floor(h), g = h - lo, q = lerp(s[lo], s[lo + 1], g)
 * with numpy's lerp (a + (b - a) g for g < 0.5, b - (b - a)(1 - g) otherwise), so results are
 * bit-identical to numpy.quantile / pandas.Series.quantile.
 *
 * Sketch regime (more than floor(budget / 8) values): every value goes into a KLL sketch
 * (Karnin, Lang & Liberty 2016; lazy compaction with capacities k (2/3)^depth, min width 8, as in
 * Apache DataSketches) with k = KLL_K = 1024 and a seeded deterministic PRNG, so the same input
 * in the same order (and the same merge tree) gives the same answer. quantile(p) then returns a
 * stream value whose normalised rank is within KLL_EPSILON = 0.5% of p with >= 99% confidence
 * per query (min and max are exact). The sketch keeps about 3k values (~25 KB) whatever n is.
 *
 * NaN values are ignored and -0 is stored as +0. States are plain objects of numbers and typed arrays (structuredClone-safe).
 * Merges mutate and return their first argument and never modify the second.
 */

/** KLL accuracy parameter. */
export const KLL_K = 1024;
/** Documented normalised rank error of the sketch (99% confidence per query) for KLL_K. */
export const KLL_EPSILON = 0.005;
const KLL_MIN_WIDTH = 8;

// ---------------------------------------------------------------------------------------------
// Sorting (the engine's TypedArray sort is slow: ~100-300 ns per value on Node 20)

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

/** Quicksort of a[lo..hi] (inclusive): median of three, Hoare partition (balanced on ties). */
function quickSort(a: Float64Array, lo: number, hi: number): void {
  while (hi - lo > 24) {
    const mid = (lo + hi) >>> 1;
    let x = a[lo]!;
    let y = a[mid]!;
    let z = a[hi]!;
    if (x > y) [x, y] = [y, x];
    if (y > z) {
      y = z;
      if (x > y) y = x;
    }
    const pivot = y;
    let i = lo - 1;
    let j = hi + 1;
    for (;;) {
      do i++;
      while (a[i]! < pivot);
      do j--;
      while (a[j]! > pivot);
      if (i >= j) break;
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    // Recurse into the smaller side, loop on the larger (O(log n) stack).
    if (j - lo < hi - j - 1) {
      quickSort(a, lo, j);
      lo = j + 1;
    } else {
      quickSort(a, j + 1, hi);
      hi = j;
    }
  }
  insertionSort(a, lo, hi);
}

/**
 * LSD radix sort of NaN-free doubles on their bits mapped to unsigned order (6 passes of 11/11/10
 * bits per word; passes where every value has the same digit are skipped). -0 sorts before +0.
 */
function radixSort(a: Float64Array): void {
  const n = a.length;
  let src: Uint32Array = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  let dst: Uint32Array = new Uint32Array(2 * n);
  const out = src;
  for (let i = 0; i < 2 * n; i += 2) {
    const hi = src[i + 1]!;
    if (hi & 0x80000000) {
      src[i] = ~src[i]!;
      src[i + 1] = ~hi;
    } else src[i + 1] = hi | 0x80000000;
  }
  const counts = new Uint32Array(6 * 2048);
  for (let i = 0; i < 2 * n; i += 2) {
    const lo = src[i]!;
    const hi = src[i + 1]!;
    counts[lo & 2047]!++;
    counts[2048 + ((lo >>> 11) & 2047)]!++;
    counts[4096 + (lo >>> 22)]!++;
    counts[6144 + (hi & 2047)]!++;
    counts[8192 + ((hi >>> 11) & 2047)]!++;
    counts[10240 + (hi >>> 22)]!++;
  }
  const shifts = [0, 11, 22, 0, 11, 22];
  for (let p = 0; p < 6; p++) {
    const base = p * 2048;
    let trivial = false;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[base + d]!;
      if (c === n) trivial = true;
      counts[base + d] = sum;
      sum += c;
    }
    if (trivial) continue;
    const shift = shifts[p]!;
    const w = p < 3 ? 0 : 1;
    for (let i = 0; i < 2 * n; i += 2) {
      const d = (src[i + w]! >>> shift) & 2047;
      const j = counts[base + d]!++ << 1;
      dst[j] = src[i]!;
      dst[j + 1] = src[i + 1]!;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < 2 * n; i += 2) {
    const hi = src[i + 1]!;
    if (hi & 0x80000000) {
      out[i] = src[i]!;
      out[i + 1] = hi & 0x7fffffff;
    } else {
      out[i] = ~src[i]!;
      out[i + 1] = ~hi;
    }
  }
}

/**
 * Sort NaN-free doubles ascending in place and return the array (insertion sort, quicksort, or
 * radix sort from 4096 values on; about 10x faster than Float64Array.prototype.sort on Node 20).
 * -0 and +0 compare equal: their relative order is unspecified (the quantile store stores +0).
 */
export function sortFloat64(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < 4096 || !LITTLE_ENDIAN) quickSort(a, 0, n - 1);
  else radixSort(a);
  return a;
}

// ---------------------------------------------------------------------------------------------
// KLL sketch

export interface KllState {
  k: number;
  /** Total weight (number of values added). */
  n: number;
  /** Compactors: levels[h] holds values of weight 2^h in [0, sizes[h]). */
  levels: Float64Array[];
  sizes: number[];
  /** Values retained in all levels. */
  retained: number;
  /** Capacity of each level for the current number of levels. */
  caps: number[];
  /** Sum of level capacities. */
  capacity: number;
  min: number;
  max: number;
  /** xorshift32 state (never 0). */
  rng: number;
}

function levelCapacity(k: number, numLevels: number, h: number): number {
  const depth = numLevels - h - 1;
  return Math.max(KLL_MIN_WIDTH, Math.ceil(k * Math.pow(2 / 3, depth)));
}

export function kllNew(k = KLL_K, seed = 0x9e3779b9): KllState {
  const cap0 = levelCapacity(k, 1, 0);
  return {
    k,
    n: 0,
    levels: [new Float64Array(cap0 + 1)],
    sizes: [0],
    retained: 0,
    caps: [cap0],
    capacity: cap0,
    min: Infinity,
    max: -Infinity,
    rng: (seed >>> 0) || 1,
  };
}

function pushLevel(s: KllState, h: number, x: number): void {
  let buf = s.levels[h]!;
  const n = s.sizes[h]!;
  if (n === buf.length) {
    const nb = new Float64Array(buf.length * 2);
    nb.set(buf);
    s.levels[h] = buf = nb;
  }
  buf[n] = x;
  s.sizes[h] = n + 1;
}

function randomBit(s: KllState): number {
  let x = s.rng;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  s.rng = x >>> 0 || 1;
  return (x >>> 16) & 1;
}

/** Level capacities for the current number of levels, cached in s.caps. */
function updateCaps(s: KllState): void {
  const L = s.levels.length;
  const caps = new Array<number>(L);
  let total = 0;
  for (let h = 0; h < L; h++) total += caps[h] = levelCapacity(s.k, L, h);
  s.caps = caps;
  s.capacity = total;
}

/**
 * Merge the ascending run src[0..len) into level h (h >= 1, kept ascending), from the back so that
 * no temporary is needed beyond a possible growth of the level's buffer.
 */
function mergeIntoLevel(s: KllState, h: number, src: Float64Array, len: number): void {
  let dst = s.levels[h]!;
  const m = s.sizes[h]!;
  if (m + len > dst.length) {
    const nb = new Float64Array(Math.max(dst.length * 2, m + len));
    nb.set(dst.subarray(0, m));
    s.levels[h] = dst = nb;
  }
  let i = m - 1;
  let j = len - 1;
  let w = m + len - 1;
  while (j >= 0) {
    if (i >= 0 && dst[i]! > src[j]!) dst[w--] = dst[i--]!;
    else dst[w--] = src[j--]!;
  }
  s.sizes[h] = m + len;
}

/**
 * Compact the lowest level at or over its capacity (adding a level when it is the top one):
 * sort it (level 0 only; higher levels are kept sorted), promote every other value starting at a
 * random offset to the next level (merged in order), and keep one value back when the count is odd.
 */
function compactOnce(s: KllState): void {
  const numLevels = s.levels.length;
  let h = 0;
  while (h < numLevels - 1 && s.sizes[h]! < s.caps[h]!) h++;
  if (h === numLevels - 1) {
    s.levels.push(new Float64Array(Math.max(16, s.sizes[h]! >>> 1)));
    s.sizes.push(0);
    updateCaps(s);
  }
  let buf = s.levels[h]!;
  const size = s.sizes[h]!;
  const even = size & ~1;
  let keep = NaN;
  let base = 0;
  if (h === 0) {
    // Level 0 is unsorted: hold back its last value (value-independent), sort the rest.
    if (even < size) keep = buf[size - 1]!;
    quickSort(buf, 0, even - 1);
  } else if (even < size) {
    // Sorted level: hold back its smallest or its largest value, at random.
    if (randomBit(s)) {
      keep = buf[0]!;
      base = 1;
    } else keep = buf[size - 1]!;
  }
  const off = base + randomBit(s);
  const add = even >>> 1;
  for (let i = 0; i < add; i++) buf[i] = buf[off + 2 * i]!;
  mergeIntoLevel(s, h + 1, buf, add);
  // Release buffers that grew far past what this level can now hold.
  const want = 2 * s.caps[h]! + 2;
  if (buf.length > 2 * want) s.levels[h] = buf = new Float64Array(want);
  const left = size - even;
  if (left) buf[0] = keep;
  s.sizes[h] = left;
  s.retained -= add;
}

export function kllAdd(s: KllState, x: number): void {
  if (x !== x) return;
  if (x < s.min) s.min = x;
  if (x > s.max) s.max = x;
  s.n++;
  const buf = s.levels[0]!;
  const n0 = s.sizes[0]!;
  if (n0 < buf.length) {
    buf[n0] = x;
    s.sizes[0] = n0 + 1;
  } else pushLevel(s, 0, x);
  if (++s.retained >= s.capacity) {
    while (s.retained >= s.capacity) compactOnce(s);
  }
}

/** Merge b into a (a mutated and returned; b untouched). Both must have the same k. */
export function kllMerge(a: KllState, b: KllState): KllState {
  if (a.k !== b.k) throw new Error(`kllMerge: different k (${a.k} vs ${b.k})`);
  if (b.n === 0) return a;
  while (a.levels.length < b.levels.length) {
    a.levels.push(new Float64Array(16));
    a.sizes.push(0);
  }
  for (let h = 0; h < b.levels.length; h++) {
    const src = b.levels[h]!;
    const nb = b.sizes[h]!;
    if (h === 0) for (let i = 0; i < nb; i++) pushLevel(a, 0, src[i]!);
    else mergeIntoLevel(a, h, src, nb);
    a.retained += nb;
  }
  a.n += b.n;
  if (b.min < a.min) a.min = b.min;
  if (b.max > a.max) a.max = b.max;
  a.rng = (a.rng ^ Math.imul(b.rng, 0x9e3779b1)) >>> 0 || 1;
  updateCaps(a);
  while (a.retained >= a.capacity) compactOnce(a);
  return a;
}

/** A deep copy (used so that merges never alias b's buffers). */
export function kllClone(s: KllState): KllState {
  return {
    ...s,
    levels: s.levels.map((l, h) => l.slice(0, Math.max(16, s.sizes[h]!))),
    sizes: s.sizes.slice(),
    caps: s.caps.slice(),
  };
}

export interface KllSorted {
  /** Retained values, ascending. */
  values: Float64Array;
  /** cum[i] = total weight of values[0..i]. */
  cum: Float64Array;
}

/** The retained values sorted with cumulative weights (levels merged pairwise, no engine sort). */
export function kllSorted(s: KllState): KllSorted {
  const total = s.retained;
  let vals = new Float64Array(total);
  let wts = new Float64Array(total);
  let tv = new Float64Array(total);
  let tw = new Float64Array(total);
  let len = 0;
  for (let h = 0; h < s.levels.length; h++) {
    const m = s.sizes[h]!;
    if (m === 0) continue;
    let run = s.levels[h]!.subarray(0, m);
    if (h === 0) run = sortFloat64(run.slice());
    const w = Math.pow(2, h);
    // Merge (vals, wts)[0..len) with run (weight w) into (tv, tw).
    let i = 0;
    let j = 0;
    let o = 0;
    while (i < len && j < m) {
      if (vals[i]! <= run[j]!) {
        tv[o] = vals[i]!;
        tw[o++] = wts[i++]!;
      } else {
        tv[o] = run[j++]!;
        tw[o++] = w;
      }
    }
    while (i < len) {
      tv[o] = vals[i]!;
      tw[o++] = wts[i++]!;
    }
    while (j < m) {
      tv[o] = run[j++]!;
      tw[o++] = w;
    }
    len = o;
    [vals, tv] = [tv, vals];
    [wts, tw] = [tw, wts];
  }
  const cum = wts;
  let c = 0;
  for (let i = 0; i < len; i++) cum[i] = c += cum[i]!;
  return { values: vals, cum };
}

/**
 * Approximate quantile from a sorted sketch: the retained value at weighted 0-based position
 * floor((n - 1) p) (the order statistic numpy's linear method starts from); exact min for p <= 0
 * and max for p >= 1. NaN when empty.
 */
export function kllQuantile(s: KllState, sorted: KllSorted, p: number): number {
  if (s.n === 0 || p !== p) return NaN;
  if (p <= 0) return s.min;
  if (p >= 1) return s.max;
  const target = Math.floor((s.n - 1) * p);
  const cum = sorted.cum;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return sorted.values[lo]!;
}

// ---------------------------------------------------------------------------------------------
// Exact store with budget

export interface QuantileState {
  /** Byte budget of the exact store. */
  budget: number;
  /** floor(budget / 8): the most values kept exactly. */
  maxValues: number;
  /** Exact values, in chunks; all full but the last, which holds `fill`. Empty once sketched. */
  chunks: Float64Array[];
  fill: number;
  /** Values added (exact and sketched alike). */
  n: number;
  /** Allocated chunk capacity, in values. */
  allocated: number;
  /** Null while exact. */
  kll: KllState | null;
  seed: number;
}

const FIRST_CHUNK = 1024;
const MAX_CHUNK = 65536;

/** A new store keeping up to floor(budgetBytes / 8) values exactly. `seed` seeds the sketch's PRNG. */
export function qsNew(budgetBytes: number, seed = 0x9e3779b9): QuantileState {
  return {
    budget: budgetBytes,
    maxValues: Math.max(0, Math.floor(budgetBytes / 8)),
    chunks: [],
    fill: 0,
    n: 0,
    allocated: 0,
    kll: null,
    seed,
  };
}

function toSketch(s: QuantileState): KllState {
  const kll = kllNew(KLL_K, s.seed);
  const chunks = s.chunks;
  for (let c = 0; c < chunks.length; c++) {
    const ch = chunks[c]!;
    const m = c === chunks.length - 1 ? s.fill : ch.length;
    for (let i = 0; i < m; i++) kllAdd(kll, ch[i]!);
  }
  s.chunks = [];
  s.fill = 0;
  s.allocated = 0;
  s.kll = kll;
  return kll;
}

/** Room for one more value in the exact store; false when the budget is exhausted. */
function newChunk(s: QuantileState): boolean {
  const room = s.maxValues - s.allocated;
  if (room <= 0) return false;
  const last = s.chunks.length ? s.chunks[s.chunks.length - 1]!.length : FIRST_CHUNK / 2;
  const size = Math.min(room, MAX_CHUNK, last * 2);
  s.chunks.push(new Float64Array(size));
  s.allocated += size;
  s.fill = 0;
  return true;
}

/** Add one value (NaN ignored). */
export function qsAdd(s: QuantileState, x: number): void {
  if (x !== x) return;
  x += 0; // -0 -> +0, so that results never depend on how -0 and +0 were ordered
  s.n++;
  const kll = s.kll;
  if (kll !== null) {
    kllAdd(kll, x);
    return;
  }
  const chunks = s.chunks;
  let ch = chunks[chunks.length - 1];
  if (ch === undefined || s.fill === ch.length) {
    if (!newChunk(s)) {
      kllAdd(toSketch(s), x);
      return;
    }
    ch = chunks[chunks.length - 1]!;
  }
  ch[s.fill++] = x;
}

/** Add values[start..end) where mask is null or mask[i] !== 0 (NaN ignored). */
export function qsAddArray(
  s: QuantileState,
  values: Float64Array,
  mask: Uint8Array | null = null,
  start = 0,
  end: number = values.length,
): void {
  for (let i = start; i < end; i++) {
    if (mask !== null && mask[i] === 0) continue;
    qsAdd(s, values[i]!);
  }
}

/** True once the store has switched to the sketch. */
export function qsApproximate(s: QuantileState): boolean {
  return s.kll !== null;
}

/** Bytes held (exact chunks, or the sketch's buffers). */
export function qsBytes(s: QuantileState): number {
  if (s.kll) return s.kll.levels.reduce((a, l) => a + l.byteLength, 0);
  return s.allocated * 8;
}

/** Merge b into a (a mutated and returned; b untouched). a's budget applies to the result. */
export function qsMerge(a: QuantileState, b: QuantileState): QuantileState {
  if (b.n === 0) return a;
  if (b.kll !== null) {
    const bk = kllClone(b.kll);
    if (a.kll === null) {
      // Sketch a's exact values into a copy of b's sketch, keeping a's values first in spirit:
      // the order of insertion does not affect the error bound.
      const ak = toSketch(a);
      a.kll = kllMerge(ak, bk);
    } else a.kll = kllMerge(a.kll, bk);
    a.n += b.n;
    return a;
  }
  // b exact: append its values (a's budget decides whether a switches to the sketch on the way).
  const n = a.n;
  for (let c = 0; c < b.chunks.length; c++) {
    const ch = b.chunks[c]!;
    const m = c === b.chunks.length - 1 ? b.fill : ch.length;
    for (let i = 0; i < m; i++) qsAdd(a, ch[i]!);
  }
  a.n = n + b.n;
  return a;
}

export interface QuantileResult {
  /** Number of values. */
  n: number;
  /** All values ascending (exact regime), or null (sketch). */
  sorted: Float64Array | null;
  approximate: boolean;
  /** Normalised rank error bound: 0 when exact, KLL_EPSILON when sketched. */
  rankError: number;
  min: number;
  max: number;
  /** numpy linear quantile (exact) or the sketch's rank-p value; NaN when empty. */
  quantile(p: number): number;
}

/** Sort (exact) or summarise (sketch). The state may be added to afterwards; finalize again then. */
export function qsFinalize(s: QuantileState): QuantileResult {
  if (s.kll !== null) {
    const kll = s.kll;
    const sorted = kllSorted(kll);
    return {
      n: kll.n,
      sorted: null,
      approximate: true,
      rankError: KLL_EPSILON,
      min: kll.n ? kll.min : NaN,
      max: kll.n ? kll.max : NaN,
      quantile: (p: number) => kllQuantile(kll, sorted, p),
    };
  }
  const all = new Float64Array(s.n);
  let off = 0;
  for (let c = 0; c < s.chunks.length; c++) {
    const ch = s.chunks[c]!;
    const m = c === s.chunks.length - 1 ? s.fill : ch.length;
    all.set(m === ch.length ? ch : ch.subarray(0, m), off);
    off += m;
  }
  sortFloat64(all);
  return {
    n: all.length,
    sorted: all,
    approximate: false,
    rankError: 0,
    min: all.length ? all[0]! : NaN,
    max: all.length ? all[all.length - 1]! : NaN,
    quantile: (p: number) => quantileSorted(all, p),
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers on an exact ascending array

/** numpy.quantile(sorted, p) with the default linear method; NaN for an empty array. */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0 || p !== p) return NaN;
  const h = (n - 1) * p;
  if (h <= 0) return sorted[0]!;
  if (h >= n - 1) return sorted[n - 1]!;
  const lo = Math.floor(h);
  const g = h - lo;
  const a = sorted[lo]!;
  const b = sorted[lo + 1]!;
  const d = b - a;
  return g >= 0.5 ? b - d * (1 - g) : a + d * g;
}

/** First index i with sorted[i] >= x (n when none). */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with sorted[i] > x (n when none). */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Number of values strictly below lo or strictly above hi (two binary searches).
 * A NaN bound counts nothing on its side (e.g. a z-score fence when std is NaN).
 */
export function countOutside(sorted: Float64Array, lo: number, hi: number): number {
  const below = lo === lo ? lowerBound(sorted, lo) : 0;
  const above = hi === hi ? sorted.length - upperBound(sorted, hi) : 0;
  return below + above;
}

/** numpy.median: the middle value, or the mean (a + b) / 2 of the two middle ones; NaN when empty. */
export function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const m = n >>> 1;
  if (n & 1) return sorted[m]!;
  return (sorted[m - 1]! + sorted[m]!) / 2;
}

/**
 * Unscaled median absolute deviation: median(|x - med|) (scipy.stats.median_abs_deviation with
 * scale=1), exact, O(n) time and no allocation: the deviations left of `med` read leftwards and
 * those right of it read rightwards are two ascending runs, merged up to the middle.
 */
export function mad(sorted: Float64Array, med: number): number {
  const n = sorted.length;
  if (n === 0 || med !== med) return NaN;
  const split = lowerBound(sorted, med);
  let i = split - 1; // left run: med - sorted[i], i decreasing
  let j = split; // right run: sorted[j] - med, j increasing
  const want = n >>> 1; // 0-based index of the upper middle deviation
  let prev = NaN;
  let cur = NaN;
  for (let r = 0; r <= want; r++) {
    const dl = i >= 0 ? med - sorted[i]! : Infinity;
    const dr = j < n ? sorted[j]! - med : Infinity;
    prev = cur;
    if (dl <= dr) {
      cur = dl;
      i--;
    } else {
      cur = dr;
      j++;
    }
  }
  if (n & 1) return cur;
  return (prev + cur) / 2;
}
