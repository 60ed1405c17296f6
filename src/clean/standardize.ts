/**
 * standardize: one spelling per value, one date format, one decimal separator.
 *
 * Per text cell, in this order:
 *  1. trim leading/trailing whitespace;
 *  2. spelling: replace a variant by its canonical spelling, from the reviewed mapping (--mapping FILE, JSON
 *     {column: {variant: canonical}}) when given, else from the spelling clusters of the consistency checker
 *     (`spellingClusters`: every variant -> the cluster's dominant spelling). Clusters are found only in text
 *     columns (at least half of the non-missing cells are text or booleans) with at most 10,000 distinct
 *     trimmed values; values are counted after trimming;
 *  3. dates: in a date column (at least half of the non-missing cells are dates or datetimes), every date cell
 *     becomes ISO 8601: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SSZ` (`.sss` when there are milliseconds) for
 *     datetimes, converted to UTC (times without a zone are UTC). Ambiguous slash dates (03/04/2024) follow
 *     --dayfirst, else the column's evidence (more cells that can only be day-first -> day-first);
 *  4. numbers: in a number column (at least half of the non-missing cells are numbers or numbers written with
 *     separators), numbers written with a thousands separator or a decimal comma become plain numbers with a
 *     decimal point (`1,234.50` -> 1234.5, `12,5` -> 12.5 in a decimal-comma column). The column's style is
 *     decimal comma with --decimal ',' or when more cells can only be decimal-comma (`12,5`, `1.234,5`) than
 *     can only be decimal-point (`1,234.5`, `3.25`); `1,234` is then 1.234, else 1234.
 * Output is always UTF-8 (the writers encode UTF-8). Non-text cells (numbers/booleans from JSON Lines or
 * Parquet) are left as they are.
 */
import { Kind } from '../core/types.js';
import { spellingClusters, numClass, MAX_DISTINCT } from '../checks/consistency.js';
import { parseDateValue } from '../schema/values.js';
import type { CleanOptions } from './options.js';
import type { FitContext, Fitter, StepDef } from './step.js';
import type { Sink, Work } from './work.js';

export interface StandardizeParams {
  trim: true;
  /** Where the mapping came from. */
  source: 'clusters' | 'mapping-file';
  /** {column: {variant: canonical}} */
  mapping: Record<string, Record<string, string>>;
  /** Date columns and whether ambiguous slash dates are read day-first. */
  dates: Record<string, { dayFirst: boolean }>;
  /** Number columns and their decimal style. */
  numbers: Record<string, 'point' | 'comma'>;
}

interface ColFit {
  nonMissing: number;
  text: number;
  dates: number;
  numbers: number;
  dayEv: number;
  monthEv: number;
  commaEv: number;
  pointEv: number;
  counts: Map<string, number> | null;
}

const HAS_OUTER_WS = /^\s|\s$/;

function trimmed(t: string): string {
  return HAS_OUTER_WS.test(t) ? t.trim() : t;
}

class StandardizeFitter implements Fitter<StandardizeParams> {
  private cols = new Map<string, ColFit>();
  constructor(private o: CleanOptions, private ctx: FitContext) {}

  update(w: Work): void {
    for (let c = 0; c < w.columns.length; c++) {
      const name = w.columns[c]!;
      let f = this.cols.get(name);
      if (!f) {
        f = { nonMissing: 0, text: 0, dates: 0, numbers: 0, dayEv: 0, monthEv: 0, commaEv: 0, pointEv: 0, counts: this.o.mapping ? null : new Map() };
        this.cols.set(name, f);
      }
      const v = w.view(c);
      f.dayEv += v.dayFirstEvidence;
      f.monthEv += v.monthFirstEvidence;
      for (let i = 0; i < w.length; i++) {
        const k = v.kind[i]!;
        if (k === Kind.MISSING) continue;
        f.nonMissing++;
        const t = v.text[i]!;
        if (k === Kind.DATE || k === Kind.DATETIME) f.dates++;
        else if (k === Kind.INT || k === Kind.FLOAT) {
          f.numbers++;
          const cls = typeof w.data[c]![i] === 'string' ? numClass(t.trim(), false) : '';
          if (cls === 'P' || cls === 'p' || cls === 'g') f.pointEv++;
          else if (cls === 'c' || cls === 'C' || cls === 'd') f.commaEv++;
        } else if (k === Kind.TEXT || k === Kind.BOOL) {
          if (k === Kind.TEXT) {
            const cls = numClass(t.trim(), true);
            if (cls !== '') {
              f.numbers++;
              if (cls === 'g' || cls === 'P' || cls === 'p') f.pointEv++;
              else if (cls === 'c' || cls === 'C' || cls === 'd') f.commaEv++;
            }
          }
          f.text++;
          if (f.counts) {
            const key = trimmed(t);
            f.counts.set(key, (f.counts.get(key) ?? 0) + 1);
            if (f.counts.size > MAX_DISTINCT) f.counts = null; // too many distinct values: no clusters
          }
        }
      }
    }
  }

