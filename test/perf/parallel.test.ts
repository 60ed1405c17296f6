/**
 * The multi-threaded audit (src/engine/parallel.ts) must give the same report as the single-threaded one.
 * Workers need the built JavaScript, so this runs the built CLI (`npm run build` first) as whole processes:
 * DQ_THREADS=2 with the size threshold lowered (DQ_PARALLEL_MIN_BYTES=0) against DQ_THREADS=1.
 * The CSV data has quoted fields with newlines and escaped quotes, blank lines, ragged rows, duplicates and
 * missing cells; the JSON Lines data has blank, invalid and non-object lines, nested objects, arrays,
 * duplicate keys, key collisions, optional keys and duplicates. Every column has fewer than 10,000 distinct
 * values, so every statistic is exact (approximate top values of larger columns depend on how rows were split).
 */
import { tempDir } from '../helpers.js';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN_SHARE } from '../../src/engine/parallel.js';
import { createParquetWriter } from '../../src/io/writers/parquet.js';
import { rng } from '../rng.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'dq.js');
const built = existsSync(join(root, 'dist', 'engine', 'worker.js'));
const dir = tempDir('dq-parallel-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));


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

function audit(file: string, threads: number, config: string | null = null, args: string[] = []): { report: Record<string, unknown>; stderr: string } {
  const cfg = config ? ['--config', config] : ['--no-config'];
  const r = spawnSync(process.execPath, [bin, 'audit', file, '--format', 'json', '-q', ...cfg, '--as-of', '2024-12-01T00:00:00Z', ...args], {
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

  it('keeps exact statistics when the rows after the split are longer than the estimate assumed', { timeout: 60_000 }, () => {
    // 105,000 short rows (2.7 MB) then 10,000 long ones (2.5 MB): the split falls among the short rows, so the
    // rows are estimated at about 200,000, while the 115,000 there are fit a 1 MB budget (131,072 values) exactly
    const r = rng(9);
    const out = ['id,x,t'];
    for (let i = 1; i <= 105_000; i++) out.push(`${i},${r().toFixed(15)},`);
    for (let i = 105_001; i <= 115_000; i++) out.push(`${i},${r().toFixed(15)},${'y'.repeat(220)}`);
    const file = join(dir, 'skewed.csv');
    writeFileSync(file, out.join('\n') + '\n');
    const one = audit(file, 1, null, ['--exact-budget', '1']);
    const two = audit(file, 2, null, ['--exact-budget', '1']);
    expect(two.stderr).toMatch(/dq parallel: .*parallel: 115000 rows/);
    // exact quantiles, histogram and outlier counts on both (top values of 115,000 distinct values are approximate)
    const x = (rep: Record<string, unknown>) => {
      const c = (rep.columns as { name: string }[]).find((c) => c.name === 'x') as Record<string, unknown>;
      return { p25: c.p25, median: c.median, p75: c.p75, histogram: c.histogram, outliers: c.outliers, distinct: c.distinct };
    };
    expect(x(one.report).outliers).toEqual({ iqr: 0, zscore: 0, mad: 0 });
    expect(x(two.report)).toEqual(x(one.report));
  });

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

  it('reads on to the end of a CSV file on the main thread when no record starts after the split target', { timeout: 60_000 }, () => {
    // a quoted field opened before the target runs to the end of the file: the worker finds no split
    const head = generate(2000, 5, '\n');
    const file = join(dir, 'no-split.csv');
    writeFileSync(file, head + '9999,Books,1.00,1,2024-01-01,yes,"' + 'long memo, line\n'.repeat(Math.ceil(head.length / 4)) + 'end"\n');
    const one = audit(file, 1);
    const two = audit(file, 2);
    expect(two.stderr).toMatch(/dq parallel: .*read-on: \d+ rows/);
    expect(two.stderr).not.toMatch(/split at byte/);
    expect(two.report).toEqual(one.report);
  });

  it('reads a UTF-16 CSV file on the main thread (the worker finds no split in it)', { timeout: 60_000 }, () => {
    const file = join(dir, 'utf16.csv');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(generate(3000, 6, '\r\n'), 'utf16le')]));
    const one = audit(file, 1);
    const two = audit(file, 2);
    expect(two.stderr).toMatch(/dq parallel: .*read-on: \d+ rows/);
    expect(one.report.rows).toBeGreaterThan(2500);
    expect(two.report).toEqual(one.report);
  });

  it('CSV parts keep half the budget for numeric values when the split shows more rows than it holds', { timeout: 60_000 }, () => {
    // 1 MiB a column holds 131,072 values: with 300,000 rows (more than twice that) each part keeps half of it; the main thread's
    // read waits for the split before its 65,537th row, so the reports do not depend on when the split came
    const file = join(dir, 'half.csv');
    writeFileSync(file, 'id,v,cat\n' + Array.from({ length: 300_000 }, (_, i) => `${i},${((i * 7919) % 100_003) / 8},${'abc'[i % 3]}`).join('\n') + '\n');
    const one = audit(file, 1, null, ['--exact-budget', '1']);
    const two = audit(file, 2, null, ['--exact-budget', '1']);
    const again = audit(file, 2, null, ['--exact-budget', '1']);
    expect(two.stderr).toMatch(/numeric values sketched past 524288 bytes a column in each part/);
    expect(two.stderr).toMatch(/dq parallel: .*parallel: 300000 rows/);
    expect(JSON.stringify(again.report)).toBe(JSON.stringify(two.report));
    const cols = (r: Record<string, unknown>) => r.columns as { name: string; count: number; missing: number; distinct: number; min: unknown; max: unknown }[];
    expect(two.report.rows).toBe(one.report.rows);
    for (const [i, c] of cols(two.report).entries()) {
      const o = cols(one.report)[i]!;
      expect([c.name, c.count, c.missing, c.distinct, c.min, c.max]).toEqual([o.name, o.count, o.missing, o.distinct, o.min, o.max]);
    }
  });

  describe('JSON Lines', () => {
    /**
     * Lines of a JSON Lines file: `rows` objects (ids below 10,000 distinct values) with optional keys, nested
     * objects, arrays and nulls, plus blank lines, exact and near duplicates, duplicate keys, key collisions and
     * lines that are not rows (which the split plan recognizes as such: not `{...}`). Every line has the key
     * "memo" (a test can rename it in one line, at the same length, to add a key there); "extra" is first
     * seen after 80% of the rows.
     */
    function jsonlLines(rows: number, seed: number): string[] {
      const r = rng(seed);
      const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
      const words = ['alpha', 'Beta', 'gamma', 'a "quoted" word', 'ünïcode', 'line\nbreak', 'tab\there'];
      const cats = ['Books', 'books', ' Books', 'Garden', 'Gardn', 'Toys', 'TOYS'];
      const out: string[] = [];
      const early: Record<string, unknown>[] = [];
      let prev = '';
      for (let i = 1; i <= rows; i++) {
        const x = r();
        if (x < 0.01) out.push(pick(['', '  ', '\t'])); // blank lines
        else if (x < 0.015) out.push(pick(['not json', '[1, 2]', '"text"', '42', 'null', '{"id": 7, "cat": ', '{"id": 8, "cat": "Toys"']));
        else if (x < 0.017) out.push(`{"id": ${i % 9973}, "id": 0, "memo": "dup key"}`);
        else if (x < 0.019) out.push(`{"user.name": "dotted", "user": {"name": "nested"}, "memo": "collision"}`);
        if (prev && r() < 0.03) {
          out.push(prev); // an exact duplicate
          continue;
        }
        if (i > rows / 2 && r() < 0.01) {
          // a near duplicate (case of the texts) of an early row, across the split
          const e = pick(early);
          out.push(JSON.stringify(Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === 'string' ? v.toUpperCase() : v]))));
          continue;
        }
        const miss = () => r() < 0.05;
        const o: Record<string, unknown> = { id: i % 9973 };
        if (!miss()) o.cat = pick(cats);
        if (!miss()) o.amount = Math.floor(r() * 5000) / 100;
        o.qty = miss() ? null : 1 + Math.floor(r() * 9);
        if (!miss()) o.day = r() < 0.9 ? `2024-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}` : `1${Math.floor(r() * 9)}/0${1 + Math.floor(r() * 9)}/2024`;
        o.flag = pick([true, false, 'yes', 'NA']);
        if (r() < 0.3) o.user = { name: pick(['ann', 'bob', 'Bob']), address: r() < 0.5 ? null : { city: pick(['Oslo', 'Rome']) } };
        if (r() < 0.05) o.tags = [pick(words), pick(words)];
        if (i > rows * 0.8 && r() < 0.05) o.extra = pick(words);
        o.memo = pick(words);
        if (early.length < 100) early.push(o);
        prev = JSON.stringify(o);
        out.push(prev);
      }
      return out;
    }

    /** The index of the line holding byte `at` of the file the lines make. */
    function lineAt(lines: string[], eol: string, at: number): number {
      let pos = 0;
      for (let i = 0; i < lines.length; i++) {
        pos += Buffer.byteLength(lines[i]!) + eol.length;
        if (pos > at) return i;
      }
      return lines.length - 1;
    }

    /** Replaces `from` by `to` in the first line at or after `i` holding it (a row of the generator). */
    function edit(lines: string[], i: number, from: string, to: string): number {
      while (!lines[i]!.includes(from) || !lines[i]!.startsWith('{"id"')) i++;
      lines[i] = lines[i]!.replace(from, to);
      return i;
    }

    /** Audits the text on one and on two threads: the same report, and the expected outcome on two. */
    function compare(name: string, text: string, mode: 'parallel' | 'read-on' | 'restarted', args: string[] = []): { report: Record<string, unknown>; stderr: string } {
      const file = join(dir, `${name}.jsonl`);
      writeFileSync(file, text);
      const one = audit(file, 1, null, args);
      const two = audit(file, 2, null, args);
      expect(one.stderr).not.toMatch(/dq parallel/);
      expect(two.stderr, two.stderr).toMatch(new RegExp(`dq parallel: .*${mode}: \\d+ rows`));
      expect(two.report).toEqual(one.report);
      expect(JSON.stringify(two.report)).toBe(JSON.stringify(one.report));
      return { report: one.report, stderr: two.stderr };
    }

    for (const [name, eol, seed] of [
      ['LF', '\n', 11],
      ['CRLF', '\r\n', 12],
    ] as const) {
      it(`gives the same JSON report on two threads as on one (${name}; invalid, blank and non-object lines in both parts; a key first seen in part 2)`, { timeout: 60_000 }, () => {
        const lines = jsonlLines(12000, seed);
        const { report } = compare(`lines-${seed}`, lines.join(eol) + eol, 'parallel');
        const ids = (report.findings as { id: string }[]).map((f) => f.id);
        for (const id of ['blank-line', 'invalid-json', 'not-object', 'duplicate-key', 'key-collision', 'duplicate-rows', 'near-duplicate-rows', 'missing-values']) expect(ids).toContain(id);
        expect(report.rows).toBeGreaterThan(11000);
        expect((report.columns as { name: string }[]).map((c) => c.name)).toContain('extra');
      });
    }

    it('reads on, one read on the main thread, when an invalid line in part 1 looks like a row to the plan', { timeout: 60_000 }, () => {
      const lines = jsonlLines(12000, 13);
      lines.splice(100, 0, '{"id": 1, "cat": "Toys",}');
      compare('invalid-part1', lines.join('\n') + '\n', 'read-on');
    });

    it('starts again on one thread instead when the parts kept half the budget for numeric values', { timeout: 60_000 }, () => {
      // 1 MiB a column holds 131,072 values: with 300,000 rows (more than twice that) each part keeps half of it
      const lines = Array.from({ length: 300_000 }, (_, i) => JSON.stringify({ id: i % 5000, cat: ['a', 'b', 'c'][i % 3], v: ((i * 7919) % 100_003) / 8 }));
      lines.splice(50, 0, '{"id": 1,}');
      const { stderr } = compare('restart', lines.join('\n') + '\n', 'restarted', ['--exact-budget', '1']);
      expect(stderr).toMatch(/numeric values sketched past 524288 bytes a column in each part/);
    });

    it('reads on when a key is first seen in part 1 after the lines the plan parsed; a file ending without a newline', { timeout: 60_000 }, () => {
      const lines = jsonlLines(12000, 14);
      // the plan parses the lines before the target byte (files under 8 MiB): the line across it is too late
      edit(lines, lineAt(lines, '\n', Math.floor(Buffer.byteLength(lines.join('\n') + '\n') * MAIN_SHARE)), '"memo":', '"late":');
      compare('late-key', lines.join('\n'), 'read-on');
    });

    it('a column whose first value comes late in part 1: parallel, unless part 2 has an object there (then read on)', { timeout: 60_000 }, () => {
      for (const objectInPart2 of [false, true]) {
        const lines = jsonlLines(12000, 15).map((l) => (l.startsWith('{"id"') ? l.replace('"memo":', '"zzzz":null,"memo":') : l));
        const text = () => lines.join('\n') + '\n';
        if (objectInPart2) edit(lines, Math.floor(lines.length * 0.9), '"zzzz":null', '"zzzz":{"a":1}');
        edit(lines, lineAt(lines, '\n', Math.floor(Buffer.byteLength(text()) * MAIN_SHARE)), '"zzzz":null', '"zzzz":1234');
        const { report, stderr } = compare(`late-leaf-${objectInPart2}`, text(), objectInPart2 ? 'read-on' : 'parallel');
        expect(stderr).toMatch(/zzzz: first leaf value after the planned lines/);
        const names = (report.columns as { name: string }[]).map((c) => c.name);
        expect(names).toContain('zzzz');
        expect(names).not.toContain('zzzz.a'); // kept as JSON text in zzzz, never flattened
      }
    });
  });
});

