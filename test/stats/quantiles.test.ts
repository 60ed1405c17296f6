import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  KLL_EPSILON,
  countOutside,
  kllAdd,
  kllMerge,
  kllNew,
  kllQuantile,
  kllSorted,
  mad,
  median,
  qsAdd,
  qsAddArray,
  qsApproximate,
  qsBytes,
  qsFinalize,
  qsMerge,
  qsNew,
  quantileSorted,
  sortFloat64,
} from '../../src/stats/quantiles.js';
import { rng } from '../rng.js';

const normal = (r: () => number): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** Distance of p from the normalised rank interval [#(< v) / n, #(<= v) / n] of v in sorted. */
function rankError(sorted: Float64Array, v: number, p: number): number {
  const n = sorted.length;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (sorted[m]! < v) lo = m + 1;
    else hi = m;
  }
  const below = lo;
  hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (sorted[m]! <= v) lo = m + 1;
    else hi = m;
  }
  const atMost = lo;
  if (p < below / n) return below / n - p;
  if (p > atMost / n) return p - atMost / n;
  return 0;
}

const PS = Array.from({ length: 99 }, (_, i) => (i + 1) / 100).concat([0.001, 0.005, 0.995, 0.999]);

// numpy 2.4 golden values: x_i = ((i * a + b) % m) / d + off
const PS_NP = [0, 0.01, 0.1, 0.25, 1 / 3, 0.5, 0.6, 2 / 3, 0.75, 0.9, 0.95, 0.99, 1];
const GOLDEN = [
  {
    gen: { n: 101, a: 7919, b: 13, m: 1000, d: 7, off: -50 },
    q: [-48.142857142857146, -47.714285714285715, -35.714285714285715, -13.0, -1.2857142857142891, 22.14285714285714, 37.28571428571429, 47.38095238095235, 60.0, 80.0, 87.14285714285714, 91.57142857142858, 92.0],
    median: 22.14285714285714,
    mad: 37.85714285714286,
  },
  {
    gen: { n: 1000, a: 104729, b: 7, m: 9973, d: 3, off: 1e9 },
    q: [1000000002.3333334, 1000000027.6633333, 1000000277.6333333, 1000000694.25, 1000000969.0, 1000001660.8333333, 1000001939.0666666, 1000002127.0, 1000002354.5833333, 1000002903.1333333, 1000003111.0666666, 1000003277.4133334, 1000003319.0],
    median: 1000001660.8333333,
    mad: 833.0,
  },
  {
    gen: { n: 10, a: 3, b: 1, m: 5, d: 1, off: 0 },
    q: [0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.3999999999999995, 3.0, 3.0, 4.0, 4.0, 4.0, 4.0],
    median: 2.0,
    mad: 1.0,
  },
];

const finite = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0, -0, Infinity, -Infinity, 1e-300, -1e-300),
);

describe('exact helpers', () => {
  it('quantileSorted, median and mad are bit-identical to numpy / scipy on fixed data', () => {
    for (const g of GOLDEN) {
      const { n, a, b, m, d, off } = g.gen;
      const xs = sortFloat64(Float64Array.from({ length: n }, (_, i) => ((i * a + b) % m) / d + off));
      expect(PS_NP.map((p) => quantileSorted(xs, p))).toEqual(g.q);
      expect(median(xs)).toBe(g.median);
      expect(mad(xs, median(xs))).toBe(g.mad);
    }
  });

  it('quantileSorted interpolates like numpy at the edges', () => {
    const xs = Float64Array.from([1, 2]);
    expect(quantileSorted(xs, 0.5)).toBe(1.5);
    expect(quantileSorted(xs, 0)).toBe(1);
    expect(quantileSorted(xs, 1)).toBe(2);
    expect(quantileSorted(Float64Array.from([7]), 0.3)).toBe(7);
    expect(quantileSorted(new Float64Array(0), 0.5)).toBeNaN();
    expect(median(new Float64Array(0))).toBeNaN();
    expect(mad(new Float64Array(0), NaN)).toBeNaN();
  });

  it('sortFloat64 sorts like a numeric comparator (all sizes, ties, infinities, -0 == 0)', () => {
    fc.assert(
      fc.property(fc.array(finite, { maxLength: 300 }), (xs) => {
        const got = sortFloat64(Float64Array.from(xs));
        const want = Float64Array.from(xs).sort();
        // -0 and +0 compare equal; their relative order is unspecified.
        expect(Array.from(got, (x) => x + 0)).toEqual(Array.from(want, (x) => x + 0));
      }),
    );
    const r = rng(5);
    for (const n of [4095, 4096, 50_000]) {
      const xs = Float64Array.from({ length: n }, (_, i) =>
        i % 7 === 0 ? -0 : i % 11 === 0 ? Math.floor(r() * 10) : (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20),
      );
      const want = xs.slice().sort();
      sortFloat64(xs);
      expect(Array.from(xs, (x) => x + 0)).toEqual(Array.from(want, (x) => x + 0));
    }
    const ints = Float64Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_000);
    expect(Array.from(sortFloat64(ints))).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
  });

  it('countOutside counts values strictly outside [lo, hi]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 100 }), fc.integer({ min: -25, max: 25 }), fc.nat(30), (xs, lo, w) => {
        const s = sortFloat64(Float64Array.from(xs));
        const hi = lo + w;
        expect(countOutside(s, lo, hi)).toBe(xs.filter((x) => x < lo || x > hi).length);
        expect(countOutside(s, NaN, hi)).toBe(xs.filter((x) => x > hi).length);
        expect(countOutside(s, lo, NaN)).toBe(xs.filter((x) => x < lo).length);
      }),
    );
    expect(countOutside(Float64Array.from([1, 2, 3]), -Infinity, Infinity)).toBe(0);
  });

  it('median and mad equal the brute-force definitions (numpy median of |x - med|)', () => {
    const bruteMedian = (a: number[]): number => {
      const s = a.slice().sort((x, y) => x - y);
      const m = s.length >> 1;
      return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
    };
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -10, max: 10 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 150 }), (xs) => {
        const s = sortFloat64(Float64Array.from(xs));
        const med = median(s);
        expect(med).toBe(bruteMedian(xs));
        expect(mad(s, med)).toBe(bruteMedian(xs.map((x) => Math.abs(x - med))));
      }),
    );
  });
});

