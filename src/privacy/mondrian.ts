/**
 * Mondrian multidimensional k-anonymity (LeFevre, DeWitt, Ramakrishnan, "Mondrian Multidimensional
 * K-Anonymity", ICDE 2006), strict (non-overlapping) partitioning, for `dq clean`.
 *
 * mondrian(rows, qiIndexes, k):
 * - A quasi-identifier column is numeric when every value of it is a finite number (Number(trimmed), not
 *   empty); otherwise it is categorical (values compared as exact strings; a missing cell, null, counts as the
 *   empty string, which is a value like any other).
 * - Starting from the whole table, a partition is cut on the quasi-identifier with the widest normalised range
 *   (numeric: (max - min) / global range; categorical: (distinct - 1) / (global distinct - 1)), at the median:
 *   values are sorted (numbers numerically, categories by their text) and the partition is cut at the boundary
 *   between two different values nearest to the middle, provided both sides keep >= k rows; if no such boundary
 *   exists the next widest dimension is tried; a partition that no dimension can cut is an equivalence class.
 * - Generalisation of a class, per quasi-identifier: numeric `lo-hi` (the min and max of the class; the number
 *   itself when min = max); categorical: the value when the class has one, `*` when it has every value of the
 *   column, else the set of its values `{a,b,c}` (sorted, comma-separated). Other columns are unchanged.
 * - Suppression: every class has >= k rows by construction, so rows are suppressed only when the whole table
 *   has fewer than k rows (no class can reach k): then every row is suppressed. A suppressed row keeps its
 *   position in `rows` with its quasi-identifier cells set to null, and its index is listed in `suppressed`.
 * - informationLoss: the normalised certainty penalty (NCP, Xu et al. 2006) averaged over rows and
 *   quasi-identifiers, in [0, 1]: numeric (hi - lo) / (global max - global min) (0 when the column is constant),
 *   categorical (values in the class - 1) / (distinct values in the column - 1) (0 for a constant column; `*` is 1),
 *   a suppressed cell 1. 0 = nothing generalised, 1 = everything fully generalised or suppressed.
 *
 * Cost: O(n log^2 n) time (a sort per partition per level), O(n) extra memory; iterative (no recursion limit).
 */

export interface MondrianResult {
  rows: (string | null)[][];
  suppressed: number[];
  informationLoss: number;
  /** Number of equivalence classes (partitions) produced. */
  classes: number;
}

interface Dim {
  col: number;
  numeric: boolean;
  /** numeric: the values; categorical: category rank (by text). */
  val: Float64Array;
  /** categorical: the sorted distinct values */
  cats: string[];
  range: number;
  distinct: number;
}

function isNumeric(s: string): boolean {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t));
}

function fmt(x: number): string {
  return String(x);
}

export function mondrian(rows: readonly (readonly (string | null)[])[], qiIndexes: number[], k: number): MondrianResult {
  if (!Number.isInteger(k) || k < 1) throw new Error(`mondrian: k must be a positive integer (got ${k})`);
  const n = rows.length;
  const out: (string | null)[][] = rows.map((r) => r.slice());
  if (n === 0 || qiIndexes.length === 0) return { rows: out, suppressed: [], informationLoss: 0, classes: n ? 1 : 0 };
  if (n < k) {
    for (const r of out) for (const q of qiIndexes) r[q] = null;
    return { rows: out, suppressed: rows.map((_, i) => i), informationLoss: 1, classes: 0 };
  }

  const dims: Dim[] = qiIndexes.map((col) => {
    const numeric = rows.every((r) => isNumeric(r[col] ?? ''));
    const val = new Float64Array(n);
    if (numeric) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = Number(rows[i]![col]!.trim());
        val[i] = v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      return { col, numeric, val, cats: [], range: hi - lo, distinct: 0 };
    }
    const cats = [...new Set(rows.map((r) => r[col] ?? ''))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rank = new Map(cats.map((c, i) => [c, i]));
    for (let i = 0; i < n; i++) val[i] = rank.get(rows[i]![col] ?? '')!;
    return { col, numeric, val, cats, range: cats.length - 1, distinct: cats.length };
  });

  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  // partitions as [start, end) ranges of idx
  const stack: [number, number][] = [[0, n]];
  let loss = 0;
  let classes = 0;
  const nd = dims.length;
  const lo = new Float64Array(nd);
  const hi = new Float64Array(nd);

  while (stack.length) {
    const [s, e] = stack.pop()!;
    const size = e - s;
    // spans
    for (let d = 0; d < nd; d++) {
      let a = Infinity;
      let b = -Infinity;
      const val = dims[d]!.val;
      for (let p = s; p < e; p++) {
        const v = val[idx[p]!]!;
        if (v < a) a = v;
        if (v > b) b = v;
      }
      lo[d] = a;
      hi[d] = b;
    }
    let cut = -1;
    if (size >= 2 * k) {
      const order = [...Array(nd).keys()]
        .map((d) => ({ d, w: dims[d]!.range > 0 ? (hi[d]! - lo[d]!) / dims[d]!.range : 0 }))
        .filter((x) => x.w > 0)
        .sort((x, y) => y.w - x.w || x.d - y.d);
      for (const { d } of order) {
        const val = dims[d]!.val;
        const part = Array.from(idx.subarray(s, e)).sort((x, y) => val[x]! - val[y]! || x - y);
        const mid = size >> 1;
        // boundary positions i (1..size-1) with val[i-1] < val[i], both sides >= k, nearest to mid
        let best = -1;
        for (let off = 0; off <= size; off++) {
          for (const i of off === 0 ? [mid] : [mid - off, mid + off]) {
            if (i < k || size - i < k) continue;
            if (val[part[i - 1]!]! < val[part[i]!]!) {
              best = i;
              break;
            }
          }
          if (best >= 0 || (mid - off < k && mid + off > size - k)) break;
        }
        if (best >= 0) {
          idx.set(part, s);
          cut = s + best;
          break;
        }
      }
    }
    if (cut >= 0) {
      stack.push([cut, e], [s, cut]);
      continue;
    }
    // an equivalence class: generalise
    classes++;
    for (let d = 0; d < nd; d++) {
      const dim = dims[d]!;
      let text: string;
      let ncp: number;
      if (dim.numeric) {
        text = lo[d] === hi[d] ? fmt(lo[d]!) : `${fmt(lo[d]!)}-${fmt(hi[d]!)}`;
        ncp = dim.range > 0 ? (hi[d]! - lo[d]!) / dim.range : 0;
      } else {
        const present = new Set<number>();
        for (let p = s; p < e; p++) present.add(dim.val[idx[p]!]!);
        const m = present.size;
        if (m === 1) text = dim.cats[lo[d]!]!;
        else if (m === dim.distinct) text = '*';
        else text = `{${[...present].sort((x, y) => x - y).map((r) => dim.cats[r]).join(',')}}`;
        ncp = dim.distinct > 1 ? (m - 1) / (dim.distinct - 1) : 0;
      }
      loss += ncp * size;
      for (let p = s; p < e; p++) out[idx[p]!]![dim.col] = text;
    }
  }
  return { rows: out, suppressed: [], informationLoss: loss / (n * nd), classes };
}
