/**
 * Problems reading the input are never silent in dq clean: lines that are not rows (skipped), extra fields not
 * kept, short rows filled: each is in the change log with its line and counted in the summary, and -q or a JSON
 * summary still warn on stderr. An input without rows keeps its columns in the output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanWithSummary, type CleanFlags } from '../../src/cli/clean.js';
import { runDq } from '../helpers.js';
import { auditFile } from '../helpers.js';
import { tmpCsv, tmpDir } from './helpers.js';

async function run(input: string, out: string) {
  const dir = tmpDir();
  const log = join(dir, 'log.jsonl');
  const { summary } = await cleanWithSummary([input], { format: 'text', quiet: true, output: join(dir, out), log } as CleanFlags);
  const records = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { summary, records, output: readFileSync(join(dir, out), 'utf8') };
}

describe('dq clean: problems reading the input', () => {
  const cases: [string, string, string, string, { id: string; count: number; lines: number[] }[]][] = [
    ['CSV rows with extra fields and a short row', 'a,b\n1,2\n3,4,5\n6\n7,8,9,10\n', 'in.csv', 'out.csv', [
      { id: 'row-too-long', count: 2, lines: [3, 5] },
      { id: 'row-too-short', count: 1, lines: [4] },
    ]],
    ['JSON Lines that are not rows', '{"a":1}\nnot json\n[1,2]\n{"a":2}\n{"a":\n', 'in.jsonl', 'out.jsonl', [
      { id: 'invalid-json', count: 2, lines: [2, 5] },
      { id: 'not-object', count: 1, lines: [3] },
    ]],
  ];
  for (const [name, text, inName, outName, want] of cases) {
    it(name, async () => {
      const { summary, records } = await run(tmpCsv(text, inName), outName);
      expect(summary.inputProblems.map(({ id, count, lines }) => ({ id, count, lines }))).toEqual(want);
      // one log record per problem, with its line
      const logged = records.filter((r) => r.step === 'read').map((r) => [r.problem, r.line]);
      expect(logged.sort()).toEqual(want.flatMap((p) => p.lines.map((l) => [p.id, l])).sort());
    });
  }

  it('a clean input has none', async () => {
    const { summary, records } = await run(tmpCsv('a,b\n1,2\n', 'in.csv'), 'out.csv');
    expect(summary.inputProblems).toEqual([]);
    expect(records).toEqual([]);
  });

  it('-q and --format json still warn on stderr', () => {
    const input = tmpCsv('{"a":1}\nnot json\n', 'in.jsonl');
    for (const flags of [['-q'], ['--format', 'json']]) {
      const r = runDq(['clean', input, '-o', join(tmpDir(), 'out.jsonl'), ...flags]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^dq clean: warning: 1 problem\(s\) reading .*in\.jsonl \(invalid-json\)/m);
    }
  });
});

describe('dq clean: an input without rows', () => {
  it('keeps its columns in CSV and Parquet output', async () => {
    const input = tmpCsv('id,name\n', 'in.csv');
    const dir = tmpDir();
    await cleanWithSummary([input], { format: 'text', quiet: true, output: join(dir, 'out.csv') } as CleanFlags);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('id,name\n');
    await cleanWithSummary([input], { format: 'text', quiet: true, output: join(dir, 'out.parquet') } as CleanFlags);
    const report = await auditFile(join(dir, 'out.parquet'), { noConfig: true });
    expect(report.rows).toBe(0);
    expect(report.columns.map((c) => c.name)).toEqual(['id', 'name']);
  });
});

describe('dq clean --safe-formulas', () => {
  it('every neutralised cell is a change in the log and counted in the summary; numbers are left alone', async () => {
    const dir = tmpDir();
    const log = join(dir, 'log.jsonl');
    const out = join(dir, 'out.csv');
    const input = tmpCsv('a,b\n=SUM(A1),x\n-5,+1\n@me,ok\n');
    const { summary } = await cleanWithSummary([input], { format: 'text', quiet: true, output: out, log, safeFormulas: true } as CleanFlags);
    expect(readFileSync(out, 'utf8')).toBe("a,b\n'=SUM(A1),x\n-5,+1\n'@me,ok\n");
    expect(summary.formulasNeutralised).toBe(2);
    const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toEqual([
      { row: 1, column: 'a', old: '=SUM(A1)', new: "'=SUM(A1)", step: 'safe-formulas' },
      { row: 3, column: 'a', old: '@me', new: "'@me", step: 'safe-formulas' },
    ]);
  });
});

describe('dq clean --safe-formulas and header names', () => {
  it('a neutralised header name is logged as such', async () => {
    const dir = tmpDir();
    const log = join(dir, 'log.jsonl');
    const out = join(dir, 'out.csv');
    const { summary } = await cleanWithSummary([tmpCsv('=x,b\n=SUM(A1),x\n')], { format: 'text', quiet: true, output: out, log, safeFormulas: true } as CleanFlags);
    expect(readFileSync(out, 'utf8')).toBe("'=x,b\n'=SUM(A1),x\n");
    expect(summary.formulasNeutralised).toBe(2);
    expect(readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { header: true, column: '=x', old: '=x', new: "'=x", step: 'safe-formulas' },
      { row: 1, column: '=x', old: '=SUM(A1)', new: "'=SUM(A1)", step: 'safe-formulas' },
    ]);
  });
});

describe('dq clean --dry-run with input problems', () => {
  it('says they would not be written, with no hint about a log a dry run never writes', async () => {
    const { renderSummary } = await import('../../src/clean/pipeline.js');
    const { summary } = await cleanWithSummary([tmpCsv('a,b\n1,2\n3,4,5\n')], { format: 'text', quiet: true, dryRun: true } as CleanFlags);
    const text = renderSummary(summary);
    expect(text).toMatch(/input problems \(would not be written as they were read\):/);
    expect(text).not.toMatch(/--log/);
  });
});