describe('quantile store, exact regime', () => {
  it('keeps values exactly under the budget and matches numpy after finalize', () => {
    const g = GOLDEN[1]!.gen;
    const q = qsNew(1 << 20);
    for (let i = 0; i < g.n; i++) qsAdd(q, ((i * g.a + g.b) % g.m) / g.d + g.off);
    qsAdd(q, NaN);
    const r = qsFinalize(q);
    expect(r.approximate).toBe(false);
    expect(r.rankError).toBe(0);
    expect(r.n).toBe(1000);
    expect(PS_NP.map((p) => r.quantile(p))).toEqual(GOLDEN[1]!.q);
    expect(r.sorted!.length).toBe(1000);
    expect(qsBytes(q)).toBeLessThanOrEqual(1 << 20);
  });

  it('masked batches, empty store', () => {
    const q = qsNew(1024);
    qsAddArray(q, Float64Array.from([5, 1, 9, 3]), Uint8Array.from([1, 0, 1, 1]));
    expect(Array.from(qsFinalize(q).sorted!)).toEqual([3, 5, 9]);
    const e = qsFinalize(qsNew(1024));
    expect(e.n).toBe(0);
    expect(e.quantile(0.5)).toBeNaN();
  });

  it('switches to the sketch exactly when floor(budget / 8) values are exceeded', () => {
    const q = qsNew(8 * 3000 + 7);
    for (let i = 0; i < 3000; i++) qsAdd(q, i);
    expect(qsApproximate(q)).toBe(false);
    expect(qsFinalize(q).sorted!.length).toBe(3000);
    qsAdd(q, 3000);
    expect(qsApproximate(q)).toBe(true);
    const r = qsFinalize(q);
    expect(r.approximate).toBe(true);
    expect(r.sorted).toBeNull();
    expect(r.n).toBe(3001);
    expect(r.rankError).toBe(KLL_EPSILON);
    expect(r.min).toBe(0);
    expect(r.max).toBe(3000);
  });

  it('merge law: merge(a, b) sorts to exactly one pass over a + b', () => {
    fc.assert(
      fc.property(fc.array(finite, { maxLength: 300 }), fc.array(finite, { maxLength: 300 }), (xs, ys) => {
        const a = qsNew(1 << 16);
        const b = qsNew(1 << 16);
        const one = qsNew(1 << 16);
        xs.forEach((x) => (qsAdd(a, x), qsAdd(one, x)));
        ys.forEach((y) => (qsAdd(b, y), qsAdd(one, y)));
        const bBefore = Array.from(qsFinalize(b).sorted!);
        const m = qsMerge(a, b);
        const got = qsFinalize(m);
        const want = qsFinalize(one);
        expect(got.approximate).toBe(false);
        expect(Array.from(got.sorted!)).toEqual(Array.from(want.sorted!));
        for (const p of [0, 0.1, 0.5, 0.77, 1]) expect(Object.is(got.quantile(p), want.quantile(p))).toBe(true);
        expect(Array.from(qsFinalize(b).sorted!)).toEqual(bBefore);
      }),
      { numRuns: 200 },
    );
  });

  it('survives structuredClone in both regimes', () => {
    for (const budget of [1 << 20, 64]) {
      const q = qsNew(budget);
      for (let i = 0; i < 5000; i++) qsAdd(q, i % 1000);
      const c = structuredClone(q);
      for (let i = 0; i < 5000; i++) {
        qsAdd(c, i % 1000);
        qsAdd(q, i % 1000);
      }
      expect(qsFinalize(c).quantile(0.5)).toBe(qsFinalize(q).quantile(0.5));
    }
  });
});

