/**
 * The multi-threaded audit (src/engine/parallel.ts) must give the same report as the single-threaded one.
 * Workers need the built JavaScript, so this runs the built CLI (`npm run build` first) as whole processes:
 * DQ_THREADS=2 with the size threshold lowered (DQ_PARALLEL_MIN_BYTES=0) against DQ_THREADS=1.
 * The data has quoted fields with newlines and escaped quotes, blank lines, ragged rows, duplicates and
 * missing cells, and every column has fewer than 10,000 distinct values, so every statistic is exact.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createParquetWriter } from '../../src/io/writers/parquet.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'dq.js');
const built = existsSync(join(root, 'dist', 'engine', 'worker.js'));
const dir = mkdtempSync(join(tmpdir(), 'dq-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(rows: number, seed: number, eol: string): string {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const words = ['alpha', 'Beta', 'gamma', 'delta', 'a "quoted" word', 'comma, inside', 'ünïcode', 'line\nbreak', 'cr\r\nlf'];
  const cats = ['Books', 'books', ' Books', 'Garden', 'Gardn', 'Toys', 'TOYS', 'Electronics'];
  const out: string[] = ['id,cat,amount,qty,day,flag,comment'];
  let prev = '';
  for (let i = 1; i <= rows; i++) {
    if (r() < 0.01) out.push(''); // a blank line
    if (prev && r() < 0.03) {
      out.push(prev); // an exact duplicate
      continue;
    }
    if (i > rows / 2 && r() < 0.01) {
      out.push(out[1 + Math.floor(r() * 100)]!.toUpperCase()); // a near duplicate (case) of an early row, across the split
      continue;
    }
    const miss = () => r() < 0.05;
    let comment = '';
    const n = 1 + Math.floor(r() * 4);
    for (let w = 0; w < n; w++) comment += (w ? ' ' : '') + pick(words);
    const q = (s: string) => (/[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
    const fields = [
      String(i),
      miss() ? '' : pick(cats),
      miss() ? '' : (Math.floor(r() * 5000) / 100).toFixed(2),
      miss() ? '' : String(1 + Math.floor(r() * 9)),
      miss() ? '' : r() < 0.9 ? `2024-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}` : `1${Math.floor(r() * 9)}/0${1 + Math.floor(r() * 9)}/2024`,
      miss() ? 'NA' : pick(['yes', 'no', 'Yes']),
      miss() ? '' : q(comment),
    ];
    const x = r();
    if (x < 0.005) fields.pop(); // a short row
    else if (x < 0.01) fields.push('extra'); // a long row
    prev = fields.join(',');
    out.push(prev);
  }
  return out.join(eol) + eol;
}

function audit(file: string, threads: number, config: string | null = null): { report: Record<string, unknown>; stderr: string } {
  const cfg = config ? ['--config', config] : ['--no-config'];
  const r = spawnSync(process.execPath, [bin, 'audit', file, '--format', 'json', '-q', ...cfg, '--as-of', '2024-12-01T00:00:00Z'], {
    encoding: 'utf8',
    env: { ...process.env, DQ_THREADS: String(threads), DQ_PARALLEL_MIN_BYTES: '0', DQ_DEBUG_PARALLEL: '1', NO_COLOR: '1' },
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`dq failed (${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout) as Record<string, unknown>;
  delete report.createdAt;
  return { report, stderr: r.stderr };
}

describe.skipIf(!built)('parallel audit (built CLI)', () => {
  for (const [name, eol, rows, seed] of [
    ['LF', '\n', 6000, 1],
    ['CRLF', '\r\n', 5000, 2],
    ['LF, other data', '\n', 3000, 3],
  ] as const) {
    it(`gives the same JSON report on two threads as on one (${name}, ${rows} rows)`, { timeout: 60_000 }, () => {
      const file = join(dir, `data-${seed}.csv`);
      writeFileSync(file, generate(rows, seed, eol));
      const one = audit(file, 1);
      const two = audit(file, 2);
      expect(one.stderr).not.toMatch(/dq parallel/);
      expect(two.stderr).toMatch(/dq parallel: .*parallel: \d+ rows/); // the parallel path ran and verified
      const ids = (one.report.findings as { id: string }[]).map((f) => f.id);
      for (const id of ['blank-line', 'row-too-short', 'row-too-long', 'duplicate-rows', 'near-duplicate-rows', 'missing-values']) expect(ids).toContain(id);
      expect(one.report.rows).toBeGreaterThan(rows * 0.9);
      expect(two.report).toEqual(one.report);
      expect(JSON.stringify(two.report)).toBe(JSON.stringify(one.report));
    });
  }

  it('runs the rules checker of a config in the worker too (same report and gate)', { timeout: 60_000 }, () => {
    const file = join(dir, 'rules.csv');
    writeFileSync(file, generate(4000, 4, '\n'));
    const config = join(dir, 'dq.yml');
    writeFileSync(
      config,
      [
        'version: 1',
        'key: [id]',
        'columns:',
        '  id: {type: integer, required: true, unique: true}',
        '  cat: {allowed: [Books, Garden, Toys]}',
        '  amount: {type: float, min: 0, max: 40}',
        'rules:',
        '  - id: qty-small',
        '    expr: qty < 9',
        '',
      ].join('\n'),
    );
    const one = audit(file, 1, config);
    const two = audit(file, 2, config);
    expect(two.stderr).toMatch(/dq parallel: .*parallel: \d+ rows/);
    expect(one.report.checks).toContain('rules');
    expect(one.report.gate).not.toBeNull();
    expect(two.report).toEqual(one.report);
  });

  it('gives the same JSON report on two threads as on one (Parquet, split between row groups)', { timeout: 60_000 }, async () => {
    const file = join(dir, 'data.parquet');
    const r = rng(7);
    const n = 6000;
    const w = createParquetWriter(file, { rowGroupSize: 700 });
    const cats = ['Books', 'books', 'Garden', 'Toys', 'TOYS', null];
    for (let off = 0; off < n; off += 1000) {
      const len = Math.min(1000, n - off);
      const cols: (string | number | null)[][] = [[], [], [], []];
      for (let i = 0; i < len; i++) {
        const dup = r() < 0.03 && off + i > 0;
        cols[0]!.push(dup ? 1 : off + i + 1);
        cols[1]!.push(r() < 0.05 ? null : Math.floor(r() * 500000) / 100);
        cols[2]!.push(cats[Math.floor(r() * cats.length)]!);
        cols[3]!.push(r() < 0.05 ? null : `2024-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`);
      }
      await w.write(['id', 'amount', 'cat', 'day'], cols, len);
    }
    await w.commit();
    const one = audit(file, 1);
    const two = audit(file, 2);
    expect(two.stderr).toMatch(/dq parallel: .*parallel: \d+ rows/);
    expect(one.report.rows).toBe(n);
    expect(two.report).toEqual(one.report);
  });
});
