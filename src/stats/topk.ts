/**
 * Top values with counts: an exact Map<string, number> while at most `cap` distinct values have
 * been seen, then a Misra-Gries summary (the batched, mergeable variant of Agarwal et al.,
 * "Mergeable summaries", 2012) living in the same Map.
 *
 * When the map would exceed `cap` entries, the (k+1)-th largest count c* (k = floor(cap / 2)) is
 * subtracted from every entry and entries at or below zero are dropped, leaving at most k. The
 * total subtracted, `dec`, is tracked. For every value v with true count f(v) and reported count
 * c(v) (0 when not reported):
 *
 *     c(v) <= f(v) <= c(v) + dec,   dec <= (N - sum of reported counts) / (k + 1) <= N / (k + 1)
 *
 * so every reported count is at most N / (k + 1) too low and never too high (N = total count).
 * Merges (sum the maps, then one reduction) keep the same bound over the combined N. While no
 * reduction has happened (dec = 0) every count is exact and merges are exact.
 *
 * Memory: one Map entry per value held (at most `cap`): roughly 60-100 bytes (the count lives in a one-slot array) plus the string.
 * Amortised cost: a reduction sorts <= cap counts and frees >= cap / 2 entries.
 *
 * State: plain object holding a Map (structuredClone-safe). Merges mutate and return a.
 */

import { sortFloat64 } from './quantiles.js';
import { flat } from './strings.js';

export interface TopKState {
  /** Most entries held. */
  cap: number;
  /** Entries kept by a reduction: floor(cap / 2). */
  k: number;
  /** Value -> count, in a one-slot array so an update is one lookup (get) instead of two (get + set). */
  map: Map<string, [number]>;
  /** Total count added (N). */
  n: number;
  /** Total subtracted by reductions: the bound on each count's underestimate; 0 while exact. */
  dec: number;
}

export const TOPK_DEFAULT_CAP = 10_000;

export function tkNew(cap = TOPK_DEFAULT_CAP): TopKState {
  const c = Math.max(2, Math.floor(cap));
  return { cap: c, k: c >>> 1, map: new Map(), n: 0, dec: 0 };
}

function reduce(s: TopKState): void {
  const m = s.map;
  const counts = new Float64Array(m.size);
  let i = 0;
  for (const c of m.values()) counts[i++] = c[0];
  sortFloat64(counts);
  // (k+1)-th largest.
  const cstar = counts[counts.length - 1 - s.k]!;
  for (const [v, c] of m) {
    if (c[0] <= cstar) m.delete(v);
    else c[0] -= cstar;
  }
  s.dec += cstar;
}

/** Add `count` (default 1, must be > 0) occurrences of value. */
export function tkAdd(s: TopKState, value: string, count = 1): void {
  s.n += count;
  const m = s.map;
  const c = m.get(value);
  if (c !== undefined) {
    c[0] += count;
    return;
  }
  m.set(flat(value), [count]); // a new key lives on: it must not pin the reader's chunk string
  if (m.size > s.cap) reduce(s);
}

/** Merge b into a (a mutated and returned; b untouched). a's cap applies. */
export function tkMerge(a: TopKState, b: TopKState): TopKState {
  const m = a.map;
  for (const [v, c] of b.map) {
    const x = m.get(v);
    if (x !== undefined) x[0] += c[0];
    else m.set(v, [c[0]]);
  }
  a.n += b.n;
  a.dec += b.dec;
  if (m.size > a.cap) reduce(a);
  return a;
}

/** True once counts are no longer exact. */
export function tkApproximate(s: TopKState): boolean {
  return s.dec > 0;
}

/** Largest possible underestimate of any reported count (0 when exact); <= N / (k + 1). */
export function tkErrorBound(s: TopKState): number {
  return s.dec;
}

/** Distinct values held (the exact distinct count while not approximate). */
export function tkSize(s: TopKState): number {
  return s.map.size;
}

/** The n most frequent values, by count descending then value ascending (code-unit order). */
export function tkTop(s: TopKState, n: number): { value: string; count: number }[] {
  const out: { value: string; count: number }[] = [];
  for (const [value, count] of s.map) out.push({ value, count: count[0] });
  out.sort((x, y) => (y.count - x.count) || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
  if (out.length > n) out.length = Math.max(0, n);
  return out;
}