  finish(): StandardizeParams {
    const out: StandardizeParams = { trim: true, source: this.o.mapping ? 'mapping-file' : 'clusters', mapping: {}, dates: {}, numbers: {} };
    for (const [name, f] of this.cols) {
      if (f.nonMissing === 0) continue;
      if (f.dates * 2 >= f.nonMissing && f.dates > 0) {
        const dayFirst = this.ctx.parse.dayFirst === true || (this.ctx.parse.dayFirst === null && f.dayEv > f.monthEv);
        out.dates[name] = { dayFirst };
      } else if (f.numbers * 2 >= f.nonMissing && f.numbers > 0) {
        out.numbers[name] = this.ctx.parse.decimalComma || f.commaEv > f.pointEv ? 'comma' : 'point';
      } else if (f.counts && f.text * 2 >= f.nonMissing) {
        const clusters = spellingClusters(f.counts);
        const m: Record<string, string> = {};
        for (const cl of clusters) for (const v of cl.variants) if (v.value !== cl.dominant) m[v.value] = cl.dominant;
        if (Object.keys(m).length) out.mapping[name] = m;
      }
    }
    if (this.o.mapping) out.mapping = this.o.mapping;
    return out;
  }
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** ISO 8601 text of a date (`YYYY-MM-DD`) or a datetime (UTC, `Z`). */
export function isoDate(ms: number, hasTime: boolean): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  if (!hasTime) return date;
  const msPart = d.getUTCMilliseconds();
  return `${date}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${msPart ? '.' + pad(msPart, 3) : ''}Z`;
}

/** A number written with separators -> its value under the column's style, or null when it is not one. */
export function plainNumber(t: string, style: 'point' | 'comma'): number | null {
  const s = t.trim();
  const cls = numClass(s, true);
  let norm: string;
  switch (cls) {
    case 'g': // 1,234.5
      norm = s.replace(/,/g, '');
      break;
    case 'a': // 1,234: grouping in point style, decimal in comma style
      norm = style === 'comma' ? s.replace(',', '.') : s.replace(/,/g, '');
      break;
    case 'd': // 1.234,5
      if (style !== 'comma') return null;
      norm = s.replace(/\./g, '').replace(',', '.');
      break;
    case 'c':
    case 'C': // 12,5
      if (style !== 'comma') return null;
      norm = s.replace(',', '.');
      break;
    default:
      return null;
  }
  const v = Number(norm);
  return Number.isFinite(v) ? v : null;
}

function applier(p: StandardizeParams) {
  return {
    apply(w: Work, sink: Sink): void {
      for (let c = 0; c < w.columns.length; c++) {
        const name = w.columns[c]!;
        const map = Object.prototype.hasOwnProperty.call(p.mapping, name) ? p.mapping[name]! : null;
        const date = Object.prototype.hasOwnProperty.call(p.dates, name) ? p.dates[name]! : null;
        const numStyle = Object.prototype.hasOwnProperty.call(p.numbers, name) ? p.numbers[name]! : null;
        const data = w.data[c]!;
        const v = w.view(c);
        for (let i = 0; i < w.length; i++) {
          const cell = data[i];
          if (typeof cell !== 'string') continue;
          const k = v.kind[i]!;
          if (k === Kind.MISSING) continue;
          let out: string | number = trimmed(cell);
          if (map && Object.prototype.hasOwnProperty.call(map, out)) out = map[out]!;
          if (date && (k === Kind.DATE || k === Kind.DATETIME)) {
            const d = parseDateValue(out, date.dayFirst);
            if (d) out = isoDate(d.ms, d.hasTime);
          } else if (numStyle) {
            if ((k === Kind.INT || k === Kind.FLOAT) && /,/.test(out)) out = v.num[i]!;
            else if (k === Kind.TEXT) {
              const n = plainNumber(out, numStyle);
              if (n !== null) out = n;
            }
          }
          if (out !== cell) w.set(c, i, out, 'standardize', sink);
        }
      }
    },
  };
}

export const standardizeStep: StepDef<StandardizeParams> = {
  name: 'standardize',
  enabled: (o) => o.standardize,
  fitter: (o, ctx) => new StandardizeFitter(o, ctx),
  applier: (p) => applier(p),
  describe(p) {
    if (!p) return 'standardize: trim whitespace, one spelling per value (spelling clusters or --mapping), ISO 8601 dates, plain decimal numbers';
    const nm = Object.values(p.mapping).reduce((s, m) => s + Object.keys(m).length, 0);
    return `standardize: trim whitespace; ${nm} spelling variant(s) in ${Object.keys(p.mapping).length} column(s) (${p.source}); ISO dates in ${Object.keys(p.dates).length} column(s); plain numbers in ${Object.keys(p.numbers).length} column(s)`;
  },
};
