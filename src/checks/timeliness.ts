/**
 * timeliness: how fresh the records are, judged on one timestamp column.
 *
 * Options (`options.checks.timeliness`, all optional):
 * - `column: string`               the timestamp column (--timestamp-column). Without it the only column whose final
 *                                  type is date or datetime is used; with several, none is (finding `timestamp-ambiguous`).
 * - `maxAgeMs: number`             a record is fresh when asOf - timestamp <= maxAgeMs. Without it there is no
 *                                  timeliness score, only the newest/oldest record and the age distribution.
 * - `skewMs: number`               clock skew tolerated before a timestamp counts as in the future (default 5 minutes).
 * - `timezoneOffsetMinutes: number` offset east of UTC of timestamps written without a zone (dates and datetimes
 *                                  without `Z`/`+hh:mm`), e.g. 120 for UTC+2. Such values otherwise count as UTC.
 * - `timezone: string`             an IANA zone name (e.g. 'Europe/Paris') for timestamps without a zone, using Intl
 *                                  (daylight saving time included); takes precedence over timezoneOffsetMinutes.
 * The reference time is `options.asOf` (epoch ms).
 *
 * Scoring: tallies[''].timeliness = { assessed: valid timestamps not in the future, bad: stale ones }, so
 *   timeliness = 100 * fresh / (valid - future), fresh = records with asOf - timestamp <= maxAgeMs.
 * Missing or unparseable timestamps are not counted. Timestamps later than asOf + skewMs are excluded from the
 * denominator and reported in `future-timestamps` (they are a validity/accuracy matter, not staleness).
 * Without maxAgeMs, or without a timestamp column, there is no tally (score null).
 *
 * Findings: `timestamp-ambiguous` {candidates}, `timestamp-missing` {column}, `timezone-invalid` {timezone},
 * `future-timestamps` {skewMs, latest}, `stale` {maxAgeMs, stale, assessed}, `gaps` {step, stepMs, missing, periods,
 * series}. Metrics: column, newest, oldest, freshnessMs (age of the newest record), ageQuantiles, counts, step, gaps.
 *
 * Gaps: over the distinct timestamps (or, when they are irregular, the distinct UTC days) with at least 6 of them,
 * the most common difference between consecutive values is the step when at least 80% of differences equal it;
 * each difference that is k steps (k >= 2) means k - 1 missing periods. Differences that are not a multiple of
 * the step are ignored. Calendar-month series are not recognized.
 *
 * Bounds: per candidate column at most 20,000 distinct timestamps and 20,000 distinct days are kept; beyond that
 * quantiles come from days (metrics.approximate = true) or are left out, and gaps use days or are left out.
 */
import { addExample, mergeExamples } from '../core/issues.js';
import { Kind, defineChecker, type BatchView, type CheckResult, type Example, type FinalizeContext, type Finding } from '../core/types.js';

const CHECK = 'timeliness';
export const MAX_TIMESTAMPS = 20_000;
export const MAX_DAYS = 20_000;
const DAY = 86_400_000;
const DEFAULT_SKEW = 5 * 60_000;

export interface TimelinessOptions {
  column?: string;
  maxAgeMs?: number;
  skewMs?: number;
  timezoneOffsetMinutes?: number;
  timezone?: string;
}

interface TCol {
  /** Valid timestamps not in the future. */
  valid: number;
  future: number;
  fresh: number;
  stale: number;
  futureEx: Example[];
  staleEx: Example[];
  futureMax: number | null;
  min: number | null;
  max: number | null;
  ts: Map<number, number> | null;
  days: Map<number, number> | null;
}

export interface TimelinessState {
  asOf: number;
  maxAgeMs: number | null;
  skewMs: number;
  offsetMs: number;
  zone: string | null;
  zoneError: string | null;
  cols: Map<string, TCol>;
}

function newCol(): TCol {
  return { valid: 0, future: 0, fresh: 0, stale: 0, futureEx: [], staleEx: [], futureMax: null, min: null, max: null, ts: new Map(), days: new Map() };
}

// ---------------------------------------------------------------------------------------------
// time zones

const dtfCache = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let f = dtfCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    dtfCache.set(zone, f);
  }
  return f;
}

/** Offset (local - UTC, ms) of a zone at a UTC instant; cached per zone and 15 minutes. */
function zoneOffset(zone: string, utc: number): number {
  const bucket = Math.floor(utc / 900_000);
  const key = `${zone}|${bucket}`;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  const t = bucket * 900_000;
  const parts = zoneFormat(zone).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  const off = local - t;
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, off);
  return off;
}

