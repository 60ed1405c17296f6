/**
 * The merge law: for every checker, any split of the rows into consecutive ranges, updated separately
 * and merged, finalizes to exactly what one pass over all rows gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditOptions, Batch, Cell, Checker } from '../../src/core/types.js';
import { CHECKERS } from '../../src/checks/registry.js';
import { finalizeProfile, initProfile, mergeProfile, updateProfile } from '../../src/checks/profile.js';
import { DEFAULT_NA_VALUES, viewBatch } from '../../src/schema/values.js';
import { liAdd, liLineOf, liMerge, liNew } from '../../src/engine/line-index.js';

const options: AuditOptions = {
  naValues: new Set(DEFAULT_NA_VALUES),
  decimalComma: false,
  dayFirst: null,
  numericThreshold: 0.95,
  types: {},
  keyColumns: ['a'],
  examples: true,
  exactBudgetBytes: 1 << 24,
  checks: {},
  asOf: Date.UTC(2024, 0, 1),
};
const parse = { naValues: options.naValues, decimalComma: false, dayFirst: null };
const COLS = ['a', 'b', 'c'];

const cell = fc.oneof(
  fc.constantFrom<Cell>('', 'NA', '1', '1.0', '2', '-3.5', '1e3', '7', 'x', 'X ', ' x', 'Hello  world', 'hello world', '2024-01-02', '03/04/2020', 'true', 'no', '0150'),
  fc.integer({ min: -50, max: 50 }).map((n) => String(n)),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((n) => String(n)),
);
const table = fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 60 });

function batchOf(rows: Cell[][], from: number, to: number): Batch {
  const lines = new Int32Array(to - from);
  for (let i = from; i < to; i++) lines[i - from] = i + 2 + Math.floor(i / 7); // some multi-line records
  return {
    columns: COLS,
    data: COLS.map((_, c) => rows.slice(from, to).map((r) => r[c]!)),
    length: to - from,
    firstRow: from + 1,
    lines,
  };
}

function run(rows: Cell[][], cuts: number[]) {
  const bounds = [0, ...cuts, rows.length];
  const parts = [];
  for (let p = 0; p + 1 < bounds.length; p++) {
    const b = batchOf(rows, bounds[p]!, bounds[p + 1]!);
    if (b.length === 0) continue;
    const view = viewBatch(b, parse);
    const profile = initProfile(options);
    updateProfile(profile, view);
    const states = CHECKERS.map((c: Checker) => {
      const s = c.init({ options });
      c.update(s, view);
      return s;
    });
    const li = liNew();
    liAdd(li, b.firstRow, b.lines, b.length);
    parts.push({ profile, states, li });
  }
  const merged = parts.reduce((x, y) => ({
    profile: mergeProfile(x.profile, y.profile),
    states: x.states.map((s, i) => CHECKERS[i]!.merge(s, y.states[i])),
    li: liMerge(x.li, y.li),
  }));
  const { profiles, details } = finalizeProfile(merged.profile, rows.length, options, COLS);
  const ctx = { options, rows: rows.length, columns: profiles, details, lineOf: (r: number) => liLineOf(merged.li, r) };
  const results = CHECKERS.map((c, i) => c.finalize(merged.states[i], ctx));
  // floating-point moments may differ in the last bits after a merge: compare to 12 significant digits
  return JSON.parse(JSON.stringify({ profiles, results }, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v)));
}

describe('merge law', () => {
  it('split + merge equals one pass for the profile and every checker', () => {
    fc.assert(
      fc.property(
        table,
        fc.array(fc.nat(), { maxLength: 4 }),
        (rows, rawCuts) => {
          const cuts = [...new Set(rawCuts.map((c) => c % (rows.length + 1)))].sort((a, b) => a - b);
          const one = run(rows, []);
          const split = run(rows, cuts);
          expect(split).toEqual(one);
        },
      ),
      { numRuns: 200 },
    );
  });
});
