#!/usr/bin/env node
/**
 * Pushdown benchmark: the 1M-row benchmark table audited by each engine vs streaming the same file.
 *
 *   npx tsc -p tsconfig.json --outDir bench/data/dist-pushdown && DQ_DIST=bench/data/dist-pushdown node bench/pushdown.mjs [ROWS] [SEED]
 *
 * Always: streaming `audit()` and `--engine duckdb` on the generated CSV (bench/generate.mjs).
 * PostgreSQL / ClickHouse when given a server already holding the table (every column TEXT / Nullable(String)):
 *   DQ_BENCH_PG='postgres://user@host:5432/db' DQ_BENCH_PG_TABLE=public.bench (password: PGPASSWORD)
 *   DQ_BENCH_CH='clickhouse://host:8123/db.bench' (password: CLICKHOUSE_PASSWORD)
 * Prints seconds per engine and whether the row count, per-column counts and duplicate counts agree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const dist = resolve(process.env.DQ_DIST ?? join(root, 'dist'));
const rows = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 42);
const dataDir = join(root, 'bench/data');
mkdirSync(dataDir, { recursive: true });
const file = join(dataDir, `pushdown-${rows}-${seed}.csv`);
if (!existsSync(file)) execFileSync(process.execPath, [join(root, 'bench/generate.mjs'), String(rows), file, String(seed)], { stdio: 'inherit' });

const imp = (p) => import(pathToFileURL(join(dist, p)).href);
const { audit } = await imp('engine/audit.js');
const { auditTable, parseTableUrl } = await imp('engine/sql/table.js');
const { buildRequest } = await imp('cli/audit.js');

const CHECKS = 'missingness,outliers,noise,duplicates';
const req = buildRequest([file], { format: 'json', checks: CHECKS });
const opts = { options: req.options, checks: req.checks, skipChecks: [], timeoutMs: 600_000 };

const time = async (label, f) => {
  const t0 = performance.now();
  const r = await f();
  const s = (performance.now() - t0) / 1000;
  return { label, s, r };
};
const results = [];
results.push(await time('streaming', () => audit(req)));
results.push(await time('duckdb', () => auditTable(parseTableUrl(file, { engine: 'duckdb' }), opts)));
if (process.env.DQ_BENCH_PG) results.push(await time('postgres', () => auditTable(parseTableUrl(process.env.DQ_BENCH_PG, { table: process.env.DQ_BENCH_PG_TABLE ?? 'public.bench' }), opts)));
if (process.env.DQ_BENCH_CH) results.push(await time('clickhouse', () => auditTable(parseTableUrl(process.env.DQ_BENCH_CH), opts)));

const ref = results[0].r;
const sig = (r) => JSON.stringify([r.rows, r.duplicates.rows, r.columns.map((c) => [c.name, c.type, c.count, c.missing, c.distinct, c.min, c.max, c.median, c.outliers])]);
console.log(`rows: ${rows} (seed ${seed}), file ${file}`);
for (const x of results) {
  const q = x.r.source.details?.pushdown?.queries;
  console.log(`${x.label.padEnd(11)} ${x.s.toFixed(2).padStart(8)} s${q ? `  (${q} queries)` : ''}  ${x === results[0] ? '' : sig(x.r) === sig(ref) ? 'same statistics' : 'DIFFERENT statistics'}`);
}
