#!/usr/bin/env node
/**
 * DuckDB's exact equivalent of a dq audit, for the side-by-side benchmark:
 * per column count, count distinct, min, max and, for numeric columns, avg, stddev_samp and
 * quantile_cont at 0.25/0.5/0.75; plus the duplicate-row count. 2 threads.
 *
 *   node bench/duckdb.mjs csv|jsonl|parquet FILE
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [format, file] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const src =
  format === 'parquet' ? `read_parquet(${q(file)})` : format === 'jsonl' ? `read_json(${q(file)}, format='newline_delimited')` : `read_csv(${q(file)})`;
await con.run(`CREATE VIEW t AS SELECT * FROM ${src}`);
const cols = (await con.runAndReadAll('DESCRIBE t')).getRowObjects();
const numeric = /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/;
const parts = [];
for (const c of cols) {
  const n = `"${String(c.column_name).replace(/"/g, '""')}"`;
  parts.push(`count(${n})`, `count(DISTINCT ${n})`, `min(${n})`, `max(${n})`);
  if (numeric.test(String(c.column_type))) parts.push(`avg(${n})`, `stddev_samp(${n})`, `quantile_cont(${n}, [0.25, 0.5, 0.75])`);
}
const t0 = Date.now();
await con.runAndReadAll(`SELECT ${parts.join(', ')} FROM t`);
const dup = await con.runAndReadAll('SELECT (SELECT count(*) FROM t) - (SELECT count(*) FROM (SELECT DISTINCT * FROM t))');
process.stdout.write(JSON.stringify({ columns: cols.length, duplicates: Number(dup.getRows()[0][0]), ms: Date.now() - t0 }) + '\n');
