/**
 * Helpers for the pushdown tests: the streaming reference, report comparison, a generated fixture, and
 * start/stop of throwaway PostgreSQL and ClickHouse servers (loopback ports, temporary folders, stopped by
 * the tests). Servers are skipped with a clear message when their binaries are missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { tempDir } from '../helpers.js';
import { audit } from '../../src/engine/audit.js';
import { DEFAULT_NA_VALUES, viewColumn } from '../../src/schema/values.js';
import { cellNumber, type SqlClient } from '../../src/engine/sql/clients.js';
import { buildCtx } from '../../src/engine/sql/pushdown.js';
import type { AuditOptions, Report } from '../../src/core/types.js';
import type { CompiledRules } from '../../src/config/compile.js';
import rulesChecker from '../../src/gate/rules-checker.js';
import { readerOptions } from '../../src/cli/options.js';
import { columnsOf, parseExpr } from '../../src/config/expr.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PENGUINS = join(ROOT, 'fixtures/penguins.csv');
export const WEATHER = join(ROOT, 'fixtures/seattle-weather.csv');

export function options(over: Partial<AuditOptions> = {}): AuditOptions {
  return {
    naValues: new Set(DEFAULT_NA_VALUES),
    decimalComma: false,
    dayFirst: null,
    numericThreshold: 0.95,
    types: {},
    keyColumns: null,
    examples: true,
    exactBudgetBytes: 16 * 1024 * 1024,
    checks: {},
    asOf: Date.UTC(2026, 0, 1),
    ...over,
  };
}

/** Checks both sides evaluate (consistency and timeliness are not pushed down). */
export const PUSHED_CHECKS = ['missingness', 'outliers', 'noise', 'duplicates'];

export async function streaming(file: string, o: AuditOptions, rules?: CompiledRules): Promise<Report> {
  const opts = rules ? { ...o, checks: { ...o.checks, rules: rules as unknown as Record<string, unknown> } } : o;
  return audit({
    inputs: [{ path: file }],
    format: null,
    reader: readerOptions({} as never),
    options: opts,
    checks: rules ? [...PUSHED_CHECKS, 'rules'] : PUSHED_CHECKS,
    skipChecks: [],
    extraCheckers: rules ? [rulesChecker] : [],
    columns: null,
    excludeColumns: [],
    strict: false,
    sample: null,
  });
}

const rel = (a: number | null, b: number | null) => {
  if (a === null || b === null) return expect(a).toBe(b);
  if (!Number.isFinite(b)) return expect(a).toBe(b);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(b), 1e-300));
};

/** Per-column statistics, duplicates, rule metrics, findings (ids/counts) and scores agree. */
export function compareReports(t: Report, s: Report, label = ''): { columns: number; values: number } {
  let values = 0;
  expect(t.rows, `${label} rows`).toBe(s.rows);
  expect(t.columns.map((c) => c.name)).toEqual(s.columns.map((c) => c.name));
  t.columns.forEach((c, i) => {
    const r = s.columns[i]!;
    const at = `${label} ${c.name}`;
    for (const k of ['type', 'count', 'missing', 'distinct', 'min', 'max', 'p25', 'median', 'p75', 'outliers', 'histogram', 'top', 'notes'] as const) {
      expect(c[k], `${at}.${k}`).toEqual(r[k]);
      values++;
    }
    rel(c.mean, r.mean);
    rel(c.std, r.std);
    values += 2;
    expect(c.scores, `${at}.scores`).toEqual(r.scores);
  });
  expect(t.duplicates).toEqual(s.duplicates);
  const f = (r: Report) =>
    r.findings
      .filter((x) => x.id !== 'not-evaluated')
      .map((x) => `${x.check}/${x.id}/${x.column}/${x.count}/${x.severity}/${x.message}`)
      .sort();
  expect(f(t), `${label} findings`).toEqual(f(s));
  expect(t.scores, `${label} scores`).toEqual(s.scores);
  const m = (r: Report) => {
    const x = JSON.parse(JSON.stringify(r.metrics)) as Record<string, any>;
    for (const v of Object.values(x.rules?.rules ?? {}) as any[]) delete v.examples;
    return x;
  };
  expect(m(t), `${label} metrics`).toEqual(m(s));
  return { columns: t.columns.length, values };
}

