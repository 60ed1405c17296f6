/**
 * dq's value parser (src/schema/values.ts) as SQL: per cell a kind code (0 missing, 1 integer, 2 float,
 * 3 boolean, 4 date, 5 datetime, 6 text, as `Kind`), the number of numeric cells and the epoch milliseconds
 * of date cells, so aggregates in the database count exactly what the streaming audit counts.
 *
 * Covered exactly: missing (NULL, empty, whitespace-only, NA tokens), numbers (sign, fraction, exponent,
 * surrounding spaces, inf/infinity, leading-zero codes are text), booleans, and every date format of the value
 * parser with calendar validation: `YYYY-MM-DD` / `YYYY/MM/DD`, slash `a/b/YYYY` (month-first unless --dayfirst,
 * the other reading and the day-first/month-first evidence per cell, so the profile picks the column's order),
 * `DD.MM.YYYY`, `D Mon YYYY` / `D-Mon-YYYY`, `Mon D[,] YYYY` (month names as the parser's list), each optionally
 * followed by a time (`T` or spaces, seconds, fraction, `Z`/offsets, AM/PM). Fractions of a second beyond
 * milliseconds are truncated in epochs.
 */
import { DIALECTS, EXTRA, WS_CODES, type Dialect, type DialectExtra, type EngineName } from './dialect.js';
import { toNumber } from '../../schema/values.js';

/** How a column's values reach the classifier. */
export type ColumnClass = 'text' | 'number' | 'bool';

