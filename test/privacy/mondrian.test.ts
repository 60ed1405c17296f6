import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mondrian } from '../../src/privacy/mondrian.js';

/** Brute force: sizes of the classes of non-suppressed rows on the QI columns. */
function classSizes(rows: (string | null)[][], qi: number[], suppressed: number[]): number[] {
  const sup = new Set(suppressed);
  const m = new Map<string, number>();
  rows.forEach((r, i) => {
    if (sup.has(i)) return;
    const key = JSON.stringify(qi.map((q) => r[q]));
    m.set(key, (m.get(key) ?? 0) + 1);
  });
  return [...m.values()];
}

/** Whether a generalised cell covers the original value. */
function covers(g: string, v: string, numeric: boolean): boolean {
  if (g === v || g === '*') return true;
  if (numeric) {
    if (g === String(Number(v))) return true;
    const m = /^(-?[\d.e+-]+?)-(-?[\d.e+-]+)$/.exec(g);
    return !!m && Number(v) >= Number(m[1]) && Number(v) <= Number(m[2]);
  }
  return g.startsWith('{') && g.slice(1, -1).split(',').includes(v);
}

const rowArb = fc.tuple(
  fc.integer({ min: 18, max: 90 }).map(String),
  fc.constantFrom('F', 'M', 'X'),
  fc.constantFrom('90210', '10001', '73301', '60601'),
  fc.constantFrom('flu', 'cold', 'none'),
);

describe('mondrian', () => {
  it('a worked example', () => {
    const rows = [
      ['25', 'F', 'a'],
      ['26', 'F', 'b'],
      ['27', 'M', 'c'],
      ['40', 'M', 'd'],
      ['41', 'M', 'e'],
      ['42', 'F', 'f'],
    ];
    const r = mondrian(rows, [0, 1], 3);
    expect(r.suppressed).toEqual([]);
    expect(r.rows.map((x) => x[0])).toEqual(['25-27', '25-27', '25-27', '40-42', '40-42', '40-42']);
    expect(r.rows.map((x) => x[1])).toEqual(['*', '*', '*', '*', '*', '*']);
    expect(r.rows.map((x) => x[2])).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(r.classes).toBe(2);
    // NCP: age (2/17) per row, sex 1 per row -> (2/17 + 1) / 2
    expect(r.informationLoss).toBeCloseTo((2 / 17 + 1) / 2);
  });

  it('k = 1 on distinct rows changes nothing; fewer rows than k suppresses all', () => {
    const rows = [
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'c'],
    ];
    const r = mondrian(rows, [0, 1], 1);
    expect(r.rows).toEqual(rows);
    expect(r.informationLoss).toBe(0);
    const s = mondrian(rows, [0], 4);
    expect(s.suppressed).toEqual([0, 1, 2]);
    expect(s.rows.map((x) => x[0])).toEqual([null, null, null]);
    expect(s.rows.map((x) => x[1])).toEqual(['a', 'b', 'c']);
    expect(s.informationLoss).toBe(1);
    expect(() => mondrian(rows, [0], 0)).toThrow();
  });

  it('categorical cuts generalise to sets', () => {
    const rows = ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd'].map((v) => [v]);
    const r = mondrian(rows, [0], 4);
    expect(r.rows.map((x) => x[0])).toEqual(['{a,b}', '{a,b}', '{a,b}', '{a,b}', '{c,d}', '{c,d}', '{c,d}', '{c,d}']);
    expect(r.informationLoss).toBeCloseTo(1 / 3);
  });

  it('output is k-anonymous, covers the input, and suppresses only when n < k (property)', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 0, maxLength: 80 }), fc.integer({ min: 1, max: 10 }), fc.subarray([0, 1, 2], { minLength: 1 }), (rows, k, qi) => {
        const r = mondrian(rows, qi, k);
        expect(r.rows.length).toBe(rows.length);
        expect(r.suppressed.length).toBe(rows.length < k ? rows.length : 0);
        for (const size of classSizes(r.rows, qi, r.suppressed)) expect(size).toBeGreaterThanOrEqual(k);
        const sup = new Set(r.suppressed);
        rows.forEach((row, i) => {
          expect(r.rows[i]![3]).toBe(row[3]);
          for (const q of qi) {
            if (sup.has(i)) expect(r.rows[i]![q]).toBe(null);
            else expect(covers(r.rows[i]![q]!, row[q]!, q !== 1)).toBe(true);
          }
        });
        expect(r.informationLoss).toBeGreaterThanOrEqual(0);
        expect(r.informationLoss).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('scales to 100k rows', () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const rows = Array.from({ length: 100_000 }, () => [String(18 + Math.floor(rnd() * 70)), String(10000 + Math.floor(rnd() * 900)), rnd() < 0.5 ? 'F' : 'M']);
    const t0 = performance.now();
    const r = mondrian(rows, [0, 1, 2], 10);
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(Math.min(...classSizes(r.rows, [0, 1, 2], r.suppressed))).toBeGreaterThanOrEqual(10);
    expect(r.informationLoss).toBeLessThan(0.2);
  });
});
