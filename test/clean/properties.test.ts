/**
 * Properties over random tables (fast-check):
 * - rows in = rows out + rows dropped, for random treatments (and the change log lists every dropped row);
 * - imputation never changes an observed value;
 * - CSV -> clean -> CSV with no treatment is the identity on values.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { cleanWithSummary, type CleanFlags } from '../../src/cli/clean.js';
import { readInput } from '../../src/engine/read.js';
import { DEFAULT_READER_OPTIONS } from '../../src/io/readers/types.js';
import { DEFAULT_NA_VALUES, viewColumn } from '../../src/schema/values.js';
import { Kind } from '../../src/core/types.js';
import { tmpDir } from './helpers.js';

const PARSE = { naValues: new Set(DEFAULT_NA_VALUES), decimalComma: false, dayFirst: null };

function quote(s: string): string {
  return '"' + s.replace(/"/g, '""') + '"';
}

function writeTable(dir: string, cols: number, rows: string[][]): string {
  const p = join(dir, 'in.csv');
  const header = Array.from({ length: cols }, (_, c) => `c${c}`);
  writeFileSync(p, [header.join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n') + '\n');
  return p;
}

async function cells(path: string): Promise<(string | null)[][]> {
  const h = await readInput(path, 'csv', { ...DEFAULT_READER_OPTIONS, delimiter: ',' });
  const out: (string | null)[][] = [];
  for await (const b of h.batches) {
    for (let i = 0; i < b.length; i++) out.push(b.columns.map((_, c) => (b.data[c]![i] ?? null) as string | null));
  }
  return out;
}

const CELL = fc.constantFrom('1', '2', '2.5', '-3', '100', '1e3', '0', '', 'NA', 'abc', 'Abc', ' abc', 'x y', '7', '7.0');

const table = fc.integer({ min: 1, max: 4 }).chain((cols) =>
  fc.record({
    cols: fc.constant(cols),
    rows: fc.array(fc.array(CELL, { minLength: cols, maxLength: cols }), { minLength: 0, maxLength: 25 }),
  }),
);

const treatments = fc.record(
  {
    dedupe: fc.constantFrom('exact', 'near'),
    keep: fc.constantFrom('first', 'last'),
    outliers: fc.constantFrom('clip', 'winsorize', 'null', 'drop'),
    impute: fc.constantFrom(['mean'], ['median'], ['mode'], ['constant:0']),
    normalize: fc.constantFrom(['zscore'], ['minmax'], ['robust']),
    standardize: fc.constant(true),
  },
  { requiredKeys: [] },
);

describe('properties', () => {
  test('rows in = rows out + rows dropped', async () => {
    await fc.assert(
      fc.asyncProperty(table, treatments, async ({ cols, rows }, t) => {
        const dir = tmpDir();
        const input = writeTable(dir, cols, rows);
        const flags = { ...t, ...(t.keep && !t.dedupe ? { keep: undefined } : {}) } as Partial<CleanFlags>;
        const { summary } = await cleanWithSummary([input], { ...flags, output: join(dir, 'out.csv'), log: join(dir, 'log.jsonl'), batchSize: 7, quiet: true } as CleanFlags);
        const inRows = (await cells(input)).length;
        const outRows = (await cells(join(dir, 'out.csv'))).length;
        expect(summary.rowsIn).toBe(inRows);
        expect(summary.rowsOut).toBe(outRows);
        expect(summary.rowsIn).toBe(summary.rowsOut + summary.rowsDropped);
        const log = readFileSync(join(dir, 'log.jsonl'), 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
        expect(log.filter((l) => l.action === 'drop').length).toBe(summary.rowsDropped);
      }),
      { numRuns: 40 },
    );
  });

  test('imputation never changes an observed value', async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.constantFrom(['mean'], ['median'], ['mode'], ['constant:zz'], ['c0=mode', 'constant:-1']), async ({ cols, rows }, impute) => {
        const dir = tmpDir();
        const input = writeTable(dir, cols, rows);
        await cleanWithSummary([input], { impute, output: join(dir, 'out.csv'), batchSize: 5, quiet: true } as CleanFlags);
        const a = await cells(input);
        const b = await cells(join(dir, 'out.csv'));
        expect(b.length).toBe(a.length);
        for (let c = 0; c < cols; c++) {
          const view = viewColumn(a.map((r) => r[c]!), a.length, PARSE);
          for (let i = 0; i < a.length; i++) {
            if (view.kind[i] !== Kind.MISSING) expect(b[i]![c]).toBe(a[i]![c]);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  test('CSV -> clean -> CSV with no treatment is the identity on values', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'B', ' ', ',', '"', '\n', '1', '.', '-', 'é', '€', '=', 'NA'), maxLength: 8 });
    const tbl = fc.integer({ min: 1, max: 3 }).chain((cols) =>
      fc.record({ cols: fc.constant(cols), rows: fc.array(fc.array(text, { minLength: cols, maxLength: cols }), { maxLength: 20 }) }),
    );
    await fc.assert(
      fc.asyncProperty(tbl, async ({ cols, rows }) => {
        const dir = tmpDir();
        const input = writeTable(dir, cols, rows);
        await cleanWithSummary([input], { output: join(dir, 'out.csv'), batchSize: 3, quiet: true } as CleanFlags);
        const norm = (t: (string | null)[][]) => t.map((r) => r.map((v) => v ?? ''));
        expect(norm(await cells(join(dir, 'out.csv')))).toEqual(norm(await cells(input)));
      }),
      { numRuns: 60 },
    );
  });
});
