import { describe, expect, it } from 'vitest';
import { compileRules, parseConfig } from '../../src/config/index.js';
import { evaluateGate, parseFailUnderDimension } from '../../src/gate/index.js';
import { auditRows, makeProfile, makeReport } from '../../src/gate/fixture.js';
import type { RuleResult } from '../../src/core/types.js';

const COLS = ['id', 'email', 'price', 'code', 'status', 'created', 'start', 'end', 'total', 'qty'];
const ROWS: (string | null)[][] = [
  ['1', 'a@x.com', '10', 'ABC-1', 'new', '2024-01-05', '2024-01-01', '2024-01-02', '20', '2'],
  ['2', 'bad-email', '-5', 'abc-2', 'open', '05/01/2024', '2024-01-03', '2024-01-01', '7', '2'],
  ['2', '', '2000', 'ABC-3', 'weird', '2019-12-31', '', '2024-01-01', '30', '3'],
  ['4', 'c@x.org', 'abc', 'XYZ-9', 'closed', '2024-02-30', '2024-01-05', '2024-01-06', '10', '1'],
  ['', 'd@x.org', '15', 'ABC-10', 'new', '2024-03-01', '2024-01-07', '2024-01-08', '45', '3'],
  ['6', 'NA', '20', 'QQ', 'Open', '2024-03-02', '2024-01-09', '2024-01-04', '40', '2'],
];

const CONFIG = `
columns:
  id: {type: integer, required: true, unique: true}
  email: {format: email, max_missing: 1}
  price: {type: float, min: 0, max: 1000}
  code: {pattern: "[A-Z]{3}-\\\\d+"}
  status: {allowed: [new, open, closed], max_missing: {value: 0, severity: warn}}
  created: {format: YYYY-MM-DD, min: 2020-01-01}
rules:
  - id: dates-ordered
    expr: end >= start
  - id: total
    expr: abs(total - price * qty) <= 0.01
    severity: warn
`;

function gate(batchSize = 2, examples = true) {
  const config = parseConfig(CONFIG, 'dq.yml');
  const report = auditRows(COLS, ROWS, compileRules(config), { batchSize, examples });
  return { report, result: evaluateGate(report, config, {}) };
}
const byId = (rules: RuleResult[]) => new Map(rules.map((r) => [r.id, r]));

describe('each rule kind violated: status, count, example rows', () => {
  const cases: [string, RuleResult['status'], number, number[]][] = [
    ['id.type', 'passed', 0, []],
    ['id.required', 'failed', 1, [5]],
    ['id.unique', 'failed', 1, []],
    ['email.format', 'failed', 1, [2]],
    ['email.max_missing', 'failed', 2, [3, 6]],
    ['price.type', 'failed', 1, [4]],
    ['price.min', 'failed', 1, [2]],
    ['price.max', 'failed', 1, [3]],
    ['code.pattern', 'failed', 2, [2, 6]], // abc-2 (lower case), QQ
    ['status.allowed', 'failed', 2, [3, 6]],
    ['status.max_missing', 'passed', 0, []],
    ['created.format', 'failed', 2, [2, 4]],
    ['created.min', 'failed', 1, [3]],
    ['dates-ordered', 'failed', 2, [2, 6]],
    ['total', 'warned', 3, [2, 3, 4]], // row 4: price is text → a type error, a violation
  ];
  for (const batchSize of [1, 2, 4, 100]) {
    it.each(cases)(`batch size ${batchSize}: %s`, (id, status, count, rows) => {
      const r = byId(gate(batchSize).result.rules).get(id)!;
      expect(r, id).toBeDefined();
      expect([r.status, r.count]).toEqual([status, count]);
      expect(r.examples.map((e) => e.row)).toEqual(rows);
    });
  }
  it('the gate fails; examples carry lines and values', () => {
    const { result } = gate();
    expect(result.passed).toBe(false);
    const ex = byId(result.rules).get('email.format')!.examples[0]!;
    expect(ex).toEqual({ row: 2, line: 3, value: 'bad-email' });
    expect(byId(result.rules).get('dates-ordered')!.examples[0]!.value).toBe('end=2024-01-01, start=2024-01-03');
  });
  it('the row with a missing start is unknown for dates-ordered, not a violation', () => {
    const { report } = gate();
    const m = (report.metrics.rules as { rules: Record<string, { unknown: number }> }).rules;
    expect(m['dates-ordered']!.unknown).toBe(1);
  });
  it('validity tallies count cells violating any value rule once', () => {
    const config = parseConfig(CONFIG, 'dq.yml');
    const report = auditRows(COLS, ROWS, compileRules(config), { batchSize: 2 });
    expect(report.findings.filter((f) => f.check === 'rules').map((f) => f.id).sort()).toEqual(
      ['code.pattern', 'created.format', 'created.min', 'dates-ordered', 'email.format', 'id.required', 'price.max', 'price.min', 'price.type', 'status.allowed', 'total'].sort(),
    );
  });
  it('--no-examples: examples keep rows but no values', () => {
    const r = byId(gate(2, false).result.rules).get('email.format')!;
    expect(r.examples[0]!.row).toBe(2);
    expect(r.examples[0]!.value ?? null).toBeNull();
  });
});

