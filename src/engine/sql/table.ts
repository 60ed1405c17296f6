/**
 * Table audits by pushdown: `dq audit clickhouse://HOST:8123/DB.TABLE`, `dq audit postgres://USER@HOST:5432/DB
 * --table SCHEMA.TABLE`, `dq audit --engine duckdb FILE`. The database computes the aggregates; the report has
 * the same shape, statistics and scores as the streaming audit of the same data (see pushdown.ts), built by
 * assembleReport. Checks that cannot be pushed down are reported as `not-evaluated` findings.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError, UsageError } from '../../errors.js';
import type { AuditOptions, Checker, CheckResult, Example, Finding, Report } from '../../core/types.js';
import type { CompiledRules, CompiledValueRule } from '../../config/compile.js';
import { assembleReport, selectCheckers } from '../audit.js';
import { duplicateResult } from '../../checks/duplicates.js';
import missingness from '../../checks/missingness.js';
import noise from '../../checks/noise.js';
import outliers from '../../checks/outliers.js';
import rulesChecker from '../../gate/rules-checker.js';
import { ClientError, cellNumber, clickhouseClient, duckdbClient, postgresClient, type SqlClient } from './clients.js';
import { buildCtx, buildProfiles, fetchExamples, phase1, run, type Col, type Ctx } from './pushdown.js';
import { translateExpr } from './expr-sql.js';

export type EngineKind = 'duckdb' | 'postgres' | 'clickhouse';

export interface TableSource {
  engine: EngineKind;
  /** postgres://user@host:port/db or http://host:port (ClickHouse); without any password. */
  url?: string;
  /** DuckDB: the local file (CSV, Parquet, JSON Lines, or a DuckDB database with `table`). */
  file?: string;
  /** SCHEMA.TABLE (PostgreSQL), DB.TABLE (ClickHouse), a table of a DuckDB database file, or null for a file. */
  table: string | null;
  password?: string;
  /** ClickHouse / PostgreSQL user. */
  user?: string;
  /** The source as dq prints and records it: passwords redacted. */
  display: string;
}

export interface TableAuditOptions {
  options: AuditOptions;
  checks: string[] | null;
  skipChecks: string[];
  rules?: CompiledRules;
  timeoutMs: number;
  /** Approximate distinct counts (not implemented: distinct counts are always exact). */
  approximateDistinct?: boolean;
}

export interface TableUrlFlags {
  engine?: string;
  table?: string;
  passwordFile?: string;
  env?: NodeJS.ProcessEnv;
}

const PUSHED: Record<string, true> = { missingness: true, noise: true, outliers: true, duplicates: true, rules: true };

/** Whether a CLI argument names a table source. */
export function isTableUrl(arg: string): boolean {
  return /^(clickhouse|postgres|postgresql):\/\//i.test(arg);
}

function redactUrl(u: URL): string {
  const c = new URL(u.toString());
  if (c.password) c.password = '***';
  return c.toString().replace(/\/$/, '');
}

/** Replace any password in a URL-like string with *** (for error messages). */
export function redact(s: string): string {
  return s.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/g, '$1***@');
}

function readPasswordFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new UsageError(`--password-file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** ~/.pgpass (or PGPASSFILE): hostname:port:database:username:password, * matches anything. */
export function pgpassLookup(host: string, port: number, db: string, user: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const file = env.PGPASSFILE ?? join(env.HOME ?? homedir(), '.pgpass');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const f: string[] = [];
    let cur = '';
    for (let i = 0; i < line.length; i++) {
      if (line[i] === '\\' && i + 1 < line.length) cur += line[++i];
      else if (line[i] === ':' && f.length < 4) {
        f.push(cur);
        cur = '';
      } else cur += line[i];
    }
    f.push(cur);
    if (f.length < 5) continue;
    const m = (pat: string, v: string) => pat === '*' || pat === v;
    if (m(f[0]!, host) && m(f[1]!, String(port)) && m(f[2]!, db) && m(f[3]!, user)) return f[4]!;
  }
  return null;
}

/**
 * Parse a table source argument:
 * - `clickhouse://[USER[:PASS]@]HOST[:8123]/DB.TABLE`
 * - `postgres://[USER[:PASS]@]HOST[:5432]/DB` with `--table SCHEMA.TABLE` (or `?table=SCHEMA.TABLE`)
 * - a file with `--engine duckdb` (optionally `--table` for a table in a DuckDB database file)
 * Passwords: in the URL (redacted everywhere), else --password-file, else PGPASSWORD / ~/.pgpass / CLICKHOUSE_PASSWORD.
 */
export function parseTableUrl(arg: string, flags: TableUrlFlags = {}): TableSource {
  const env = flags.env ?? process.env;
  const filePassword = flags.passwordFile ? readPasswordFile(flags.passwordFile) : undefined;
  if (flags.engine && !['duckdb', 'postgres', 'clickhouse'].includes(flags.engine)) throw new UsageError(`--engine must be duckdb, postgres or clickhouse, got '${flags.engine}'`);
  if (!isTableUrl(arg)) {
    if (flags.engine !== 'duckdb') throw new UsageError(`${arg}: not a table URL (clickhouse://HOST:8123/DB.TABLE or postgres://USER@HOST:5432/DB); use --engine duckdb for a local file`);
    return { engine: 'duckdb', file: arg, table: flags.table ?? null, display: arg };
  }
  let u: URL;
  try {
    u = new URL(arg);
  } catch {
    throw new UsageError(`${redact(arg)}: not a valid URL`);
  }
  const urlPassword = u.password ? decodeURIComponent(u.password) : undefined;
  const user = u.username ? decodeURIComponent(u.username) : undefined;
  const scheme = u.protocol.replace(':', '').toLowerCase();
  if (flags.engine && flags.engine !== (scheme === 'clickhouse' ? 'clickhouse' : 'postgres')) throw new UsageError(`--engine ${flags.engine} does not match ${scheme}://`);
  if (scheme === 'clickhouse') {
    const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
    const table = flags.table ?? path;
    if (!table || !table.includes('.')) throw new UsageError(`${redactUrl(u)}: name the table as clickhouse://HOST:8123/DB.TABLE`);
    const port = u.port || '8123';
    const password = urlPassword ?? filePassword ?? env.CLICKHOUSE_PASSWORD;
    return {
      engine: 'clickhouse',
      url: `http://${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${port}`,
      table,
      user: user ?? env.CLICKHOUSE_USER ?? 'default',
      ...(password !== undefined ? { password } : {}),
      display: redactUrl(u),
    };
  }
  const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || user || env.PGDATABASE || 'postgres';
  const table = flags.table ?? u.searchParams.get('table');
  if (!table) throw new UsageError(`${redactUrl(u)}: name the table with --table SCHEMA.TABLE`);
  const pgUser = user ?? env.PGUSER ?? env.USER ?? 'postgres';
  const host = u.hostname || 'localhost';
  const port = Number(u.port || 5432);
  const password = urlPassword ?? filePassword ?? env.PGPASSWORD ?? pgpassLookup(host, port, db, pgUser, env) ?? undefined;
  const clean = new URL(u.toString());
  clean.password = '';
  clean.search = '';
  return {
    engine: 'postgres',
    url: `postgres://${encodeURIComponent(pgUser)}@${host.includes(':') ? `[${host}]` : host}:${port}/${encodeURIComponent(db)}`,
    table,
    user: pgUser,
    ...(password !== undefined ? { password } : {}),
    display: `${redactUrl(u).replace(/\?.*$/, '')}${u.search && !flags.table ? '' : ''}#${table}`.replace(/#.*/, '') + ` (table ${table})`,
  };
}

async function connect(src: TableSource, timeoutMs: number): Promise<SqlClient> {
  switch (src.engine) {
    case 'duckdb': {
      const f = src.file!;
      const format = /\.parquet$/i.test(f) ? 'parquet' : /\.(jsonl|ndjson|json)$/i.test(f) ? 'jsonl' : /\.(duckdb|db)$/i.test(f) ? 'csv' : 'csv';
      return duckdbClient(f, format, src.table, timeoutMs);
    }
    case 'postgres': {
      const u = new URL(src.url!);
      return postgresClient({
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: Number(u.port || 5432),
        user: src.user ?? decodeURIComponent(u.username),
        database: decodeURIComponent(u.pathname.replace(/^\//, '')),
        password: src.password ?? null,
        table: src.table!,
        timeoutMs,
      });
    }
    case 'clickhouse': {
      const parts = src.table!.split('.');
      return clickhouseClient({ url: src.url!, user: src.user ?? 'default', password: src.password ?? null, database: parts[0]!, table: src.table!, timeoutMs });
    }
  }
}

function inputError(src: TableSource, e: unknown): never {
  if (e instanceof ClientError) {
    const what = e.kind === 'auth' ? 'authentication failed: ' : e.kind === 'connect' ? '' : e.kind === 'timeout' ? '' : 'query failed: ';
    let msg = redact(e.message);
    if (src.password) msg = msg.split(src.password).join('***');
    throw new InputError(src.display, `${what}${msg}`);
  }
  throw e;
}

/** Audit a table by pushdown. Same Report as `audit()` of the same data (see the README section on table sources). */
export async function auditTable(source: TableSource, opts: TableAuditOptions): Promise<Report> {
  const o = opts.options;
  if (o.decimalComma) throw new UsageError('--decimal , is not supported on table sources');
  const checkers = selectCheckers({ checks: opts.checks, skipChecks: opts.skipChecks, extraCheckers: opts.rules ? [rulesChecker] : [] });
  let client: SqlClient | null = null;
  try {
    client = await connect(source, opts.timeoutMs);
    const described = await client.describe();
    const ctx = buildCtx(client, described, o);
    if (client.engine === 'duckdb') {
      // in process: classify once into a temporary table (the source file or database is never written)
      await run(ctx, `CREATE TEMP TABLE __dq_cells AS ${ctx.cells}`);
      ctx.cells = 'SELECT * FROM __dq_cells';
    }
    const { rows, facts } = await phase1(ctx);
    ctx.rows = rows;
    const built = await buildProfiles(ctx, rows, facts, o);
    const fctx = { options: o, rows, columns: built.profiles, details: built.details, lineOf: () => null };

    const used: Checker<any>[] = [];
    const results: CheckResult[] = [];
    const extra: Finding[] = [];
    const exReqs: { cond: string; value: string; put: (vals: (string | null)[]) => void }[] = [];
    const exOf = (vals: (string | null)[]): Example[] => vals.map((v) => ({ row: null, line: null, value: v }));

    for (const ch of checkers) {
      const id = ch.meta.id;
      if (!PUSHED[id]) {
        extra.push(notEvaluated(id, null, `${id}: not evaluated on this engine (${source.engine})`));
        continue;
      }
      used.push(ch);
      if (id === 'missingness') {
        const state = await missingnessState(ctx, rows, facts.map((f) => f.kinds[0]!));
        const r = missingness.finalize(state, fctx);
        for (const f of r.findings) {
          const col = ctx.cols.find((c) => c.name === f.column);
          if (col) exReqs.push({ cond: `${col.k} = 0`, value: col.v, put: (v) => (f.examples = exOf(v)) });
        }
        results.push(r);
      } else if (id === 'noise') {
        const r = noise.finalize(null, fctx);
        for (const f of r.findings) {
          const i = ctx.cols.findIndex((c) => c.name === f.column);
          if (i < 0) continue;
          const col = ctx.cols[i]!;
          if (f.id === 'type-noise') {
            const kinds = built.details[i]!.noiseKinds.map((n, k) => (n > 0 ? k : -1)).filter((k) => k > 0);
            exReqs.push({ cond: `${col.k} IN (${kinds.join(', ')})`, value: col.v, put: (v) => (f.examples = exOf(v)) });
          } else if (f.id === 'control-characters') {
            exReqs.push({ cond: `${col.k} = 6 AND ${ctx.c.d.rx(col.v, ctx.c.controlRx)}`, value: col.v, put: (v) => (f.examples = exOf(v)) });
          }
        }
        results.push(r);
      } else if (id === 'outliers') {
        const r = outliers.finalize(null, fctx);
        for (const f of r.findings) {
          const i = ctx.cols.findIndex((c) => c.name === f.column);
          const fence = built.details[i]?.fences.iqr;
          if (i < 0 || !fence) continue;
          const col = ctx.cols[i]!;
          const d = ctx.c.d;
          exReqs.push({
            cond: `${col.k} IN (1, 2) AND (${col.n} < ${d.num(fence[0])} OR ${col.n} > ${d.num(fence[1])})`,
            value: col.n,
            put: (v) => (f.examples = exOf(v.map((x) => (x === null ? null : String(cellNumber(x)))))),
          });
        }
        results.push(r);
      } else if (id === 'duplicates') {
        results.push(await duplicates(ctx, rows, o));
      } else if (id === 'rules') {
        const { result, notEval } = await rules(ctx, fctx, opts.rules!, o, exReqs, exOf);
        results.push(result);
        extra.push(...notEval);
      }
    }
    if (o.examples && exReqs.length) {
      const vals = await fetchExamples(ctx, exReqs);
      exReqs.forEach((r, i) => r.put(vals[i]!));
    } else for (const r of exReqs) r.put([]);

    if (rows === 0)
      extra.push({ check: 'reader', id: 'no-data-rows', dimension: null, severity: 'warn', column: null, message: `no data rows (only a header with ${ctx.cols.length} columns)`, count: 0, examples: [] });

    return assembleReport({
      source: {
        path: source.display,
        format: source.engine === 'duckdb' ? `duckdb:${/\.parquet$/i.test(source.file ?? '') ? 'parquet' : /\.(jsonl|ndjson|json)$/i.test(source.file ?? '') ? 'jsonl' : source.table ? 'table' : 'csv'}` : source.engine,
        bytes: null,
        sha256: null,
        details: { engine: source.engine, table: source.table, pushdown: { queries: ctx.queries, evaluated: used.map((c) => c.meta.id) } },
      },
      rows,
      sample: null,
      profiles: built.profiles,
      checkers: used,
      results,
      findings: extra,
      examples: o.examples,
    });
  } catch (e) {
    return inputError(source, e);
  } finally {
    await client?.close().catch(() => undefined);
  }
}

function notEvaluated(check: string, column: string | null, message: string): Finding {
  return { check, id: 'not-evaluated', dimension: null, severity: 'warn', column, message, count: 0, examples: [] };
}

async function missingnessState(ctx: Ctx, rows: number, missing: number[]) {
  const { d } = ctx.c;
  const bits = ctx.cols.map((c) => d.b2i(`${c.k} = 0`));
  const patterns = new Map<string, number>();
  let completeRows = rows;
  if (ctx.cols.length && rows > 0) {
    const r = await run(ctx, `SELECT ${bits.map((b, i) => `${b} AS m${i}`).join(', ')}, count(*) FROM (${ctx.cells}) AS s GROUP BY ${bits.map((_, i) => `m${i}`).join(', ')}`);
    completeRows = 0;
    for (const row of r) {
      const cols = ctx.cols.filter((_, i) => row[i] === '1');
      const n = Number(row[ctx.cols.length]);
      if (cols.length === 0) completeRows += n;
      else patterns.set(cols.map((c) => c.name).join('\u0000'), n);
    }
  }
  return {
    missing: new Map(ctx.cols.map((c, i) => [c.name, missing[i]!])),
    examples: new Map<string, Example[]>(),
    rows,
    completeRows,
    patterns,
    otherPatternRows: 0,
  };
}

/** Per-column keys as the duplicates checker hashes cells: numbers by value, booleans by value, text as is. */
function cellKeys(ctx: Ctx, col: Col, fold: boolean): string[] {
  const { d, x } = ctx.c;
  const small = `${col.k} IN (1, 2) AND abs(${col.n}) <= ${d.num(2 ** 53)}`;
  const js = '[' + [9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff].map((c) => d.rxChar(c)).join('') + ']';
  const folded = fold ? d.lower(rxReplaceAll(ctx, rxReplaceAll(ctx, col.v, `${js}+`, ' '), '^ | $', '')) : col.v;
  return [
    x.iff(small, `${col.n} + ${d.num(0)}`, x.nullDouble),
    `(CASE WHEN ${col.k} = 0 OR (${small}) THEN NULL WHEN ${col.k} = 3 THEN (CASE WHEN ${d.lower(col.v)} IN ('true', 'yes', '1') THEN 'b1' ELSE 'b0' END) ` +
      `WHEN ${col.k} IN (1, 2) THEN ${d.concat(["'x'", col.v])} WHEN ${col.k} = 6 THEN ${d.concat(["'t'", folded])} ELSE ${d.concat(["'t'", col.v])} END)`,
  ];
}

function rxReplaceAll(ctx: Ctx, e: string, p: string, r: string): string {
  const d = ctx.c.d;
  return d.name === 'clickhouse' ? `replaceRegexpAll(${e}, ${d.str(p)}, ${d.str(r)})` : `regexp_replace(${e}, ${d.str(p)}, ${d.str(r)}, 'g')`;
}

async function groups(ctx: Ctx, keys: string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const r = await run(ctx, `SELECT count(*) FROM (SELECT 1 AS one FROM (${ctx.cells}) AS s GROUP BY ${keys.join(', ')}) AS g`);
  return cellNumber(r[0]?.[0]) ?? 0;
}

async function dupExamples(ctx: Ctx, cols: Col[], keys: string[]): Promise<Example[]> {
  const d = ctx.c.d;
  const mins = cols.map((c) => d.agg('min', d.collate(c.v), null));
  const r = await run(
    ctx,
    `SELECT ${mins.join(', ')}, count(*) AS c FROM (${ctx.cells}) AS s GROUP BY ${keys.join(', ')} HAVING count(*) > 1 ORDER BY ${mins.map((_, i) => String(i + 1)).join(', ')} LIMIT 5`,
  );
  return r.map((row) => ({
    row: null,
    line: null,
    value: `${cols.map((c, i) => `${c.name}=${row[i] ?? 'null'}`).join(', ')} (${row[cols.length]} rows)`,
  }));
}

async function duplicates(ctx: Ctx, rows: number, o: AuditOptions): Promise<CheckResult> {
  const exact = ctx.cols.flatMap((c) => cellKeys(ctx, c, false));
  const near = ctx.cols.flatMap((c) => cellKeys(ctx, c, true));
  const dupRows = rows > 0 ? rows - (await groups(ctx, exact)) : 0;
  const nearRows = rows > 0 ? rows - (await groups(ctx, near)) - dupRows : 0;
  const key = o.keyColumns;
  const keyMissing = key ? key.filter((k) => !ctx.cols.some((c) => c.name === k)) : [];
  let keyRows: number | null = null;
  let keyExamples: Example[] = [];
  if (key && !keyMissing.length) {
    const kcols = key.map((k) => ctx.cols.find((c) => c.name === k)!);
    const kkeys = kcols.flatMap((c) => cellKeys(ctx, c, false));
    keyRows = rows > 0 ? rows - (await groups(ctx, kkeys)) : 0;
    if (keyRows > 0 && o.examples) keyExamples = await dupExamples(ctx, kcols, kkeys);
  }
  return duplicateResult({
    rows,
    dupRows,
    nearRows,
    key,
    keyRows,
    keyMissing,
    examples: { exact: dupRows > 0 && o.examples ? await dupExamples(ctx, ctx.cols, exact) : [], near: [], key: keyExamples },
  });
}

const DAY = 86_400_000;
const FORMAT_RX: Record<string, string> = {
  email: "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+",
  uuid: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
};

/** A full-match regex test in the dialect (RE2 on DuckDB/ClickHouse, an ARE on PostgreSQL). */
function fullMatch(ctx: Ctx, v: string, pattern: string): string {
  const d = ctx.c.d;
  if (d.name === 'duckdb') return `regexp_full_match(${v}, ${d.str(pattern)})`;
  const lead = /^\(\?[a-z]+\)/.exec(pattern)?.[0] ?? '';
  return d.rx(v, `${lead}^(?:${pattern.slice(lead.length)})$`);
}

/** SQL for "cell passes" of a value rule, or null when the rule is not pushed down on this engine. */
function valueRuleSql(ctx: Ctx, col: Col, r: CompiledValueRule): { assessed: string; ok: string } | null {
  const d = ctx.c.d;
  const { k, n, e, v } = col;
  switch (r.kind) {
    case 'required':
    case 'missing':
      return null;
    case 'type': {
      const isInt = `${n} = floor(${n}) AND abs(${n}) < ${d.num(Infinity)}`;
      const okSql = {
        integer: `(${k} = 1 OR (${k} = 2 AND ${isInt}))`,
        float: `${k} IN (1, 2)`,
        boolean: `${k} = 3`,
        date: `(${k} = 4 OR (${k} = 5 AND ${e} - floor(${e} / ${d.num(DAY)}) * ${d.num(DAY)} = 0))`,
        datetime: `${k} IN (4, 5)`,
      }[r.type as string];
      return { assessed: `${k} > 0`, ok: okSql ?? ctx.c.x.bool(true) };
    }
    case 'min':
    case 'max': {
      const b = r.bound;
      const isMin = r.kind === 'min';
      let limit = b.value;
      if (b.kind === 'date' && !isMin && !/[T ]\d/.test(b.text.trim())) limit += DAY - 1;
      const x = b.kind === 'date' ? e : n;
      return { assessed: b.kind === 'date' ? `${k} IN (4, 5)` : `${k} IN (1, 2)`, ok: `${x} ${isMin ? '>=' : '<='} ${d.num(limit)}` };
    }
    case 'pattern':
      return { assessed: `${k} > 0`, ok: fullMatch(ctx, v, r.pattern) };
    case 'allowed': {
      const strs = r.values.filter((a): a is string => typeof a === 'string');
      const nums = r.values.filter((a): a is number => typeof a === 'number');
      const bools = r.values.filter((a): a is boolean => typeof a === 'boolean');
      const parts: string[] = [];
      if (strs.length) parts.push(`${v} IN (${strs.map((s) => d.str(s)).join(', ')})`);
      if (nums.length) parts.push(`(${k} IN (1, 2) AND ${n} IN (${nums.map((x) => d.num(x)).join(', ')}))`);
      for (const b of bools) parts.push(`(${k} = 3 AND ${b ? '' : 'NOT '}(${d.lower(v)} IN ('true', 'yes', '1')))`);
      return { assessed: `${k} > 0`, ok: parts.length ? `(${parts.join(' OR ')})` : ctx.c.x.bool(false) };
    }
    case 'format': {
      const rx = r.format.kind === 'date' ? null : FORMAT_RX[r.format.kind];
      return rx ? { assessed: `${k} > 0`, ok: fullMatch(ctx, v, rx) } : null;
    }
  }
}

async function rules(
  ctx: Ctx,
  fctx: Parameters<typeof rulesChecker.finalize>[1],
  compiled: CompiledRules,
  o: AuditOptions,
  exReqs: { cond: string; value: string; put: (vals: (string | null)[]) => void }[],
  exOf: (v: (string | null)[]) => Example[],
): Promise<{ result: CheckResult; notEval: Finding[] }> {
  const d = ctx.c.d;
  const byName = new Map(ctx.cols.map((c) => [c.name, c]));
  const aggs: string[] = [];
  const slots: ((r: (string | null)[], at: number) => void)[] = [];
  const counts: Record<string, { assessed: number; violations: number; unknown: number; examples: Example[] }> = {};
  const notPushed = new Set<string>();
  const violationSql = new Map<string, { cond: string; value: string }>();
  const seen: Record<string, true> = {};
  const nonMissing: Record<string, number> = {};
  const validity: Record<string, { assessed: number; bad: number }> = {};
  const add = (exprs: string[], f: (vals: number[]) => void) => {
    const at = aggs.length;
    aggs.push(...exprs);
    slots.push((r) => f(exprs.map((_, j) => cellNumber(r[at + j]) ?? 0)));
  };
  const byCol = new Map<string, CompiledValueRule[]>();
  for (const r of compiled.values) {
    if (!byCol.has(r.column)) byCol.set(r.column, []);
    byCol.get(r.column)!.push(r);
  }
  for (const [name, list] of byCol) {
    const col = byName.get(name);
    if (!col) continue;
    seen[name] = true;
    const bad: string[] = [];
    for (const r of list) {
      if (r.kind === 'required' || r.kind === 'missing') {
        add([d.agg('count', '*', `${col.k} = 0`)], ([v]) => (counts[r.id] = { assessed: ctx.rows, violations: v!, unknown: 0, examples: [] }));
        violationSql.set(r.id, { cond: `${col.k} = 0`, value: col.v });
        continue;
      }
      const q = valueRuleSql(ctx, col, r);
      if (!q) {
        notPushed.add(r.id);
        continue;
      }
      const viol = `${q.assessed} AND NOT (${q.ok})`;
      bad.push(`(${viol})`);
      add([d.agg('count', '*', q.assessed), d.agg('count', '*', viol)], ([a, v]) => (counts[r.id] = { assessed: a!, violations: v!, unknown: 0, examples: [] }));
      violationSql.set(r.id, { cond: viol, value: col.v });
    }
    const hasValueRules = list.some((r) => r.kind !== 'required' && r.kind !== 'missing');
    add([d.agg('count', '*', `${col.k} > 0`), bad.length ? d.agg('count', '*', `${col.k} > 0 AND (${bad.join(' OR ')})`) : '0'], ([nm, b]) => {
      nonMissing[name] = nm!;
      if (hasValueRules) validity[name] = { assessed: nm!, bad: b! };
    });
  }
  for (const r of compiled.expressions) {
    const cols = r.columns.map((c) => byName.get(c));
    if (cols.some((c) => !c)) continue; // reported by finalize as column not found
    for (const c of r.columns) seen[c] = true;
    const t = translateExpr(ctx, r.ast, fctx.details, fctx.columns);
    if (!t) {
      notPushed.add(r.id);
      continue;
    }
    add([d.agg('count', '*', t.unknown), d.agg('count', '*', t.fail), d.agg('count', '*', null)], ([u, f, all]) => (counts[r.id] = { assessed: all! - u!, violations: f!, unknown: u!, examples: [] }));
    const valueSql = d.concat(
      cols.flatMap((c, i) => [d.str(`${i ? ', ' : ''}${c!.name}=`), `(CASE WHEN ${c!.k} = 0 THEN 'null' ELSE ${c!.v} END)`]),
    );
    violationSql.set(r.id, { cond: t.fail, value: valueSql });
  }
  if (aggs.length) {
    const row = (await run(ctx, `SELECT ${aggs.join(', ')} FROM (${ctx.cells}) AS s`))[0] ?? [];
    for (const s of slots) s(row, 0);
  }
  const state = { rules: compiled, examples: o.examples, counts, seen, nonMissing, validity };
  const result = rulesChecker.finalize(state as never, fctx);
  const metrics = (result.metrics?.rules ?? {}) as Record<string, { unevaluable: string | null; violations: number }>;
  const notEval: Finding[] = [];
  for (const id of notPushed) {
    if (metrics[id]) {
      metrics[id].unevaluable = 'not evaluated on this engine';
      metrics[id].violations = 0;
    }
    const r = compiled.values.find((x) => x.id === id);
    notEval.push(notEvaluated('rules', r?.column ?? null, `${id}: not evaluated on this engine (${ctx.client.engine})`));
  }
  result.findings = result.findings.filter((f) => !notPushed.has(f.id));
  for (const f of result.findings) {
    const q = violationSql.get(f.id);
    if (q) exReqs.push({ cond: q.cond, value: q.value, put: (v) => (f.examples = exOf(v)) });
  }
  return { result, notEval };
}
