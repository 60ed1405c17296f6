import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { knnImpute, knnImputeSync, knnWorkersAvailable } from '../../../src/clean/model/knn.js';
import type { ModelInput } from '../../../src/clean/model/types.js';
import { col, numInput } from './helpers.js';

/**
 * Independent naive reference of sklearn's KNNImputer (fit_transform on the same data): full
 * nan-euclidean distance matrix, donors sorted by (distance, row), NaN distances excluded,
 * uniform / inverse-distance weights with the zero-distance rule, column-mean fallback.
 */
function naiveKnn(rows: number[][], k: number, weights: 'uniform' | 'distance'): number[][] {
  const n = rows.length;
  const p = rows[0]!.length;
  const dist = (a: number[], b: number[]): number => {
    let s = 0, cnt = 0;
    for (let c = 0; c < p; c++) if (!Number.isNaN(a[c]!) && !Number.isNaN(b[c]!)) { s += (a[c]! - b[c]!) ** 2; cnt++; }
    return cnt === 0 ? NaN : Math.sqrt((s / cnt) * p);
  };
  const out = rows.map((r) => r.slice());
  for (let c = 0; c < p; c++) {
    const obs = rows.map((r, i) => i).filter((i) => !Number.isNaN(rows[i]![c]!));
    const mean = obs.reduce((s, i) => s + rows[i]![c]!, 0) / obs.length;
    for (let a = 0; a < n; a++) {
      if (!Number.isNaN(rows[a]![c]!)) continue;
      const cand = obs.map((b) => ({ b, d: dist(rows[a]!, rows[b]!) })).filter((x) => !Number.isNaN(x.d));
      cand.sort((x, y) => x.d - y.d || x.b - y.b);
      const nn = cand.slice(0, k);
      if (nn.length === 0) { out[a]![c] = mean; continue; }
      let w = nn.map(() => 1);
      if (weights === 'distance') w = nn.some((x) => x.d === 0) ? nn.map((x) => (x.d === 0 ? 1 : 0)) : nn.map((x) => 1 / x.d);
      const sw = w.reduce((s, v) => s + v, 0);
      out[a]![c] = nn.reduce((s, x, i) => s + w[i]! * rows[x.b]![c]!, 0) / sw;
    }
  }
  return out;
}

const N = NaN;
const cases: { name: string; rows: number[][]; k: number; weights: 'uniform' | 'distance'; expect: number[][] }[] = [
  {
    // scikit-learn's documented example.
    name: 'sklearn docstring example, k=2 uniform',
    rows: [[1, 2, N], [3, 4, 3], [N, 6, 5], [8, 8, 7]],
    k: 2,
    weights: 'uniform',
    expect: [[1, 2, 4], [3, 4, 3], [5.5, 6, 5], [8, 8, 7]],
  },
  {
    // d(r0,r1) = sqrt(2/1 * 1) = sqrt2, d(r0,r2) = 3 sqrt2, d(r0,r3) = 6 sqrt2;
    // weights 1/sqrt2 : 1/(3 sqrt2) = 3 : 1  ->  (3*2 + 1*4) / 4 = 2.5
    name: 'inverse-distance weights, k=2',
    rows: [[0, N], [1, 2], [3, 4], [6, 8]],
    k: 2,
    weights: 'distance',
    expect: [[0, 2.5], [1, 2], [3, 4], [6, 8]],
  },
  {
    name: 'same rows, uniform: (2 + 4) / 2',
    rows: [[0, N], [1, 2], [3, 4], [6, 8]],
    k: 2,
    weights: 'uniform',
    expect: [[0, 3], [1, 2], [3, 4], [6, 8]],
  },
  {
    // r1 and r2 are at distance 0 from r0: they share the weight, r3 gets none.
    name: 'zero-distance donors take all the weight',
    rows: [[1, N, 5], [1, 7, 5], [1, 9, 5], [2, 100, 6]],
    k: 3,
    weights: 'distance',
    expect: [[1, 8, 5], [1, 7, 5], [1, 9, 5], [2, 100, 6]],
  },
  {
    // r0 shares no coordinate with the donors of c1 (r1, r2) -> mean(2, 4) = 3;
    // r1, r2 share none with the only donor of c0 (r0) -> mean(c0) = 5.
    name: 'no shared coordinate: column mean',
    rows: [[5, N], [N, 2], [N, 4]],
    k: 2,
    weights: 'uniform',
    expect: [[5, 3], [5, 2], [5, 4]],
  },
  {
    // only 3 donors for k = 5: d = 1, 2, 3 -> weights 1, 1/2, 1/3 -> (10 + 10 + 10/3 * ... ) computed below
    name: 'fewer than k donors: uses those available',
    rows: [[0, N], [1, 6], [2, 12], [3, 18]],
    k: 5,
    weights: 'uniform',
    expect: [[0, 12], [1, 6], [2, 12], [3, 18]],
  },
  {
    // d(r0, r1) = d(r0, r2) = d(r0, r3) = sqrt(2): the tie goes to the lowest row index.
    name: 'ties broken by lower row index',
    rows: [[0, N], [1, 10], [-1, 20], [1, 30]],
    k: 1,
    weights: 'uniform',
    expect: [[0, 10], [1, 10], [-1, 20], [1, 30]],
  },
];