describe('unevaluable rules never pass', () => {
  const cases: [string, string, string, RuleResult['status']][] = [
    ['absent column', 'columns:\n  nope: {required: true}\n', 'nope.required', 'failed'],
    ['absent column, warn', 'columns:\n  nope: {min: {value: 1, severity: warn}}\n', 'nope.min', 'warned'],
    ['absent expression column', 'rules:\n  - {id: r, expr: "zzz > 1"}\n', 'r', 'failed'],
    ['null score', 'min_scores: {timeliness: 50}\n', 'min_scores.timeliness', 'failed'],
    ['no numbers for min', 'columns:\n  s: {min: 3}\n', 's.min', 'failed'],
    ['no outlier counts', 'columns:\n  s: {max_outliers: 3}\n', 's.max_outliers', 'failed'],
    ['freshness without timestamps', 'timestamp_column: s\nmax_age: 1d\n', 'freshness', 'failed'],
  ];
  it.each(cases)('%s', (_n, yml, id, status) => {
    const config = parseConfig(yml, 'dq.yml');
    const report = auditRows(['a', 's'], [['1', 'x'], ['2', 'y']], compileRules(config));
    report.scores.timeliness = null;
    const r = byId(evaluateGate(report, config, {}).rules).get(id)!;
    expect(r.status).toBe(status);
    expect(r.message).toMatch(/^not evaluated: /);
  });
  it('value rules fail when the rules checker did not run', () => {
    const config = parseConfig('columns:\n  a: {min: 0}\n', 'dq.yml');
    const report = makeReport({ rows: 2, columns: [makeProfile('a', { type: 'integer', count: 2 })] });
    const r = evaluateGate(report, config, {});
    expect(r.passed).toBe(false);
    expect(r.rules[0]!.message).toMatch(/rules checker did not run/);
  });
  it('an absent column suggests a near name', () => {
    const config = parseConfig('columns:\n  emial: {required: true}\n', 'dq.yml');
    const report = makeReport({ rows: 1, columns: [makeProfile('email', { count: 1 })] });
    expect(evaluateGate(report, config, {}).rules[0]!.message).toMatch(/did you mean "email"/);
  });
});

