import { describe, expect, it } from 'vitest';
import { compileRules, parseConfig } from '../../src/config/index.js';
import rulesChecker, { type RuleMetric } from '../../src/gate/rules-checker.js';
import { viewBatch } from '../../src/schema/values.js';
import type { AuditOptions, Batch } from '../../src/core/types.js';

const config = parseConfig('columns:\n  a: {required: true, min: 0}\n  b: {allowed: [x]}\nrules:\n  - {id: r, expr: "a < 10 or b = \'x\'"}\n', 'dq.yml');
const options: AuditOptions = {
  naValues: new Set(['']),
  decimalComma: false,
  dayFirst: null,
  numericThreshold: 0.95,
  types: {},
  keyColumns: null,
  examples: true,
  exactBudgetBytes: 1 << 20,
  checks: { rules: compileRules(config) as unknown as Record<string, unknown> },
  asOf: 0,
};
const view = (b: Batch) => viewBatch(b, { naValues: options.naValues, decimalComma: false, dayFirst: null });

describe('rules checker', () => {
  it('looks columns up by name per batch (JSON Lines adds columns)', () => {
    const s = rulesChecker.init({ options });
    // batch 1: only a; batch 2: b first, then a
    rulesChecker.update(s, view({ columns: ['a'], data: [['-1', '20']], length: 2, firstRow: 1, lines: null }));
    rulesChecker.update(s, view({ columns: ['b', 'a'], data: [['y', 'x'], ['', '30']], length: 2, firstRow: 3, lines: null }));
    const res = rulesChecker.finalize(s, { options, rows: 4, columns: [], details: [], lineOf: () => null });
    const m = (res.metrics as { rules: Record<string, RuleMetric> }).rules;
    expect([m['a.required']!.violations, m['a.required']!.examples.map((e) => e.row)]).toEqual([1, [3]]);
    expect([m['a.min']!.violations, m['a.min']!.assessed]).toEqual([1, 3]);
    expect([m['b.allowed']!.violations, m['b.allowed']!.assessed]).toEqual([1, 2]);
    // row 2: a=20, b absent → unknown; row 3: a missing, b=y → unknown; row 4: a=30, b=x → pass; row 1: a=-1 → pass
    expect([m['r']!.violations, m['r']!.unknown, m['r']!.assessed]).toEqual([0, 2, 2]);
    expect(res.tallies).toEqual({ a: { validity: { assessed: 3, bad: 1 } }, b: { validity: { assessed: 2, bad: 1 } } });
    expect(res.findings.map((f) => [f.id, f.count, f.dimension])).toEqual([
      ['a.required', 1, 'completeness'],
      ['a.min', 1, 'validity'],
      ['b.allowed', 1, 'validity'],
    ]);
  });
  it('merge is order-independent', () => {
    const batches: Batch[] = [0, 1, 2, 3].map((k) => ({ columns: ['a', 'b'], data: [[String(k - 2), ''], ['z', 'x']], length: 2, firstRow: 1 + k * 2, lines: null }));
    const run = (order: number[]) => {
      const states = order.map((k) => {
        const s = rulesChecker.init({ options });
        rulesChecker.update(s, view(batches[k]!));
        return s;
      });
      const acc = states.reduce((a, b) => rulesChecker.merge(a, b));
      return rulesChecker.finalize(acc, { options, rows: 8, columns: [], details: [], lineOf: () => null });
    };
    expect(run([3, 1, 0, 2])).toEqual(run([0, 1, 2, 3]));
  });
  it('without rules it does nothing', () => {
    const o = { ...options, checks: {} };
    const s = rulesChecker.init({ options: o });
    rulesChecker.update(s, view({ columns: ['a'], data: [['1']], length: 1, firstRow: 1, lines: null }));
    expect(rulesChecker.finalize(s, { options: o, rows: 1, columns: [], details: [], lineOf: () => null }).findings).toEqual([]);
  });
});
