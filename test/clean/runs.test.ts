/**
 * Whole runs: parameters round trip, dry run, atomic outputs, input protection, output formats, the dq.yml
 * `clean:` section and the commander flags.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { addCleanFlags, cleanWithSummary, runClean, type CleanFlags } from '../../src/cli/clean.js';
import { cleanOptionsFromConfig } from '../../src/clean/options.js';
import { readInput } from '../../src/engine/read.js';
import { DEFAULT_READER_OPTIONS } from '../../src/io/readers/types.js';
import { FIX, clean, closeTo, column, dryRun, nums, tmpDir } from './helpers.js';

const f = (name: string) => join(FIX, name);
const TRAIN_FLAGS: Partial<CleanFlags> = { standardize: true, outliers: 'clip', impute: ['median'], normalize: ['zscore'] };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('parameters', () => {
  test('save then apply gives identical output', async () => {
    const dir = tmpDir();
    const params = join(dir, 'params.json');
    const out1 = await clean(f('train.csv'), { ...TRAIN_FLAGS, saveParams: params, output: join(dir, 'fit.csv') });
    const out2 = await clean(f('train.csv'), { applyParams: params, output: join(dir, 'applied.csv') });
    expect(readFileSync(out2, 'utf8')).toBe(readFileSync(out1, 'utf8'));
    const p = JSON.parse(readFileSync(params, 'utf8'));
    expect(p).toMatchObject({ format: 'dq-clean-params', version: 1, order: ['standardize', 'outliers', 'impute', 'normalize'] });
    // train a = 1,2,_,4,100,6: fences from [1,2,4,6,100] (Q1 2, Q3 6) are -4, 12; median after clipping = 4
    expect(p.steps.outliers.columns.a).toEqual({ lower: -4, upper: 12 });
    expect(p.steps.impute.columns.a).toEqual({ strategy: 'median', value: 4 });
  });

  test('applied to new data: the training statistics are used, nothing is refitted', async () => {
    const dir = tmpDir();
    const params = join(dir, 'params.json');
    await clean(f('train.csv'), { ...TRAIN_FLAGS, saveParams: params, output: join(dir, 'fit.csv') });
    const p = JSON.parse(readFileSync(params, 'utf8'));
    const s = await cleanWithSummary([f('prod.csv')], { applyParams: params, output: join(dir, 'prod-out.csv'), quiet: true } as CleanFlags);
    expect(s.summary.passes).toEqual(['apply and write (through standardize, outliers, impute, normalize)']);
    const za = p.steps.normalize.columns.a;
    const zb = p.steps.normalize.columns.b;
    // prod a = _,3,-50 -> impute 4, keep 3, clip -50 to -4; b = _,1000,_ -> 1000 clipped to the train fence
    closeTo(nums(join(dir, 'prod-out.csv'), 'a'), [(4 - za.center) / za.scale, (3 - za.center) / za.scale, (-4 - za.center) / za.scale], 1e-12);
    const bFill = p.steps.impute.columns.b.value;
    const bHi = p.steps.outliers.columns.b.upper;
    closeTo(nums(join(dir, 'prod-out.csv'), 'b'), [(bFill - zb.center) / zb.scale, (bHi - zb.center) / zb.scale, (bFill - zb.center) / zb.scale], 1e-12);
  });

  test('treatment flags with --apply-params are a usage error', async () => {
    const dir = tmpDir();
    const params = join(dir, 'params.json');
    await clean(f('train.csv'), { impute: ['mean'], saveParams: params, output: join(dir, 'a.csv') });
    await expect(clean(f('train.csv'), { applyParams: params, impute: ['median'] })).rejects.toMatchObject({ exitCode: 2 });
  });

  test('a file that is not a params file is a usage error', async () => {
    await expect(clean(f('train.csv'), { applyParams: f('mapping.json') })).rejects.toThrow(/not a dq clean parameters file/);
  });
});

describe('dry run', () => {
  test('prints the plan and counts, writes nothing', async () => {
    const dir = tmpDir();
    const before = readdirSync(dir);
    const s = await dryRun(f('train.csv'), { ...TRAIN_FLAGS, output: join(dir, 'o.csv'), log: join(dir, 'l.jsonl'), saveParams: join(dir, 'p.json') });
    expect(readdirSync(dir)).toEqual(before);
    expect(s.dryRun).toBe(true);
    expect(s.passes.length).toBe(5); // 4 fits + the counting pass
    // the counts equal those of a real run
    const real = await cleanWithSummary([f('train.csv')], { ...TRAIN_FLAGS, output: join(dir, 'o.csv'), quiet: true } as CleanFlags);
    expect(s.steps.map((x) => [x.step, x.changed, x.dropped])).toEqual(real.summary.steps.map((x) => [x.step, x.changed, x.dropped]));
  });

  test('text summary on stderr names the steps and the passes', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await runClean([f('outliers.csv')], { outliers: 'drop', dryRun: true, format: 'text' } as CleanFlags);
    const text = err.mock.calls.map((c) => String(c[0])).join('');
    expect(text).toMatch(/dry run: nothing written/);
    expect(text).toMatch(/1 row\(s\) would be dropped/);
    expect(text).toMatch(/rows: 10 in, 9 out, 1 dropped/);
  });
});

describe('atomic outputs', () => {
  test('a failure mid-write leaves no destination file and no temporary', async () => {
    const dir = tmpDir();
    const flags = {
      impute: ['mean'],
      output: join(dir, 'out.csv'),
      log: join(dir, 'log.jsonl'),
      saveParams: join(dir, 'p.json'),
      batchSize: 2,
      afterBatch: (rows: number) => {
        if (rows >= 4) throw new Error('simulated failure');
      },
      quiet: true,
    } as CleanFlags;
    await expect(runClean([f('train.csv')], flags)).rejects.toThrow(/simulated failure/);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('data, log and params appear together', async () => {
    const dir = tmpDir();
    await clean(f('train.csv'), { impute: ['mean'], output: join(dir, 'out.csv'), log: join(dir, 'log.jsonl'), saveParams: join(dir, 'p.json') });
    expect(readdirSync(dir)).toEqual(['log.jsonl', 'out.csv', 'p.json']);
  });
});

describe('input protection and errors', () => {
  test('refuses OUT equal to IN', async () => {
    const dir = tmpDir();
    const p = join(dir, 'in.csv');
    writeFileSync(p, 'a\n1\n\n');
    await expect(runClean([p], { output: p, impute: ['mean'], quiet: true } as CleanFlags)).rejects.toMatchObject({ exitCode: 2 });
    await expect(runClean([p], { output: join(dir, 'o.csv'), log: p, quiet: true } as CleanFlags)).rejects.toMatchObject({ exitCode: 2 });
    expect(readFileSync(p, 'utf8')).toBe('a\n1\n\n');
    expect(readdirSync(dir)).toEqual(['in.csv']);
  });

  test('unreadable input exits 3', async () => {
    await expect(clean(join(tmpDir(), 'missing.csv'), { impute: ['mean'] })).rejects.toMatchObject({ exitCode: 3 });
  });

  test.each([
    [{ impute: ['nonsense'] }, /unknown strategy/],
    [{ normalize: ['zscore', 'minmax'] }, /more than one method/],
    [{ smooth: ['x=ewm:2'] }, /alpha/],
    [{ limits: '0.9,0.1', outliers: 'winsorize' }, /a < b/],
    [{ normalize: ['nope=zscore'] }, /no such column/],
  ] as [Partial<CleanFlags>, RegExp][])('usage error %#', async (flags, re) => {
    await expect(clean(f('scale.csv'), flags)).rejects.toThrow(re);
  });

  test('no --output without --dry-run is a usage error', async () => {
    await expect(runClean([f('scale.csv')], { impute: ['mean'] } as CleanFlags)).rejects.toThrow(/needs --output/);
  });
});

async function readCells(path: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const h = await readInput(path, null, DEFAULT_READER_OPTIONS);
  const rows: unknown[][] = [];
  let columns: string[] = [];
  for await (const b of h.batches) {
    columns = b.columns;
    for (let i = 0; i < b.length; i++) rows.push(b.columns.map((_, c) => b.data[c]![i] ?? null));
  }
  return { columns, rows };
}

describe('output formats', () => {
  test('JSON Lines: treated numeric columns are numbers', async () => {
    const out = await clean(f('impute.csv'), { impute: ['median'] }, 'out.jsonl');
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.x)).toEqual([1, 3, 4, 2, 3, 10]);
    expect(lines.map((l) => l.t)).toEqual(['b', 'a', '', 'b', 'a', 'c']);
  });

  test('Parquet: reads back with the same values', async () => {
    const out = await clean(f('scale.csv'), { normalize: ['minmax'] }, 'out.parquet');
    const { columns, rows } = await readCells(out);
    expect(columns).toEqual(['a', 'b', 'c']);
    closeTo(rows.map((r) => Number(r[0])), [0, 1 / 9, 2 / 9, 3 / 9, 1], 1e-12);
    expect(rows.map((r) => r[2])).toEqual([0, null, 2 / 14, 6 / 14, 1]);
  });

  test('--output-format overrides the extension; .gz output is refused', async () => {
    const dir = tmpDir();
    const out = await clean(f('scale.csv'), { outputFormat: 'jsonl', output: join(dir, 'out.txt') });
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('{"a":"1","b":"5","c":"2"}');
    await expect(clean(f('scale.csv'), { output: join(dir, 'out.csv.gz') })).rejects.toThrow(/compressed output/);
  });
});

describe('dq.yml clean: section', () => {
  test('validates and returns options', () => {
    const o = cleanOptionsFromConfig({
      standardize: true,
      dedupe: 'key',
      key: ['id'],
      keep: 'last',
      outliers: 'winsorize',
      limits: [0.05, 0.95],
      impute: { '*': 'median', city: 'mode' },
      normalize: 'robust',
      smooth: { x: 'ewm:0.3' },
      order_by: 't',
      mapping: 'map.json',
    });
    expect(o).toMatchObject({
      standardize: true,
      dedupe: 'key',
      key: ['id'],
      keep: 'last',
      outliers: 'winsorize',
      limits: [0.05, 0.95],
      impute: { all: { kind: 'median' }, columns: { city: { kind: 'mode' } } },
      normalize: { all: 'robust', columns: {} },
      smooth: { x: { method: 'ewm', alpha: 0.3 } },
      orderBy: 't',
      mappingFile: 'map.json',
    });
  });

  test.each([
    [{ dedupe: 'fuzzy' }, /dedupe/],
    [{ unknown: 1 }, /unknown setting/],
    [{ limits: [2, 1] }, /limits/],
    [{ impute: 5 }, /impute/],
    [{ dedupe: 'key' }, /--key/],
    [[1, 2], /mapping of settings/],
  ])('rejects %j', (cfg, re) => {
    expect(() => cleanOptionsFromConfig(cfg)).toThrow(re);
  });

  test('flags override the config section', async () => {
    const base = cleanOptionsFromConfig({ impute: 'mean' });
    const { summary } = await cleanWithSummary([f('impute.csv')], { impute: ['median'], dryRun: true } as CleanFlags, base);
    expect(summary.steps[0]!.description).toMatch(/x=median\(3\)/);
    const { summary: s2 } = await cleanWithSummary([f('impute.csv')], { dryRun: true } as CleanFlags, base);
    expect(s2.steps[0]!.description).toMatch(/x=mean\(4\.25\)/);
  });
});

describe('commander flags', () => {
  test('addCleanFlags declares the flags runClean reads', async () => {
    const dir = tmpDir();
    let code = -1;
    const program = new Command().exitOverride();
    addCleanFlags(program.command('clean').argument('<input>')).action(async (input: string, flags: CleanFlags) => {
      code = await runClean([input], flags);
    });
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await program.parseAsync(
      ['clean', f('impute.csv'), '-o', join(dir, 'o.csv'), '--impute', 'x=median', '--impute', 't=mode', '--normalize', 'y=minmax', '--range', '0,10', '--format', 'json', '--log', join(dir, 'l.jsonl')],
      { from: 'user' },
    );
    expect(code).toBe(0);
    const summary = JSON.parse(out.mock.calls.map((c) => String(c[0])).join(''));
    expect(summary).toMatchObject({ rowsIn: 6, rowsOut: 6, rowsDropped: 0, dryRun: false });
    expect(summary.steps.map((s: { step: string }) => s.step)).toEqual(['impute', 'normalize']);
    expect(column(join(dir, 'o.csv'), 't')).toEqual(['b', 'a', 'a', 'b', 'a', 'c']);
    closeTo(nums(join(dir, 'o.csv'), 'y'), [(3.5 - 0.5) / 6.5 * 10, (1.25 - 0.5) / 6.5 * 10, NaN, 10, (2 - 0.5) / 6.5 * 10, 0], 1e-12);
  });
});