export function classOfType(sqlType: string): ColumnClass {
  const t = sqlType.toUpperCase();
  if (/BOOL/.test(t)) return 'bool';
  if (/^(NULLABLE\()?(U?INT|TINYINT|SMALLINT|BIGINT|HUGEINT|UBIGINT|INTEGER|DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)/.test(t)) return 'number';
  return 'text';
}


/** Aliases of the date parts of a text cell (see `dateRaw` / `datePQ`). */
export interface DateParts {
  /** Format: 0 none, 1 YYYY-MM-DD / YYYY/MM/DD, 2 a/b/YYYY, 3 DD.MM.YYYY, 4 D Mon YYYY / D-Mon-YYYY, 5 Mon D[,] YYYY. */
  f: string;
  y: string;
  /** Month and day of the month-first reading (for slash dates the other reading swaps them). */
  p: string;
  q: string;
}

export function classifier(engine: EngineName) {
  const d = DIALECTS[engine];
  const x = EXTRA[engine];
  const W = '[' + WS_CODES.map((c) => d.rxChar(c)).join('') + ']';
  const WB = '[' + [...WS_CODES, 0xfeff].map((c) => d.rxChar(c)).join('') + ']';
  const NUM = `^${W}*[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?${W}*$`;
  const LEAD0 = `^${W}*[+-]?0[0-9]+${W}*$`;
  const INF = `^${W}*[+-]?(?:[iI][nN][fF]|[iI][nN][fF][iI][nN][iI][tT][yY])${W}*$`;
  const ci = (w: string) => w.split('').map((c) => `[${c}${c.toUpperCase()}]`).join('');
  const MON = `(?:${['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sept', 'sep', 'oct', 'nov', 'dec'].map(ci).join('|')})`;
  const SS = `(?::(?:[0-5][0-9]|60)(?:[.,][0-9]+)?)?`;
  const ZONE = `(?: ?Z|z| ?[+-](?:0[0-9]|1[0-4])(?::?[0-5][0-9]|:)?)?`;
  const T24 = `(?:[01][0-9]|2[0-4]):[0-5][0-9]${SS}${ZONE}`;
  const T12 = `(?:0[1-9]|1[0-2]):[0-5][0-9]${SS}${W}*[aApP][mM]`;
  const full = (date: string) => `^${W}*${date}(?:[Tt ] *(?:${T24}|${T12}))?${W}*$`;
  const FORMATS = [
    `[0-9]{4}(?:-[0-9]{1,2}-|/[0-9]{1,2}/)[0-9]{1,2}`,
    `[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}`,
    `[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{4}`,
    `[0-9]{1,2}(?: ${MON} |-${MON}-)[0-9]{4}`,
    `${MON}\\.? [0-9]{1,2},? [0-9]{4}`,
  ].map(full);
  const P = `^${W}*`;
  const int = (v: string, rx: string) => `coalesce(${x.toInt(d.rxExtract(v, rx))}, 0)`;
  const strpos = (hay: string, needle: string) => (engine === 'clickhouse' ? `position(${hay}, ${needle})` : `strpos(${hay}, ${needle})`);
  const validYmd = (y: string, m: string, dd: string) => {
    const leap = `((${y}) % 4 = 0 AND (${y}) % 100 <> 0 OR (${y}) % 400 = 0)`;
    const dim = `(CASE WHEN ${m} = 2 THEN (CASE WHEN ${leap} THEN 29 ELSE 28 END) WHEN ${m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)`;
    return `(${m} BETWEEN 1 AND 12 AND ${dd} >= 1 AND ${dd} <= ${dim})`;
  };
  const daysFromCivil = (y: string, m: string, dd: string) => {
    const yy = `(${y} - (CASE WHEN ${m} <= 2 THEN 1 ELSE 0 END))`;
    const era = d.idiv(yy, '400');
    const yoe = `(${yy} - ${era} * 400)`;
    const doy = `(${d.idiv(`153 * (${m} + (CASE WHEN ${m} > 2 THEN -3 ELSE 9 END)) + 2`, '5')} + ${dd} - 1)`;
    const doe = `(${yoe} * 365 + ${d.idiv(yoe, '4')} - ${d.idiv(yoe, '100')} + ${doy})`;
    return `(${era} * 146097 + ${doe} - 719468)`;
  };
  /** The two readings of a slash date. */
  const mf = (p: DateParts) => validYmd(p.y, p.p, p.q);
  const df = (p: DateParts) => `(${p.f} = 2 AND ${validYmd(p.y, p.q, p.p)})`;
  const timeOf = (v: string) => {
    // dates contain no ':' (the first NN: is the hour)
    const hh = int(v, `([0-9]{2}):`);
    const mi = int(v, `[0-9]{2}:([0-9]{2})`);
    const ss = int(v, `[0-9]{2}:[0-9]{2}:([0-9]{2})`);
    const fr = d.rxExtract(v, `[0-9]{2}:[0-9]{2}:[0-9]{2}[.,]([0-9]{1,3})`);
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
    return `(((${hh} * 60 + ${mi}) * 60 + ${ss}) * 1000 + ${frac} + ${ampm} * 3600000 + ${off})`;
  };
  return {
    d,
    x,
    controlRx: '[' + [[0, 8], [0x0b, 0x0c], [0x0e, 0x1f], [0x7f, 0x9f]].map(([a, b]) => `${d.rxChar(a!)}-${d.rxChar(b!)}`).join('') + ']',
    wsClass: W,
    /** Layer 1 of the date parts: format code, year and raw numbers of text v. */
    dateRaw(v: string): { f: string; y: string; a1: string; a2: string; a3: string; mo: string } {
      const f = `(CASE ${FORMATS.map((rx, i) => `WHEN ${d.rx(v, rx)} THEN ${i + 1}`).join(' ')} ELSE 0 END)`;
      const mon = d.lower(d.rxExtract(v, `${P}(?:[0-9]{1,2}[ -])?([A-Za-z]{3})`));
      return {
        f,
        y: int(v, `([0-9]{4})`),
        a1: int(v, `${P}([0-9]{1,4})`),
        a2: int(v, `${P}(?:[0-9]{1,4}[-/.]|[A-Za-z]+\\.? )([0-9]{1,2})`),
        a3: int(v, `${P}[0-9]{4}[-/][0-9]{1,2}[-/]([0-9]{1,2})`),
        mo: `${engine === 'clickhouse' ? 'toInt64' : ''}(${d.idiv(`${strpos(d.str('janfebmaraprmayjunjulaugsepoctnovdec'), `coalesce(${mon}, '')`)} + 2`, '3')})`,
      };
    },
    /** Layer 2: month and day of the month-first reading from the raw parts (aliases). */
    datePQ(f: string, a1: string, a2: string, a3: string, mo: string): { p: string; q: string } {
      return {
        // searched CASE: ClickHouse turns CASE x WHEN into transform(), which needs constant results
        p: `(CASE WHEN ${f} IN (1, 3) THEN ${a2} WHEN ${f} = 2 THEN ${a1} ELSE ${mo} END)`,
        q: `(CASE WHEN ${f} = 1 THEN ${a3} WHEN ${f} IN (3, 4) THEN ${a1} ELSE ${a2} END)`,
      };
    },
    kind(v: string, na: string[], p: DateParts): string {
      const tokens = na.filter((t) => t !== '' && !(engine === 'postgres' && t.includes('\u0000')));
      // tokens that are numbers: a number cell of the same value in another spelling is missing too (as viewColumn)
      const naNumbers = [...new Set(tokens.map((t) => toNumber(t)).filter((n): n is number => n !== null && Number.isFinite(n)))];
      const okDate = `(${p.f} > 0 AND ${p.y} >= 100 AND (${mf(p)} OR ${df(p)}) AND ${d.length(x.trimWs(v))} BETWEEN 6 AND 40)`;
      return `(CASE
  WHEN ${v} IS NULL THEN 0
  WHEN ${v} = '' THEN 0${tokens.length ? `\n  WHEN ${v} IN (${tokens.map((t) => d.str(t)).join(', ')}) THEN 0` : ''}
  WHEN ${d.rx(v, `^${W}${WB}*$`)} THEN 0
  WHEN ${d.rx(v, NUM)} AND NOT ${d.rx(v, LEAD0)} THEN (CASE${
        naNumbers.length ? ` WHEN ${this.number(v)} IN (${naNumbers.map((n) => d.num(n)).join(', ')}) THEN 0` : ''
      } WHEN ${d.rx(v, '[.eE]')} THEN 2 ELSE 1 END)
  WHEN ${d.rx(v, INF)} THEN 2
  WHEN ${d.lower(v)} IN ('true', 'false', 'yes', 'no') THEN 3
  WHEN ${okDate} THEN (CASE WHEN ${d.rx(v, ':')} THEN 5 ELSE 4 END)
  ELSE 6 END)`;
    },
    number(v: string): string {
      const inf = `${d.rx(v, INF)}`;
      const neg = d.rx(v, `^${W}*-`);
      // ClickHouse evaluates every branch: toFloat64OrZero keeps non-numbers from throwing
      const parse = engine === 'clickhouse' ? `toFloat64OrZero(${x.trimWs(v)})` : d.toDouble(x.trimWs(v));
      return `(CASE WHEN ${inf} THEN (CASE WHEN ${neg} THEN ${d.num(-Infinity)} ELSE ${d.num(Infinity)} END) ELSE ${parse} END)`;
    },
    /**
     * Epoch ms of date/datetime cells (kind k) under the value parser's reading (`e`: month-first unless
     * --dayfirst, as `num`), under the other reading of ambiguous slash dates (`e2`, else `e`, as the profile's
     * B range), and the slash-date evidence `ev`: 1 only day-first, 2 only month-first, 3 ambiguous (two readings).
     */
    /** 0/1 SQL: the month-first / day-first reading of the date parts is a valid date (day-first only for slash dates). */
    readable(p: DateParts): { mf: string; df: string } {
      return { mf: d.b2i(mf(p)), df: d.b2i(df(p)) };
    },
    /** Readings of date cells; `ab` are aliases of `readable` when the caller has them. */
    dates(v: string, k: string, p: DateParts, dayFirst: boolean | null, ab?: { mf: string; df: string }): { m1: string; d1: string; m2: string; d2: string; tm: string; ev: string } {
      const MF = ab ? `(${ab.mf} = 1)` : mf(p);
      const DF = ab ? `(${ab.df} = 1)` : df(p);
      // which reading is `num`: preferDay = dayFirst === true ? df : !mf
      const swap1 = dayFirst === true ? DF : `NOT ${MF}`;
      const both = `(${MF} AND ${DF})`;
      const reading = (swap: string) => ({
        m: `(CASE WHEN ${p.f} = 2 AND ${swap} THEN ${p.q} ELSE ${p.p} END)`,
        dd: `(CASE WHEN ${p.f} = 2 AND ${swap} THEN ${p.p} ELSE ${p.q} END)`,
      });
      const a = reading(`(${swap1})`);
      const b = reading(`(CASE WHEN ${both} THEN NOT (${swap1}) ELSE ${swap1} END)`);
      const ev = `(CASE WHEN ${k} IN (4, 5) AND ${p.f} = 2 THEN (CASE WHEN ${both} THEN (CASE WHEN ${p.p} <> ${p.q} THEN 3 ELSE 0 END) WHEN ${DF} THEN 1 ELSE 2 END) ELSE 0 END)`;
      return { m1: a.m, d1: a.dd, m2: b.m, d2: b.dd, tm: `(CASE WHEN ${k} = 5 THEN ${d.toDouble(timeOf(v))} ELSE ${d.num(0)} END)`, ev };
    },
    /** Epoch ms of a date/datetime cell from the aliases of a reading (year, month, day, time of day). */
    epoch(k: string, y: string, m: string, dd: string, tm: string): string {
      return `(CASE WHEN ${k} IN (4, 5) THEN ${d.toDouble(daysFromCivil(y, m, dd))} * 86400000 + ${tm} END)`;
    },
  };
}

export type Classifier = ReturnType<typeof classifier>;
