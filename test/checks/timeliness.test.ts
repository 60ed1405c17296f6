import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import timeliness, { zonedToUtc } from '../../src/checks/timeliness.js';
import type { Cell, ColumnProfile } from '../../src/core/types.js';
import { auditOptions, batches, find, profile, rep, run, runSplit } from './helpers-ct.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const asOf = Date.UTC(2024, 5, 1); // 2024-06-01T00:00:00Z
const iso = (t: number) => new Date(t).toISOString();
const day = (t: number) => iso(t).slice(0, 10);

function opts(t: Record<string, unknown> = {}) {
  return auditOptions({ asOf, checks: { timeliness: t } });
}

describe('timeliness: fresh, stale and future records', () => {
  const values: Cell[] = [
    ...Array.from({ length: 10 }, (_, i) => iso(asOf - (i + 1) * HOUR * 12)), // 0.5 .. 5 days old: fresh
    ...rep(iso(asOf - 30 * DAY), 4), // stale
    ...rep(iso(asOf + DAY), 2), // future
    ...rep(iso(asOf + 60_000), 2), // within the 5-minute skew: fresh
    null,
    'soon',
  ];
  const cols = { ts: values, other: values.map((_, i) => String(i)) };
  const profiles = [profile('ts', 'datetime'), profile('other', 'integer')];
  const r = run(timeliness, batches(cols, 6), opts({ maxAgeMs: 7 * DAY }), profiles);

  it('scores the share of fresh records among valid, non-future timestamps', () => {
    expect(r.tallies).toEqual({ '': { timeliness: { assessed: 16, bad: 4 } } });
    expect(r.metrics).toMatchObject({ column: 'ts', valid: 16, future: 2, fresh: 12, stale: 4, score: 75 });
  });

  it('reports future timestamps and stale records with counts and examples', () => {
    const fut = find(r, 'future-timestamps', 'ts')!;
    expect(fut.count).toBe(2);
    expect(fut.examples.map((e) => e.row)).toEqual([15, 16]);
    expect(fut.data).toMatchObject({ skewMs: 300_000, latest: iso(asOf + DAY) });
    const stale = find(r, 'stale', 'ts')!;
    expect(stale.count).toBe(4);
    expect(stale.dimension).toBe('timeliness');
    expect(stale.examples.map((e) => e.row)).toEqual([11, 12, 13, 14]);
  });

  it('reports freshness, newest, oldest and age quantiles', () => {
    expect(r.metrics!.newest).toBe(iso(asOf + 60_000));
    expect(r.metrics!.oldest).toBe(iso(asOf - 30 * DAY));
    expect(r.metrics!.freshnessMs).toBe(-60_000);
    expect(r.metrics!.ageQuantiles).toMatchObject({ min: -60_000, max: 30 * DAY, p50: 3 * DAY });
  });

  it('a custom skew moves the future threshold', () => {
    const rr = run(timeliness, batches(cols, 6), opts({ maxAgeMs: 7 * DAY, skewMs: 0 }), profiles);
    expect(rr.metrics).toMatchObject({ future: 4, valid: 14 });
    expect(rr.tallies).toEqual({ '': { timeliness: { assessed: 14, bad: 4 } } });
  });
});

describe('timeliness: choosing the timestamp column', () => {
  const cols = {
    a: [iso(asOf - DAY), iso(asOf - 2 * DAY), iso(asOf - 40 * DAY)],
    b: ['2024-05-01', '2024-05-02', '2024-05-03'],
    n: ['1', '2', '3'],
  };
  const cases: { name: string; profiles: ColumnProfile[]; o: Record<string, unknown>; column: string | null; finding?: string; tally?: object }[] = [
    { name: 'the only date column', profiles: [profile('a', 'datetime'), profile('b', 'string'), profile('n', 'integer')], o: { maxAgeMs: 7 * DAY }, column: 'a', tally: { assessed: 3, bad: 1 } },
    { name: 'several candidates: none chosen', profiles: [profile('a', 'datetime'), profile('b', 'date'), profile('n', 'integer')], o: { maxAgeMs: 7 * DAY }, column: null, finding: 'timestamp-ambiguous' },
    { name: 'the option wins', profiles: [profile('a', 'datetime'), profile('b', 'date'), profile('n', 'integer')], o: { maxAgeMs: 7 * DAY, column: 'b' }, column: 'b', tally: { assessed: 3, bad: 3 } },
    { name: 'option naming a column without dates', profiles: [profile('a', 'datetime'), profile('n', 'integer')], o: { maxAgeMs: 7 * DAY, column: 'n' }, column: 'n', finding: 'timestamp-missing' },
    { name: 'no date column', profiles: [profile('a', 'string'), profile('b', 'string'), profile('n', 'integer')], o: { maxAgeMs: 7 * DAY }, column: null },
    { name: 'no maxAge: no score', profiles: [profile('a', 'datetime'), profile('b', 'string'), profile('n', 'integer')], o: {}, column: 'a' },
  ];
  it.each(cases)('$name', ({ profiles, o, column, finding, tally }) => {
    const r = run(timeliness, batches(cols), opts(o), profiles);
    expect(r.metrics!.column).toBe(column);
    if (finding) expect(find(r, finding)).toBeDefined();
    if (finding === 'timestamp-ambiguous') expect(find(r, finding)!.data).toEqual({ candidates: ['a', 'b'] });
    if (tally) expect(r.tallies).toEqual({ '': { timeliness: tally } });
    else expect(r.tallies?.['']).toBeUndefined();
  });
});