/** UTC instant of a wall-clock time (written as if UTC) in a zone. */
export function zonedToUtc(zone: string, wall: number): number {
  const guess = wall - zoneOffset(zone, wall);
  return wall - zoneOffset(zone, guess);
}

const RE_ZONE = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)\s*$/;

// ---------------------------------------------------------------------------------------------

function init(ctx: { options: { asOf: number; checks: Record<string, Record<string, unknown>> } }): TimelinessState {
  const o = (ctx.options.checks?.[CHECK] ?? {}) as TimelinessOptions;
  let zone: string | null = typeof o.timezone === 'string' && o.timezone ? o.timezone : null;
  let zoneError: string | null = null;
  if (zone) {
    try {
      zoneFormat(zone);
    } catch {
      zoneError = zone;
      zone = null;
    }
  }
  return {
    asOf: ctx.options.asOf,
    maxAgeMs: typeof o.maxAgeMs === 'number' && o.maxAgeMs >= 0 ? o.maxAgeMs : null,
    skewMs: typeof o.skewMs === 'number' && o.skewMs >= 0 ? o.skewMs : DEFAULT_SKEW,
    offsetMs: typeof o.timezoneOffsetMinutes === 'number' ? o.timezoneOffsetMinutes * 60_000 : 0,
    zone,
    zoneError,
    cols: new Map(),
  };
}

function bump(m: Map<number, number> | null, k: number, by: number, cap: number): Map<number, number> | null {
  if (!m) return null;
  const c = m.get(k);
  if (c !== undefined) m.set(k, c + by);
  else {
    if (m.size >= cap) return null;
    m.set(k, by);
  }
  return m;
}

function update(state: TimelinessState, batch: BatchView): void {
  const limit = state.asOf + state.skewMs;
  for (let c = 0; c < batch.columns.length; c++) {
    const view = batch.views[c];
    if (!view) continue;
    let col: TCol | undefined;
    for (let i = 0; i < batch.length; i++) {
      const kind = view.kind[i];
      if (kind !== Kind.DATE && kind !== Kind.DATETIME) continue;
      if (!col) {
        const name = batch.columns[c]!;
        col = state.cols.get(name);
        if (!col) {
          col = newCol();
          state.cols.set(name, col);
        }
      }
      let t = view.num[i]!;
      if ((state.zone || state.offsetMs) && (kind === Kind.DATE || !RE_ZONE.test(view.text[i] ?? ''))) {
        t = state.zone ? zonedToUtc(state.zone, t) : t - state.offsetMs;
      }
      const row = batch.firstRow + i;
      if (t > limit) {
        col.future++;
        if (col.futureMax === null || t > col.futureMax) col.futureMax = t;
        addExample(col.futureEx, { row, line: batch.lines ? batch.lines[i]! : null, value: view.text[i] ?? null });
        continue;
      }
      col.valid++;
      if (col.min === null || t < col.min) col.min = t;
      if (col.max === null || t > col.max) col.max = t;
      col.ts = bump(col.ts, t, 1, MAX_TIMESTAMPS);
      col.days = bump(col.days, Math.floor(t / DAY), 1, MAX_DAYS);
      if (state.maxAgeMs !== null) {
        if (state.asOf - t > state.maxAgeMs) {
          col.stale++;
          addExample(col.staleEx, { row, line: batch.lines ? batch.lines[i]! : null, value: view.text[i] ?? null });
        } else col.fresh++;
      }
    }
  }
}

function mergeMap(a: Map<number, number> | null, b: Map<number, number> | null, cap: number): Map<number, number> | null {
  if (!a || !b) return null;
  let out: Map<number, number> | null = a;
  for (const [k, v] of b) {
    out = bump(out, k, v, cap);
    if (!out) return null;
  }
  return out;
}

