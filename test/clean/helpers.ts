import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers.js';
import Papa from 'papaparse';
import { runClean, type CleanFlags } from '../../src/cli/clean.js';

export const FIX = resolve(import.meta.dirname, '../fixtures-clean');

export function tmpDir(): string {
  return tempDir('dq-clean-');
}

/** Write `content` to a new temporary folder; returns the file path. */
export function tmpCsv(content: string, name = 'in.csv'): string {
  const p = join(tmpDir(), name);
  writeFileSync(p, content);
  return p;
}

/** Run clean quietly; returns the output path. */
export async function clean(input: string, flags: Partial<CleanFlags> = {}, outName = 'out.csv'): Promise<string> {
  const out = flags.output ?? join(tmpDir(), outName);
  const code = await runClean([input], { quiet: true, format: 'text', ...flags, output: out } as CleanFlags);
  if (code !== 0) throw new Error(`exit ${code}`);
  return out;
}

/** Parse a CSV file into header + rows of strings. */
export function readCsv(path: string): { header: string[]; rows: string[][] } {
  const text = readFileSync(path, 'utf8');
  const r = Papa.parse<string[]>(text.replace(/\n$/, ''), { header: false });
  const [header, ...rows] = r.data;
  return { header: header ?? [], rows };
}

/** The values of one column of a CSV file (strings). */
export function column(path: string, name: string): string[] {
  const { header, rows } = readCsv(path);
  const c = header.indexOf(name);
  return rows.map((r) => r[c]!);
}

export function nums(path: string, name: string): number[] {
  return column(path, name).map((s) => (s === '' ? NaN : Number(s)));
}

export function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}

export function closeTo(actual: number[], expected: number[], rel: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) throw new Error(`[${i}] expected missing, got ${a}`);
      continue;
    }
    const tol = rel * Math.max(1, Math.abs(e));
    if (!(Math.abs(a - e) <= tol)) throw new Error(`[${i}] ${a} != ${e} (tolerance ${tol})`);
  }
}

/** The summary of a dry run (nothing written). */
export async function dryRun(input: string, flags: Partial<CleanFlags> = {}) {
  const { cleanWithSummary } = await import('../../src/cli/clean.js');
  return (await cleanWithSummary([input], { format: 'text', ...flags, dryRun: true } as CleanFlags)).summary;
}