describe('timeliness: gaps in regular series', () => {
  const start = Date.UTC(2024, 4, 1);
  it('a daily series with 3 missing days', () => {
    const missing = new Set([5, 6, 20]);
    const days = Array.from({ length: 30 }, (_, i) => i).filter((i) => !missing.has(i));
    const values = days.flatMap((i) => rep(day(start + i * DAY), 2)); // two records per day
    const r = run(timeliness, batches({ d: values }, 5), opts(), [profile('d', 'date')]);
    const g = find(r, 'gaps', 'd')!;
    expect(g.count).toBe(3);
    expect(g.data).toMatchObject({ step: 'daily', stepMs: DAY, missing: 3, periods: ['2024-05-06', '2024-05-07', '2024-05-21'] });
    expect(g.examples.map((e) => e.value)).toEqual(['2024-05-06', '2024-05-07', '2024-05-21']);
    expect(r.metrics).toMatchObject({ step: 'daily', gaps: 3 });
  });

  it('an hourly series with 2 missing hours', () => {
    const hours = Array.from({ length: 48 }, (_, i) => i).filter((i) => i !== 10 && i !== 30);
    const r = run(timeliness, batches({ t: hours.map((h) => iso(start + h * HOUR)) }), opts(), [profile('t', 'datetime')]);
    expect(find(r, 'gaps')!.data).toMatchObject({ step: 'hourly', missing: 2, periods: [iso(start + 10 * HOUR), iso(start + 30 * HOUR)] });
  });

  it('irregular timestamps fall back to days', () => {
    const days = Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 12);
    const values = days.flatMap((i) => [iso(start + i * DAY + ((i * 7919) % 1000) * 60_000), iso(start + i * DAY + 23 * HOUR - i * 1000)]);
    const r = run(timeliness, batches({ t: values }), opts(), [profile('t', 'datetime')]);
    expect(find(r, 'gaps')!.data).toMatchObject({ step: 'daily', missing: 1, series: 'days', periods: ['2024-05-13'] });
  });

  it('no gaps finding for complete or irregular series', () => {
    const full = Array.from({ length: 30 }, (_, i) => day(start + i * DAY));
    expect(find(run(timeliness, batches({ d: full }), opts(), [profile('d', 'date')]), 'gaps')).toBeUndefined();
    const irregular = [0, 1, 3, 7, 15, 31, 63].map((i) => day(start - i * DAY));
    const r = run(timeliness, batches({ d: irregular }), opts(), [profile('d', 'date')]);
    expect(find(r, 'gaps')).toBeUndefined();
    expect(r.metrics!.step).toBeNull();
  });
});

describe('timeliness: time zones', () => {
  it('timezoneOffsetMinutes applies to values without a zone only', () => {
    // 2024-05-31T23:00 at UTC+2 is 21:00Z: 3 hours old; with maxAge 2h stale
    const cols = { t: ['2024-05-31T23:00:00', '2024-05-31T23:00:00Z'] };
    const r = run(timeliness, batches(cols), opts({ maxAgeMs: 2 * HOUR, timezoneOffsetMinutes: 120 }), [profile('t', 'datetime')]);
    expect(r.tallies).toEqual({ '': { timeliness: { assessed: 2, bad: 1 } } });
    expect(r.metrics!.oldest).toBe('2024-05-31T21:00:00.000Z');
  });

  it('an IANA zone with daylight saving time', () => {
    expect(zonedToUtc('Europe/Paris', Date.UTC(2024, 6, 1, 12))).toBe(Date.UTC(2024, 6, 1, 10));
    expect(zonedToUtc('Europe/Paris', Date.UTC(2024, 0, 1, 12))).toBe(Date.UTC(2024, 0, 1, 11));
    const r = run(timeliness, batches({ t: ['2024-05-31 23:00'] }), opts({ timezone: 'Europe/Paris' }), [profile('t', 'datetime')]);
    expect(r.metrics!.newest).toBe('2024-05-31T21:00:00.000Z');
  });

  it('an unknown zone is reported', () => {
    const r = run(timeliness, batches({ t: ['2024-05-31 23:00'] }), opts({ timezone: 'Mars/Olympus' }), [profile('t', 'datetime')]);
    expect(find(r, 'timezone-invalid')).toBeDefined();
    expect(r.metrics!.newest).toBe('2024-05-31T23:00:00.000Z');
  });
});

describe('timeliness: merge law', () => {
  it('split + merge gives the same result as one state', () => {
    const start = Date.UTC(2024, 4, 1);
    const cell = fc.oneof(
      fc.integer({ min: -40, max: 5 }).map((d): Cell => day(asOf + d * DAY)),
      fc.integer({ min: -2000, max: 100 }).map((h): Cell => iso(asOf + h * HOUR)),
      fc.integer({ min: 0, max: 30 }).map((d): Cell => day(start + d * DAY)),
      fc.constantFrom<Cell>(null, '', 'nope', '42'),
    );
    fc.assert(
      fc.property(
        fc.array(cell, { maxLength: 150 }),
        fc.integer({ min: 1, max: 23 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.constantFrom<Record<string, unknown>>({}, { maxAgeMs: 7 * DAY }, { maxAgeMs: 0, skewMs: 0 }),
        (values, size, picks, swap, o) => {
          const bs = batches({ t: values, u: values.slice().reverse() }, size);
          const profiles = [profile('t', 'datetime'), profile('u', 'string')];
          const one = run(timeliness, bs, opts(o), profiles);
          const two = runSplit(timeliness, bs, opts(o), profiles, (i) => picks[i % picks.length]!, swap);
          expect(two).toEqual(one);
        },
      ),
      { numRuns: 150 },
    );
  });
});