function merge(a: TimelinessState, b: TimelinessState): TimelinessState {
  for (const [name, y] of b.cols) {
    const x = a.cols.get(name);
    if (!x) {
      a.cols.set(name, y);
      continue;
    }
    x.valid += y.valid;
    x.future += y.future;
    x.fresh += y.fresh;
    x.stale += y.stale;
    x.futureEx = mergeExamples(x.futureEx, y.futureEx);
    x.staleEx = mergeExamples(x.staleEx, y.staleEx);
    x.futureMax = x.futureMax === null ? y.futureMax : y.futureMax === null ? x.futureMax : Math.max(x.futureMax, y.futureMax);
    x.min = x.min === null ? y.min : y.min === null ? x.min : Math.min(x.min, y.min);
    x.max = x.max === null ? y.max : y.max === null ? x.max : Math.max(x.max, y.max);
    x.ts = mergeMap(x.ts, y.ts, MAX_TIMESTAMPS);
    x.days = mergeMap(x.days, y.days, MAX_DAYS);
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// finalize

function iso(t: number): string {
  return new Date(t).toISOString();
}

function isoSeries(t: number, dateOnly: boolean): string {
  const s = iso(t);
  return dateOnly ? s.slice(0, 10) : s;
}

/** Nearest-rank quantiles of ages from (timestamp, count) pairs sorted by timestamp descending. */
function ageQuantiles(pairs: [number, number][], asOf: number, total: number): Record<string, number> {
  const qs: [string, number][] = [
    ['p25', 0.25],
    ['p50', 0.5],
    ['p75', 0.75],
    ['p90', 0.9],
  ];
  const out: Record<string, number> = {};
  let cum = 0;
  let qi = 0;
  for (const [t, c] of pairs) {
    cum += c;
    while (qi < qs.length && cum >= Math.max(1, Math.ceil(qs[qi]![1] * total))) {
      out[qs[qi]![0]] = asOf - t;
      qi++;
    }
    if (qi >= qs.length) break;
  }
  return out;
}

function stepName(ms: number): string {
  switch (ms) {
    case 1000:
      return 'secondly';
    case 60_000:
      return 'minutely';
    case 3_600_000:
      return 'hourly';
    case DAY:
      return 'daily';
    case 7 * DAY:
      return 'weekly';
    default:
      return `every ${ms} ms`;
  }
}

interface Gaps {
  stepMs: number;
  step: string;
  missing: number;
  periods: string[];
  series: 'timestamps' | 'days';
}

function findGaps(sorted: number[], unit: number, series: 'timestamps' | 'days'): Gaps | null {
  if (sorted.length < 6) return null;
  const diffs = new Map<number, number>();
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    diffs.set(d, (diffs.get(d) ?? 0) + 1);
  }
  let step = 0;
  let best = 0;
  for (const [d, c] of diffs) if (c > best || (c === best && d < step)) [step, best] = [d, c];
  if (step <= 0 || best < 0.8 * (sorted.length - 1)) return null;
  let missing = 0;
  const periods: string[] = [];
  const dateOnly = series === 'days' || (unit * step) % DAY === 0 && sorted.every((t) => (t * unit) % DAY === 0);
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d <= step || d % step !== 0) continue;
    const k = d / step - 1;
    for (let j = 1; j <= k && periods.length < 10; j++) periods.push(isoSeries((sorted[i - 1]! + j * step) * unit, dateOnly));
    missing += k;
  }
  return { stepMs: step * unit, step: stepName(step * unit), missing, periods, series };
}

