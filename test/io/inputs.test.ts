import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { expandInputs, isDataFileName, partitionsOf, segmentRegExp } from '../../src/io/inputs.js';

let root: string;

function touch(rel: string, text = 'a\n1\n'): void {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dq-inputs-'));
  for (const f of [
    'data/a.csv',
    'data/b.jsonl',
    'data/c.tsv.gz',
    'data/.hidden.csv',
    'data/_SUCCESS',
    'data/_metadata',
    'data/notes.md',
    'data/.git/x.csv',
    'data/sub/d.parquet',
    'data/sub/deeper/e.csv',
    'data/_tmp/f.csv',
    'part/year=2024/month=05/part-0.parquet',
    'part/year=2024/month=06/part-1.parquet',
    'part/year=2023/month=12/part-0.parquet',
    'part/year=2023/month=12/.part-0.parquet.crc',
    'part/_SUCCESS',
    'enc/city=New%20York/x.csv',
    'empty/readme.md',
  ]) {
    touch(f);
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const paths = (xs: { path: string }[]) => xs.map((x) => relative(root, x.path).split('\\').join('/'));

describe('expandInputs', () => {
  it('keeps - (stdin) and plain files as given', async () => {
    const notes = join(root, 'data/notes.md');
    expect(await expandInputs(['-', notes])).toEqual([
      { path: '-', partitions: {} },
      { path: notes, partitions: {} },
    ]);
  });

  it('expands a folder recursively, sorted, skipping hidden, _ and non-data files', async () => {
    const r = await expandInputs([join(root, 'data')]);
    expect(paths(r)).toEqual(['data/a.csv', 'data/b.jsonl', 'data/c.tsv.gz', 'data/sub/d.parquet', 'data/sub/deeper/e.csv']);
    expect(r.every((x) => Object.keys(x.partitions).length === 0)).toBe(true);
  });

  it('reads Hive partitions from folders', async () => {
    const r = await expandInputs([join(root, 'part')]);
    expect(r.map((x) => [relative(root, x.path).split('\\').join('/'), x.partitions])).toEqual([
      ['part/year=2023/month=12/part-0.parquet', { year: '2023', month: '12' }],
      ['part/year=2024/month=05/part-0.parquet', { year: '2024', month: '05' }],
      ['part/year=2024/month=06/part-1.parquet', { year: '2024', month: '06' }],
    ]);
    const enc = await expandInputs([join(root, 'enc')]);
    expect(enc[0]!.partitions).toEqual({ city: 'New York' });
  });

  it('expands globs: *, **, ?, [..], {..}', async () => {
    expect(paths(await expandInputs([join(root, 'data/*.csv')]))).toEqual(['data/a.csv']);
    expect(paths(await expandInputs([join(root, 'data/**/*.csv')]))).toEqual(['data/a.csv', 'data/sub/deeper/e.csv']);
    expect(paths(await expandInputs([join(root, 'data/**/*.parquet')]))).toEqual(['data/sub/d.parquet']);
    expect(paths(await expandInputs([join(root, 'data/?.{csv,jsonl}')]))).toEqual(['data/a.csv', 'data/b.jsonl']);
    expect(paths(await expandInputs([join(root, 'part/year=2024/month=0[5-6]/*.parquet')]))).toEqual([
      'part/year=2024/month=05/part-0.parquet',
      'part/year=2024/month=06/part-1.parquet',
    ]);
    expect(paths(await expandInputs([join(root, 'part/year=202[!4]/*/*')]))).toEqual(['part/year=2023/month=12/part-0.parquet']);
  });

  it('partitions come from every key=value folder of the path', async () => {
    const r = await expandInputs([join(root, 'part/**/*.parquet')]);
    expect(r.map((x) => x.partitions)).toEqual([
      { year: '2023', month: '12' },
      { year: '2024', month: '05' },
      { year: '2024', month: '06' },
    ]);
    const one = await expandInputs([join(root, 'part/year=2024/*/part-1.parquet')]);
    expect(one[0]!.partitions).toEqual({ year: '2024', month: '06' });
    const folder = await expandInputs([join(root, 'part/year=2024')]);
    expect(folder.map((x) => x.partitions)).toEqual([
      { year: '2024', month: '05' },
      { year: '2024', month: '06' },
    ]);
  });

  it('a glob that matches folders expands them; markers are skipped unless named', async () => {
    expect(paths(await expandInputs([join(root, 'part/year=*')]))).toEqual([
      'part/year=2023/month=12/part-0.parquet',
      'part/year=2024/month=05/part-0.parquet',
      'part/year=2024/month=06/part-1.parquet',
    ]);
    expect(paths(await expandInputs([join(root, 'data/*')]))).toEqual([
      'data/a.csv',
      'data/b.jsonl',
      'data/c.tsv.gz',
      'data/notes.md',
      'data/sub/d.parquet',
      'data/sub/deeper/e.csv',
    ]);
    expect(paths(await expandInputs([join(root, 'data/_SUC*')]))).toEqual(['data/_SUCCESS']);
    expect(paths(await expandInputs([join(root, 'data/.h*')]))).toEqual(['data/.hidden.csv']);
  });

  it('works with relative patterns', async () => {
    const rel = relative(process.cwd(), join(root, 'data'));
    const r = await expandInputs([`${rel}/*.jsonl`]);
    expect(r).toEqual([{ path: `${rel}/b.jsonl`, partitions: {} }]);
  });

  it('de-duplicates and keeps argument order', async () => {
    const r = await expandInputs([join(root, 'data/b.jsonl'), join(root, 'data/*.{csv,jsonl}')]);
    expect(paths(r)).toEqual(['data/b.jsonl', 'data/a.csv']);
  });

  it('errors name the argument', async () => {
    const pat = join(root, 'data/*.xlsx');
    await expect(expandInputs([pat])).rejects.toThrow(UsageError);
    await expect(expandInputs([pat])).rejects.toThrow(pat);
    await expect(expandInputs([join(root, 'nope/**/*.csv')])).rejects.toThrow(/no file matches this pattern/);
    await expect(expandInputs([join(root, 'missing.csv')])).rejects.toThrow(/missing\.csv: no such file or folder/);
    await expect(expandInputs([join(root, 'empty')])).rejects.toThrow(/holds no data files/);
  });
});

describe('helpers', () => {
  it('isDataFileName', () => {
    expect(isDataFileName('x.CSV')).toBe(true);
    expect(isDataFileName('x.ndjson.gz')).toBe(true);
    expect(isDataFileName('part-0.pq')).toBe(true);
    expect(isDataFileName('_SUCCESS')).toBe(false);
    expect(isDataFileName('_common_metadata')).toBe(false);
    expect(isDataFileName('.part-0.parquet.crc')).toBe(false);
    expect(isDataFileName('README.md')).toBe(false);
  });

  it('partitionsOf and segmentRegExp', () => {
    expect(partitionsOf('a=1/b=x%2Fy/f.csv')).toEqual({ a: '1', b: 'x/y' });
    expect(partitionsOf('plain/f.csv')).toEqual({});
    expect(partitionsOf('k=v')).toEqual({});
    expect(segmentRegExp('*.csv').test('a.csv')).toBe(true);
    expect(segmentRegExp('*.csv').test('a.csv.gz')).toBe(false);
    expect(segmentRegExp('a?c').test('abc')).toBe(true);
    expect(segmentRegExp('{x,y}*').test('yz')).toBe(true);
    expect(segmentRegExp('[!a]*').test('abc')).toBe(false);
    expect(segmentRegExp('a.b').test('axb')).toBe(false);
  });
});
