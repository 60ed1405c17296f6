/**
 * The Parquet reader leaves hints beside its column arrays (dictionary codes, the epoch milliseconds of timestamp
 * texts) so viewBatch need not parse every cell. Whatever it leaves, viewBatch must give exactly the views
 * viewColumn gives for the same cells: checked on generated files and on the conformance corpus.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { inputFor, writeParquet } from '../helpers.js';
import { rng } from '../rng.js';
import { IssueLog } from '../../src/core/issues.js';
import type { ColumnView } from '../../src/core/types.js';
import { readParquet } from '../../src/io/readers/parquet.js';
import { DEFAULT_READER_OPTIONS, type ReaderOptions } from '../../src/io/readers/types.js';
import { DEFAULT_NA_VALUES, columnHint, viewBatch, viewColumn, type ParseOptions } from '../../src/schema/values.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/parquet', import.meta.url));
const TMP = mkdtempSync(join(tmpdir(), 'dq-parquet-views-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const OPTS: ParseOptions[] = [
  { naValues: new Set(DEFAULT_NA_VALUES), decimalComma: false, dayFirst: null },
  { naValues: new Set([...DEFAULT_NA_VALUES, 'b', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00.001']), decimalComma: true, dayFirst: true },
];


function plain(v: ColumnView): unknown {
  return { ...v, kind: [...v.kind], num: [...v.num].map(String), alt: v.alt ? [...v.alt].map(String) : null, text: [...v.text] };
}

/** Reads the file, compares the views of every batch; returns how many columns of batches had each hint. */
async function compare(file: string, opts: Partial<ReaderOptions> = {}): Promise<{ dict: number; ms: number }> {
  const used = { dict: 0, ms: 0 };
  for await (const b of readParquet(inputFor(file), { ...DEFAULT_READER_OPTIONS, ...opts }, new IssueLog(), {})) {
    for (const c of b.data) {
      const h = columnHint(c);
      if (h?.codes) used.dict++;
      if (h?.ms) used.ms++;
    }
    for (const p of OPTS) {
      const got = viewBatch(b, p).views;
      b.data.forEach((c, i) => expect(plain(got[i]!), `${file} column ${b.columns[i]} rows ${b.firstRow}+`).toEqual(plain(viewColumn(c, b.length, p))));
    }
  }
  return used;
}


const writeFile = (name: string, columnData: any[], schema: any[], extra: Record<string, unknown> = {}) =>
  writeParquet(join(TMP, name), columnData, schema, extra);

describe('viewBatch of Parquet batches equals viewColumn', () => {
  it('dictionary columns (text, numbers, dates), timestamps of every unit, with nulls', async () => {
    const rnd = rng(5);
    const n = 6000;
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const words = ['a', 'b', 'NA', '', ' ', '12', '0150', '1.5', '1,5', 'true', 'no', 'Mar 15 2024', 'x'.repeat(20)];
    const slash = ['3/4/2020', '13/04/2020', '04/13/2020', '2024-02-30', '2024-03-15', '2024-03-15T10:00:00Z'];
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const stamp = (): bigint | null => {
      const k = rnd();
      if (k < 0.1) return null;
      if (k < 0.15) return pick([0n, 1n, -1n, -62135596800000n, -59011459200000n, 253402300799999n, 253402300800000n, -(1n << 50n), 1n << 50n]);
      return BigInt(int(-4e9, 4e9)) * 1000n + BigInt(int(0, 999));
    };
    const ms = Array.from({ length: n }, stamp);
    const scale = (u: string) => (u === 'MILLIS' ? 1n : u === 'MICROS' ? 1000n : 1000000n);
    const fits = (x: bigint) => (x >= -(1n << 63n) && x < 1n << 63n ? x : null);
    const units = ['MILLIS', 'MICROS', 'NANOS'];
    const frac = Array.from({ length: n }, () => BigInt(int(0, 999)) * (rnd() < 0.5 ? 0n : 1n));
    const columns = [
      { name: 'word', data: Array.from({ length: n }, () => (rnd() < 0.1 ? null : pick(words))) },
      { name: 'date', data: Array.from({ length: n }, () => (rnd() < 0.1 ? null : pick(slash))) },
      { name: 'num', data: Array.from({ length: n }, () => (rnd() < 0.1 ? null : pick([0, -0, 1.5, 2, NaN, 1e21, -3.25]))) },
      { name: 'int', data: Array.from({ length: n }, () => (rnd() < 0.1 ? null : BigInt(int(-5, 5)))) },
      ...units.map((u) => ({ name: `ts_${u}`, data: ms.map((v, i) => (v === null ? null : fits(v * scale(u) + (u === 'MILLIS' ? 0n : frac[i]!)))) })),
      ...units.map((u) => ({ name: `local_${u}`, data: ms.map((v) => (v === null ? null : fits(v * scale(u)))), encoding: 'PLAIN' })),
      { name: 'ts_dict', data: Array.from({ length: n }, () => (rnd() < 0.1 ? null : pick([0n, 1000n, 86400000n, 1704141296123n]))) },
    ];
    const schema = [
      { name: 'root', num_children: columns.length },
      { name: 'word', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'date', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'num', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      { name: 'int', type: 'INT64', repetition_type: 'OPTIONAL' },
      ...units.map((unit) => ({ name: `ts_${unit}`, type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit } })),
      ...units.map((unit) => ({ name: `local_${unit}`, type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit } })),
      { name: 'ts_dict', type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } },
    ];
    const p = writeFile('views.parquet', columns, schema, { pageSize: 4096, rowGroupSize: 2500 });
    let used = { dict: 0, ms: 0 };
    for (const batchSize of [1, 333, 4096]) {
      const u = await compare(p, { batchSize });
      used = { dict: used.dict + u.dict, ms: used.ms + u.ms };
    }
    expect(used.dict).toBeGreaterThan(0);
    expect(used.ms).toBeGreaterThan(0);
  });

  const files = existsSync(join(CORPUS, 'data')) ? readdirSync(join(CORPUS, 'data')).filter((f) => f.endsWith('.parquet')) : [];
  it.skipIf(files.length === 0)('every readable corpus file', async () => {
    let read = 0;
    for (const f of files) {
      try {
        await compare(join(CORPUS, 'data', f), { batchSize: 100 });
        read++;
      } catch (e) {
        if ((e as Error).name === 'AssertionError' || String(e).includes('expected')) throw e;
        // files the reader rejects or does not support: the reader's own tests cover them
      }
    }
    expect(read).toBeGreaterThan(10);
  });
});
