import { describe, expect, it } from 'vitest';
import { mice, poolMeans } from '../../../src/clean/model/mice.js';
import { rubinPool } from '../../../src/clean/model/rubin.js';
import { Rng } from '../../../src/clean/model/random.js';
import type { ModelInput } from '../../../src/clean/model/types.js';
import { normal, rng } from './helpers.js';

function linearData(n: number, seed: number, missRate = 0.2) {
  const r = rng(seed);
  const x1 = new Float64Array(n), x2 = new Float64Array(n), y = new Float64Array(n), yTrue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = normal(r) * 3 + 10;
    x2[i] = r() * 5;
    yTrue[i] = 1 + 2 * x1[i]! - 3 * x2[i]!;
    y[i] = r() < missRate ? NaN : yTrue[i]!;
  }
  const input: ModelInput = { columns: [
    { name: 'x1', kind: 'numeric', values: x1 },
    { name: 'x2', kind: 'numeric', values: x2 },
    { name: 'y', kind: 'numeric', values: y },
  ] };
  return { input, yTrue };
}

function mixedData(n: number, seed: number): ModelInput {
  const r = rng(seed);
  const a = new Float64Array(n), b = new Float64Array(n);
  const g: (string | null)[] = [], h: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    const z = normal(r);
    a[i] = r() < 0.15 ? NaN : z + 0.3 * normal(r);
    b[i] = r() < 0.15 ? NaN : 2 * z + normal(r);
    g.push(r() < 0.15 ? null : z + 0.5 * normal(r) > 0 ? 'yes' : 'no');
    h.push(r() < 0.15 ? null : z < -0.5 ? 'low' : z < 0.5 ? 'mid' : 'high');
  }
  return { columns: [
    { name: 'a', kind: 'numeric', values: a },
    { name: 'g', kind: 'categorical', values: g },
    { name: 'b', kind: 'numeric', values: b },
    { name: 'h', kind: 'categorical', values: h },
  ] };
}

