import { describe, expect, it } from 'vitest';
import { missForest, missForestSync } from '../../../src/clean/model/missforest.js';
import type { ModelInput } from '../../../src/clean/model/types.js';
import { normal, rng } from './helpers.js';

function nonlinear(n: number, seed: number) {
  const r = rng(seed);
  const x = new Float64Array(n), w = new Float64Array(n), y = new Float64Array(n), yTrue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = -3 + 6 * r();
    w[i] = r();
    yTrue[i] = 3 * Math.sin(2 * x[i]!) + x[i]! * x[i]!; // noiseless, non-monotone
    y[i] = r() < 0.2 ? NaN : yTrue[i]!;
  }
  const input: ModelInput = { columns: [
    { name: 'x', kind: 'numeric', values: x },
    { name: 'w', kind: 'numeric', values: w },
    { name: 'y', kind: 'numeric', values: y },
  ] };
  return { input, yTrue };
}

describe('missForest', () => {
  it('recovers a noiseless nonlinear relation much better than mean imputation', () => {
    const { input, yTrue } = nonlinear(600, 1);
    const res = missForestSync(input, { trees: 30, seed: 1 });
    const y0 = input.columns[2]!.values as Float64Array;
    const y = res.columns[2]!.values as Float64Array;
    let mean = 0, k = 0;
    for (const v of y0) if (!Number.isNaN(v)) { mean += v; k++; }
    mean /= k;
    let eF = 0, eM = 0, m = 0;
    for (let i = 0; i < y0.length; i++) {
      if (!Number.isNaN(y0[i]!)) { expect(Object.is(y[i], y0[i])).toBe(true); continue; }
      eF += (y[i]! - yTrue[i]!) ** 2;
      eM += (mean - yTrue[i]!) ** 2;
      m++;
    }
    const rmseForest = Math.sqrt(eF / m), rmseMean = Math.sqrt(eM / m);
    expect(rmseForest).toBeLessThan(0.3 * rmseMean);
    // OOB NRMSE reported for the imputed column, small for a noiseless relation
    const s = res.summary.columns.find((c) => c.name === 'y')!;
    expect(s.oobMetric).toBe('NRMSE');
    expect(s.oobError).toBeGreaterThan(0);
    expect(s.oobError).toBeLessThan(0.3);
    expect(res.summary.exact).toBe(true);
  });

  it('imputes categorical columns by classification and reports PFC', () => {
    const n = 300;
    const r = rng(2);
    const x = new Float64Array(n);
    const g: (string | null)[] = [];
    const truth: string[] = [];
    for (let i = 0; i < n; i++) {
      x[i] = r() * 3;
      truth.push(x[i]! < 1 ? 'lo' : x[i]! < 2 ? 'mid' : 'hi');
      g.push(r() < 0.2 ? null : truth[i]!);
    }
    const res = missForestSync({ columns: [{ name: 'x', kind: 'numeric', values: x }, { name: 'g', kind: 'categorical', values: g }] }, { trees: 25, seed: 4 });
    const out = res.columns[1]!.values as string[];
    let wrong = 0, m = 0;
    g.forEach((v, i) => { if (v === null) { m++; if (out[i] !== truth[i]) wrong++; } else expect(out[i]).toBe(v); });
    expect(wrong / m).toBeLessThan(0.1);
    const s = res.summary.columns[0]!;
    expect(s.oobMetric).toBe('PFC');
    expect(s.oobError).toBeGreaterThanOrEqual(0);
    expect(s.oobError).toBeLessThan(0.1);
  });

  it('stops the first time the change increases and returns the previous iteration', () => {
    const r = rng(5);
    const n = 200;
    const cols = [0, 1, 2, 3].map((j) => {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = r() < 0.25 ? NaN : normal(r) + (j === 0 ? 0 : 0.5 * j);
      return { name: `v${j}`, kind: 'numeric' as const, values: v };
    });
    const input = { columns: cols };
    const res = missForestSync(input, { trees: 10, maxIterations: 10, seed: 9 });
    const conv = res.summary.convergence.map((c) => c.numeric!);
    expect(conv.length).toBe(res.summary.iterations);
    // strictly decreasing until the last step
    for (let i = 1; i < conv.length - 1; i++) expect(conv[i]!).toBeLessThan(conv[i - 1]!);
    if (res.summary.stoppedBy === 'convergence') {
      expect(conv[conv.length - 1]!).toBeGreaterThanOrEqual(conv[conv.length - 2]!);
      expect(res.summary.returnedIteration).toBe(res.summary.iterations - 1);
      // the same seed with maxIterations = returnedIteration yields exactly that imputation
      const again = missForestSync(input, { trees: 10, maxIterations: res.summary.returnedIteration, seed: 9 });
      expect(again.summary.stoppedBy).toBe('maxIterations');
      for (let j = 0; j < 4; j++) expect(Array.from(again.columns[j]!.values as Float64Array)).toEqual(Array.from(res.columns[j]!.values as Float64Array));
      expect(again.summary.columns).toEqual(res.summary.columns);
    } else {
      expect(res.summary.iterations).toBe(10);
    }
    // noise data: the rule should fire well before 10 iterations
    expect(res.summary.stoppedBy).toBe('convergence');
  });

  it('is reproducible with a seed; summary is JSON', () => {
    const { input } = nonlinear(150, 3);
    const a = missForestSync(input, { trees: 8, seed: 2 });
    const b = missForestSync(input, { trees: 8, seed: 2 });
    expect(Array.from(a.columns[2]!.values as Float64Array)).toEqual(Array.from(b.columns[2]!.values as Float64Array));
    expect(JSON.parse(JSON.stringify(a.summary))).toEqual(a.summary);
  });

  it('caps the bootstrap sample for large n and says it is approximate', () => {
    const { input } = nonlinear(400, 6);
    const res = missForestSync(input, { trees: 5, maxIterations: 2, seed: 1, maxSamples: 100 });
    expect(res.summary.exact).toBe(false);
    expect(res.summary.sampleSize).toBe(100);
    expect(res.summary.notes.join(' ')).toMatch(/approximation/);
  });
});

describe('missForest (async API)', () => {
  it('equals missForestSync (main-thread fallback under vitest)', async () => {
    const { input } = nonlinear(120, 8);
    const a = await missForest(input, { trees: 6, seed: 3 });
    const b = missForestSync(input, { trees: 6, seed: 3 });
    expect(Array.from(a.columns[2]!.values as Float64Array)).toEqual(Array.from(b.columns[2]!.values as Float64Array));
    expect(a.summary).toEqual(b.summary);
  });
});
