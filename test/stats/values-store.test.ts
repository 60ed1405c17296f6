import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rng } from '../rng.js';
import { CHUNK, vsAppend, vsBytes, vsConcat, vsEach, vsGet, vsNew, vsSorted } from '../../src/stats/values-store.js';

/** Fill a store with `rows` values from gen, in batches of 4096 as the profile does. */
function store(start: number, values: Float64Array) {
  const s = vsNew(start);
  for (let i = 0; i < values.length; i += 4096) vsAppend(s, values, i, Math.min(4096, values.length - i));
  return s;
}

const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);

describe('values store', () => {
  it('gives back every value exactly, packed or not (ids, prices, amounts, NaN, -0, tiny and huge values)', () => {
    const kinds: ((r: () => number) => number)[] = [
      (r) => Math.floor(r() * 1e6), // ids
      (r) => Number((r() * 1000).toFixed(2)), // amounts, as parsed from text
      (r) => Number((r() * 100).toFixed(4)), // prices
      (r) => (r() < 0.1 ? NaN : Math.floor(r() * -500) / 10),
      (r) => r() * 1e-9, // not packable
      (r) => (r() < 0.001 ? -0 : Math.floor(r() * 10)),
      (r) => (r() < 0.001 ? Infinity : Math.floor(r() * 3e9) - 1.5e9), // beyond int32
    ];
    kinds.forEach((gen, k) => {
      const r = rng(k + 1);
      const n = 3 * CHUNK + 123;
      const vals = new Float64Array(n);
      for (let i = 0; i < n; i++) vals[i] = gen(r);
      const s = store(1, vals);
      expect(vsBytes(s)).toBe(4 * CHUNK * 8); // the budget counts 8 bytes a row, packed or not
      for (let i = 0; i < n; i += 997) expect(same(vsGet(s, i), vals[i]!)).toBe(true);
      let i = 0;
      let ok = true;
      vsEach(s, (row, v) => {
        while (vals[i] !== vals[i]) i++;
        ok &&= row === i + 1 && same(v, vals[i]!);
        i++;
      });
      expect(ok).toBe(true);
      const sorted = Array.from(vals).filter((v) => v === v).sort((a, b) => a - b);
      const got = vsSorted(s);
      expect(got.length).toBe(sorted.length);
      expect(got.every((v, j) => v === sorted[j])).toBe(true);
      if (k < 4) expect(s.chunks.slice(0, 3).every((c) => !(c instanceof Float64Array))).toBe(true);
      if (k === 4) expect(s.chunks.every((c) => c instanceof Float64Array)).toBe(true);
    });
  });

  it('packs and keeps exact any decimal of up to 6 places within int32 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), fc.integer({ min: 0, max: 6 }), (m, d) => {
        const v = Number((m / 10 ** d).toFixed(d));
        const vals = new Float64Array(CHUNK).fill(v);
        vals[7] = NaN;
        const s = store(1, vals);
        expect(same(vsGet(s, 0), v)).toBe(true);
        expect(vsGet(s, 7)).toBeNaN();
      }),
      { numRuns: 300 },
    );
  });

  it('sorts like the doubles when chunks are packed at different places (integer keys), and falls back when they do not fit', () => {
    const cases: ((r: () => number, i: number) => number)[] = [
      (r, i) => (i < CHUNK ? Math.floor(r() * 100) : i < 2 * CHUNK ? Math.floor(r() * 1e5) / 100 : Number((r() * 10).toFixed(6))),
      (r, i) => (i < CHUNK ? Math.floor(r() * 2e9) - 1e9 : Number((r() * 2000 - 1000).toFixed(6))), // offsets beyond 2^32
      (r, i) => (i < 2 * CHUNK ? Math.floor(r() * 50) - 25 : r() < 0.5 ? NaN : i % 3 ? 0.5 : 2.25), // last chunk: floats, NaN
      (r, i) => (i < 2 * CHUNK ? Math.floor(r() * 5000) : i === 2 * CHUNK + 7 ? 1e-9 : 3), // last chunk not decimal
      (r, i) => (i < 2 * CHUNK ? i % 7 : i === 2 * CHUNK + 7 ? -0 : 0), // -0 in the last chunk
      () => 42, // one value
    ];
    cases.forEach((gen, k) => {
      const r = rng(100 + k);
      const n = 2 * CHUNK + 9000;
      const vals = new Float64Array(n);
      for (let i = 0; i < n; i++) vals[i] = gen(r, i);
      const s = store(1, vals);
      const sorted = Float64Array.from(Array.from(vals).filter((v) => v === v).sort((a, b) => a - b));
      const got = vsSorted(s);
      expect(got.length).toBe(sorted.length);
      let ok = true;
      for (let j = 0; j < got.length; j++) ok &&= got[j] === sorted[j];
      expect(ok).toBe(true);
    });
  });

  it('concatenates packed parts in row order and survives structuredClone', () => {
    const r = rng(9);
    const vals = new Float64Array(2 * CHUNK + 5000).map(() => Math.floor(r() * 1000) / 100);
    const a = store(1, vals.subarray(0, CHUNK + 10));
    const b = structuredClone(store(CHUNK + 11, vals.subarray(CHUNK + 10)));
    const m = vsConcat(a, b);
    expect(m.length).toBe(vals.length);
    for (let i = 0; i < vals.length; i += 501) expect(vsGet(m, i)).toBe(vals[i]);
  });
});