describe('quantile store, sketch regime (KLL)', () => {
  const N = 2_000_000;
  const dists: [string, (r: () => number, i: number) => number][] = [
    ['uniform', (r) => r()],
    ['normal', (r) => normal(r)],
    ['lognormal (heavy tail)', (r) => Math.exp(3 * normal(r))],
    ['100 distinct integers (ties)', (r) => Math.floor(r() * 100)],
    ['sorted ascending', (_r, i) => i],
    ['sorted descending', (_r, i) => -i],
    ['bimodal with offset 1e9', (r) => 1e9 + (r() < 0.3 ? normal(r) : 50 + normal(r) * 0.01)],
  ];
  for (const [name, f] of dists) {
    it(`2M ${name}: every quantile within the documented rank error ${KLL_EPSILON}`, () => {
      const r = rng(name.length * 977);
      const xs = Float64Array.from({ length: N }, (_, i) => f(r, i));
      const q = qsNew(64 * 1024); // 8192 values exactly, then the sketch
      for (let i = 0; i < N; i++) qsAdd(q, xs[i]!);
      const res = qsFinalize(q);
      expect(res.approximate).toBe(true);
      expect(qsBytes(q)).toBeLessThan(200 * 1024);
      const exact = sortFloat64(xs);
      let worst = 0;
      for (const p of PS) worst = Math.max(worst, rankError(exact, res.quantile(p), p));
      expect(worst).toBeLessThanOrEqual(KLL_EPSILON);
      expect(res.quantile(0) === exact[0]).toBe(true);
      expect(res.quantile(1) === exact[N - 1]).toBe(true);
    });
  }

  it('merged sketches (4 workers, 2M values) stay within the bound, and results are reproducible', () => {
    const r = rng(99);
    const xs = Float64Array.from({ length: N }, () => normal(r) * 100);
    const run = (): number[] => {
      const parts = [0, 1, 2, 3].map(() => qsNew(32 * 1024));
      for (let i = 0; i < N; i++) qsAdd(parts[Math.floor((i * 4) / N)]!, xs[i]!);
      const m = parts.reduce((acc, p) => qsMerge(acc, p));
      const res = qsFinalize(m);
      expect(res.n).toBe(N);
      return PS.map((p) => res.quantile(p));
    };
    const got = run();
    expect(run()).toEqual(got);
    const exact = sortFloat64(xs.slice());
    for (let i = 0; i < PS.length; i++) expect(rankError(exact, got[i]!, PS[i]!)).toBeLessThanOrEqual(KLL_EPSILON);
  });

  it('holds the bound for at least 99% of queries over 20 seeds (uniform, 300k values)', () => {
    const n = 300_000;
    let bad = 0;
    let total = 0;
    let worst = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed * 31337);
      const xs = Float64Array.from({ length: n }, () => r());
      const k = kllNew(undefined, seed);
      for (let i = 0; i < n; i++) kllAdd(k, xs[i]!);
      const sorted = kllSorted(k);
      const exact = sortFloat64(xs);
      for (const p of PS) {
        const e = rankError(exact, kllQuantile(k, sorted, p), p);
        worst = Math.max(worst, e);
        if (e > KLL_EPSILON) bad++;
        total++;
      }
    }
    expect(bad / total).toBeLessThanOrEqual(0.01);
    expect(worst).toBeLessThan(2 * KLL_EPSILON);
  });

  it('merge law in the sketch regime: merge of random splits within the bound', () => {
    const r = rng(7);
    const xs = Float64Array.from({ length: 200_000 }, () => r() * 1000);
    const exact = sortFloat64(xs.slice());
    fc.assert(
      fc.property(fc.integer({ min: 1, max: xs.length - 1 }), fc.integer({ min: 0, max: 3 }), (cut, mode) => {
        // mode: both sketched, a exact + b sketched, a sketched + b exact, both exact with small budget
        const budA = mode === 1 || mode === 3 ? 8 * xs.length : 1024;
        const budB = mode === 2 || mode === 3 ? 8 * xs.length : 1024;
        const a = qsNew(mode === 3 ? 80_000 : budA);
        const b = qsNew(budB);
        for (let i = 0; i < cut; i++) qsAdd(a, xs[i]!);
        for (let i = cut; i < xs.length; i++) qsAdd(b, xs[i]!);
        const m = qsFinalize(qsMerge(a, b));
        expect(m.n).toBe(xs.length);
        for (const p of [0.01, 0.25, 0.5, 0.75, 0.99]) expect(rankError(exact, m.quantile(p), p)).toBeLessThanOrEqual(KLL_EPSILON);
      }),
      { numRuns: 20 },
    );
  });

  it('kllMerge leaves its second argument untouched and rejects different k', () => {
    const a = kllNew();
    const b = kllNew();
    for (let i = 0; i < 10_000; i++) kllAdd(b, i);
    const snap = structuredClone(b);
    kllMerge(a, b);
    expect(b).toEqual(snap);
    expect(a.n).toBe(10_000);
    expect(() => kllMerge(kllNew(200), kllNew(400))).toThrow();
  });
});
