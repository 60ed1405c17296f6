/**
 * SQL dialects for pushdown audits: identifier quoting, literal escaping, regular expressions and the few
 * aggregate spellings that differ between DuckDB, PostgreSQL and ClickHouse (18.16: no FILTER, no query
 * parameters, -If combinators, exact quantiles only through quantilesExact).
 *
 * Every identifier and literal in generated SQL goes through `ident` / `str` / `num`: table and column names
 * come from the user and from the database catalogue and are never trusted.
 */

export type EngineName = 'duckdb' | 'postgres' | 'clickhouse';

/** Whitespace as dq's value parser reads it (isWs in src/schema/values.ts). */
export const WS_CODES = [0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c, 0xa0];

export interface Dialect {
  name: EngineName;
  /** A quoted identifier. */
  ident(name: string): string;
  /** A string literal. */
  str(s: string): string;
  /** A DOUBLE literal that reads back as exactly `x`. */
  num(x: number): string;
  /** A character-class atom for one code point, inside [...] of a regular expression. */
  rxChar(cp: number): string;
  /** Partial-match regex test (the pattern anchors itself). */
  rx(expr: string, pattern: string): string;
  /** The first capture group of pattern in expr ('' or NULL when no match; callers guard with rx). */
  rxExtract(expr: string, pattern: string): string;
  /** Text to DOUBLE (the text is a valid decimal number without surrounding spaces). */
  toDouble(expr: string): string;
  /** A value of any column type as text (NULL stays NULL). */
  toText(expr: string): string;
  /** Integer division of non-negative integers. */
  idiv(a: string, b: string): string;
  /** agg(x) over rows where cond holds. fn: count | sum | min | max | avg | stddev | countDistinct. */
  agg(fn: 'count' | 'sum' | 'min' | 'max' | 'avg' | 'stddev' | 'countDistinct', x: string, cond: string | null): string;
  /** Exact order statistics of x where cond holds, at 0-based ranks among n values: an array. */
  orderStats(x: string, cond: string, ranks: number[], n: number): string;
  lower(x: string): string;
  upper(x: string): string;
  length(x: string): string;
  /** Byte-wise (code point) ordering of text in ORDER BY / min / max. */
  collate(x: string): string;
  /** Boolean SQL expression to 0/1 integer. */
  b2i(cond: string): string;
  /** Concatenation of text expressions. */
  concat(parts: string[]): string;
  /** Tuple/row for GROUP BY of several expressions (plain list is fine everywhere). */
  floor(x: string): string;
}

function doubleText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

function rxCharClassic(cp: number): string {
  if (cp < 0x80) {
    const c = String.fromCharCode(cp);
    if (/[A-Za-z0-9 ]/.test(c)) return c;
    return `\\x${cp.toString(16).padStart(2, '0')}`;
  }
  return `\\x{${cp.toString(16)}}`;
}

/** Standard SQL aggregates with FILTER (DuckDB and PostgreSQL). */
const filterAgg: Dialect['agg'] = (fn, x, cond) => {
  const f = cond ? ` FILTER (WHERE ${cond})` : '';
  switch (fn) {
    case 'count':
      return x === '*' ? `count(*)${f}` : `count(${x})${f}`;
    case 'countDistinct':
      return `count(DISTINCT ${x})${f}`;
    case 'stddev':
      return `stddev_samp(${x})${f}`;
    default:
      return `${fn}(${x})${f}`;
  }
};

export const duckdb: Dialect = {
  name: 'duckdb',
  ident: (n) => `"${n.replace(/"/g, '""')}"`,
  str: (s) => `'${s.replace(/'/g, "''")}'`,
  num: (x) => `CAST('${doubleText(x)}' AS DOUBLE)`,
  rxChar: rxCharClassic,
  rx: (e, p) => `regexp_matches(${e}, ${duckdb.str(p)})`,
  rxExtract: (e, p) => `regexp_extract(${e}, ${duckdb.str(p)}, 1)`,
  toDouble: (e) => `CAST(${e} AS DOUBLE)`,
  toText: (e) => `CAST(${e} AS VARCHAR)`,
  idiv: (a, b) => `((${a}) // (${b}))`,
  agg: filterAgg,
  orderStats: (x, cond, ranks, n) => `quantile_disc(${x}, [${ranks.map((k) => String((k + 0.5) / n)).join(', ')}]) FILTER (WHERE ${cond})`,
  lower: (x) => `lower(${x})`,
  upper: (x) => `upper(${x})`,
  length: (x) => `length(${x})`,
  collate: (x) => x,
  b2i: (c) => `CAST((${c}) AS INTEGER)`,
  concat: (p) => `(${p.join(' || ')})`,
  floor: (x) => `floor(${x})`,
};

