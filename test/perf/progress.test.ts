/**
 * Progress for long runs: the line it prints (table-driven) and what the engine reports while it reads, on one
 * thread and on two. Two threads need the built worker, so that part runs the built engine (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clock, progressLine, type ProgressInfo } from '../../src/cli/progress.js';
import { rng, tempDir, writeParquet } from '../helpers.js';

describe('progressLine', () => {
  const cases: [string, ProgressInfo, number, string][] = [
    ['size unknown (stdin): rows and rates', { rows: 1000, bytes: 0, totalBytes: null }, 2, 'dq: 1,000 rows, 500 rows/s'],
    ['size unknown, bytes known', { rows: 1000, bytes: 4e6, totalBytes: null }, 2, 'dq: 1,000 rows, 500 rows/s, 2 MB/s'],
    ['half read: bar, share, ETA at the same rate', { rows: 5000, bytes: 50e6, totalBytes: 100e6 }, 10, 'dq: [##########----------]  50%  5,000 rows, 500 rows/s, 5 MB/s, ETA 0:10'],
    ['a quarter read', { rows: 1, bytes: 25, totalBytes: 100 }, 30, 'dq: [#####---------------]  25%  1 rows, 0 rows/s, 0 MB/s, ETA 1:30'],
    ['all read: finishing the report', { rows: 7, bytes: 120, totalBytes: 100 }, 1, 'dq: [####################] 100%  7 rows, 7 rows/s, 0 MB/s, finishing'],
    ['nothing read yet: no share to show', { rows: 0, bytes: 0, totalBytes: 100 }, 1, 'dq: 0 rows, 0 rows/s'],
    ['a labelled read (dq clean)', { rows: 10, bytes: 1e6, totalBytes: 4e6, label: 'clean, fit impute' }, 1, 'dq clean, fit impute: [#####---------------]  25%  10 rows, 10 rows/s, 1 MB/s, ETA 0:03'],
  ];
  for (const [name, p, secs, line] of cases) it(name, () => expect(progressLine(p, secs)).toBe(line));

  it('clock', () => {
    expect([0, 59.4, 59.6, 61, 3725, -3].map(clock)).toEqual(['0:00', '0:59', '1:00', '1:01', '1:02:05', '0:00']);
  });
});

// ---- what the engine reports ----------------------------------------------------------------------------------

const root = join(import.meta.dirname, '..', '..');
const built = existsSync(join(root, 'dist', 'engine', 'worker.js'));
const dir = tempDir('dq-progress-');

function csvText(rows: number): string {
  const r = rng(7);
  const out = ['id,name,amount,note'];
  for (let i = 1; i <= rows; i++) out.push(`${i},name ${Math.floor(r() * 500)},${(r() * 1000).toFixed(2)},"a, ""quoted""\nnote ${i}"`);
  return out.join('\n') + '\n';
}

function jsonlText(rows: number): string {
  const out: string[] = [];
  for (let i = 1; i <= rows; i++) out.push(JSON.stringify({ id: i, name: `n${i % 300}`, amount: i * 0.5, tags: { a: i % 7 } }));
  return out.join('\n') + '\n';
}

type Seen = ProgressInfo[];

async function run(engine: typeof import('../../src/engine/audit.js'), cli: typeof import('../../src/cli/audit.js'), file: string, threads: number): Promise<{ seen: Seen; rows: number }> {
  const seen: Seen = [];
  const req = cli.buildRequest([file], { format: 'json', threads: String(threads) } as never);
  req.onProgress = (p) => seen.push({ ...p });
  const report = await engine.audit(req);
  return { seen, rows: report.rows };
}

function expectSane(seen: Seen, rows: number, bytes: number): void {
  expect(seen.length).toBeGreaterThan(1);
  for (let i = 1; i < seen.length; i++) {
    expect(seen[i]!.rows).toBeGreaterThanOrEqual(seen[i - 1]!.rows);
    expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes - 1e-6);
  }
  for (const p of seen) {
    expect(p.totalBytes).toBe(bytes);
    expect(p.rows).toBeLessThanOrEqual(rows);
    expect(p.bytes).toBeLessThanOrEqual(bytes + 1e-6);
  }
}

const saved = process.env.DQ_PARALLEL_MIN_BYTES;
afterEach(() => {
  if (saved === undefined) delete process.env.DQ_PARALLEL_MIN_BYTES;
  else process.env.DQ_PARALLEL_MIN_BYTES = saved;
});

describe('progress reported while reading', () => {
  const files = (): [string, string][] => {
    const csv = join(dir, 'p.csv');
    writeFileSync(csv, csvText(30_000));
    const jsonl = join(dir, 'p.jsonl');
    writeFileSync(jsonl, jsonlText(30_000));
    const ids = Array.from({ length: 30_000 }, (_, i) => i);
    const pq = writeParquet(
      join(dir, 'p.parquet'),
      [
        { name: 'id', data: ids },
        { name: 'name', data: ids.map((i) => `n${i % 300}`) },
      ],
      [
        { name: 'root', num_children: 2 },
        { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
        { name: 'name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      ],
      { rowGroupSize: 7_000 },
    );
    return [
      ['CSV', csv],
      ['JSON Lines', jsonl],
      ['Parquet', pq],
    ];
  };

  it('one thread: rows and stored bytes grow to the whole file by the last batch', async () => {
    const engine = await import('../../src/engine/audit.js');
    const cli = await import('../../src/cli/audit.js');
    for (const [name, file] of files()) {
      const size = statSync(file).size;
      const { seen, rows } = await run(engine, cli, file, 1);
      expectSane(seen, rows, size);
      const last = seen.at(-1)!;
      expect(last.rows, name).toBe(rows);
      expect(last.bytes, name).toBeCloseTo(size, 3);
    }
  });

  it.skipIf(!built)('two threads: both parts count (the built engine, whose worker is JavaScript)', { timeout: 60_000 }, async () => {
    process.env.DQ_PARALLEL_MIN_BYTES = '0';
    const engine = (await import(join(root, 'dist', 'engine', 'audit.js'))) as typeof import('../../src/engine/audit.js');
    const cli = (await import(join(root, 'dist', 'cli', 'audit.js'))) as typeof import('../../src/cli/audit.js');
    for (const [name, file] of files()) {
      const size = statSync(file).size;
      const { seen, rows } = await run(engine, cli, file, 2);
      expectSane(seen, rows, size);
      // the main thread reads 47-52% of these files, and the worker tells its first batch (4,096 rows, 14%) at once:
      // past 55% the worker's part was counted
      expect(Math.max(...seen.map((p) => p.rows)), name).toBeGreaterThan(rows * 0.55);
      expect(Math.max(...seen.map((p) => p.bytes)), name).toBeGreaterThan(size * 0.55);
    }
  });
});

// ---- on a terminal, as a person sees it -------------------------------------------------------------------------

describe.skipIf(!built)('progress on a terminal (the built CLI, stderr made a TTY)', () => {
  const fakeTty = join(dir, 'tty.cjs');
  writeFileSync(fakeTty, "Object.defineProperty(process.stderr, 'isTTY', { value: true }); process.stderr.columns = 200;\n");
  const big = join(dir, 'big.csv');
  writeFileSync(big, csvText(100_000));
  const dq = (args: string[], env: Record<string, string | undefined> = {}) => {
    const r = spawnSync(process.execPath, ['-r', fakeTty, join(root, 'bin', 'dq.js'), ...args], {
      encoding: 'utf8',
      // progress from the first batch (not after the first second), so that a fast machine shows it too
      env: { ...process.env, CI: undefined, DQ_THREADS: '1', DQ_PROGRESS_DELAY_MS: '0', ...env },
    });
    expect(r.status, r.stderr).toBeLessThan(2);
    return r.stderr;
  };

  it('audit: a bar with the share read, cleared at the end', { timeout: 60_000 }, () => {
    const err = dq(['audit', big, '-f', 'json', '-o', join(dir, 'r.json'), '--no-config']);
    expect(err).toMatch(/\r\x1b\[2Kdq: \[[#-]{20}\] +\d+%  [\d,]+ rows, [\d,]+ rows\/s, \d+ MB\/s, (ETA \d+:\d\d|finishing)/);
    expect(err.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('clean: one labelled line per read of the input', { timeout: 60_000 }, () => {
    const err = dq(['clean', big, '-o', join(dir, 'out.csv'), '--impute', 'median', '-q']);
    expect(err).toBe(''); // -q: nothing on stderr
    const shown = dq(['clean', big, '-o', join(dir, 'out.csv'), '--impute', 'median']);
    // the reads in order
    const reads = [...new Set([...shown.matchAll(/dq clean, ([a-z ]+): \[/g)].map((m) => m[1]))];
    expect(reads).toEqual(['fit impute', 'write']);
  });

  it('none in CI', { timeout: 60_000 }, () => {
    expect(dq(['audit', big, '-f', 'json', '-o', join(dir, 'r.json'), '--no-config'], { CI: 'true' })).toBe('');
  });
});