describe('knnImpute: sklearn KNNImputer semantics', () => {
  it.each(cases)('$name', ({ rows, k, weights, expect: want }) => {
    const res = knnImputeSync(numInput(rows), { k, weights });
    const naive = naiveKnn(rows, k, weights);
    for (let j = 0; j < rows[0]!.length; j++) {
      const got = col(res, j);
      got.forEach((v, i) => {
        expect(v).toBeCloseTo(want[i]![j]!, 12);
        expect(Math.abs(v - naive[i]![j]!)).toBeLessThan(1e-9);
      });
    }
  });

  it('distance weights with fewer donors: (6/1 + 12/2 + 18/3) / (1 + 1/2 + 1/3)', () => {
    const res = knnImputeSync(numInput([[0, N], [1, 6], [2, 12], [3, 18]]), { k: 5, weights: 'distance' });
    // d = sqrt(2 * 1^2 / 1) etc: 1/d scales all weights alike, so the sqrt2 cancels.
    expect(col(res, 1)[0]).toBeCloseTo((6 + 6 + 6) / (1 + 1 / 2 + 1 / 3), 12);
  });

  it('summary reports imputed and fallback cells', () => {
    const res = knnImputeSync(numInput([[5, N], [N, 2], [N, 4]]), { k: 2 });
    expect(res.summary.exact).toBe(true);
    expect(res.summary.columns).toEqual([
      { name: 'c0', kind: 'numeric', missing: 2, imputed: 2, fallback: 2 },
      { name: 'c1', kind: 'numeric', missing: 1, imputed: 1, fallback: 1 },
    ]);
    expect(JSON.parse(JSON.stringify(res.summary))).toEqual(res.summary);
  });

  it('matches the naive reference on random matrices (uniform and distance, k = 1..4)', () => {
    const cell = fc.oneof({ weight: 1, arbitrary: fc.constant(NaN) }, { weight: 4, arbitrary: fc.integer({ min: -5, max: 5 }).map((v) => v / 2) });
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((p) => fc.array(fc.array(cell, { minLength: p, maxLength: p }), { minLength: 2, maxLength: 14 })),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('uniform' as const, 'distance' as const),
        (rows, k, weights) => {
          // every column needs one observed value (otherwise sklearn drops it)
          for (let j = 0; j < rows[0]!.length; j++) if (rows.every((r) => Number.isNaN(r[j]!))) rows[0]![j] = 1;
          const res = knnImputeSync(numInput(rows), { k, weights });
          const naive = naiveKnn(rows, k, weights);
          for (let j = 0; j < rows[0]!.length; j++) col(res, j).forEach((v, i) => expect(Math.abs(v - naive[i]![j]!)).toBeLessThan(1e-9));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('matches the naive reference on larger matrices (projection-window scan, many ties)', () => {
    let a = 7;
    const r = (): number => { a = (a * 16807) % 2147483647; return a / 2147483647; };
    for (const [n, p, spread] of [[300, 3, 6], [260, 4, 40], [200, 2, 3]] as const) {
      const rows = Array.from({ length: n }, () => Array.from({ length: p }, () => (r() < 0.12 ? NaN : Math.floor(r() * spread) / 2)));
      for (const k of [1, 3, 5, 40]) for (const weights of ['uniform', 'distance'] as const) {
        const res = knnImputeSync(numInput(rows), { k, weights });
        const naive = naiveKnn(rows, k, weights);
        for (let j = 0; j < p; j++) col(res, j).forEach((v, i) => expect(Math.abs(v - naive[i]![j]!)).toBeLessThan(1e-9));
      }
    }
  });

  it('the async API equals the sync one (workers are off under vitest: .ts sources)', async () => {
    expect(knnWorkersAvailable()).toBe(false);
    const rows = Array.from({ length: 40 }, (_, i) => [i % 7, (i * 3) % 5, i % 4 === 0 ? NaN : i / 3]);
    const a = await knnImpute(numInput(rows), { k: 3, weights: 'distance' });
    const b = knnImputeSync(numInput(rows), { k: 3, weights: 'distance' });
    expect(col(a, 2)).toEqual(col(b, 2));
    expect(a.summary.workers).toBe(1);
  });

  it('beyond maxDonors the donor pool is a seeded sample and exact is false', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [i, i % 3 === 0 ? NaN : 2 * i]);
    const a = knnImputeSync(numInput(rows), { k: 2, maxDonors: 10, seed: 3 });
    const b = knnImputeSync(numInput(rows), { k: 2, maxDonors: 10, seed: 3 });
    expect(a.summary.exact).toBe(false);
    expect(a.summary.donorPool).toBe(10);
    expect(col(a, 1)).toEqual(col(b, 1));
    expect(col(a, 1).every(Number.isFinite)).toBe(true);
  });

  it('rejects bad options', () => {
    expect(() => knnImputeSync(numInput([[1]]), { k: 0 })).toThrow(/k must be/);
    expect(() => knnImputeSync(numInput([[1]]), { weights: 'x' as 'uniform' })).toThrow(/weights/);
  });
});

describe('knnImpute: categorical columns', () => {
  const cat = (x: number[], c: (string | null)[]): ModelInput => ({
    columns: [
      { name: 'x', kind: 'numeric', values: Float64Array.from(x) },
      { name: 'g', kind: 'categorical', values: c },
    ],
  });
  const cases2: { name: string; x: number[]; g: (string | null)[]; k: number; weights?: 'uniform' | 'distance'; want: string }[] = [
    // nearest to 0.05: rows 0, 1 (a, a) then row 2 (b) -> 'a'
    { name: 'majority of the k nearest', x: [0, 0.1, 0.2, 10, 10.1, 0.05], g: ['a', 'a', 'b', 'c', 'c', null], k: 3, want: 'a' },
    // rows 0 (q) and 1 (p) are both at 0.5: 1-1 vote; p is more frequent overall (3 vs 2)
    { name: 'vote tie -> most frequent level overall', x: [1, 2, 10, 11, 12, 1.5], g: ['q', 'p', 'p', 'p', 'q', null], k: 2, want: 'p' },
    // 1-1 vote and 2-2 overall: lexicographically smallest
    { name: 'double tie -> smallest level', x: [1, 2, 10, 11, 1.5], g: ['y', 'x', 'x', 'y', null], k: 2, want: 'x' },
    // distance weights: row 0 at 0.1 (w 10) beats rows 2, 3 at 1 (w 1 + 1)
    { name: 'inverse-distance weighted vote', x: [0, 5, 1.1, 1.1, 0.1], g: ['u', 'u', 'v', 'v', null], k: 3, weights: 'distance', want: 'u' },
    // no numeric coordinate for the receiver: the column mode
    { name: 'no shared coordinate -> mode', x: [1, 2, 3, NaN], g: ['m', 'n', 'n', null], k: 2, want: 'n' },
  ];
  it.each(cases2)('$name', ({ x, g, k, weights, want }) => {
    const res = knnImputeSync(cat(x, g), { k, weights });
    const out = res.columns[1]!.values as (string | null)[];
    expect(out[g.indexOf(null)]).toBe(want);
    g.forEach((v, i) => { if (v !== null) expect(out[i]).toBe(v); });
  });
});
