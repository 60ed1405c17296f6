import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tkAdd, tkApproximate, tkErrorBound, tkMerge, tkNew, tkSize, tkTop, type TopKState } from '../../src/stats/topk.js';
import { rng } from '../rng.js';


/** Zipf(s) sampler over 1..m by inverse CDF. */
function zipf(r: () => number, m: number, s: number): () => number {
  const cdf = new Float64Array(m);
  let c = 0;
  for (let i = 0; i < m; i++) cdf[i] = c += 1 / Math.pow(i + 1, s);
  return () => {
    const u = r() * c;
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/** The Misra-Gries guarantee against true counts. */
function checkBound(s: TopKState, truth: Map<string, number>): void {
  const dec = tkErrorBound(s);
  expect(dec).toBeLessThanOrEqual(s.n / (s.k + 1) + 1e-9);
  const reported = new Map(tkTop(s, Infinity).map((e) => [e.value, e.count]));
  expect(reported.size).toBeLessThanOrEqual(s.cap);
  for (const [v, f] of truth) {
    const c = reported.get(v) ?? 0;
    expect(c).toBeLessThanOrEqual(f);
    expect(f - c).toBeLessThanOrEqual(dec);
  }
  for (const v of reported.keys()) expect(truth.has(v)).toBe(true);
}

const exactTop = (truth: Map<string, number>, n: number): { value: string; count: number }[] =>
  [...truth]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, n);

describe('top values', () => {
  it('is exact under the cap, sorted by count desc then value asc', () => {
    const s = tkNew(10);
    for (const v of ['b', 'a', 'c', 'b', 'a', 'd', 'b']) tkAdd(s, v);
    tkAdd(s, 'c', 1);
    expect(tkTop(s, 3)).toEqual([
      { value: 'b', count: 3 },
      { value: 'a', count: 2 },
      { value: 'c', count: 2 },
    ]);
    expect(tkTop(s, 0)).toEqual([]);
    expect(tkApproximate(s)).toBe(false);
    expect(tkErrorBound(s)).toBe(0);
    expect(tkSize(s)).toBe(4);
    expect(s.n).toBe(8);
  });

  it('sketch regime on 1M Zipf values (cap 200): every count within [true - dec, true], dec <= N/(k+1)', () => {
    const r = rng(3);
    const draw = zipf(r, 100_000, 1.1);
    const s = tkNew(200);
    const truth = new Map<string, number>();
    for (let i = 0; i < 1_000_000; i++) {
      const v = `v${draw()}`;
      tkAdd(s, v);
      truth.set(v, (truth.get(v) ?? 0) + 1);
    }
    expect(tkApproximate(s)).toBe(true);
    checkBound(s, truth);
    // Heavy hitters (f > N/(k+1)) are always reported, and the top 10 come out in the exact order here.
    const top = tkTop(s, 10).map((e) => e.value);
    expect(top).toEqual(exactTop(truth, 10).map((e) => e.value));
  });

  it('weighted counts and adversarial order (all distinct, then repeats)', () => {
    const s = tkNew(50);
    const truth = new Map<string, number>();
    const add = (v: string, c: number): void => {
      tkAdd(s, v, c);
      truth.set(v, (truth.get(v) ?? 0) + c);
    };
    for (let i = 0; i < 10_000; i++) add(`u${i}`, 1);
    for (let i = 0; i < 300; i++) add(`h${i % 3}`, 5);
    checkBound(s, truth);
    expect(tkTop(s, 3).map((e) => e.value)).toEqual(['h0', 'h1', 'h2']);
  });

  it('merge law, exact regime: identical to one pass (b untouched)', () => {
    const items = fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 4 })), { maxLength: 200 });
    fc.assert(
      fc.property(items, items, (xs, ys) => {
        const a = tkNew(100);
        const b = tkNew(100);
        const one = tkNew(100);
        for (const [v, c] of xs) (tkAdd(a, `x${v}`, c), tkAdd(one, `x${v}`, c));
        for (const [v, c] of ys) (tkAdd(b, `x${v}`, c), tkAdd(one, `x${v}`, c));
        const bTop = tkTop(b, 1000);
        const m = tkMerge(a, b);
        expect(tkApproximate(m)).toBe(false);
        expect(tkTop(m, 1000)).toEqual(tkTop(one, 1000));
        expect(m.n).toBe(one.n);
        expect(tkTop(b, 1000)).toEqual(bTop);
      }),
    );
  });

  it('merge law, sketch regime: merged summaries keep the bound over the combined stream', () => {
    const items = fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 400 });
    fc.assert(
      fc.property(fc.array(items, { minLength: 1, maxLength: 5 }), fc.integer({ min: 2, max: 12 }), (parts, cap) => {
        const truth = new Map<string, number>();
        const states = parts.map((p) => {
          const s = tkNew(cap);
          for (const v of p) {
            // Skewed: small values are much more frequent.
            const key = `k${Math.floor(Math.sqrt(v))}`;
            tkAdd(s, key);
            truth.set(key, (truth.get(key) ?? 0) + 1);
          }
          return s;
        });
        const m = states.reduce((acc, s) => tkMerge(acc, s));
        expect(m.n).toBe(parts.reduce((a, p) => a + p.length, 0));
        checkBound(m, truth);
      }),
    );
  });

  it('survives structuredClone', () => {
    const s = tkNew(4);
    for (let i = 0; i < 20; i++) tkAdd(s, `v${i % 7}`);
    const c = structuredClone(s);
    tkAdd(c, 'v0', 100);
    expect(tkTop(c, 1)[0]!.value).toBe('v0');
    expect(tkTop(s, 10)).toEqual(tkTop(structuredClone(s), 10));
  });
});