export const postgres: Dialect = {
  name: 'postgres',
  ident: (n) => {
    if (n.includes('\u0000')) throw new Error('identifier contains a NUL character');
    return `"${n.replace(/"/g, '""')}"`;
  },
  // standard_conforming_strings is set on for every session: backslashes are literal
  str: (s) => {
    if (s.includes('\u0000')) throw new Error('text contains a NUL character');
    return `'${s.replace(/'/g, "''")}'`;
  },
  num: (x) => `CAST('${doubleText(x)}' AS DOUBLE PRECISION)`,
  rxChar: (cp) => {
    const c = String.fromCharCode(cp);
    if (cp < 0x80 && /[A-Za-z0-9 ]/.test(c)) return c;
    return `\\u${cp.toString(16).padStart(4, '0')}`;
  },
  rx: (e, p) => `(${e} ~ ${postgres.str(p)})`,
  rxExtract: (e, p) => `substring(${e} from ${postgres.str(p)})`,
  toDouble: (e) => `CAST(${e} AS DOUBLE PRECISION)`,
  toText: (e) => `CAST(${e} AS TEXT)`,
  idiv: (a, b) => `div(${a}, ${b})`,
  agg: filterAgg,
  orderStats: (x, cond, ranks, n) =>
    `percentile_disc(ARRAY[${ranks.map((k) => `CAST('${(k + 0.5) / n}' AS DOUBLE PRECISION)`).join(', ')}]) WITHIN GROUP (ORDER BY ${x}) FILTER (WHERE ${cond})`,
  lower: (x) => `lower(${x})`,
  upper: (x) => `upper(${x})`,
  length: (x) => `char_length(${x})`,
  collate: (x) => `(${x}) COLLATE "C"`,
  b2i: (c) => `CAST((${c}) AS INTEGER)`,
  concat: (p) => `(${p.join(' || ')})`,
  floor: (x) => `floor(${x})`,
};

function chStr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\u0000/g, '\\0')}'`;
}

export const clickhouse: Dialect = {
  name: 'clickhouse',
  ident: (n) => `\`${n.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\u0000/g, '\\0')}\``,
  str: chStr,
  num: (x) => {
    if (Number.isNaN(x)) return 'nan';
    if (x === Infinity) return 'inf';
    if (x === -Infinity) return '-inf';
    return `toFloat64(${chStr(doubleText(x))})`;
  },
  rxChar: rxCharClassic,
  rx: (e, p) => `match(${e}, ${chStr(p)})`,
  rxExtract: (e, p) => `extract(${e}, ${chStr(p)})`,
  toDouble: (e) => `toFloat64(${e})`,
  toText: (e) => `toString(${e})`,
  idiv: (a, b) => `intDiv(${a}, ${b})`,
  agg(fn, x, cond) {
    const name = { count: 'count', sum: 'sum', min: 'min', max: 'max', avg: 'avg', stddev: 'stddevSampStable', countDistinct: 'uniqExact' }[fn];
    if (fn === 'count' && x === '*') return cond ? `countIf(${cond})` : 'count()';
    const a = cond ? `${name}If(${x}, ${cond})` : `${name}(${x})`;
    // over Nullable arguments an aggregate of no rows is NULL: counts are 0
    return fn === 'count' || fn === 'countDistinct' ? `ifNull(${a}, 0)` : a;
  },
  orderStats: (x, cond, ranks, n) => `quantilesExactIf(${ranks.map((k) => String((k + 0.5) / n)).join(', ')})(${x}, ${cond})`,
  lower: (x) => `lowerUTF8(${x})`,
  upper: (x) => `upperUTF8(${x})`,
  length: (x) => `lengthUTF8(${x})`,
  collate: (x) => x,
  b2i: (c) => `toInt32(${c})`,
  concat: (p) => `concat(${p.join(', ')})`,
  floor: (x) => `floor(${x})`,
};

export const DIALECTS: Record<EngineName, Dialect> = { duckdb, postgres, clickhouse };

/** Extra per-dialect helpers used by the classifier (kept apart so the interface above stays readable). */
export interface DialectExtra {
  /** Text to INTEGER; 0 or NULL when the text is not an integer (callers coalesce). */
  toInt(x: string): string;
  /** Remove dq whitespace at both ends. */
  trimWs(x: string): string;
  ln(x: string): string;
  /** A boolean constant. */
  bool(b: boolean): string;
  /** CASE WHEN c THEN a ELSE b END (ClickHouse: if). */
  iff(c: string, a: string, b: string): string;
  /** NULL typed as DOUBLE. */
  nullDouble: string;
}

function wsChars(): string {
  return String.fromCharCode(...WS_CODES);
}

export const EXTRA: Record<EngineName, DialectExtra> = {
  duckdb: {
    toInt: (x) => `TRY_CAST(${x} AS BIGINT)`,
    trimWs: (x) => `trim(${x}, ${duckdb.str(wsChars())})`,
    ln: (x) => `ln(${x})`,
    bool: (b) => (b ? 'TRUE' : 'FALSE'),
    iff: (c, a, b) => `(CASE WHEN ${c} THEN ${a} ELSE ${b} END)`,
    nullDouble: 'CAST(NULL AS DOUBLE)',
  },
  postgres: {
    toInt: (x) => `CAST(NULLIF(${x}, '') AS BIGINT)`,
    trimWs: (x) => `btrim(${x}, ${postgres.str(wsChars())})`,
    ln: (x) => `ln(${x})`,
    bool: (b) => (b ? 'TRUE' : 'FALSE'),
    iff: (c, a, b) => `(CASE WHEN ${c} THEN ${a} ELSE ${b} END)`,
    nullDouble: 'CAST(NULL AS DOUBLE PRECISION)',
  },
  clickhouse: {
    toInt: (x) => `toInt64OrZero(${x})`,
    trimWs: (x) => {
      const cls = '[' + WS_CODES.map((c) => clickhouse.rxChar(c)).join('') + ']';
      return `replaceRegexpAll(${x}, ${clickhouse.str(`^${cls}+|${cls}+$`)}, '')`;
    },
    ln: (x) => `log(${x})`,
    bool: (b) => (b ? '1' : '0'),
    iff: (c, a, b) => `if(${c}, ${a}, ${b})`,
    nullDouble: 'CAST(NULL AS Nullable(Float64))',
  },
};
