/**
 * Top values with counts: exact while at most `cap` distinct values have been seen, then a
 * Misra-Gries summary (the batched, mergeable variant of Agarwal et al., "Mergeable summaries",
 * 2012) in the same entries. Values are looked up by a 64-bit key the caller gives (the profile
 * passes the cell hash it has already computed), so counting a repeated value hashes nothing.
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
 * Memory: per value held (at most `cap`): 16 bytes of count and key, 8 to 16 bytes of index, the
 * string and its slot. Amortised cost: a reduction sorts <= cap counts and frees >= cap / 2 entries.
 *
 * State: plain object of typed arrays and strings (structuredClone-safe). Merges mutate and return a.
 */

import { hashString } from './hash.js';
import { sortFloat64 } from './quantiles.js';
import { flat } from './strings.js';

export interface TopKState {
  /** Most entries held. */
  cap: number;
  /** Entries kept by a reduction: floor(cap / 2). */
  k: number;
  /** Entries held: entry e has value values[e], count counts[e] and 64-bit key (keys[2e], keys[2e + 1]). */
  size: number;
  values: string[];
  counts: Float64Array;
  keys: Uint32Array;
  /**
   * Open-addressing index over the entries (linear probing, load <= 0.5): slot -> entry + 1, 0 = empty.
   * Lookups compare 64-bit keys, not strings, so a repeated value costs no string hashing or comparison.
   */
  table: Int32Array;
  /** Total count added (N). */
  n: number;
  /** Total subtracted by reductions: the bound on each count's underestimate; 0 while exact. */
  dec: number;
}

export const TOPK_DEFAULT_CAP = 10_000;
/** Seed of the key hash `tkAdd` uses for values given as text alone. */
const TEXT_SEED = 0x746b;

export function tkNew(cap = TOPK_DEFAULT_CAP): TopKState {
  const c = Math.max(2, Math.floor(cap));
  return { cap: c, k: c >>> 1, size: 0, values: [], counts: new Float64Array(16), keys: new Uint32Array(32), table: new Int32Array(32), n: 0, dec: 0 };
}

function slotOf(hi: number, lo: number, mask: number): number {
  return (Math.imul(hi ^ Math.imul(lo, 0x85ebca6b), 0x9e3779b1) >>> 0) & mask;
}

/** Rebuild the index for the current entries, with room for at least `entries` of them at load <= 0.5. */
function reindex(s: TopKState, entries: number): void {
  let slots = s.table.length;
  while (slots < entries * 2) slots *= 2;
  const table = slots === s.table.length ? s.table.fill(0) : new Int32Array(slots);
  const mask = slots - 1;
  const keys = s.keys;
  for (let e = 0; e < s.size; e++) {
    let j = slotOf(keys[2 * e]!, keys[2 * e + 1]!, mask);
    while (table[j] !== 0) j = (j + 1) & mask;
    table[j] = e + 1;
  }
  s.table = table;
}

function reduce(s: TopKState): void {
  const n = s.size;
  const sorted = sortFloat64(s.counts.slice(0, n));
  // (k+1)-th largest.
  const cstar = sorted[n - 1 - s.k]!;
  const { values, counts, keys } = s;
  let m = 0;
  for (let e = 0; e < n; e++) {
    if (counts[e]! <= cstar) continue;
    values[m] = values[e]!;
    counts[m] = counts[e]! - cstar;
    keys[2 * m] = keys[2 * e]!;
    keys[2 * m + 1] = keys[2 * e + 1]!;
    m++;
  }
  values.length = m;
  s.size = m;
  s.dec += cstar;
  reindex(s, m);
}

/** The entry of key (hi, lo), or -1. */
export function tkFind(s: TopKState, hi: number, lo: number): number {
  const table = s.table;
  const keys = s.keys;
  const mask = table.length - 1;
  let j = slotOf(hi, lo, mask);
  for (;;) {
    const e = table[j]! - 1;
    if (e < 0) return -1;
    if (keys[2 * e] === hi && keys[2 * e + 1] === lo) return e;
    j = (j + 1) & mask;
  }
}

/** Add `count` (> 0) occurrences to entry e (from tkFind). */
export function tkBump(s: TopKState, e: number, count = 1): void {
  s.n += count;
  s.counts[e]! += count;
}

/**
 * Add `count` (> 0) occurrences of `value`, whose 64-bit key (hi, lo) tkFind did not find. Keys stand for
 * values one to one: equal values must have equal keys, and different values different keys (a 64-bit hash
 * of the value; a collision, about n^2 / 2^65 for n values, would add two values' counts together).
 */
export function tkInsert(s: TopKState, hi: number, lo: number, value: string, count = 1): void {
  s.n += count;
  insert(s, hi >>> 0, lo >>> 0, flat(value), count); // a new key lives on: it must not pin the reader's chunk string
  if (s.size > s.cap) reduce(s);
}

function insert(s: TopKState, hi: number, lo: number, value: string, count: number): void {
  const e = s.size++;
  if (e >= s.counts.length) {
    const counts = new Float64Array(s.counts.length * 2);
    counts.set(s.counts);
    s.counts = counts;
    const keys = new Uint32Array(s.keys.length * 2);
    keys.set(s.keys);
    s.keys = keys;
  }
  s.values.push(value);
  s.counts[e] = count;
  s.keys[2 * e] = hi;
  s.keys[2 * e + 1] = lo;
  if (s.size * 2 > s.table.length) reindex(s, s.size);
  else {
    const table = s.table;
    const mask = table.length - 1;
    let j = slotOf(hi, lo, mask);
    while (table[j] !== 0) j = (j + 1) & mask;
    table[j] = e + 1;
  }
}

/** Add `count` (default 1, must be > 0) occurrences of a value keyed by a hash of its text. */
export function tkAdd(s: TopKState, value: string, count = 1): void {
  const h = hashString(value, TEXT_SEED);
  const e = tkFind(s, h[0]!, h[1]!);
  if (e >= 0) tkBump(s, e, count);
  else tkInsert(s, h[0]!, h[1]!, value, count);
}

/** Merge b into a (a mutated and returned; b untouched): the sum of both, then at most one reduction. a's cap applies. */
export function tkMerge(a: TopKState, b: TopKState): TopKState {
  for (let e = 0; e < b.size; e++) {
    const hi = b.keys[2 * e]!;
    const lo = b.keys[2 * e + 1]!;
    const x = tkFind(a, hi, lo);
    if (x >= 0) a.counts[x]! += b.counts[e]!;
    else insert(a, hi, lo, b.values[e]!, b.counts[e]!);
  }
  a.n += b.n;
  a.dec += b.dec;
  if (a.size > a.cap) reduce(a);
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
  return s.size;
}

/** The n most frequent values, by count descending then value ascending (code-unit order). */
export function tkTop(s: TopKState, n: number): { value: string; count: number }[] {
  const out: { value: string; count: number }[] = [];
  for (let e = 0; e < s.size; e++) out.push({ value: s.values[e]!, count: s.counts[e]! });
  out.sort((x, y) => (y.count - x.count) || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
  if (out.length > n) out.length = Math.max(0, n);
  return out;
}