describe('mice', () => {
  it('is reproducible with a seed and differs across seeds', () => {
    const input = mixedData(120, 1);
    const a = mice(input, { m: 2, iterations: 3, seed: 42 });
    const b = mice(input, { m: 2, iterations: 3, seed: 42 });
    const c = mice(input, { m: 2, iterations: 3, seed: 43 });
    expect(a.datasets.map((d) => d.map((col) => Array.from(col.values)))).toEqual(b.datasets.map((d) => d.map((col) => Array.from(col.values))));
    expect(Array.from(a.datasets[0]![0]!.values)).not.toEqual(Array.from(c.datasets[0]![0]!.values));
    expect(a.summary).toEqual(b.summary);
    expect(JSON.parse(JSON.stringify(a.summary))).toEqual(a.summary);
  });

  it('returns m datasets, never changes observed values and fills every cell (mixed types)', () => {
    const input = mixedData(150, 2);
    const res = mice(input, { m: 3, iterations: 4, seed: 7 });
    expect(res.datasets).toHaveLength(3);
    expect(res.summary.columns.map((c) => c.model)).toEqual(['pmm', 'logreg', 'pmm', 'polyreg']);
    for (const ds of res.datasets) {
      input.columns.forEach((col, j) => {
        const out = ds[j]!.values;
        for (let i = 0; i < 150; i++) {
          const v = col.values[i];
          if (col.kind === 'numeric') {
            if (!Number.isNaN(v)) expect(Object.is(out[i], v)).toBe(true);
            else expect(Number.isFinite(out[i])).toBe(true);
          } else if (v !== null) expect(out[i]).toBe(v);
          else expect(['yes', 'no', 'low', 'mid', 'high']).toContain(out[i]);
        }
      });
      expect(ds).not.toBe(input.columns);
      expect(ds[0]!.values).not.toBe(input.columns[0]!.values);
    }
  });

  it("'regression' on exactly linear data recovers the missing values (1e-6)", () => {
    const { input, yTrue } = linearData(200, 3);
    const res = mice(input, { m: 1, iterations: 2, method: 'regression', seed: 1 });
    const y = res.datasets[0]![2]!.values as Float64Array;
    let maxErr = 0;
    for (let i = 0; i < 200; i++) maxErr = Math.max(maxErr, Math.abs(y[i]! - yTrue[i]!));
    expect(maxErr).toBeLessThan(1e-6);
    expect(res.summary.pooled).toBeNull();
    expect(res.summary.poolingNote).toMatch(/m >= 2/);
  });

  it("'norm' on linear data imputes near the line (small residual sd)", () => {
    const { input, yTrue } = linearData(300, 4);
    const res = mice(input, { m: 2, iterations: 2, method: 'norm', seed: 5 });
    const y = res.datasets[0]![2]!.values as Float64Array;
    let maxErr = 0;
    for (let i = 0; i < 300; i++) maxErr = Math.max(maxErr, Math.abs(y[i]! - yTrue[i]!));
    expect(maxErr).toBeLessThan(1e-3);
  });

  it("'pmm' imputes only observed values of the column", () => {
    const input = mixedData(200, 6);
    const res = mice(input, { m: 3, iterations: 3, seed: 11 });
    for (const j of [0, 2]) {
      const observed = new Set(Array.from(input.columns[j]!.values as Float64Array).filter((v) => !Number.isNaN(v)));
      for (const ds of res.datasets) for (const v of ds[j]!.values as Float64Array) expect(observed.has(v)).toBe(true);
    }
  });

  it('pmm on linear data is close to the truth (donors are the nearest predictions)', () => {
    const { input, yTrue } = linearData(400, 8, 0.1);
    const res = mice(input, { m: 2, iterations: 3, seed: 2 });
    const y = res.datasets[1]![2]!.values as Float64Array;
    const sdY = 6.5; // sd of 1 + 2 x1 - 3 x2 is about sqrt(36 + 18.75)
    let s = 0, k = 0;
    for (let i = 0; i < 400; i++) if (Number.isNaN((input.columns[2]!.values as Float64Array)[i]!)) { s += (y[i]! - yTrue[i]!) ** 2; k++; }
    expect(Math.sqrt(s / k)).toBeLessThan(0.2 * sdY);
  });

  it('removes constant, identifier and collinear columns as predictors', () => {
    const n = 60;
    const r = rng(9);
    const x = Float64Array.from({ length: n }, () => normal(r));
    const input: ModelInput = { columns: [
      { name: 'id', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i + 1) },
      { name: 'const', kind: 'numeric', values: new Float64Array(n).fill(3) },
      { name: 'x', kind: 'numeric', values: x },
      { name: 'x2', kind: 'numeric', values: x.map((v) => 2 * v + 1) },
      { name: 'y', kind: 'numeric', values: x.map((v, i) => (i % 5 === 0 ? NaN : v + normal(r))) },
    ] };
    const res = mice(input, { m: 2, iterations: 2, seed: 1 });
    expect(res.summary.removedPredictors).toEqual([
      { name: 'id', reason: 'identifier' },
      { name: 'const', reason: 'constant' },
      { name: 'x2', reason: 'collinear with x' },
    ]);
    expect(res.summary.columns[4]!.predictors).toEqual(['x']);
  });

  it('pools column means by Rubin rules in the summary, and reports chain means', () => {
    const input = mixedData(150, 12);
    const res = mice(input, { m: 4, iterations: 3, seed: 3 });
    const pooled = res.summary.pooled!;
    expect(pooled.map((p) => p.column)).toEqual(['a', 'b']);
    expect(pooled[0]!.m).toBe(4);
    expect(pooled[0]!.fmi).toBeGreaterThan(0);
    expect(pooled[0]!.fmi).toBeLessThan(1);
    expect(res.summary.chainMeans.a).toHaveLength(4);
    expect(res.summary.chainMeans.a![0]).toHaveLength(3);
    expect(poolMeans(res.datasets)).toEqual(pooled);
  });

  it('pooling needs m >= 2 and a stochastic method', () => {
    const input = mixedData(50, 13);
    const one = mice(input, { m: 1, iterations: 1, seed: 1 });
    expect(() => poolMeans(one.datasets)).toThrow(/m >= 2/);
    const reg = mice(input, { m: 2, iterations: 1, method: 'regression', seed: 1 });
    expect(() => poolMeans(reg.datasets, 'regression')).toThrow(/stochastic/);
    expect(reg.summary.pooled).toBeNull();
  });

  it('rejects bad options', () => {
    const input = mixedData(20, 1);
    expect(() => mice(input, { m: 0 })).toThrow(/m must be/);
    expect(() => mice(input, { method: 'cart' as 'pmm' })).toThrow(/method/);
  });
});

