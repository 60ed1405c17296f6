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

  describe('log regime (mostly distinct values)', () => {
    // 2 MiB: S = 256Ki slots, limit 131,072 distinct; the set is checked at 65,536 distinct
    const budget = 1 << 21;
    const addNum = (s: ReturnType<typeof dcNew>, v: number): void => {
      const h = hashFloat64(v);
      dcAdd(s, h[0]!, h[1]!);
    };

    it('takes over from the set for mostly distinct values and counts exactly, across compactions, up to the limit', () => {
      for (const [n, repeatEvery] of [
        [131_072, 0],
        [200_000, 3], // 133,334 distinct: one above the limit after de-duplication
        [180_000, 4], // 135,000 distinct
        [170_000, 5], // 136,000 distinct
        [150_000, 10], // 135,000 distinct
        [120_000, 2], // 60,000 distinct: stays a set
      ] as const) {
        const s = dcNew(budget);
        const truth = new Set<number>();
        for (let i = 0; i < n; i++) {
          const v = repeatEvery && i % repeatEvery === 0 ? i - 1 : i;
          truth.add(v);
          addNum(s, v);
        }
        const c = dcCount(s);
        if (truth.size <= s.limit) expect(c).toEqual({ count: truth.size, approximate: false });
        else {
          expect(c.approximate).toBe(true);
          expect(Math.abs(c.count - truth.size) / truth.size).toBeLessThan(3 * HLL_STD_ERROR);
        }
        if (repeatEvery === 2) expect(s.set).not.toBeNull();
      }
      const exact = dcNew(budget);
      for (let i = 0; i < 100_000; i++) addNum(exact, i);
      expect(exact.log).not.toBeNull();
      // counted twice, then more values (repeats and new ones), then counted again
      expect(dcCount(exact)).toEqual({ count: 100_000, approximate: false });
      expect(dcCount(exact)).toEqual({ count: 100_000, approximate: false });
      for (let i = 90_000; i < 110_000; i++) addNum(exact, i);
      expect(dcCount(exact)).toEqual({ count: 110_000, approximate: false });
      for (let i = 0; i < 110_000; i += 7) addNum(exact, i);
      expect(dcCount(exact)).toEqual({ count: 110_000, approximate: false });
      expect(dcBytes(exact)).toBeLessThan(100_000 * 8 + 600_000);
    });

    it('gives the same count and the same registers as the set would: order and representation do not matter', () => {
      const vals = Array.from({ length: 140_000 }, (_, i) => (i * 7919) % 133_000);
      const one = dcNew(budget);
      for (const v of vals) addNum(one, v);
      const rev = dcNew(budget);
      for (let i = vals.length - 1; i >= 0; i--) addNum(rev, vals[i]!);
      expect(dcCount(one)).toEqual(dcCount(rev));
      const distinct = new Set(vals).size;
      expect(distinct).toBeGreaterThan(131_072);
      expect(dcCount(one).approximate).toBe(true);
      expect(Array.from(one.hll!)).toEqual(Array.from(rev.hll!));
    });

    it('merge law: log + log, set + log, log + set, log + sketch, and structuredClone', () => {
      const fill = (s: ReturnType<typeof dcNew>, from: number, to: number, step = 1): void => {
        for (let i = from; i < to; i += step) addNum(s, i);
      };
      const cases: [number, number, number, number][] = [
        [0, 70_000, 35_000, 100_000], // log + log, overlapping: 100,000
        [0, 40_000, 20_000, 100_000], // set + log
        [0, 90_000, 80_000, 85_000], // log + set
      ];
      for (const [a0, a1, b0, b1] of cases) {
        const a = dcNew(budget);
        const b = dcNew(budget);
        const one = dcNew(budget);
        fill(a, a0, a1);
        fill(b, b0, b1);
        fill(one, a0, a1);
        fill(one, b0, b1);
        const bc = structuredClone(b);
        const before = dcCount(b);
        const m = dcMerge(structuredClone(a), bc);
        expect(dcCount(m)).toEqual(dcCount(one));
        expect(dcCount(m)).toEqual({ count: new Set([...range(a0, a1), ...range(b0, b1)]).size, approximate: false });
        expect(dcCount(b)).toEqual(before);
      }
      // a union past the limit: the merge itself compacts and turns the log into a sketch half-way
      const x = dcNew(budget);
      const y = dcNew(budget);
      fill(x, 0, 100_000);
      fill(y, 100_000, 200_000);
      const xy = dcMerge(x, y);
      const all = dcNew(budget);
      fill(all, 0, 200_000);
      expect(xy.hll).not.toBeNull();
      expect(Array.from(xy.hll!)).toEqual(Array.from(all.hll!));
      const tiny = dcNew(256);
      fill(tiny, 0, 100);
      const log = dcNew(budget);
      fill(log, 0, 100_000);
      const m = dcMerge(tiny, log);
      const one = dcNew(256);
      fill(one, 0, 100_000);
      expect(Array.from(m.hll!)).toEqual(Array.from(one.hll!));
    });
  });
});

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
