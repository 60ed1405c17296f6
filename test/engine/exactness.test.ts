/**
 * Exact statistics against an independent, naive computation (sorting and two-pass sums),
 * with the definitions pandas uses: count/missing/distinct/min/max/median exactly, mean/std/p25/p75 to 1e-9.
 */
import { describe, expect, it } from 'vitest';
import { auditFile, rng, tmpFile } from '../helpers.js';

function naive(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const q = (p: number) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    return s[lo]! + (h - lo) * (s[Math.min(lo + 1, n - 1)]! - s[lo]!);
  };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const med = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  const q1 = q(0.25);
  const q3 = q(0.75);
  const iqr = values.filter((v) => v < q1 - 1.5 * (q3 - q1) || v > q3 + 1.5 * (q3 - q1)).length;
  const z = values.filter((v) => Math.abs(v - mean) / std > 3).length;
  return { n, min: s[0], max: s[n - 1], mean, std, p25: q1, median: med, p75: q3, distinct: new Set(values).size, iqr, z };
}

const close = (a: number | null, b: number, scale: number) => expect(Math.abs((a ?? NaN) - b)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(b), scale, 1e-300));

describe.each([1, 7, 2024])('numeric statistics equal a naive reference (seed %i)', (seed) => {
  it('matches on a mixed numeric file with gaps, duplicates and outliers', async () => {
    const r = rng(seed);
    const rows: string[] = ['id,amount,score,city'];
    const amounts: number[] = [];
    const scores: number[] = [];
    let missingAmount = 0;
    for (let i = 0; i < 5000; i++) {
      const missing = r() < 0.05;
      // lognormal amounts with a few huge outliers, rounded to cents
      let amount = Math.round(Math.exp(3 + r() * 2 + (r() < 0.01 ? 5 : 0)) * 100) / 100;
      if (r() < 0.02) amount = -amount;
      const score = Math.floor(r() * 100);
      if (missing) missingAmount++;
      else amounts.push(amount);
      scores.push(score);
      rows.push(`${i + 1},${missing ? '' : amount},${score},${['Oslo', 'Lima', 'Pune'][i % 3]}`);
    }
    const p = tmpFile('num.csv', rows.join('\n') + '\n');
    const rep = await auditFile(p);
    const a = rep.columns.find((c) => c.name === 'amount')!;
    const ref = naive(amounts);
    expect(a.type).toBe('float');
    expect(a.count).toBe(ref.n);
    expect(a.missing).toBe(missingAmount);
    expect(a.distinct).toBe(ref.distinct);
    expect(a.min).toBe(ref.min);
    expect(a.max).toBe(ref.max);
    expect(a.median).toBe(ref.median);
    close(a.mean, ref.mean, ref.std);
    close(a.std, ref.std, ref.std);
    close(a.p25, ref.p25, ref.std);
    close(a.p75, ref.p75, ref.std);
    expect(a.outliers!.iqr).toBe(ref.iqr);
    expect(a.outliers!.zscore).toBe(ref.z);
    const s = rep.columns.find((c) => c.name === 'score')!;
    const sref = naive(scores);
    expect(s.type).toBe('integer');
    expect(s.distinct).toBe(sref.distinct);
    expect(s.median).toBe(sref.median);
    const id = rep.columns.find((c) => c.name === 'id')!;
    expect(id.outliers).toBeNull();
    expect(id.notes?.join(' ')).toMatch(/identifier/);
    expect(rep.columns.find((c) => c.name === 'city')!.type).toBe('categorical');
  });
});

describe('duplicates', () => {
  it('counts surplus rows, parsed-value equality, near duplicates and keys', async () => {
    const csv = [
      'k,a,b',
      '1,35,x', // row 1
      '1,35.0,x', // row 2: same parsed values as row 1
      '2,,y', // row 3
      '2,,y', // row 4: missing equals missing
      '3,7, Hello  World', // row 5
      '4,7,hello world', // row 6: near duplicate of 5 only on b... but k differs -> not a duplicate
      '3,7,hello world', // row 7: near duplicate of row 5
      '1,35,x', // row 8: third copy
    ].join('\n');
    const rep = await auditFile(tmpFile('d.csv', csv), { key: 'k' });
    expect(rep.duplicates.rows).toBe(3);
    expect(rep.duplicates.nearRows).toBe(1);
    expect(rep.duplicates.keyRows).toBe(4);
    const f = rep.findings.find((x) => x.id === 'duplicate-rows')!;
    expect(f.examples.map((e) => e.row)).toEqual([2, 4, 8]);
    expect(f.examples.map((e) => e.line)).toEqual([3, 5, 9]);
    expect(rep.scores.uniqueness).toBeCloseTo(100 * (1 - 4 / 8), 9);
  });
});
