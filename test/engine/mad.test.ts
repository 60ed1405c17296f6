import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finalizeColumn, newColumnState, updateColumn } from '../../src/checks/profile.js';
import { DEFAULT_NA_VALUES, viewBatch } from '../../src/schema/values.js';
import type { AuditOptions } from '../../src/core/types.js';

const options = { naValues: new Set(DEFAULT_NA_VALUES), decimalComma: false, dayFirst: null, numericThreshold: 0.95, types: {}, keyColumns: null, examples: true, exactBudgetBytes: 1 << 24, checks: {}, asOf: 0 } as AuditOptions;

function naiveMad(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const med = (a: number[]) => (a.length % 2 ? a[(a.length - 1) / 2]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2);
  const m = med(s);
  return med(s.map((x) => Math.abs(x - m)).sort((a, b) => a - b));
}

describe('robust outlier counts', () => {
  it('the MAD fence equals a naive computation', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 200 }), (xs) => {
        const st = newColumnState('x', 1, 1 << 24);
        const b = viewBatch({ columns: ['x'], data: [xs.map(String)], length: xs.length, firstRow: 1, lines: null }, options);
        updateColumn(st, b, 0, 1 << 24);
        const { detail, profile } = finalizeColumn(st, 0, xs.length, options);
        const mad = naiveMad(xs);
        const s = [...xs].sort((a, b) => a - b);
        const med = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
        if (detail.identifierLike) return;
        if (mad === 0) expect(profile.outliers?.mad ?? null).toBeNull();
        else {
          const expected = xs.filter((x) => (0.6745 * Math.abs(x - med)) / mad > 3.5).length;
          // fences are med +- 3.5*mad/0.6745; compare counts
          expect(profile.outliers!.mad).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
