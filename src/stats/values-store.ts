/**
 * Numeric values of one column in arrival (row) order, NaN where a row has no number.
 * Kept exactly while they fit the column's byte budget, so quantiles, outlier counts and the
 * rows of the first outliers are exact; beyond the budget the caller switches to a sketch.
 *
 * Memory: 8 bytes per row once the column has shown a number (chunks of 64k rows, no copying on growth).
 * State is plain data (survives structuredClone); `start` is the 1-based row of slot 0, so states of
 * consecutive row ranges merge by concatenation in row order.
 */
import { median, quantileSorted as quantileOf, sortFloat64 } from './quantiles.js';

export const CHUNK = 1 << 16;

export interface ValuesStore {
  start: number;
  length: number;
  chunks: Float64Array[];
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
    const chunk = s.chunks[s.chunks.length - 1]!;
    const take = Math.min(CHUNK - off, n - i);
    chunk.set(src.subarray(from + i, from + i + take), off);
    s.length += take;
    i += take;
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
  return s.chunks[(i / CHUNK) | 0]![i % CHUNK]!;
}

/** Concatenate b after a (b must start where a ends, after padding a). */
export function vsConcat(a: ValuesStore, b: ValuesStore): ValuesStore {
  const [first, second] = a.start <= b.start ? [a, b] : [b, a];
  const gap = second.start - (first.start + first.length);
  if (gap > 0) vsPad(first, gap);
  for (let c = 0; c < second.chunks.length; c++) {
    const n = Math.min(CHUNK, second.length - c * CHUNK);
    if (n <= 0) break;
    vsAppend(first, second.chunks[c]!, 0, n);
  }
  return first;
}

/** The non-NaN values, sorted ascending (a new array). */
export function vsSorted(s: ValuesStore): Float64Array {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (vsGet(s, i) === vsGet(s, i)) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let c = 0; c < s.chunks.length; c++) {
    const ch = s.chunks[c]!;
    const m = Math.min(CHUNK, s.length - c * CHUNK);
    for (let i = 0; i < m; i++) {
      const v = ch[i]!;
      if (v === v) out[k++] = v;
    }
  }
  sortFloat64(out);
  return out;
}

/** Iterate (row, value) over non-NaN values in row order; stop when fn returns false. */
export function vsEach(s: ValuesStore, fn: (row: number, v: number) => boolean | void): void {
  for (let c = 0; c < s.chunks.length; c++) {
    const ch = s.chunks[c]!;
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
