/**
 * Database clients for pushdown audits. Each returns rows as arrays of text cells (null for SQL NULL);
 * arrays come back as '[a,b]' (DuckDB, ClickHouse) or '{a,b}' (PostgreSQL) and are read by `cellArray`.
 *
 * - DuckDB: in process (@duckdb/node-api), the file read through read_csv / read_parquet / read_json.
 * - PostgreSQL: a minimal client for the v3 wire protocol (simple queries; trust, cleartext, MD5 and
 *   SCRAM-SHA-256 authentication), so no driver package is needed. Every session is read-only
 *   (`default_transaction_read_only = on`) with a `statement_timeout`.
 * - ClickHouse: the HTTP interface with fetch; every request carries `readonly=1` and `max_execution_time`.
 */
import net from 'node:net';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { EngineName } from './dialect.js';

export type Cell = string | null;

export interface SqlClient {
  engine: EngineName;
  /** Columns of the audited relation (name and SQL type), in table order. */
  describe(): Promise<{ name: string; type: string }[]>;
  /** The audited relation as SQL (a quoted table name or a table function). */
  relation: string;
  query(sql: string): Promise<Cell[][]>;
  close(): Promise<void>;
}

/** A connection/authentication/query failure with one clear line (turned into InputError by the caller). */
export class ClientError extends Error {
  constructor(message: string, readonly kind: 'connect' | 'auth' | 'query' | 'timeout') {
    super(message);
  }
}

