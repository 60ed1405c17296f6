/**
 * A numeric column whose non-numeric values come first (a run of 'ERR' or '-' before the numbers) has exact quantiles
 * like any numeric column within the budget: the profile used to give up its numbers after 1,000 values when most
 * of them were text, and reported p25/median/p75 null (and no outlier counts) for a column typed float, on one
 * thread; on two, whenever the second part happened to start with such a run.
 */
import { describe, expect, it } from 'vitest';
import type { AuditOptions, Batch, Cell } from '../../src/core/types.js';
import { finalizeProfile, initProfile, mergeProfile, updateProfile, type ProfileState } from '../../src/checks/profile.js';
import { quantileSorted } from '../../src/stats/quantiles.js';
import { viewBatch } from '../../src/schema/values.js';
import { auditOptions, parseOpts } from './helpers-ct.js';

const BATCH = 4096; // the readers' batch size

/** The column's profile, read in batches, in parts split at the given rows and merged. */
function profileOf(cells: Cell[], o: AuditOptions, cuts: number[] = []) {
  const parts: ProfileState[] = [];
  let state = initProfile(o);
  const starts = [...new Set([0, ...cuts])].sort((a, b) => a - b);
  for (let p = 0; p < starts.length; p++) {
    if (p > 0) {
      parts.push(state);
      state = initProfile(o);
    }
    const end = p + 1 < starts.length ? starts[p + 1]! : cells.length;
    for (let at = starts[p]!; at < end; at += BATCH) {
      const chunk = cells.slice(at, Math.min(end, at + BATCH));
      const b: Batch = { columns: ['x'], data: [chunk], length: chunk.length, firstRow: at + 1, lines: null };
      updateProfile(state, viewBatch(b, parseOpts()));
    }
  }
  parts.push(state);
  const merged = parts.reduce((a, b) => mergeProfile(a, b));
  return finalizeProfile(merged, cells.length, o, ['x']).profiles[0]!;
}

/** pandas: pd.to_numeric(col, errors='coerce').describe() with numpy's linear quantiles. */
function reference(cells: Cell[]) {
  const xs = Float64Array.from(cells.filter((c) => typeof c === 'string' && /^-?\d+(\.\d+)?$/.test(c)).map(Number)).sort();
  return { n: xs.length, p25: quantileSorted(xs, 0.25), median: quantileSorted(xs, 0.5), p75: quantileSorted(xs, 0.75) };
}

describe('numeric columns whose text comes first', () => {
  const numbers = (n: number) => Array.from({ length: n }, (_, i) => String(((i * 7919) % 1000) / 10));
  const cases: { name: string; cells: Cell[]; o?: Partial<AuditOptions> }[] = [
    { name: '2,100 ERR then 57,900 numbers', cells: [...Array(2100).fill('ERR'), ...numbers(57_900)] },
    { name: '3,000 dashes then 80,000 numbers', cells: [...Array(3000).fill('-'), ...numbers(80_000)] },
    { name: 'text, missing and numbers', cells: [...Array(2500).fill('n.a.'), ...Array(500).fill(''), ...numbers(60_000)] },
    { name: 'a forced float column, mostly text', cells: [...Array(5000).fill('x'), ...numbers(3000)], o: { types: { x: 'float' } } },
  ];
  it.each(cases)('$name: exact quantiles on one pass and in parts', ({ cells, o }) => {
    const opts = auditOptions({ exactBudgetBytes: 1 << 23, ...o });
    const want = reference(cells);
    for (const cuts of [[], [cells.length >> 1], [4096 * 3, 4096 * 7 + 5]]) {
      const p = profileOf(cells, opts, cuts);
      expect(p.type).toBe('float');
      expect(p.approximate).toBe(false);
      expect([p.p25, p.median, p.p75]).toEqual([want.p25, want.median, want.p75]);
      expect(p.outliers).not.toBeNull();
      expect(p.notes ?? []).toEqual([]);
    }
  });

  it('a text column with numbers still gives them up once it holds more text than a numeric column could', () => {
    // 1 - 0.95 of a budget of 2^17 rows: 6,554 non-numeric values at most
    const cells: Cell[] = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? String(i) : `w${i}`));
    const st = initProfile(auditOptions({ exactBudgetBytes: 8 << 17 }));
    for (let at = 0; at < cells.length; at += BATCH) {
      const chunk = cells.slice(at, at + BATCH);
      updateProfile(st, viewBatch({ columns: ['x'], data: [chunk], length: chunk.length, firstRow: at + 1, lines: null }, parseOpts()));
      const text = Math.min(cells.length, at + BATCH) - Math.ceil(Math.min(cells.length, at + BATCH) / 3);
      expect(st.cols[0]!.dropped).toBe(text > 6554);
    }
  });
});
