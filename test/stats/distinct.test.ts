import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HLL_STD_ERROR, dcAdd, dcBytes, dcCount, dcMerge, dcNew, hllAdd, hllEstimate } from '../../src/stats/distinct.js';
import { hashFloat64, hashString } from '../../src/stats/hash.js';

const addStr = (s: ReturnType<typeof dcNew>, v: string): void => {
  const h = hashString(v);
  dcAdd(s, h[0]!, h[1]!);
};

describe('distinct count', () => {
  it('is exact under the budget and switches when the table would outgrow it', () => {
    const s = dcNew(1 << 16); // 8192 slots -> 4096 keys exactly
    expect(s.limit).toBe(4096);
    for (let i = 0; i < 4096; i++) addStr(s, `v${i}`);
    for (let i = 0; i < 4096; i++) addStr(s, `v${i}`);
    expect(dcCount(s)).toEqual({ count: 4096, approximate: false });
    expect(dcBytes(s)).toBeLessThanOrEqual(1 << 16);
    addStr(s, 'v0');
    expect(dcCount(s).approximate).toBe(false);
    addStr(s, 'new');
    const c = dcCount(s);
    expect(c.approximate).toBe(true);
    expect(Math.abs(c.count - 4097) / 4097).toBeLessThan(3 * HLL_STD_ERROR);
    expect(dcBytes(s)).toBe(16384);
  });

  it('counts the zero hash and tiny budgets', () => {
    const s = dcNew(1024);
    dcAdd(s, 0, 0);
    dcAdd(s, 0, 0);
    dcAdd(s, 1, 0);
    expect(dcCount(s)).toEqual({ count: 2, approximate: false });
    const h = dcNew(0);
    expect(dcCount(h)).toEqual({ count: 0, approximate: true });
    for (let i = 0; i < 100; i++) addStr(h, `x${i % 10}`);
    expect(dcCount(h).count).toBe(10);
  });

  for (const n of [1_000_000, 3_000_000, 10_000_000]) {
    it(`HLL estimate of ${n.toLocaleString('en')} distinct values is within 3 standard errors`, () => {
      const s = dcNew(1 << 14);
      for (let i = 0; i < n; i++) {
        const h = hashFloat64(i);
        dcAdd(s, h[0]!, h[1]!);
      }
      const { count, approximate } = dcCount(s);
      expect(approximate).toBe(true);
      expect(Math.abs(count - n) / n).toBeLessThan(3 * HLL_STD_ERROR);
    });
  }

  it('HLL is unbiased across ranges: mean error over 32 seeds within 3 SE / sqrt(32), each within 4 SE', () => {
    for (const n of [1_000, 20_000, 100_000]) {
      let sumRel = 0;
      for (let seed = 1; seed <= 32; seed++) {
        const regs = new Uint8Array(1 << 14);
        for (let i = 0; i < n; i++) {
          const h = hashString(`k${i}`, seed);
          hllAdd(regs, h[0]!, h[1]!);
        }
        const rel = (hllEstimate(regs) - n) / n;
        expect(Math.abs(rel)).toBeLessThan(4 * HLL_STD_ERROR);
        sumRel += rel;
      }
      expect(Math.abs(sumRel / 32)).toBeLessThan((3 * HLL_STD_ERROR) / Math.sqrt(32));
    }
  });

  it('merge law, exact regime: identical to one pass', () => {
    const vals = fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 400 });
    fc.assert(
      fc.property(vals, vals, (xs, ys) => {
        const a = dcNew(1 << 20);
        const b = dcNew(1 << 20);
        const one = dcNew(1 << 20);
        for (const x of xs) (addStr(a, String(x)), addStr(one, String(x)));
        for (const y of ys) (addStr(b, String(y)), addStr(one, String(y)));
        const before = dcCount(b);
        expect(dcCount(dcMerge(a, b))).toEqual(dcCount(one));
        expect(dcCount(b)).toEqual(before);
      }),
    );
  });

  it('merge law across regimes: registers of the merge equal those of one pass (HLL union is exact)', () => {
    const vals = fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 3000 });
    fc.assert(
      fc.property(vals, vals, fc.integer({ min: 0, max: 3 }), (xs, ys, mode) => {
        const big = 1 << 20;
        const small = 256; // 16 keys exactly
        const a = dcNew(mode & 1 ? small : big);
        const b = dcNew(mode & 2 ? small : big);
        const one = dcNew(small);
        for (const x of xs) (addStr(a, `${x}`), addStr(one, `${x}`));
        for (const y of ys) (addStr(b, `${y}`), addStr(one, `${y}`));
        const m = dcMerge(a, b);
        const distinct = new Set([...xs, ...ys]).size;
        if (m.hll && one.hll) expect(Array.from(m.hll)).toEqual(Array.from(one.hll));
        const c = dcCount(m);
        if (!c.approximate) expect(c.count).toBe(distinct);
        else expect(Math.abs(c.count - distinct)).toBeLessThanOrEqual(Math.max(2, 4 * HLL_STD_ERROR * distinct));
      }),
      { numRuns: 60 },
    );
  });

  it('survives structuredClone in both regimes', () => {
    for (const budget of [1 << 20, 0]) {
      const s = dcNew(budget);
      for (let i = 0; i < 1000; i++) addStr(s, `${i}`);
      const c = structuredClone(s);
      for (let i = 500; i < 1500; i++) addStr(c, `${i}`);
      const got = dcCount(c).count;
      if (budget) expect(got).toBe(1500);
      else expect(Math.abs(got - 1500) / 1500).toBeLessThan(3 * HLL_STD_ERROR);
      expect(dcCount(s).count).toBe(budget ? 1000 : dcCount(s).count);
    }
  });
});
