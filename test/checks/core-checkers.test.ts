/**
 * Table-driven tests of the core checkers (missingness, noise, outliers, duplicates) through the engine:
 * one small input per behaviour; assertions on finding ids, columns, counts and data, not prose.
 */
import { describe, expect, it } from 'vitest';
import type { Finding, Report } from '../../src/core/types.js';
import { auditFile, tmpFile } from '../helpers.js';

interface Case {
  name: string;
  csv: string;
  flags?: Record<string, unknown>;
  expect: { check: string; id: string; column: string | null; count: number; rows?: number[]; data?: Record<string, unknown> }[];
  absent?: { check: string; id: string; column?: string | null }[];
  verify?: (r: Report) => void;
}

const lines = (...rows: string[]) => rows.join('\n') + '\n';
const seq = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

const CASES: Case[] = [
  {
    name: 'missingness: empty cells and NA tokens per column, with the lowest rows as examples',
    csv: lines('a,b', '1,x', ',NA', '3,', 'N/A,y'),
    expect: [
      { check: 'missingness', id: 'missing-values', column: 'a', count: 2, rows: [2, 4] },
      { check: 'missingness', id: 'missing-values', column: 'b', count: 2, rows: [2, 3] },
    ],
    verify: (r) => {
      expect(r.metrics.missingness).toMatchObject({ completeRows: 1, incompleteRows: 3 });
      expect(r.scores.completeness).toBeCloseTo(100 * (1 - 4 / 8), 9);
    },
  },
  {
    name: 'missingness: a column with nothing in it',
    csv: lines('a,b', '1,', '2,', '3,'),
    expect: [{ check: 'missingness', id: 'column-empty', column: 'b', count: 3 }],
  },
  {
    name: '--na-values replaces the tokens: NA becomes a value',
    csv: lines('a,b', 'NA,1', '1,2', ',3'),
    flags: { naValues: '' },
    expect: [{ check: 'missingness', id: 'missing-values', column: 'a', count: 1, rows: [3] }],
  },
  {
    name: 'noise: text in a numeric column is type noise (validity)',
    csv: lines('v', ...seq(40, (i) => String(i % 7)), 'oops'),
    expect: [{ check: 'noise', id: 'type-noise', column: 'v', count: 1, rows: [41], data: { type: 'integer' } }],
    verify: (r) => expect(r.scores.validity).toBeCloseTo(100 * (1 - 1 / 41), 9),
  },
  {
    name: 'noise: control characters (accuracy)',
    csv: lines('t', 'ok', '"bad\u0007bell"', 'fine'),
    expect: [{ check: 'noise', id: 'control-characters', column: 't', count: 1, rows: [2] }],
  },
  {
    name: 'noise: a repeated sentinel at the extreme is a suspected disguised missing value, not scored',
    csv: lines('age', ...seq(30, (i) => String(20 + (i % 40))), '-999', '-999', '-999'),
    expect: [{ check: 'noise', id: 'disguised-missing', column: 'age', count: 3, data: { value: '-999' } }],
  },
  {
    name: 'noise: leading-zero codes make a string column, not integer noise',
    csv: lines('zip', '02134', '90210', '10001', '01002'),
    expect: [],
    absent: [{ check: 'noise', id: 'type-noise' }],
    verify: (r) => expect(r.columns[0]!.type).toBe('string'),
  },
  {
    name: 'outliers: Tukey, z-score and robust counts on a column with one far value',
    csv: lines('x', ...seq(50, (i) => String(10 + (i % 5))), '1000'),
    expect: [{ check: 'outliers', id: 'outliers', column: 'x', count: 1, rows: [51], data: { iqr: 1, zscore: 1, mad: 1 } }],
  },
  {
    name: 'outliers: an identifier-like column is skipped',
    csv: lines('id', ...seq(40, (i) => String(i * i))),
    expect: [],
    absent: [{ check: 'outliers', id: 'outliers' }],
    verify: (r) => expect(r.columns[0]!.notes?.join(' ')).toMatch(/identifier/),
  },
  {
    name: 'outliers: a lognormal-like heavy tail is reported (Tukey) but barely scored (robust rule on logs)',
    csv: lines('amount', ...seq(200, (i) => (Math.exp((i % 20) / 4) * 10).toFixed(2))),
    expect: [],
    verify: (r) => {
      expect(r.columns[0]!.outliers!.iqr).toBeGreaterThan(0);
      expect(r.scores.accuracy).toBe(100);
    },
  },
  {
    name: 'duplicates: surplus rows, a missing cell equals a missing cell',
    csv: lines('a,b', '1,', '1,', '2,x', '1,'),
    expect: [{ check: 'duplicates', id: 'duplicate-rows', column: null, count: 2, rows: [2, 4] }],
  },
  {
    name: 'duplicates: near duplicates after trimming and case-folding, counted once',
    csv: lines('name,city', 'Ann,Oslo', ' ann ,OSLO', 'Ann,Oslo'),
    expect: [
      { check: 'duplicates', id: 'duplicate-rows', column: null, count: 1, rows: [3] },
      { check: 'duplicates', id: 'near-duplicate-rows', column: null, count: 1, rows: [2] },
    ],
  },
  {
    name: 'duplicates: a key column that does not exist is an error finding',
    csv: lines('a', '1', '2'),
    flags: { key: 'nope' },
    expect: [{ check: 'duplicates', id: 'key-not-found', column: 'nope', count: 1 }],
  },
];

function pick(r: Report, e: { check: string; id: string; column?: string | null }): Finding[] {
  return r.findings.filter((f) => f.check === e.check && f.id === e.id && (e.column === undefined || f.column === e.column));
}

describe.each(CASES)('$name', (c) => {
  it('finds exactly what is expected', async () => {
    const r = await auditFile(tmpFile('c.csv', c.csv), c.flags ?? {});
    for (const e of c.expect) {
      const f = pick(r, e);
      expect(f, `${e.check}/${e.id} on ${e.column}`).toHaveLength(1);
      expect(f[0]!.count).toBe(e.count);
      if (e.rows) expect(f[0]!.examples.map((x) => x.row)).toEqual(e.rows);
      if (e.data) expect(f[0]!.data).toMatchObject(e.data);
    }
    for (const a of c.absent ?? []) expect(pick(r, a)).toEqual([]);
    c.verify?.(r);
  });
});