describe('dataset rules and flags', () => {
  const report = makeReport({
    rows: 100,
    scores: { overall: 88, completeness: 97, validity: 80, accuracy: null, consistency: 100, uniqueness: 99, timeliness: null },
    duplicates: { rows: 3, keyRows: null, nearRows: 0, key: null, approximate: false },
    columns: [
      makeProfile('ts', { type: 'datetime', count: 100, max: '2024-05-30T12:00:00Z' }),
      makeProfile('n', { type: 'integer', count: 100, distinct: 100, outliers: { iqr: 4, zscore: 1, mad: 2 } }),
    ],
    findings: [{ check: 'noise', id: 'whitespace', dimension: 'validity', severity: 'warn', column: 'n', message: 'x', count: 1, examples: [] }],
  });
  const cases: [string, string, Record<string, unknown>, string, RuleResult['status'], number | null][] = [
    ['overall below', 'min_scores: {overall: 90}', {}, 'min_scores.overall', 'failed', 88],
    ['overall ok', 'min_scores: {overall: 85}', {}, 'min_scores.overall', 'passed', 88],
    ['dimension warn', 'min_scores: {validity: {value: 90, severity: warn}}', {}, 'min_scores.validity', 'warned', 80],
    ['rows min', 'rows: {min: 101}', {}, 'rows.min', 'failed', 100],
    ['rows max', 'rows: {max: 100}', {}, 'rows.max', 'passed', 100],
    ['duplicates rate', 'max_duplicate_rate: 2%', {}, 'max_duplicate_rate', 'failed', 3],
    ['duplicates fraction', 'max_duplicate_rate: 0.05', {}, 'max_duplicate_rate', 'passed', 3],
    ['key duplicates not computed', 'key: [n]\nmax_duplicate_rate: 5%', {}, 'max_duplicate_rate', 'failed', null],
    ['fresh', 'timestamp_column: ts\nmax_age: 36h', {}, 'freshness', 'passed', 36 * 3600],
    ['stale', 'timestamp_column: ts\nmax_age: 1d', {}, 'freshness', 'failed', 36 * 3600],
    ['outliers count', 'columns:\n  n: {max_outliers: 3}', {}, 'n.max_outliers', 'failed', 4],
    ['outliers rate', 'columns:\n  n: {max_outliers: 5%}', {}, 'n.max_outliers', 'passed', 4],
    ['unique from profile', 'columns:\n  n: {unique: true}', {}, 'n.unique', 'passed', 0],
    ['fail-under', '', { failUnder: 90 }, 'fail-under', 'failed', 88],
    ['fail-under-dimension', '', { failUnderDimension: { completeness: 95, uniqueness: 99.5 } }, 'fail-under.uniqueness', 'failed', 99],
    ['fail-under-dimension null', '', { failUnderDimension: { accuracy: 50 } }, 'fail-under.accuracy', 'failed', null],
    ['max-warnings', 'min_scores: {validity: {value: 90, severity: warn}}', { maxWarnings: 1 }, 'max-warnings', 'failed', 2],
  ];
  it.each(cases)('%s', (_n, yml, flags, id, status, count) => {
    const config = yml ? parseConfig(yml, 'dq.yml') : null;
    const r = byId(evaluateGate(report, config, flags).rules).get(id)!;
    expect([r.status, r.count]).toEqual([status, count]);
  });
  it('rows bounds on an incomplete read', () => {
    const inc = { ...report, complete: false };
    const a = byId(evaluateGate(inc, parseConfig('rows: {min: 200, max: 300}', 'dq.yml'), {}).rules);
    expect(a.get('rows.min')!.message).toMatch(/^not evaluated/);
    expect(a.get('rows.max')!.message).toMatch(/^not evaluated/);
    const b = byId(evaluateGate(inc, parseConfig('rows: {min: 10, max: 50}', 'dq.yml'), {}).rules);
    expect([b.get('rows.min')!.status, b.get('rows.max')!.status]).toEqual(['passed', 'failed']);
  });
  it('--fail-on warn makes warnings fail the gate', () => {
    const config = parseConfig('min_scores: {validity: {value: 90, severity: warn}}', 'dq.yml');
    expect(evaluateGate(report, config, {}).passed).toBe(true);
    expect(evaluateGate(report, config, { failOn: 'warn' }).passed).toBe(false);
  });
  it('no config and no flags: an empty gate passes', () => {
    expect(evaluateGate(report, null, {})).toEqual({ passed: true, rules: [] });
  });
  it('parses --fail-under-dimension', () => {
    expect(parseFailUnderDimension('completeness=95, uniqueness=99.5')).toEqual({ completeness: 95, uniqueness: 99.5 });
    expect(() => parseFailUnderDimension('completness=95')).toThrow(/did you mean "completeness"/);
    expect(() => parseFailUnderDimension('completeness')).toThrow(/DIMENSION=SCORE/);
  });
});
