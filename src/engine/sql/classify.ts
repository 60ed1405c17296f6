/**
 * dq's value parser (src/schema/values.ts) as SQL: per cell a kind code (0 missing, 1 integer, 2 float,
 * 3 boolean, 4 date, 5 datetime, 6 text, as `Kind`), the number of numeric cells and the epoch milliseconds
 * of date cells, so aggregates in the database count exactly what the streaming audit counts.
 *
 * Covered exactly: missing (NULL, empty, whitespace-only, NA tokens), numbers (sign, fraction, exponent,
 * surrounding spaces, inf/infinity, leading-zero codes are text), booleans, ISO dates `YYYY-MM-DD` /
 * `YYYY/MM/DD` with calendar validation, and ISO datetimes (`T` or space, seconds, fraction, `Z`/offsets,
 * AM/PM). Not covered (counted as text, and reported by `otherDates`): slash dates `D/M/YYYY`, dotted
 * `DD.MM.YYYY` and month-name dates. Fractions of a second beyond milliseconds are truncated in epochs.
 */
import { DIALECTS, EXTRA, WS_CODES, type Dialect, type DialectExtra, type EngineName } from './dialect.js';

/** How a column's values reach the classifier. */
export type ColumnClass = 'text' | 'number' | 'bool';

export function classOfType(sqlType: string): ColumnClass {
  const t = sqlType.toUpperCase();
  if (/BOOL/.test(t)) return 'bool';
  if (/^(NULLABLE\()?(U?INT|TINYINT|SMALLINT|BIGINT|HUGEINT|UBIGINT|INTEGER|DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)/.test(t)) return 'number';
  return 'text';
}

export interface Classifier {
  d: Dialect;
  x: DialectExtra;
  /** SQL for the kind code of text expression v. */
  kind(v: string, na: string[]): string;
  /** SQL for the number of text v whose kind is integer/float. */
  number(v: string): string;
  /** SQL for the epoch ms (DOUBLE) of text v whose kind is date (4) or datetime (5). */
  epoch(v: string, k: string): string;
  /** Regex (partial) for date-looking text this classifier does not parse. */
  otherDateRx: string;
  /** Regex for control characters (CONTROL_RE of the profile). */
  controlRx: string;
  /** Regex for whitespace runs (for near-duplicate folding). */
  wsClass: string;
}

export function classifier(engine: EngineName): Classifier {
  const d = DIALECTS[engine];
  const x = EXTRA[engine];
  const W = '[' + WS_CODES.map((c) => d.rxChar(c)).join('') + ']';
  const WB = '[' + [...WS_CODES, 0xfeff].map((c) => d.rxChar(c)).join('') + ']';
  const NUM = `^(?: ${W}*)?[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?${W}*$`;
  const LEAD0 = `^(?: ${W}*)?[+-]?0[0-9]+${W}*$`;
  const INF = `^(?: ${W}*)?[+-]?(?:[iI][nN][fF]|[iI][nN][fF][iI][nN][iI][tT][yY])${W}*$`;
  const DATE = `[0-9]{4}(?:-[0-9]{1,2}-|/[0-9]{1,2}/)[0-9]{1,2}`;
  const SS = `(?::(?:[0-5][0-9]|60)(?:[.,][0-9]+)?)?`;
  const ZONE = `(?: ?Z|z| ?[+-](?:0[0-9]|1[0-4])(?::?[0-5][0-9]|:)?)?`;
  const T24 = `(?:[01][0-9]|2[0-4]):[0-5][0-9]${SS}${ZONE}`;
  const T12 = `(?:0[1-9]|1[0-2]):[0-5][0-9]${SS}${W}*[aApP][mM]`;
  const DATE_RX = `^${W}*${DATE}${W}*$`;
  const DT_RX = `^${W}*${DATE}[Tt ] *(?:${T24}|${T12})${W}*$`;
  const P = `^${W}*`;
  const DP = `${P}[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}`;
  const int = (v: string, rx: string) => `coalesce(${x.toInt(d.rxExtract(v, rx))}, 0)`;
  const ymd = (v: string) => ({
    y: int(v, `${P}([0-9]{4})`),
    m: int(v, `${P}[0-9]{4}[-/]([0-9]{1,2})`),
    dd: int(v, `${P}[0-9]{4}[-/][0-9]{1,2}[-/]([0-9]{1,2})`),
  });
  const valid = (v: string) => {
    const { y, m, dd } = ymd(v);
    const leap = `((${y}) % 4 = 0 AND (${y}) % 100 <> 0 OR (${y}) % 400 = 0)`;
    const dim = `(CASE WHEN ${m} = 2 THEN (CASE WHEN ${leap} THEN 29 ELSE 28 END) WHEN ${m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)`;
    return `(${y} >= 100 AND ${m} BETWEEN 1 AND 12 AND ${dd} >= 1 AND ${dd} <= ${dim} AND ${d.length(x.trimWs(v))} BETWEEN 6 AND 40)`;
  };
  const daysFromCivil = (v: string) => {
    const { y, m, dd } = ymd(v);
    const yy = `(${y} - (CASE WHEN ${m} <= 2 THEN 1 ELSE 0 END))`;
    const era = d.idiv(yy, '400');
    const yoe = `(${yy} - ${era} * 400)`;
    const doy = `(${d.idiv(`153 * (${m} + (CASE WHEN ${m} > 2 THEN -3 ELSE 9 END)) + 2`, '5')} + ${dd} - 1)`;
    const doe = `(${yoe} * 365 + ${d.idiv(yoe, '4')} - ${d.idiv(yoe, '100')} + ${doy})`;
    return `(${era} * 146097 + ${doe} - 719468)`;
  };
  return {
    d,
    x,
    otherDateRx: `^${W}*(?:[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{4}|[0-9]{1,2}[ -][A-Za-z]{3,9}[ -][0-9]{4}|[A-Za-z]{3,9}\\.? [0-9]{1,2},? [0-9]{4})`,
    controlRx: '[' + [[0, 8], [0x0b, 0x0c], [0x0e, 0x1f], [0x7f, 0x9f]].map(([a, b]) => `${d.rxChar(a!)}-${d.rxChar(b!)}`).join('') + ']',
    wsClass: W,
    kind(v, na) {
      const tokens = na.filter((t) => t !== '' && !(engine === 'postgres' && t.includes('\u0000')));
      return `(CASE
  WHEN ${v} IS NULL THEN 0
  WHEN ${v} = '' THEN 0${tokens.length ? `\n  WHEN ${v} IN (${tokens.map((t) => d.str(t)).join(', ')}) THEN 0` : ''}
  WHEN ${d.rx(v, `^${W}${WB}*$`)} THEN 0
  WHEN ${d.rx(v, NUM)} AND NOT ${d.rx(v, LEAD0)} THEN (CASE WHEN ${d.rx(v, '[.eE]')} THEN 2 ELSE 1 END)
  WHEN ${d.rx(v, INF)} THEN 2
  WHEN ${d.lower(v)} IN ('true', 'false', 'yes', 'no') THEN 3
  WHEN ${d.rx(v, DATE_RX)} AND ${valid(v)} THEN 4
  WHEN ${d.rx(v, DT_RX)} AND ${valid(v)} THEN 5
  ELSE 6 END)`;
    },
    number(v) {
      const inf = `${d.rx(v, INF)}`;
      const neg = d.rx(v, `^${W}*-`);
      // ClickHouse evaluates every branch: toFloat64OrZero keeps non-numbers from throwing
      const parse = engine === 'clickhouse' ? `toFloat64OrZero(${x.trimWs(v)})` : d.toDouble(x.trimWs(v));
      return `(CASE WHEN ${inf} THEN (CASE WHEN ${neg} THEN ${d.num(-Infinity)} ELSE ${d.num(Infinity)} END) ELSE ${parse} END)`;
    },
    epoch(v, k) {
      const days = d.toDouble(daysFromCivil(v));
      const T = `${DP}[Tt ] *`;
      const hh = int(v, `${T}([0-9]{2})`);
      const mi = int(v, `${T}[0-9]{2}:([0-9]{2})`);
      const ss = int(v, `${T}[0-9]{2}:[0-9]{2}:([0-9]{2})`);
      const fr = d.rxExtract(v, `${T}[0-9]{2}:[0-9]{2}:[0-9]{2}[.,]([0-9]{1,3})`);
      const frac = `(coalesce(${x.toInt(fr)}, 0) * (CASE ${d.length(`coalesce(${fr}, '')`)} WHEN 1 THEN 100 WHEN 2 THEN 10 ELSE 1 END))`;
      const pm = d.rx(v, `[pP][mM]${W}*$`);
      const am = d.rx(v, `[aA][mM]${W}*$`);
      const ampm = `(CASE WHEN ${pm} THEN (CASE WHEN ${hh} = 12 THEN 0 ELSE 12 END) WHEN ${am} THEN (CASE WHEN ${hh} = 12 THEN -12 ELSE 0 END) ELSE 0 END)`;
      const zrx = `(?::?[0-5][0-9]|:)?${W}*$`;
      const zsign = d.rx(v, `[0-9] ?-[0-9]{2}${zrx}`);
      const zpos = d.rx(v, `[0-9] ?\\+[0-9]{2}${zrx}`);
      const zh = int(v, `[+-]([0-9]{2})${zrx}`);
      const zm = int(v, `[+-][0-9]{2}:?([0-9]{2})${W}*$`);
      const off = `(CASE WHEN ${zpos} THEN -1 WHEN ${zsign} THEN 1 ELSE 0 END) * (${zh} * 60 + ${zm}) * 60000`;
      const time = `(((${hh} * 60 + ${mi}) * 60 + ${ss}) * 1000 + ${frac} + ${ampm} * 3600000 + ${off})`;
      return `(CASE WHEN ${k} = 4 THEN ${days} * 86400000 WHEN ${k} = 5 THEN ${days} * 86400000 + ${d.toDouble(time)} END)`;
    },
  };
}
