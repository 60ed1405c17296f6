import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  hs64Add,
  hs64AddCount,
  hs64Bytes,
  hs64Count,
  hs64ForEach,
  hs64Has,
  hs64Merge,
  hs64New,
  hs64Size,
  hs64Surplus,
  type HashSet64,
} from '../../src/stats/hashset.js';
import { hashString } from '../../src/stats/hash.js';

type Pair = [number, number];

function contents(s: HashSet64): Map<string, number> {
  const m = new Map<string, number>();
  hs64ForEach(s, (hi, lo, c) => m.set(`${hi}:${lo}`, c));
  return m;
}

// Small ranges so that duplicates and the (0, 0) key are common.
const pair = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 })) as fc.Arbitrary<Pair>;
const wide = fc.tuple(fc.nat(0xffffffff), fc.nat(0xffffffff)) as fc.Arbitrary<Pair>;
const pairs = fc.array(fc.oneof(pair, wide), { maxLength: 300 });

describe('HashSet64', () => {
  it('adds, reports new keys, handles the reserved (0, 0) key and signed input', () => {
    const s = hs64New();
    expect(hs64Add(s, 1, 2)).toBe(true);
    expect(hs64Add(s, 1, 2)).toBe(false);
    expect(hs64Add(s, 0, 0)).toBe(true);
    expect(hs64Add(s, 0, 0)).toBe(false);
    expect(hs64Has(s, 0, 0)).toBe(true);
    expect(hs64Add(s, 0xffffffff, 5)).toBe(true);
    expect(hs64Add(s, -1, 5)).toBe(false); // -1 >>> 0 === 0xffffffff
    expect(hs64Size(s)).toBe(3);
    expect(hs64Surplus(s)).toBe(3);
    expect(hs64Has(s, 2, 1)).toBe(false);
  });

  it('holds 1M distinct keys at 16-32 bytes per key with load <= 0.5', () => {
    const s = hs64New();
    const n = 1_000_000;
    let fresh = 0;
    for (let i = 0; i < n; i++) {
      const h = hashString(`id-${i}`);
      if (hs64Add(s, h[0]!, h[1]!)) fresh++;
    }
    for (let i = 0; i < 1000; i++) {
      const h = hashString(`id-${i}`);
      expect(hs64Add(s, h[0]!, h[1]!)).toBe(false);
    }
    expect(fresh).toBe(n);
    expect(hs64Size(s)).toBe(n);
    expect(hs64Surplus(s)).toBe(1000);
    expect(s.used / s.slots).toBeLessThanOrEqual(0.5);
    const perKey = hs64Bytes(s) / n;
    expect(perKey).toBeGreaterThanOrEqual(16);
    expect(perKey).toBeLessThanOrEqual(32);
  });

  it('counts occurrences in counting mode', () => {
    const s = hs64New(4, true);
    expect(hs64AddCount(s, 7, 8)).toBe(1);
    expect(hs64AddCount(s, 7, 8, 3)).toBe(4);
    expect(hs64Add(s, 7, 8)).toBe(false);
    expect(hs64Count(s, 7, 8)).toBe(5);
    expect(hs64AddCount(s, 0, 0, 2)).toBe(2);
    expect(hs64Count(s, 0, 0)).toBe(2);
    expect(hs64Count(s, 9, 9)).toBe(0);
    expect(hs64Size(s)).toBe(2);
    expect(hs64Surplus(s)).toBe(7 - 2);
    expect(() => hs64AddCount(hs64New(), 1, 1)).toThrow();
  });

  it('matches a Map model, counts included, through growth', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const s = hs64New(1, true);
        const model = new Map<string, number>();
        for (const [hi, lo] of ps) {
          const k = `${hi}:${lo}`;
          const isNew = !model.has(k);
          model.set(k, (model.get(k) ?? 0) + 1);
          expect(hs64Add(s, hi, lo)).toBe(isNew);
        }
        expect(contents(s)).toEqual(model);
        expect(hs64Surplus(s)).toBe(ps.length - model.size);
      }),
    );
  });

  it('merge law: merge(a, b) equals one pass over a + b (plain and counting)', () => {
    fc.assert(
      fc.property(pairs, pairs, fc.boolean(), (xs, ys, counting) => {
        const a = hs64New(2, counting);
        const b = hs64New(2, counting);
        const one = hs64New(2, counting);
        for (const [hi, lo] of xs) {
          hs64Add(a, hi, lo);
          hs64Add(one, hi, lo);
        }
        for (const [hi, lo] of ys) {
          hs64Add(b, hi, lo);
          hs64Add(one, hi, lo);
        }
        const bBefore = contents(b);
        const m = hs64Merge(a, b);
        expect(contents(m)).toEqual(contents(one));
        expect(hs64Size(m)).toBe(hs64Size(one));
        expect(hs64Surplus(m)).toBe(hs64Surplus(one));
        expect(contents(b)).toEqual(bBefore);
      }),
    );
  });

  it('survives structuredClone and keeps working', () => {
    const s = hs64New();
    for (let i = 1; i <= 100; i++) hs64Add(s, i, i * 3);
    const c = structuredClone(s);
    expect(hs64Size(c)).toBe(100);
    expect(hs64Add(c, 5, 15)).toBe(false);
    expect(hs64Add(c, 5, 16)).toBe(true);
    expect(hs64Size(s)).toBe(100);
  });
});
