#!/usr/bin/env node
/**
 * npm run bench: generate seeded data (bench/data, git-ignored), then time whole processes:
 * dq audit, DuckDB's exact equivalent (2 threads) and the raw-read ceiling, several runs each (median),
 * with peak RSS from /usr/bin/time. Writes bench/results.md.
 *
 * Environment: BENCH_ROWS (default 1000000), BENCH_SEED (1), BENCH_RUNS (3), BENCH_SCALE=0 to skip the 4x file,
 * BENCH_FORMATS (csv,jsonl,parquet), BENCH_ONE_THREAD=0 to skip the extra one-thread dq runs (DQ_THREADS=1).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const data = join(here, 'data');
mkdirSync(data, { recursive: true });
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SCALE = process.env.BENCH_SCALE !== '0';
const FORMATS = (process.env.BENCH_FORMATS ?? 'csv,jsonl,parquet').split(',');
const ONE_THREAD = process.env.BENCH_ONE_THREAD !== '0';
const haveTime = existsSync('/usr/bin/time');
const label = (n) => (n >= 1e6 ? `${n / 1e6}m` : `${n / 1e3}k`);

function sh(cmd, args) {
  return execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 }).toString();
}

/** Run a command as a whole process; returns wall seconds, CPU seconds (user + sys) and peak RSS in MB (from /usr/bin/time). */
function timed(cmd, args, env = {}) {
  const full = haveTime ? ['/usr/bin/time', ['-f', '__TIME__ %e %M %U %S', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const m = /__TIME__ ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { secs: m ? Number(m[1]) : wall, rssMb: m ? Number(m[2]) / 1024 : null, cpu: m ? Number(m[3]) + Number(m[4]) : null, stdout: r.stdout };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(cmd, args, env = {}) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(timed(cmd, args, env));
  return {
    secs: median(runs.map((r) => r.secs)),
    rssMb: median(runs.map((r) => r.rssMb ?? 0)),
    cpu: runs[0].cpu === null ? null : median(runs.map((r) => r.cpu)),
    stdout: runs[0].stdout,
  };
}

function ensure(rows) {
  const csv = join(data, `bench-${label(rows)}-s${SEED}.csv`);
  if (!existsSync(csv)) {
    console.error(`generating ${csv} ...`);
    sh(process.execPath, [join(here, 'generate.mjs'), String(rows), csv, String(SEED)]);
  }
  return csv;
}

async function convert(csv, format) {
  const out = csv.replace(/\.csv$/, format === 'parquet' ? '.parquet' : '.jsonl');
  if (existsSync(out)) return out;
  console.error(`writing ${out} with DuckDB ...`);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await db.connect();
  const q = (s) => `'${s.replace(/'/g, "''")}'`;
  const opts = format === 'parquet' ? "(FORMAT PARQUET, ROW_GROUP_SIZE 122880, COMPRESSION SNAPPY)" : '(FORMAT JSON)';
  await con.run(`COPY (SELECT * FROM read_csv(${q(csv)}, all_varchar = false)) TO ${q(out)} ${opts}`);
  return out;
}

const dq = join(root, 'bin', 'dq.js');
const rows = [];
const csv = ensure(ROWS);
const inputs = [];
for (const f of FORMATS) inputs.push({ format: f, rows: ROWS, file: f === 'csv' ? csv : await convert(csv, f) });
if (SCALE && FORMATS.includes('csv')) inputs.push({ format: 'csv', rows: ROWS * 4, file: ensure(ROWS * 4) });

for (const inp of inputs) {
  const mb = statSync(inp.file).size / 1e6;
  console.error(`${inp.format} ${label(inp.rows)} (${mb.toFixed(0)} MB): dq ...`);
  const d = measure(process.execPath, [dq, 'audit', inp.file, '--format', 'json', '-q', '--no-config']);
  const report = JSON.parse(d.stdout);
  // the same audit on one thread (DQ_THREADS=1): the CPU cost without the parallel split
  const d1 = ONE_THREAD ? measure(process.execPath, [dq, 'audit', inp.file, '--format', 'json', '-q', '--no-config'], { DQ_THREADS: '1' }) : null;
  console.error('  duckdb ...');
  const k = measure(process.execPath, [join(here, 'duckdb.mjs'), inp.format, inp.file]);
  const raw = measure(process.execPath, [join(here, 'count.mjs'), inp.file]);
  const dup = JSON.parse(k.stdout).duplicates;
  rows.push({
    input: `${inp.format} ${label(inp.rows)}`,
    mb,
    dq: d.secs,
    dqCpu: d.cpu,
    dq1: d1?.secs ?? null,
    dq1Cpu: d1?.cpu ?? null,
    dq1Rss: d1?.rssMb ?? null,
    duck: k.secs,
    duckCpu: k.cpu,
    ratio: d.secs / k.secs,
    mbs: mb / d.secs,
    rowsPerSec: inp.rows / d.secs,
    dqRss: d.rssMb,
    duckRss: k.rssMb,
    raw: raw.secs,
    approx: report.columns.some((c) => c.approximate),
    dupAgree: report.duplicates.rows === dup ? 'yes' : `dq ${report.duplicates.rows} vs ${dup}`,
  });
}

const f = (x, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const table = [
  '| input | MB | dq s | dq CPU s | DuckDB s | DuckDB CPU s | ratio | dq MB/s | dq rows/s | dq peak MB | DuckDB peak MB | dq 1 thread s / CPU s / peak MB | raw read s | sketches | duplicates agree |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.input} | ${f(r.mb, 0)} | ${f(r.dq)} | ${f(r.dqCpu)} | ${f(r.duck)} | ${f(r.duckCpu)} | ${f(r.ratio)} | ${f(r.mbs, 0)} | ${Math.round(r.rowsPerSec).toLocaleString('en-US')} | ${f(r.dqRss, 0)} | ${f(r.duckRss, 0)} | ${r.dq1 === null ? 'n/a' : `${f(r.dq1)} / ${f(r.dq1Cpu)} / ${f(r.dq1Rss, 0)}`} | ${f(r.raw)} | ${r.approx ? 'yes' : 'no'} | ${r.dupAgree} |`,
  ),
];
const lin = rows.find((r) => r.input === `csv ${label(ROWS * 4)}`);
const one = rows.find((r) => r.input === `csv ${label(ROWS)}`);
const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
const md = [
  '# Benchmark results',
  '',
  `Generated by \`npm run bench\` on ${new Date().toISOString()} (seed ${SEED}, median of ${RUNS} runs, whole processes).`,
  `Machine: ${machine}. Load average when done: ${os.loadavg().map((x) => x.toFixed(1)).join(', ')} (the machine is shared: compare CPU seconds).`,
  '',
  ...table,
  '',
  lin && one ? `Scaling: 4x rows took ${(lin.dq / one.dq).toFixed(2)}x the time (target <= 4.4x), peak memory ${(lin.dqRss / one.dqRss).toFixed(2)}x (target <= 1.3x).` : '',
  '',
].join('\n');
writeFileSync(join(here, 'results.md'), md);
console.log(md);