export function cellNumber(c: Cell | undefined): number | null {
  if (c === null || c === undefined || c === '') return null;
  const s = c.trim();
  const l = s.toLowerCase();
  if (l === 'inf' || l === 'infinity' || l === '+inf' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  if (l === 'nan' || l === '-nan') return NaN;
  return Number(s);
}

export function cellArray(c: Cell | undefined): (number | null)[] {
  if (c === null || c === undefined) return [];
  const s = c.trim().replace(/^[[{]|[\]}]$/g, '');
  if (s === '') return [];
  return s.split(',').map((x) => (x === 'NULL' || x === 'null' ? null : cellNumber(x)));
}

// ---------------------------------------------------------------------------------------------
// DuckDB

function duckText(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return '[' + v.map((x) => duckText(x)).join(',') + ']';
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
  return String(v);
}

export async function duckdbClient(file: string, format: 'csv' | 'parquet' | 'jsonl', table: string | null, timeoutMs: number): Promise<SqlClient> {
  let mod: typeof import('@duckdb/node-api');
  try {
    mod = await import('@duckdb/node-api');
  } catch {
    throw new ClientError('--engine duckdb needs the @duckdb/node-api package (npm install @duckdb/node-api)', 'connect');
  }
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  let db: import('@duckdb/node-api').DuckDBInstance;
  let relation: string;
  if (table) {
    // a table in a DuckDB database file, opened read-only
    db = await mod.DuckDBInstance.create(file, { access_mode: 'READ_ONLY' }).catch((e: Error) => {
      throw new ClientError(`cannot open DuckDB database: ${e.message.split('\n')[0]}`, 'connect');
    });
    relation = table
      .split('.')
      .map((p) => `"${p.replace(/"/g, '""')}"`)
      .join('.');
  } else {
    db = await mod.DuckDBInstance.create(':memory:');
    relation =
      format === 'parquet'
        ? `read_parquet(${q(file)})`
        : format === 'jsonl'
          ? `read_json(${q(file)}, format = 'newline_delimited')`
          : `read_csv(${q(file)}, header = true, all_varchar = true)`;
  }
  const con = await db.connect();
  const run = async (sql: string): Promise<Cell[][]> => {
    let timer: NodeJS.Timeout | null = null;
    if (timeoutMs > 0) timer = setTimeout(() => con.interrupt(), timeoutMs);
    try {
      const r = await con.runAndReadAll(sql);
      return r.getRowsJS().map((row) => row.map((v) => duckText(v)));
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0]!;
      throw new ClientError(/interrupt/i.test(msg) ? `query timed out after ${timeoutMs} ms` : msg, /interrupt/i.test(msg) ? 'timeout' : 'query');
    } finally {
      if (timer) clearTimeout(timer);
    }
  };
  return {
    engine: 'duckdb',
    relation,
    async describe() {
      const rows = await run(`DESCRIBE SELECT * FROM ${relation}`);
      return rows.map((r) => ({ name: r[0]!, type: r[1]! }));
    },
    query: run,
    async close() {
      con.closeSync?.();
      db.closeSync?.();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL wire protocol (v3, simple query)

export interface PgParams {
  host: string;
  port: number;
  user: string;
  database: string;
  password: string | null;
  table: string;
  timeoutMs: number;
}

class PgConn {
  private sock: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private ended: Error | null = null;

  constructor(sock: net.Socket) {
    this.sock = sock;
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.wake();
    });
    sock.on('error', (e) => {
      this.ended = e;
      this.wake();
    });
    sock.on('close', () => {
      this.ended ??= new Error('connection closed by the server');
      this.wake();
    });
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async message(): Promise<{ type: string; body: Buffer }> {
    for (;;) {
      if (this.buf.length >= 5) {
        const len = this.buf.readInt32BE(1);
        if (this.buf.length >= len + 1) {
          const type = String.fromCharCode(this.buf[0]!);
          const body = this.buf.subarray(5, len + 1);
          this.buf = this.buf.subarray(len + 1);
          return { type, body };
        }
      }
      if (this.ended) throw this.ended;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  send(type: string | null, body: Buffer): void {
    const head = Buffer.alloc(type ? 5 : 4);
    if (type) {
      head.write(type, 0, 'latin1');
      head.writeInt32BE(body.length + 4, 1);
    } else head.writeInt32BE(body.length + 4, 0);
    this.sock.write(Buffer.concat([head, body]));
  }

  close(): void {
    try {
      this.send('X', Buffer.alloc(0));
    } catch {
      /* already closed */
    }
    this.sock.end();
    this.sock.destroy();
  }
}

function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

function pgError(body: Buffer): string {
  const fields: Record<string, string> = {};
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const code = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    fields[code] = body.toString('utf8', i + 1, end);
    i = end + 1;
  }
  return fields.M ?? 'unknown error';
}

function pgErrorCode(body: Buffer): string {
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const code = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    if (code === 'C') return body.toString('utf8', i + 1, end);
    i = end + 1;
  }
  return '';
}

async function pgAuthenticate(c: PgConn, p: PgParams): Promise<void> {
  let scram: { nonce: string; clientFirstBare: string; serverSig?: Buffer } | null = null;
  for (;;) {
    const m = await c.message();
    if (m.type === 'E') {
      const code = pgErrorCode(m.body);
      throw new ClientError(pgError(m.body), code.startsWith('28') ? 'auth' : 'connect');
    }
    if (m.type === 'R') {
      const code = m.body.readInt32BE(0);
      if (code === 0) continue;
      const need = () => {
        if (p.password === null) throw new ClientError(`password required for user "${p.user}" (set PGPASSWORD, use ~/.pgpass or --password-file)`, 'auth');
        return p.password;
      };
      if (code === 3) c.send('p', cstr(need()));
      else if (code === 5) {
        const salt = m.body.subarray(4, 8);
        const inner = createHash('md5').update(need() + p.user).digest('hex');
        const outer = createHash('md5').update(Buffer.concat([Buffer.from(inner), salt])).digest('hex');
        c.send('p', cstr('md5' + outer));
      } else if (code === 10) {
        const mechs = m.body.subarray(4).toString('utf8').split('\u0000');
        if (!mechs.includes('SCRAM-SHA-256')) throw new ClientError(`unsupported authentication (${mechs.filter(Boolean).join(', ')})`, 'auth');
        need();
        const nonce = randomBytes(18).toString('base64');
        const clientFirstBare = `n=,r=${nonce}`;
        scram = { nonce, clientFirstBare };
        const data = Buffer.from('n,,' + clientFirstBare);
        const len = Buffer.alloc(4);
        len.writeInt32BE(data.length, 0);
        c.send('p', Buffer.concat([cstr('SCRAM-SHA-256'), len, data]));
      } else if (code === 11 && scram) {
        const serverFirst = m.body.subarray(4).toString('utf8');
        const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
        if (!attrs.r?.startsWith(scram.nonce)) throw new ClientError('SCRAM: server nonce mismatch', 'auth');
        const salted = pbkdf2Sync(need().normalize('NFKC'), Buffer.from(attrs.s!, 'base64'), Number(attrs.i), 32, 'sha256');
        const clientKey = createHmac('sha256', salted).update('Client Key').digest();
        const storedKey = createHash('sha256').update(clientKey).digest();
        const finalNoProof = `c=biws,r=${attrs.r}`;
        const authMessage = `${scram.clientFirstBare},${serverFirst},${finalNoProof}`;
        const sig = createHmac('sha256', storedKey).update(authMessage).digest();
        const proof = Buffer.alloc(clientKey.length);
        for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ sig[i]!;
        const serverKey = createHmac('sha256', salted).update('Server Key').digest();
        scram.serverSig = createHmac('sha256', serverKey).update(authMessage).digest();
        c.send('p', Buffer.from(`${finalNoProof},p=${proof.toString('base64')}`));
      } else if (code === 12 && scram) {
        const v = m.body.subarray(4).toString('utf8');
        if (!v.startsWith('v=') || !Buffer.from(v.slice(2), 'base64').equals(scram.serverSig!)) throw new ClientError('SCRAM: server signature mismatch', 'auth');
      } else throw new ClientError(`unsupported authentication method (${code})`, 'auth');
      continue;
    }
    if (m.type === 'Z') return;
    // S (parameter status), K (backend key), N (notice): ignore
  }
}

async function pgSimple(c: PgConn, sql: string): Promise<Cell[][]> {
  c.send('Q', cstr(sql));
  const rows: Cell[][] = [];
  let err: { msg: string; code: string } | null = null;
  for (;;) {
    const m = await c.message();
    switch (m.type) {
      case 'D': {
        const n = m.body.readInt16BE(0);
        const row: Cell[] = new Array(n);
        let o = 2;
        for (let i = 0; i < n; i++) {
          const len = m.body.readInt32BE(o);
          o += 4;
          if (len < 0) row[i] = null;
          else {
            row[i] = m.body.toString('utf8', o, o + len);
            o += len;
          }
        }
        rows.push(row);
        break;
      }
      case 'T':
        rows.length = 0; // rows of the last statement only
        break;
      case 'E':
        err = { msg: pgError(m.body), code: pgErrorCode(m.body) };
        break;
      case 'Z':
        if (err) throw new ClientError(err.code === '57014' ? `query timed out (statement_timeout): ${err.msg}` : err.msg, err.code === '57014' ? 'timeout' : 'query');
        return rows;
      default:
        break;
    }
  }
}

export async function postgresClient(p: PgParams): Promise<SqlClient> {
  const sock = net.connect({ host: p.host, port: p.port });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      sock.destroy();
      reject(new ClientError(`cannot connect to ${p.host}:${p.port} (timed out)`, 'connect'));
    }, Math.min(p.timeoutMs || 10_000, 10_000));
    sock.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      reject(new ClientError(`cannot connect to ${p.host}:${p.port} (${e.code ?? e.message})`, 'connect'));
    });
  });
  const c = new PgConn(sock);
  const startup = Buffer.concat([
    Buffer.from([0, 3, 0, 0]),
    cstr('user'),
    cstr(p.user),
    cstr('database'),
    cstr(p.database),
    cstr('client_encoding'),
    cstr('UTF8'),
    cstr('application_name'),
    cstr('dq'),
    Buffer.from([0]),
  ]);
  c.send(null, startup);
  try {
    await pgAuthenticate(c, p);
    await pgSimple(
      c,
      `SET default_transaction_read_only = on; SET statement_timeout = ${Math.max(0, Math.floor(p.timeoutMs))}; ` +
        `SET standard_conforming_strings = on; SET extra_float_digits = 1; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'`,
    );
  } catch (e) {
    c.close();
    if (e instanceof ClientError) throw e;
    throw new ClientError(`cannot connect to ${p.host}:${p.port} (${(e as Error).message})`, 'connect');
  }
  const parts = splitQualified(p.table);
  const relation = parts.map((x) => `"${x.replace(/"/g, '""')}"`).join('.');
  const run = async (sql: string) => pgSimple(c, `BEGIN READ ONLY; ${sql}; COMMIT`).catch(async (e) => {
    await pgSimple(c, 'ROLLBACK').catch(() => undefined);
    throw e;
  });
  return {
    engine: 'postgres',
    relation,
    async describe() {
      const schema = parts.length > 1 ? parts[0]! : null;
      const name = parts[parts.length - 1]!;
      const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
      const rows = await run(
        `SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid ` +
          `JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = ${lit(name)} AND ` +
          (schema !== null ? `n.nspname = ${lit(schema)}` : `pg_table_is_visible(c.oid)`) +
          ` AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      );
      if (rows.length === 0) throw new ClientError(`table ${p.table} not found (or no columns visible)`, 'query');
      return rows.map((r) => ({ name: r[0]!, type: r[1]! }));
    },
    query: run,
    async close() {
      c.close();
    },
  };
}

/** `schema.table` → parts; a part may be double-quoted to hold dots ("my.schema"."t"). */
export function splitQualified(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '"') {
      let j = i + 1;
      let part = '';
      for (;;) {
        if (j >= s.length) throw new ClientError(`unterminated quote in table name ${s}`, 'query');
        if (s[j] === '"') {
          if (s[j + 1] === '"') {
            part += '"';
            j += 2;
            continue;
          }
          break;
        }
        part += s[j++];
      }
      out.push(part);
      i = j + 1;
      if (s[i] === '.') i++;
    } else {
      const j = s.indexOf('.', i);
      const end = j < 0 ? s.length : j;
      out.push(s.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ClickHouse over HTTP

export interface ChParams {
  url: string; // http://host:port
  user: string;
  password: string | null;
  database: string;
  table: string;
  timeoutMs: number;
}

function tsvUnescape(s: string): Cell {
  if (s === '\\N') return null;
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_, c: string) => ({ b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\u0000', "'": "'", '\\': '\\' })[c] ?? c);
}

export function clickhouseClient(p: ChParams): SqlClient {
  const base = p.url.replace(/\/+$/, '');
  const run = async (sql: string): Promise<Cell[][]> => {
    const params = new URLSearchParams();
    params.set('database', p.database);
    if (p.timeoutMs > 0) params.set('max_execution_time', String(Math.max(1, Math.ceil(p.timeoutMs / 1000))));
    params.set('max_query_size', '16777216');
    params.set('max_ast_elements', '10000000');
    params.set('max_expanded_ast_elements', '10000000');
    params.set('readonly', '1');
    const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', 'X-ClickHouse-User': p.user };
    if (p.password !== null) headers['X-ClickHouse-Key'] = p.password;
    let res: Response;
    const ac = new AbortController();
    const timer = p.timeoutMs > 0 ? setTimeout(() => ac.abort(), p.timeoutMs + 5000) : null;
    try {
      res = await fetch(`${base}/?${params}`, { method: 'POST', body: `${sql} FORMAT TabSeparated`, headers, signal: ac.signal });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new ClientError(ac.signal.aborted ? `query timed out after ${p.timeoutMs} ms` : `cannot connect to ${new URL(base).host} (${cause})`, ac.signal.aborted ? 'timeout' : 'connect');
    } finally {
      if (timer) clearTimeout(timer);
    }
    const text = await res.text();
    if (!res.ok) {
      const line = text.split('\n')[0]!.replace(/\s*\(version [^)]*\)\s*$/, '');
      const auth = /Code: (516|192|193|194)\b|password is incorrect|Authentication failed|Unknown user/i.test(text);
      const timeout = /Code: 159\b|TIMEOUT_EXCEEDED/.test(text);
      throw new ClientError(line, auth ? 'auth' : timeout ? 'timeout' : 'query');
    }
    const rows: Cell[][] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      rows.push(line.split('\t').map(tsvUnescape));
    }
    return rows;
  };
  const relation = clickhouseTable(p.table);
  return {
    engine: 'clickhouse',
    relation,
    async describe() {
      const rows = await run(`DESCRIBE TABLE ${relation}`);
      return rows.map((r) => ({ name: r[0]!, type: r[1]! }));
    },
    query: run,
    async close() {},
  };
}

function clickhouseTable(t: string): string {
  const q = (s: string) => `\`${s.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
  return splitQualified(t).map(q).join('.');
}