/** A small file with duplicates, NA tokens, padded numbers, leading-zero codes, booleans, datetimes and outliers. */
export function generatedCsv(dir: string, rows = 400, seed = 7): string {
  let a = seed >>> 0;
  const r = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lines = ['id,amount,qty,code,flag,city,when,note,ratio'];
  const cities = ['Oslo', 'oslo ', 'Bergen', 'Trondheim', 'NA', '', 'N/A'];
  const na = ['', 'NA', 'null', ' ', 'n/a', 'None'];
  for (let i = 0; i < rows; i++) {
    const amount = r() < 0.05 ? na[Math.floor(r() * na.length)] : r() < 0.03 ? String(Math.round(r() * 1e6)) : (Math.exp(2 + r() * 1.5)).toFixed(2);
    const qty = r() < 0.02 ? 'many' : r() < 0.05 ? ` ${Math.floor(r() * 10)} ` : String(Math.floor(r() * 20) - 2);
    const code = '0' + String(Math.floor(r() * 900) + 100);
    const flag = ['true', 'FALSE', 'yes', 'no', 'NA'][Math.floor(r() * 5)]!;
    const city = cities[Math.floor(r() * cities.length)]!;
    const day = 1 + Math.floor(r() * 28);
    const when = r() < 0.1 ? `2024-02-${String(day).padStart(2, '0')}T10:${String(Math.floor(r() * 60)).padStart(2, '0')}:00Z` : r() < 0.05 ? '2023-02-30' : `2024-03-${String(day).padStart(2, '0')}`;
    const note = r() < 0.3 ? '"a, b"' : r() < 0.1 ? 'x\u0001y' : 'plain';
    const ratio = r() < 0.02 ? 'inf' : r() < 0.02 ? '1e3' : (r() * 2 - 1).toFixed(3);
    lines.push([i % 50 === 0 ? 1 : i, amount, qty, code, flag, city, when, note, ratio].join(','));
    if (r() < 0.05) lines.push(lines[lines.length - 1]!);
  }
  const p = join(dir, 'generated.csv');
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

export function tmp(): string {
  return tempDir('dq-sql-');
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL 15

export function pgBin(name: string): string | null {
  for (const dir of ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/local/bin', '/usr/bin']) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

export interface PgServer {
  port: number;
  dir: string;
  password: string;
  psql(sql: string, db?: string): string;
  stop(): void;
}

/** initdb + pg_ctl as the postgres user in a temporary folder; scram-sha-256 for TCP; fsync off. */
export function startPostgres(): PgServer | string {
  const initdb = pgBin('initdb');
  const pgctl = pgBin('pg_ctl');
  const psqlBin = pgBin('psql');
  if (!initdb || !pgctl || !psqlBin) return 'PostgreSQL binaries (initdb, pg_ctl, psql) not found: apt-get install -y postgresql';
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'dq-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const password = 's3cr3t\'"pw';
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, password + '\n');
  chmodSync(pwfile, 0o644);
  const user = asRoot ? ['-u', 'postgres'] : [];
  const sh = (cmd: string[]) => {
    const r = asRoot ? spawnSync('runuser', [...user, '--', ...cmd], { encoding: 'utf8' }) : spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')}: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  sh([initdb, '-D', data, '-U', 'postgres', '--pwfile', pwfile, '-A', 'scram-sha-256', '--auth-local', 'trust', '-E', 'UTF8', '--locale', 'C.UTF-8']);
  const port = Number(process.env.DQ_TEST_PG_PORT ?? 0) || 45000 + Math.floor(Math.random() * 10000);
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    `port = ${port}\nlisten_addresses = '127.0.0.1'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nunix_socket_directories = '${dir}'\nshared_buffers = 64MB\n`,
  );
  sh([pgctl, '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const psql = (sql: string, db = 'postgres') => {
    const args = [psqlBin, '-h', dir, '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql];
    return sh(args);
  };
  return {
    port,
    dir,
    password,
    psql,
    stop() {
      try {
        sh([pgctl, '-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Load a CSV into a PostgreSQL table with every column as TEXT (COPY ... CSV HEADER; empty cells stay ''). */
export function pgLoadCsv(pg: PgServer, table: string, file: string): void {
  const header = readFileSync(file, 'utf8').split('\n')[0]!;
  const cols = parseCsvHeader(header);
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  pg.psql(`CREATE TABLE ${table} (${cols.map((c) => `${q(c)} text`).join(', ')})`);
  const copy = join(pg.dir, `load-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(copy, readFileSync(file));
  chmodSync(copy, 0o644);
  pg.psql(`COPY ${table} FROM '${copy}' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (${cols.map(q).join(', ')}))`);
}

export function parseCsvHeader(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') out.push(cur), (cur = '');
    else if (c !== '\r') cur += c;
  }
  out.push(cur);
  return out;
}

// ---------------------------------------------------------------------------------------------
// ClickHouse: two shards on one machine and a Distributed table

export interface ChCluster {
  http: number[];
  url: string;
  query(sql: string, body?: string, port?: number): Promise<string>;
  stop(): Promise<void>;
}

function chConfig(dir: string, ports: { http: number; tcp: number; inter: number }, shards: number[]): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><console>0</console></logger>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.inter}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>5368709</mark_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <remote_servers>
    <two_shards>
      ${shards.map((p) => `<shard><replica><host>127.0.0.1</host><port>${p}</port><user>default</user><password>dq-test-pw</password></replica></shard>`).join('\n      ')}
    </two_shards>
  </remote_servers>
</yandex>
`;
}

const CH_USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default><ro><readonly>1</readonly></ro></profiles>
  <users>
    <default><password>dq-test-pw</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

export function clickhouseBin(): string | null {
  for (const p of ['/usr/bin/clickhouse', '/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server']) if (existsSync(p)) return p;
  return null;
}

export async function startClickHouse(): Promise<ChCluster | string> {
  const bin = clickhouseBin();
  if (!bin) return 'clickhouse-server not found: apt-get install -y clickhouse-server clickhouse-client';
  const base = mkdtempSync(join(tmpdir(), 'dq-ch-'));
  const procs: ChildProcess[] = [];
  const ports = [];
  for (let s = 0; s < 2; s++) ports.push({ http: await freePort(), tcp: await freePort(), inter: await freePort() });
  const tcpPorts = ports.map((p) => p.tcp);
  for (let s = 0; s < 2; s++) {
    const dir = join(base, `s${s}`);
    for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'config.xml'), chConfig(dir, ports[s]!, tcpPorts));
    writeFileSync(join(dir, 'users.xml'), CH_USERS);
    const args = bin.endsWith('clickhouse') ? ['server', '--config-file', join(dir, 'config.xml')] : ['--config-file', join(dir, 'config.xml')];
    const p = spawn(bin, args, { cwd: dir, stdio: 'ignore' });
    procs.push(p);
  }
  const query = async (sql: string, body?: string, port = ports[0]!.http) => {
    const url = `http://127.0.0.1:${port}/?query=${encodeURIComponent(sql)}`;
    const res = await fetch(url, { method: 'POST', body: body ?? '', headers: { 'X-ClickHouse-User': 'default', 'X-ClickHouse-Key': 'dq-test-pw' } });
    const t = await res.text();
    if (!res.ok) throw new Error(t);
    return t;
  };
  const stop = async () => {
    for (const p of procs) {
      if (p.exitCode === null) {
        p.kill('SIGTERM');
        await new Promise<void>((r) => {
          const t = setTimeout(() => {
            p.kill('SIGKILL');
            r();
          }, 5000);
          p.once('exit', () => {
            clearTimeout(t);
            r();
          });
        });
      }
    }
    rmSync(base, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (const p of ports) {
    for (;;) {
      try {
        await query('SELECT 1', undefined, p.http);
        break;
      } catch (e) {
        if (Date.now() > deadline || procs.some((x) => x.exitCode !== null)) {
          const log = ['s0', 's1'].map((s) => { try { return readFileSync(join(base, s, 'error.log'), 'utf8').slice(-2000); } catch { return ''; } }).join('\n');
          await stop();
          return `clickhouse-server did not start: ${(e as Error).message.slice(0, 200)} ${log}`;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  return { http: ports.map((p) => p.http), url: `127.0.0.1:${ports[0]!.http}`, query, stop };
}

/** Create `db.local` (MergeTree, Nullable(String) columns) on both shards and `db.dist` over them; rows split alternately. */
export async function chLoadCsv(ch: ChCluster, db: string, file: string): Promise<void> {
  const text = readFileSync(file, 'utf8');
  const [header, ...rest] = text.split('\n').filter((l, i, a) => !(i === a.length - 1 && l === ''));
  const cols = parseCsvHeader(header!);
  const q = (s: string) => `\`${s.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
  const defs = cols.map((c) => `${q(c)} Nullable(String)`).join(', ');
  for (const port of ch.http) {
    await ch.query(`CREATE DATABASE IF NOT EXISTS ${q(db)}`, undefined, port);
    await ch.query(`CREATE TABLE ${q(db)}.local (${defs}) ENGINE = MergeTree() ORDER BY tuple()`, undefined, port);
  }
  await ch.query(`CREATE TABLE ${q(db)}.dist AS ${q(db)}.local ENGINE = Distributed(two_shards, ${q(db)}, local)`);
  // physical CSV records (quoted newlines are not used by these fixtures)
  for (let s = 0; s < 2; s++) {
    // every field quoted: ClickHouse trims spaces around unquoted CSV fields; empty cells load as NULL-free ''
    const quote = (l: string) => parseCsvHeader(l).map((f) => `"${f.replace(/"/g, '""')}"`).join(',');
    const part = rest.filter((_, i) => i % 2 === s).map(quote);
    if (part.length) await ch.query(`INSERT INTO ${q(db)}.local FORMAT CSVWithNames`, [header, ...part].join('\n') + '\n', ch.http[s]);
  }
}

export const RULES: CompiledRules = {
  version: 1,
  values: [
    { kind: 'required', id: 'sex.required', severity: 'error', column: 'Sex' },
    { kind: 'type', id: 'mass.type', severity: 'error', column: 'Body Mass (g)', type: 'integer' },
    { kind: 'min', id: 'mass.min', severity: 'error', column: 'Body Mass (g)', bound: { kind: 'number', value: 3000 } },
    { kind: 'max', id: 'beak.max', severity: 'warn', column: 'Beak Length (mm)', bound: { kind: 'number', value: 55.5 } },
    { kind: 'pattern', id: 'species.pattern', severity: 'error', column: 'Species', pattern: '[A-Z][a-z]+' },
    { kind: 'allowed', id: 'island.allowed', severity: 'error', column: 'Island', values: ['Biscoe', 'Dream'] },
    { kind: 'allowed', id: 'sex.allowed', severity: 'error', column: 'Sex', values: ['MALE', 'FEMALE'] },
  ],
  expressions: [
    ['beak', '`Beak Length (mm)` > `Beak Depth (mm)` * 2.5'],
    ['mass', "abs(`Body Mass (g)` / 1000 - 4) < 1 or Sex = 'MALE'"],
    ['ratio', 'round(`Flipper Length (mm)` / `Beak Depth (mm)`, 1) >= 10 and not (Island = \'Dream\')'],
    ['nulls', 'coalesce(Sex, Island) is not null and Species != 7'],
  ].map(([id, expr]) => {
    const ast = parseExpr(expr!);
    return { id: id!, severity: 'error' as const, expr: expr!, ast, columns: [] as string[] };
  }),
};
for (const e of RULES.expressions) e.columns = columnsOf(e.ast);

/**
 * Dates in every format of the value parser: ISO, slash day-first / month-first / ambiguous / mixed columns,
 * dotted, month names, datetimes with zones and AM/PM, and impossible dates (text). Extremes are unique values.
 */
export function datesCsv(dir: string, rows = 40): string {
  const cols: Record<string, string[]> = {
    iso: ['2024-03-15', '2024/3/5', '2023-12-31', '2024-02-29', '', '2025-01-01', '2024-11-09', '2024-02-30', '1999-07-04'],
    dmy: ['15/03/2024', '3/4/2024', '31/12/2023', '01/02/2024', '29/02/2024', 'NA', '30/06/2025', '13/13/2024', '7/11/2024'],
    mdy: ['03/15/2024', '4/3/2024', '12/31/2023', '02/01/2024', '02/29/2024', '06/30/2025', '', '02/30/2024', '11/7/2024'],
    amb: ['01/02/2024', '3/4/2024', '12/11/2023', '05/06/2024', '10/10/2024', '2/1/2025', '07/08/2024'],
    mixed: ['13/01/2024', '01/13/2024', '05/06/2024', '25/12/2023', '12/25/2024', '3/3/2024'],
    dotted: ['15.03.2024', '1.2.2024', '31.12.2023', '29.02.2024', '30.06.2025', '31.02.2024', '07.11.2026'],
    names: ['Mar 15 2024', 'Mar 15, 2024', '15 Mar 2024', '15-Mar-2024', 'Sept. 3, 2024', '3 september 2024', 'DEC 1 2023', '9-jan-2025', 'May 5 2024', 'Feb 30 2024', '15 Marc 2024'],
    dt: ['15/03/2024 10:30', '15.03.2024 23:59:59', 'Mar 15, 2024 10:00 PM', '15-Mar-2024T08:00:00Z', '2024-03-15 10:00+02:00', '3/4/2024 12:00 am', '31/12/2023 07:15:30.25', 'Jan 2 2025 11:59 pm', ' 1 Feb 2024 00:00 -0130 '],
  };
  const names = Object.keys(cols);
  const lines = [names.join(',')];
  for (let i = 0; i < rows; i++) {
    lines.push(
      names
        .map((n) => {
          const vals = cols[n]!;
          // the first values repeat; the last two appear once (unique extremes)
          const v = i < vals.length ? vals[i]! : vals[i % Math.max(1, vals.length - 2)]!;
          return /[,"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
        })
        .join(','),
    );
  }
  const p = join(dir, 'dates.csv');
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

// fractions of a second beyond milliseconds are truncated in SQL epochs (compared to within 1 ms)
export const TRICKY_DATES = ['2024-02-29', '2023-02-29', '2024-2-3', '2024/02/03T10:00', '0099-01-01', '0100-01-01', '13/1/2024', '1/13/2024', '12/12/2024', '00/12/2024', '1/1/99', '1/1/0099',
 '31.04.2024', '30.04.2024', '1.1.2024 24:00', '1.1.2024 25:00', '15 mar 2024', '15 MARCH 2024', '15-March-2024', '15 Mar-2024', '15  Mar 2024', 'Sept 3 2024', 'sept. 3, 2024', 'Sep. 03 2024',
 'Mar 15,2024', 'Mar 15 ,2024', 'Mar 1 2024 1:00', 'Mar 1 2024 01:00 PM', 'Mar 1 2024 12:30am', '1/2/2024 10:00:00.123456', '1/2/2024 10:00:60', '1/2/2024T10:00 +05:30', '1/2/2024 10:00 -14', '1/2/2024 10:00+15',
 '1/2/2024 10:00z', '1/2/2024 10:00 z', '1/2/2024 10:00+02:', ' 3/4/2024 ', '\u00a03.4.2024', '3/4/2024\t', '3 / 4 / 2024', 'Ma 1 2024', 'mayo 1 2024', 'May 32 2024', 'Jun 31 2024', '1 jun 2024', '29 Feb 2023', '29 Feb 2000', '29 Feb 1900',
 '2024-12-31 23:59:59Z', '2024-12-31T23:59:59.9+01:00', '12/31/2024 11:59:59 PM', '31/12/2024 11:59 PM', '15.03.2024T10:00', '15.03.24', '5/5/2024 10:00 am extra', 'Dec 25 2024 10:00:00 +0000', '1-Jan-2024 00:00',
 // numbers with whitespace around them (a leading tab or no-break space too), and codes with a leading zero
 '\t7', '\u00a07.5', ' 7', '7\t', '\t-1e3 ', '\t007', ' inf',
 // with --extra-na-values -999 (one test run): the same number in other spellings is missing too, others are not
 '-999', '-999.0', ' -999 ', '-9.99e2', '-998', '-0999'];


/** One column `v` of TRICKY_DATES (every cell quoted). */
export function trickyDatesCsv(dir: string): string {
  const f = join(dir, 'dates-cells.csv');
  writeFileSync(f, 'v\n' + TRICKY_DATES.map((v) => `"${v.replace(/"/g, '""')}"`).join('\n') + '\n');
  return f;
}

/** Kind, epoch under both readings and slash-date evidence of every cell of TRICKY_DATES equal the value parser's. */
export async function cellsAgree(client: SqlClient, dayFirst: boolean | null, extraNa: string[] = []): Promise<void> {
  const naValues = new Set([...DEFAULT_NA_VALUES, ...extraNa]);
  const ctx = buildCtx(client, await client.describe(), options({ dayFirst, naValues }));
  const rows = await client.query(`SELECT v0, k0, e0, g0, w0 FROM (${ctx.cells}) AS s`);
  expect(rows.map((r) => r[0]).sort()).toEqual([...TRICKY_DATES].sort());
  const bad: string[] = [];
  let dayEv = 0;
  let monthEv = 0;
  for (const r of rows) {
    const view = viewColumn([r[0]!], 1, { naValues, decimalComma: false, dayFirst });
    dayEv += view.dayFirstEvidence;
    monthEv += view.monthFirstEvidence;
    const k = Number(r[1]);
    const want = view.kind[0]!;
    const wantE = want === 4 || want === 5 ? view.num[0]! : null;
    const altE = view.alt && view.alt[0] === view.alt[0] ? view.alt[0]! : wantE;
    const off = (x: string | null | undefined, y: number | null) => (y === null ? false : !(Math.abs((cellNumber(x ?? null) ?? NaN) - y) < 1));
    if (k !== want || off(r[2], wantE) || off(r[3], altE)) bad.push(`${JSON.stringify(r[0])}: sql k=${k} e=${r[2]} e2=${r[3]} | parser k=${want} e=${wantE} alt=${altE}`);
  }
  expect(bad, `${client.engine} dayFirst ${dayFirst}`).toEqual([]);
  expect(rows.filter((r) => r[4] === '1').length).toBe(dayEv);
  expect(rows.filter((r) => r[4] === '2').length).toBe(monthEv);
}
