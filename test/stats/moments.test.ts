import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mean, momAdd, momAddArray, momMerge, momNew, std, sum, variance, type Moments } from '../../src/stats/moments.js';
import { rng } from '../rng.js';

/** A Box-Muller normal (rng: the seeded mulberry32 of test/rng.ts). */
function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Reference: compensated two-pass mean and sample variance. */
function twoPass(xs: ArrayLike<number>): { mean: number; variance: number; sum: number } {
  let s = 0;
  let c = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  const m0 = (s + c) / xs.length;
  let d1 = 0;
  let d2 = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i]! - m0;
    d1 += d;
    d2 += d * d;
  }
  return { mean: m0 + d1 / xs.length, variance: (d2 - (d1 * d1) / xs.length) / (xs.length - 1), sum: s + c };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

function datasets(): [string, Float64Array][] {
  const r = rng(42);
  const n = 200_000;
  const mk = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
  return [
    ['uniform', mk(() => r())],
    ['normal', mk(() => normal(r) * 10 - 3)],
    ['offset 1e9 + N(0,1)', mk(() => 1e9 + normal(r))],
    ['offset 1e9 + U(0,1e-3)', mk(() => 1e9 + r() * 1e-3)],
    ['lognormal', mk(() => Math.exp(normal(r) * 2))],
    ['integers', mk(() => Math.floor(r() * 100))],
  ];
}

describe('moments', () => {
  for (const [name, xs] of datasets()) {
    it(`matches two-pass on ${name} to 1e-9 relative (per value, per batch, merged)`, () => {
      const ref = twoPass(xs);
      const a = momNew();
      for (const x of xs) momAdd(a, x);
      const b = momNew();
      for (let i = 0; i < xs.length; i += 4096) momAddArray(b, xs, null, i, Math.min(xs.length, i + 4096));
      const parts: Moments[] = [];
      for (let p = 0; p < 7; p++) {
        const m = momNew();
        momAddArray(m, xs, null, Math.floor((p * xs.length) / 7), Math.floor(((p + 1) * xs.length) / 7));
        parts.push(m);
      }
      const c = parts.reduce((acc, m) => momMerge(acc, m), momNew());
      for (const m of [a, b, c]) {
        expect(m.n).toBe(xs.length);
        expect(rel(mean(m), ref.mean)).toBeLessThan(1e-12);
        expect(rel(variance(m), ref.variance)).toBeLessThan(1e-9);
        expect(rel(std(m), Math.sqrt(ref.variance))).toBeLessThan(1e-9);
        expect(rel(sum(m), ref.sum)).toBeLessThan(1e-14);
        expect(m.min).toBe(xs.reduce((p, x) => Math.min(p, x), Infinity));
        expect(m.max).toBe(xs.reduce((p, x) => Math.max(p, x), -Infinity));
      }
    });
  }

  it('matches numpy (mean, std ddof=1, sum) on fixed data', () => {
    // numpy 2.4: x_i = ((i * a + b) % m) / d + off
    const golden = [
      { n: 101, a: 7919, b: 13, m: 1000, d: 7, off: -50, mean: 22.507779349363506, std: 42.08677854947394, sum: 2273.285714285714 },
      { n: 1000, a: 104729, b: 7, m: 9973, d: 3, off: 1e9, mean: 1000001578.2846668, std: 956.4752865161871, sum: 1000001578284.6667 },
      { n: 10, a: 3, b: 1, m: 5, d: 1, off: 0, mean: 2, std: 1.4907119849998598, sum: 20 },
    ];
    for (const g of golden) {
      const xs = Float64Array.from({ length: g.n }, (_, i) => ((i * g.a + g.b) % g.m) / g.d + g.off);
      const m = momNew();
      momAddArray(m, xs);
      expect(rel(mean(m), g.mean)).toBeLessThan(1e-15);
      expect(rel(std(m), g.std)).toBeLessThan(1e-12);
      expect(rel(sum(m), g.sum)).toBeLessThan(1e-15);
    }
  });

  it('skips masked-out and NaN values; empty and single-value edge cases', () => {
    const m = momNew();
    expect(mean(m)).toBeNaN();
    expect(sum(m)).toBe(0);
    momAddArray(m, Float64Array.from([1, NaN, 100, 3]), Uint8Array.from([1, 1, 0, 1]));
    expect(m.n).toBe(2);
    expect(mean(m)).toBe(2);
    expect(variance(m)).toBe(2);
    expect(variance(m, 0)).toBe(1);
    const one = momNew();
    momAdd(one, 5);
    momAdd(one, NaN);
    expect(one.n).toBe(1);
    expect(std(one)).toBeNaN();
    const inf = momNew();
    momAddArray(inf, Float64Array.from([1, Infinity]));
    expect(inf.max).toBe(Infinity);
    expect(mean(inf)).toBe(Infinity);
  });

  it('merge law: merge of a split equals one pass (within 1e-9), b untouched', () => {
    const num = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.double({ min: 1e9, max: 1e9 + 10, noNaN: true }),
      fc.integer({ min: -5, max: 5 }),
    );
    fc.assert(
      fc.property(fc.array(num, { maxLength: 200 }), fc.array(num, { maxLength: 200 }), (xs, ys) => {
        const a = momNew();
        const b = momNew();
        const one = momNew();
        momAddArray(a, Float64Array.from(xs));
        for (const y of ys) momAdd(b, y);
        momAddArray(one, Float64Array.from([...xs, ...ys]));
        const bCopy = { ...b };
        const m = momMerge(a, b);
        expect(b).toEqual(bCopy);
        expect(m.n).toBe(one.n);
        if (one.n === 0) return;
        const scale = Math.max(...[...xs, ...ys].map(Math.abs), 1e-300);
        expect(Math.abs(m.mean - one.mean)).toBeLessThanOrEqual(1e-12 * scale);
        const v = variance(one);
        if (one.n > 1) expect(Math.abs(variance(m) - v)).toBeLessThanOrEqual(1e-9 * Math.max(v, 1e-9 * scale * scale) + 1e-300);
        expect(m.min).toBe(one.min);
        expect(m.max).toBe(one.max);
        expect(Math.abs(sum(m) - sum(one))).toBeLessThanOrEqual(1e-15 * scale * one.n);
      }),
      { numRuns: 300 },
    );
  });

  it('survives structuredClone', () => {
    const m = momNew();
    momAddArray(m, Float64Array.from([1, 2, 3, 4]));
    const c = structuredClone(m);
    momAdd(c, 5);
    expect(mean(c)).toBe(3);
    expect(m.n).toBe(4);
  });
});