function finalize(state: TimelinessState, ctx: FinalizeContext): CheckResult {
  const findings: Finding[] = [];
  const o = (ctx.options.checks?.[CHECK] ?? {}) as TimelinessOptions;
  const metrics: Record<string, unknown> = {
    column: null,
    asOf: iso(state.asOf),
    maxAgeMs: state.maxAgeMs,
    skewMs: state.skewMs,
  };
  if (state.zoneError) {
    findings.push({
      check: CHECK,
      id: 'timezone-invalid',
      dimension: null,
      severity: 'warn',
      column: null,
      message: `Unknown time zone '${state.zoneError}'; timestamps without a zone are read as UTC`,
      count: 0,
      examples: [],
      data: { timezone: state.zoneError },
    });
  }
  let column: string | null = null;
  if (typeof o.column === 'string' && o.column) {
    column = o.column;
    const col = state.cols.get(column);
    if (!col || col.valid + col.future === 0) {
      findings.push({
        check: CHECK,
        id: 'timestamp-missing',
        dimension: null,
        severity: 'warn',
        column,
        message: ctx.columns.some((p) => p.name === column)
          ? `Timestamp column ${column} has no valid dates or datetimes`
          : `Timestamp column ${column} is not in the data`,
        count: 0,
        examples: [],
        data: { column },
      });
      metrics.column = column;
      return { findings, metrics };
    }
  } else {
    const candidates = ctx.columns.filter((p) => p.type === 'date' || p.type === 'datetime').map((p) => p.name);
    if (candidates.length === 1) column = candidates[0]!;
    else if (candidates.length > 1) {
      findings.push({
        check: CHECK,
        id: 'timestamp-ambiguous',
        dimension: null,
        severity: 'info',
        column: null,
        message: `Several date columns (${candidates.join(', ')}); choose one with --timestamp-column to measure timeliness`,
        count: candidates.length,
        examples: [],
        data: { candidates },
      });
      metrics.candidates = candidates;
      return { findings, metrics };
    } else return { findings, metrics };
  }
  metrics.column = column;
  const col = state.cols.get(column) ?? newCol();
  metrics.valid = col.valid;
  metrics.future = col.future;
  if (state.maxAgeMs !== null) {
    metrics.fresh = col.fresh;
    metrics.stale = col.stale;
  }
  metrics.newest = col.max === null ? null : iso(col.max);
  metrics.oldest = col.min === null ? null : iso(col.min);
  metrics.freshnessMs = col.max === null ? null : state.asOf - col.max;
  metrics.maxAgeObservedMs = col.min === null ? null : state.asOf - col.min;

  // age distribution
  let approximate = false;
  if (col.valid > 0) {
    let pairs: [number, number][] | null = null;
    if (col.ts) pairs = [...col.ts].sort((a, b) => b[0] - a[0]);
    else if (col.days) {
      approximate = true;
      pairs = [...col.days].map(([d, c]): [number, number] => [d * DAY + DAY / 2, c]).sort((a, b) => b[0] - a[0]);
    }
    metrics.ageQuantiles = {
      min: state.asOf - col.max!,
      ...(pairs ? ageQuantiles(pairs, state.asOf, col.valid) : {}),
      max: state.asOf - col.min!,
    };
  }
  metrics.approximate = approximate || !col.ts;

  if (col.future > 0) {
    findings.push({
      check: CHECK,
      id: 'future-timestamps',
      dimension: null,
      severity: 'warn',
      column,
      message: `${column}: ${col.future} timestamps are later than the reference time ${iso(state.asOf)} (beyond ${state.skewMs} ms of skew); they are left out of the timeliness score`,
      count: col.future,
      examples: col.futureEx,
      data: { skewMs: state.skewMs, latest: col.futureMax === null ? null : iso(col.futureMax) },
    });
  }

  const tallies: CheckResult['tallies'] = {};
  if (state.maxAgeMs !== null && col.valid > 0) {
    tallies[''] = { timeliness: { assessed: col.valid, bad: col.stale } };
    metrics.score = (100 * col.fresh) / col.valid;
    if (col.stale > 0) {
      findings.push({
        check: CHECK,
        id: 'stale',
        dimension: 'timeliness',
        severity: 'warn',
        column,
        message: `${column}: ${col.stale} of ${col.valid} records are older than ${state.maxAgeMs} ms`,
        count: col.stale,
        examples: col.staleEx,
        data: { maxAgeMs: state.maxAgeMs, stale: col.stale, assessed: col.valid },
      });
    }
  }

  // gaps
  let gaps: Gaps | null = null;
  if (col.ts) gaps = findGaps([...col.ts.keys()].sort((a, b) => a - b), 1, 'timestamps');
  if (!gaps && col.days) gaps = findGaps([...col.days.keys()].sort((a, b) => a - b), DAY, 'days');
  metrics.step = gaps ? gaps.step : null;
  metrics.stepMs = gaps ? gaps.stepMs : null;
  metrics.gaps = gaps ? gaps.missing : null;
  if (gaps && gaps.missing > 0) {
    findings.push({
      check: CHECK,
      id: 'gaps',
      dimension: null,
      severity: 'warn',
      column,
      message: `${column}: ${gaps.missing} missing ${gaps.step} periods in an otherwise regular series (first: ${gaps.periods.slice(0, 3).join(', ')})`,
      count: gaps.missing,
      examples: gaps.periods.slice(0, 5).map((p) => ({ row: null, line: null, value: p })),
      data: { ...gaps },
    });
  }
  return { findings, tallies, metrics };
}

export default defineChecker<TimelinessState>({
  meta: {
    id: CHECK,
    dimension: 'timeliness',
    description: 'Share of records younger than a maximum age, future timestamps, freshness and gaps in regular series.',
    default: true,
  },
  init,
  update,
  merge,
  finalize,
});
