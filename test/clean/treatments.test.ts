/**
 * Treatments against hand-computed reference results (scikit-learn SimpleImputer / scalers, pandas rolling/ewm),
 * one small fixture per behaviour in test/fixtures-clean/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIX, clean, closeTo, column, dryRun, nums, readCsv, tmpCsv } from './helpers.js';

const f = (name: string) => join(FIX, name);
const NA = NaN;

describe('impute (SimpleImputer)', () => {
  // impute.csv: x = 1,_,4,2,_,10 (even n: median (2+4)/2); y = 3.5,1.25,_,7,2,0.5; t = b,a,_,b,a,c (mode tie a/b -> a);
  // k = 2,2.0,1,1,_,3 (numeric mode: 2 and 2.0 are one value; tie 1/2 -> 1)
  const cases: { name: string; impute: string[]; expect: Record<string, (number | string)[]> }[] = [
    {
      name: 'mean',
      impute: ['mean'],
      expect: { x: [1, 17 / 4, 4, 2, 17 / 4, 10], y: [3.5, 1.25, 14.25 / 5, 7, 2, 0.5], k: [2, 2, 1, 1, 9 / 5, 3], t: ['b', 'a', '', 'b', 'a', 'c'] },
    },
    {
      name: 'median (even n -> mean of the two middle values)',
      impute: ['median'],
      expect: { x: [1, 3, 4, 2, 3, 10], y: [3.5, 1.25, 2, 7, 2, 0.5], k: [2, 2, 1, 1, 2, 3], t: ['b', 'a', '', 'b', 'a', 'c'] },
    },
    {
      name: 'mode (ties -> smallest; numbers compared numerically)',
      impute: ['mode'],
      expect: { x: [1, 1, 4, 2, 1, 10], y: [3.5, 1.25, 0.5, 7, 2, 0.5], k: [2, 2, 1, 1, 1, 3], t: ['b', 'a', 'a', 'b', 'a', 'c'] },
    },
    {
      name: 'constant',
      impute: ['constant:0'],
      expect: { x: [1, 0, 4, 2, 0, 10], y: [3.5, 1.25, 0, 7, 2, 0.5], k: [2, 2, 1, 1, 0, 3], t: ['b', 'a', '0', 'b', 'a', 'c'] },
    },
    {
      name: 'per column',
      impute: ['x=median', 't=mode', 'k=constant:-1'],
      expect: { x: [1, 3, 4, 2, 3, 10], y: [3.5, 1.25, NA, 7, 2, 0.5], k: [2, 2, 1, 1, -1, 3], t: ['b', 'a', 'a', 'b', 'a', 'c'] },
    },
  ];
  test.each(cases)('$name', async ({ impute, expect: exp }) => {
    const out = await clean(f('impute.csv'), { impute });
    for (const [col, values] of Object.entries(exp)) {
      if (typeof values[0] === 'string') expect(column(out, col)).toEqual(values);
      else closeTo(nums(out, col), values as number[], 1e-12);
    }
  });

  test('observed cells are written exactly as read (k keeps "2.0")', async () => {
    const out = await clean(f('impute.csv'), { impute: ['median'] });
    expect(column(out, 'k')).toEqual(['2', '2.0', '1', '1', '2', '3']);
  });

  test('mean/median on a text column named explicitly is a usage error', async () => {
    await expect(clean(f('impute.csv'), { impute: ['t=mean'] })).rejects.toMatchObject({ exitCode: 2 });
  });

  test('a numeric strategy for all columns lists incomplete text columns in the summary', async () => {
    const s = await dryRun(f('impute.csv'), { impute: ['mean'] });
    const step = s.steps.find((x) => x.step === 'impute')!;
    expect(step.notes.join('\n')).toMatch(/t left as it is: not numeric/);
    expect(step.columns).toEqual({ x: 2, y: 1, k: 1 });
  });
});

describe('normalize (StandardScaler, MinMaxScaler, RobustScaler)', () => {
  // scale.csv: a = 1,2,3,4,10; b = 5 x5 (constant: scale 1); c = 2,_,4,8,16 (missing stays missing)
  const s10 = Math.sqrt(10);
  const sc = Math.sqrt(28.75);
  const cases: { name: string; normalize: string[]; range?: string; expect: Record<string, number[]> }[] = [
    {
      name: 'zscore (population std)',
      normalize: ['zscore'],
      expect: { a: [1, 2, 3, 4, 10].map((x) => (x - 4) / s10), b: [0, 0, 0, 0, 0], c: [(2 - 7.5) / sc, NA, (4 - 7.5) / sc, (8 - 7.5) / sc, (16 - 7.5) / sc] },
    },
    {
      name: 'minmax',
      normalize: ['minmax'],
      expect: { a: [0, 1 / 9, 2 / 9, 3 / 9, 1], b: [0, 0, 0, 0, 0], c: [0, NA, 2 / 14, 6 / 14, 1] },
    },
    {
      name: 'minmax --range -1,1',
      normalize: ['minmax'],
      range: '-1,1',
      expect: { a: [-1, -1 + 2 / 9, -1 + 4 / 9, -1 + 6 / 9, 1], b: [-1, -1, -1, -1, -1], c: [-1, NA, -1 + 4 / 14, -1 + 12 / 14, 1] },
    },
    {
      name: 'robust (median, IQR by linear interpolation)',
      normalize: ['robust'],
      expect: { a: [1, 2, 3, 4, 10].map((x) => (x - 3) / 2), b: [0, 0, 0, 0, 0], c: [(2 - 6) / 6.5, NA, (4 - 6) / 6.5, (8 - 6) / 6.5, (16 - 6) / 6.5] },
    },
    {
      name: 'per column',
      normalize: ['a=minmax', 'c=robust'],
      expect: { a: [0, 1 / 9, 2 / 9, 3 / 9, 1], b: [5, 5, 5, 5, 5], c: [(2 - 6) / 6.5, NA, (4 - 6) / 6.5, (8 - 6) / 6.5, (16 - 6) / 6.5] },
    },
  ];
  test.each(cases)('$name', async ({ normalize, range, expect: exp }) => {
    const out = await clean(f('scale.csv'), { normalize, ...(range ? { range } : {}) });
    for (const [col, values] of Object.entries(exp)) closeTo(nums(out, col), values, 1e-12);
  });

  test('large offsets keep 1e-9 accuracy (1e9 + small values)', async () => {
    const xs = Array.from({ length: 1000 }, (_, i) => 1e9 + ((i * 7919) % 1000) / 1000);
    const p = tmpCsv('v\n' + xs.join('\n') + '\n');
    const out = await clean(p, { normalize: ['zscore'] });
    // StandardScaler subtracts mean_ (a double) from x: the reference uses the correctly rounded mean and the
    // exact spread (x - 1e9 is exact for these values)
    const d = xs.map((x) => x - 1e9);
    const md = d.reduce((a, b) => a + b, 0) / d.length;
    const mean = 1e9 + md;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - md) ** 2, 0) / d.length);
    closeTo(nums(out, 'v'), xs.map((x) => (x - mean) / sd), 1e-9);
  });
});

describe('outliers', () => {
  // outliers.csv: v = 1..9, 100 -> Q1 3.25, Q3 7.75, fences -3.5 and 14.5; w constant (IQR 0: nothing outside)
  const cases: { name: string; flags: Record<string, unknown>; v: number[]; rows: number }[] = [
    { name: 'clip to the Tukey fences', flags: { outliers: 'clip' }, v: [1, 2, 3, 4, 5, 6, 7, 8, 9, 14.5], rows: 10 },
    { name: 'winsorize 0.1,0.9', flags: { outliers: 'winsorize', limits: '0.1,0.9' }, v: [1.9, 2, 3, 4, 5, 6, 7, 8, 9, 18.1], rows: 10 },
    { name: 'winsorize default 0.01,0.99', flags: { outliers: 'winsorize' }, v: [1.09, 2, 3, 4, 5, 6, 7, 8, 9, 91.81], rows: 10 },
    { name: 'null', flags: { outliers: 'null' }, v: [1, 2, 3, 4, 5, 6, 7, 8, 9, NA], rows: 10 },
    { name: 'null then impute median (fitted after outliers)', flags: { outliers: 'null', impute: ['median'] }, v: [1, 2, 3, 4, 5, 6, 7, 8, 9, 5], rows: 10 },
    { name: 'drop the row', flags: { outliers: 'drop' }, v: [1, 2, 3, 4, 5, 6, 7, 8, 9], rows: 9 },
  ];
  test.each(cases)('$name', async ({ flags, v, rows }) => {
    const log = join(tmpCsv('', 'x').replace(/x$/, ''), 'log.jsonl');
    const out = await clean(f('outliers.csv'), { ...flags, log });
    closeTo(nums(out, 'v'), v, 1e-12);
    expect(column(out, 'w')).toEqual(new Array(rows).fill('5'));
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    if (flags.outliers === 'drop') expect(lines).toEqual([{ row: 10, step: 'outliers', action: 'drop' }]);
    else expect(lines[0]).toMatchObject({ row: flags.outliers === 'winsorize' ? 1 : 10, column: 'v', step: 'outliers' });
  });
});

describe('dedupe', () => {
  // dedupe.csv rows: 1 (1,Ann,10) 2 (2,Bob,20) 3 = exact dup of 1, 4 (3,Cy,30), 5 (2,'bob ',21): key dup of 2,
  // 6 (3,' cy',30): near dup of 4
  const cases: { mode: string; keep: string; key?: string; dropped: number[] }[] = [
    { mode: 'exact', keep: 'first', dropped: [3] },
    { mode: 'exact', keep: 'last', dropped: [1] },
    { mode: 'key', keep: 'first', key: 'id', dropped: [3, 5, 6] },
    { mode: 'key', keep: 'last', key: 'id', dropped: [1, 2, 4] },
    { mode: 'near', keep: 'first', dropped: [3, 6] },
    { mode: 'near', keep: 'last', dropped: [1, 4] },
  ];
  test.each(cases)('$mode keep $keep', async ({ mode, keep, key, dropped }) => {
    const dir = tmpCsv('', 'x').replace(/x$/, '');
    const out = await clean(f('dedupe.csv'), { dedupe: mode, keep, ...(key ? { key } : {}), log: join(dir, 'log.jsonl'), output: join(dir, 'out.csv') });
    const lines = readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.row)).toEqual(dropped);
    expect(lines.every((l) => l.action === 'drop' && l.step === 'dedupe')).toBe(true);
    const input = readCsv(f('dedupe.csv')).rows;
    expect(readCsv(out).rows).toEqual(input.filter((_, i) => !dropped.includes(i + 1)));
  });

  test('--dedupe key without --key is a usage error', async () => {
    await expect(clean(f('dedupe.csv'), { dedupe: 'key' })).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('smooth (pandas rolling / ewm)', () => {
  // smooth.csv: x = 1,2,_,4,8,_,_,3 ; y = _,_,3,5,7,9,11,13
  const cases: { spec: string; x: number[]; y: number[] }[] = [
    {
      // rolling(3, min_periods=1).mean()
      spec: 'moving-average:3',
      x: [1, 1.5, 1.5, 3, 6, 6, 8, 3],
      y: [NA, NA, 3, 4, 5, 7, 9, 11],
    },
    {
      // ewm(alpha=0.5, adjust=False).mean(), ignore_na=False: gaps decay the old weight
      spec: 'ewm:0.5',
      x: [1, 1.5, 1.5, (0.25 * 1.5 + 0.5 * 4) / 0.75, 0, 0, 0, 0].map((v, i, a) => {
        if (i < 4) return v;
        const y3 = a[3]!;
        const y4 = 0.5 * y3 + 0.5 * 8;
        return i < 7 ? y4 : (0.125 * y4 + 0.5 * 3) / 0.625;
      }),
      y: [NA, NA, 3, 4, 5.5, 7.25, 9.125, 11.0625],
    },
  ];
  test.each(cases)('$spec', async ({ spec, x, y }) => {
    const out = await clean(f('smooth.csv'), { smooth: [`x=${spec}`, `y=${spec}`], orderBy: 't' });
    closeTo(nums(out, 'x'), x, 1e-12);
    closeTo(nums(out, 'y'), y, 1e-12);
    expect(column(out, 't')).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  test('input not ordered by --order-by: usage error, nothing written', async () => {
    const dir = tmpCsv('', 'x').replace(/x$/, '');
    await expect(clean(f('unordered.csv'), { smooth: ['x=ewm:0.3'], orderBy: 't', output: join(dir, 'o.csv') })).rejects.toThrow(/row 4 comes before row 3/);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir).filter((n) => n !== 'x')).toEqual([]);
  });
});

describe('standardize', () => {
  test('trim, spelling clusters, ISO dates, plain numbers', async () => {
    const out = await clean(f('standardize.csv'), { standardize: true });
    expect(column(out, 'city')).toEqual(['Paris', 'Paris', 'Paris', 'Paris', ...new Array(11).fill('London')]);
    expect(column(out, 'when').slice(0, 7)).toEqual(['2024-01-05', '2024-03-15', '2024-02-01', '2024-04-13', '2024-02-01', '2024-05-06T08:30:00Z', '2024-05-07']);
    expect(column(out, 'amount').slice(0, 4)).toEqual(['1234.5', '12.5', '3', '2000.25']);
    expect(column(out, 'note').slice(0, 3)).toEqual(['ok', 'ok', 'fine']);
  });

  test('a reviewed mapping file replaces the clusters', async () => {
    const out = await clean(f('mapping-input.csv'), { mapping: f('mapping.json') });
    expect(column(out, 'city')).toEqual(['London', 'Paris', 'Paris', 'Rome']);
  });
});