describe('rubinPool (hand-worked)', () => {
  it('m = 3, estimates 10, 12, 11, variances 1, 1.2, 0.8, n = 100', () => {
    // Q_bar = 11; U_bar = 1; B = ((-1)^2 + 1^2 + 0^2) / 2 = 1; T = 1 + (4/3) * 1 = 7/3
    // r = (4/3) / 1 = 4/3; lambda = (4/3) / (7/3) = 4/7
    // nu_old = (m - 1) / lambda^2 = 2 / (16/49) = 49/8; nu_com = 99
    // nu_obs = (100 / 102) * 99 * (3/7) = 29700 / 714; nu = nu_old nu_obs / (nu_old + nu_obs)
    // fmi = (r + 2 / (nu + 3)) / (r + 1)
    const p = rubinPool([10, 12, 11], [1, 1.2, 0.8], 100);
    const nuOld = 49 / 8, nuObs = 29700 / 714, nu = (nuOld * nuObs) / (nuOld + nuObs);
    expect(p.estimate).toBeCloseTo(11, 12);
    expect(p.ubar).toBeCloseTo(1, 12);
    expect(p.b).toBeCloseTo(1, 12);
    expect(p.t).toBeCloseTo(7 / 3, 12);
    expect(p.se).toBeCloseTo(Math.sqrt(7 / 3), 12);
    expect(p.riv).toBeCloseTo(4 / 3, 12);
    expect(p.lambda).toBeCloseTo(4 / 7, 12);
    expect(p.df).toBeCloseTo(nu, 10);
    expect(p.df).toBeCloseTo(5.33886553, 6);
    expect(p.fmi).toBeCloseTo((4 / 3 + 2 / (nu + 3)) / (7 / 3), 12);
    expect(p.fmi).toBeCloseTo(0.67421748, 6);
  });

  it('B = 0: lambda floored at 1e-4 for the df (as mice), riv = 0', () => {
    const p = rubinPool([5, 5], [0.5, 0.5], 50);
    expect(p.b).toBe(0);
    expect(p.riv).toBe(0);
    const lam = 1e-4, dfold = 1 / lam ** 2, dfobs = (50 / 52) * 49 * (1 - lam);
    expect(p.df).toBeCloseTo((dfold * dfobs) / (dfold + dfobs), 8);
  });

  it('needs m >= 2', () => {
    expect(() => rubinPool([1], [1], 10)).toThrow(/m >= 2/);
  });
});

describe('Rng (xoshiro128**)', () => {
  it('is deterministic and has sane moments', () => {
    const a = new Rng(1), b = new Rng(1);
    const xs = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(xs);
    const r = new Rng(2);
    let s = 0, s2 = 0, c = 0;
    const N = 20000;
    for (let i = 0; i < N; i++) { const z = r.normal(); s += z; s2 += z * z; c += r.chisq(4); }
    expect(Math.abs(s / N)).toBeLessThan(0.03);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.05);
    expect(Math.abs(c / N - 4)).toBeLessThan(0.1);
  });
});
