import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { knnImputeSync } from '../../../src/clean/model/knn.js';
import { mice } from '../../../src/clean/model/mice.js';
import { missForestSync } from '../../../src/clean/model/missforest.js';
import type { CompletedColumns, ModelInput } from '../../../src/clean/model/types.js';

/** Random small mixed datasets; every column keeps at least one observed value. */
const datasets = fc
  .record({ n: fc.integer({ min: 3, max: 25 }), p: fc.integer({ min: 1, max: 4 }), cat: fc.boolean(), seed: fc.integer() })
  .chain(({ n, p, cat }) =>
    fc.record({
      nums: fc.array(
        fc.array(fc.oneof({ weight: 1, arbitrary: fc.constant(NaN) }, { weight: 3, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) }), { minLength: n, maxLength: n }),
        { minLength: p, maxLength: p },
      ),
      cats: fc.array(fc.array(fc.constantFrom(null, 'a', 'b', 'c'), { minLength: n, maxLength: n }), { minLength: cat ? 1 : 0, maxLength: cat ? 1 : 0 }),
    }),
  )
  .map(({ nums, cats }): ModelInput => ({
    columns: [
      ...nums.map((v, j) => {
        if (v.every(Number.isNaN)) v[0] = 1;
        return { name: `n${j}`, kind: 'numeric' as const, values: Float64Array.from(v) };
      }),
      ...cats.map((v, j) => {
        if (v.every((x) => x === null)) v[0] = 'a';
        return { name: `g${j}`, kind: 'categorical' as const, values: v };
      }),
    ],
  }));

function check(input: ModelInput, out: CompletedColumns): void {
  expect(out).toHaveLength(input.columns.length);
  input.columns.forEach((c, j) => {
    expect(out[j]!.values).not.toBe(c.values);
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i];
      const o = out[j]!.values[i];
      if (c.kind === 'numeric') {
        if (Number.isNaN(v)) expect(Number.isFinite(o)).toBe(true);
        else expect(Object.is(o, v)).toBe(true);
      } else if (v === null) expect(['a', 'b', 'c']).toContain(o);
      else expect(o).toBe(v);
    }
  });
}

describe('no method changes an observed value; every missing cell is filled', () => {
  it('knn', () => {
    fc.assert(fc.property(datasets, fc.integer({ min: 1, max: 6 }), fc.boolean(), (input, k, d) => {
      check(input, knnImputeSync(input, { k, weights: d ? 'distance' : 'uniform' }).columns);
    }), { numRuns: 40 });
  });
  it('mice (pmm, norm, regression)', () => {
    fc.assert(fc.property(datasets, fc.constantFrom('pmm' as const, 'norm' as const, 'regression' as const), fc.integer(), (input, method, seed) => {
      for (const ds of mice(input, { m: 2, iterations: 2, method, seed }).datasets) check(input, ds);
    }), { numRuns: 40 });
  });
  it('missForest', () => {
    fc.assert(fc.property(datasets, fc.integer(), (input, seed) => {
      check(input, missForestSync(input, { trees: 4, maxIterations: 3, seed }).columns);
    }), { numRuns: 40 });
  });
});
