import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import privacy, { L_CAP } from '../../src/checks/privacy.js';
import type { Cell } from '../../src/core/types.js';
import { auditOptions, batches, find, profile, run, runSplit } from '../checks/helpers-ct.js';

const opts = (p: Record<string, unknown>) => auditOptions({ checks: { privacy: p } });

/** Brute force: group rows by the QI texts (missing = its own value). */
function brute(cols: Record<string, Cell[]>, qi: string[], k: number, sensitive?: string) {
  const n = cols[qi[0]!]!.length;
  const groups = new Map<string, number[]>();
  const txt = (v: Cell) => (v === null || v === '' || v === 'NA' ? '\u0000missing' : String(v));
  for (let i = 0; i < n; i++) {
    const key = JSON.stringify(qi.map((q) => txt(cols[q]![i]!)));
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(i);
  }
  let kMin = Infinity;
  let below = 0;
  let lMin = Infinity;
  for (const rows of groups.values()) {
    kMin = Math.min(kMin, rows.length);
    if (rows.length < k) below += rows.length;
    if (sensitive) lMin = Math.min(lMin, Math.min(L_CAP, new Set(rows.map((i) => txt(cols[sensitive]![i]!))).size));
  }
  return { kAnonymity: kMin, rowsBelowK: below, classes: groups.size, lDiversity: sensitive ? lMin : null, score: 100 * (1 - below / n) };
}

const cellArb = (vals: string[]) => fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...vals) }, { weight: 1, arbitrary: fc.constant(null) });

const tableArb = fc.integer({ min: 1, max: 60 }).chain((n) =>
  fc.record({
    age: fc.array(cellArb(['30', '31', '40', '55']), { minLength: n, maxLength: n }),
    zip: fc.array(cellArb(['90210', '10001', '73301']), { minLength: n, maxLength: n }),
    sex: fc.array(cellArb(['F', 'M']), { minLength: n, maxLength: n }),
    disease: fc.array(cellArb(['flu', 'cold', 'hiv', 'none', 'covid']), { minLength: n, maxLength: n }),
  }),
);

const profiles = ['age', 'zip', 'sex', 'disease'].map((c) => profile(c, 'string'));

describe('privacy: k-anonymity and l-diversity', () => {
  it('a worked example', () => {
    const cols = {
      age: ['30', '30', '30', '40', '40', null, null],
      zip: ['1000', '1000', '1000', '2000', '2000', '3000', '3000'],
      disease: ['flu', 'flu', 'cold', 'flu', 'flu', 'x', null],
    };
    const r = run(privacy, batches(cols, 3), opts({ quasiIdentifiers: ['age', 'zip'], k: 3, sensitive: 'disease' }), profiles.slice(0, 1).concat(profile('zip', 'string'), profile('disease', 'string')));
    expect(r.metrics).toMatchObject({ kAnonymity: 2, rowsBelowK: 4, classesBelowK: 2, lDiversity: 1, rowsBelowL: 2, classes: 3, rows: 7 });
    expect(r.metrics!.score).toBeCloseTo(100 * (1 - 4 / 7));
    const f = find(r, 'k-anonymity')!;
    expect(f.count).toBe(4);
    expect(f.dimension).toBe(null);
    expect(f.examples.map((e) => e.row)).toEqual([4, 6]);
    expect(find(r, 'l-diversity')!.count).toBe(2);
  });

  it('equals a brute-force count on random tables, and merging any split gives the same result', () => {
    fc.assert(
      fc.property(tableArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 7 }), fc.func(fc.boolean()), fc.boolean(), (cols, k, size, pick, swap) => {
        const o = opts({ quasiIdentifiers: ['age', 'zip', 'sex'], k, sensitive: 'disease' });
        const bs = batches(cols, size);
        const r = run(privacy, bs, o, profiles);
        const b = brute(cols, ['age', 'zip', 'sex'], k, 'disease');
        expect(r.metrics).toMatchObject(b);
        const r2 = runSplit(privacy, bs, o, profiles, (i) => pick(i), swap);
        expect(r2.metrics).toEqual(r.metrics);
        expect(r2.findings).toEqual(r.findings);
      }),
      { numRuns: 300 },
    );
  });

  it('caps l-diversity at 64 distinct values per class', () => {
    const n = 200;
    const cols = { g: new Array<Cell>(n).fill('a'), s: Array.from({ length: n }, (_, i) => `v${i % 100}`) };
    const r = run(privacy, batches(cols, 17), opts({ quasiIdentifiers: ['g'], sensitive: 's' }), [profile('g', 'string'), profile('s', 'string')]);
    expect(r.metrics).toMatchObject({ lDiversity: L_CAP, lDiversityCapped: true, kAnonymity: n, rowsBelowK: 0, score: 100 });
    const r2 = runSplit(privacy, batches(cols, 17), opts({ quasiIdentifiers: ['g'], sensitive: 's' }), [profile('g', 'string'), profile('s', 'string')], (i) => i % 2 === 0);
    expect(r2.metrics).toEqual(r.metrics);
  });

  it('reports missing columns and a missing configuration', () => {
    const cols = { a: ['1', '2'] };
    const r = run(privacy, batches(cols), opts({ quasiIdentifiers: ['a', 'nope'] }), [profile('a', 'string')]);
    expect(find(r, 'quasi-identifier-not-found')!.column).toBe('nope');
    const r2 = run(privacy, batches(cols), auditOptions(), [profile('a', 'string')]);
    expect(find(r2, 'privacy-not-configured')).toBeTruthy();
    expect(privacy.meta.default).toBe(false);
  });

  it('defaults k to 5 and handles no rows', () => {
    const r = run(privacy, [], opts({ quasiIdentifiers: ['a'] }), [profile('a', 'string')]);
    expect(r.metrics).toMatchObject({ k: 5, kAnonymity: null, score: null, rows: 0, classes: 0 });
  });
});
