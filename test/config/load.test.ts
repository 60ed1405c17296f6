import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { ConfigError } from '../../src/errors.js';
import { compileRules, configToOptions, loadConfig, parseConfig } from '../../src/config/index.js';

function err(text: string): ConfigError {
  try {
    parseConfig(text, 'dq.yml');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const FULL = `
version: 1
min_scores: {overall: 90, completeness: 95}
rows: {min: 10, max: {value: 1000, severity: warn}}
max_duplicate_rate: 1%
timestamp_column: updated_at
max_age: 36h
checks: [missingness, duplicates]
skip_checks: [outliers]
missing_values: [NA, null, "-"]
extra_missing_values: ["?"]
key: [id]
delimiter: ";"
encoding: latin1
header: true
decimal: ","
dayfirst: true
types: {zip: string}
columns:
  id: {type: integer, required: true, unique: true}
  email:
    format: email
    max_missing: {value: 5%, severity: warn, id: email-missing}
  price: {min: 0, max: 1000, max_outliers: 12}
  code: {pattern: "[A-Z]{3}-\\\\d+"}
  status: {allowed: [new, open, closed]}
  created: {min: 2020-01-01, format: YYYY-MM-DD}
rules:
  - id: total-matches
    expr: "abs(total - price * qty) <= 0.01"
  - expr: end_date >= start_date
    severity: warn
baseline: {max_score_drop: 3, max_row_drop: 20%, psi_fail: 0.25}
`;

describe('parseConfig: a full config', () => {
  const c = parseConfig(FULL, 'dq.yml');
  it('reads dataset rules', () => {
    expect(c.minScores.overall?.value).toBe(90);
    expect(c.minScores.overall?.id).toBe('min_scores.overall');
    expect(c.rows.max).toMatchObject({ value: 1000, severity: 'warn', id: 'rows.max' });
    expect(c.maxDuplicateRate?.value).toEqual({ kind: 'rate', value: 0.01 });
    expect(c.freshness).toMatchObject({ column: 'updated_at', maxAge: { value: 36 * 3600_000, id: 'freshness' } });
    expect(c.missingValues).toEqual(['NA', 'null', '-']);
    expect(c.reader).toEqual({ delimiter: ';', encoding: 'latin1', header: true, decimal: ',', dayfirst: true });
  });
  it('reads column rules with default and custom ids', () => {
    const email = c.columns.find((x) => x.name === 'email')!;
    expect(email.maxMissing).toMatchObject({ id: 'email-missing', severity: 'warn', value: { kind: 'rate', value: 0.05 } });
    expect(email.format).toMatchObject({ id: 'email.format', severity: 'error', value: { kind: 'email' } });
    const price = c.columns.find((x) => x.name === 'price')!;
    expect(price.maxOutliers?.value).toEqual({ kind: 'count', value: 12 });
    const created = c.columns.find((x) => x.name === 'created')!;
    expect(created.min?.value).toMatchObject({ kind: 'date', value: Date.UTC(2020, 0, 1) });
    expect(c.rules.map((r) => [r.id, r.severity])).toEqual([
      ['total-matches', 'error'],
      ['rule-2', 'warn'],
    ]);
    expect(c.baseline.tolerances).toMatchObject({ maxScoreDrop: 3, maxRowDrop: 0.2, psiFail: 0.25, psiWarn: 0.1 });
  });
  it('compiles to plain JSON for the checker', () => {
    const r = compileRules(c);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r.values.map((v) => v.id)).toContain('code.pattern');
    expect(r.expressions[0]!.columns).toEqual(['total', 'price', 'qty']);
  });
  it('maps to audit option overrides', () => {
    const o = configToOptions(c);
    expect(o.naValues).toEqual(['NA', 'null', '-', '?']);
    expect(o.decimalComma).toBe(true);
    expect(o.dayFirst).toBe(true);
    expect(o.keyColumns).toEqual(['id']);
    expect(o.checks).toEqual(['missingness', 'duplicates', 'rules']);
    expect(o.checkOptions.timeliness).toEqual({ column: 'updated_at', maxAgeMs: 36 * 3600_000 });
    expect(o.reader).toEqual({ delimiter: ';', header: true, encoding: 'latin1' });
  });
  it('an empty file is an empty config', () => {
    expect(parseConfig('', 'dq.yml').columns).toEqual([]);
    expect(parseConfig('# only a comment\n', 'dq.yml').rules).toEqual([]);
  });
});

describe('config errors name the line and column', () => {
  const cases: [string, string, number, number, RegExp][] = [
    ['unknown top key', 'min_score: {overall: 90}\n', 1, 1, /unknown key "min_score".*did you mean "min_scores"/],
    ['unknown column key', 'columns:\n  id:\n    requried: true\n', 3, 5, /unknown key "requried" in columns\.id \(did you mean "required"\?\)/],
    ['unknown dimension', 'min_scores:\n  completness: 90\n', 2, 3, /did you mean "completeness"/],
    ['bad score', 'min_scores:\n  overall: 190\n', 2, 12, /between|<= 100/],
    ['bad severity', 'columns:\n  id:\n    required: {value: true, severity: fatal}\n', 3, 39, /severity must be one of: warn, error/],
    ['bad type', 'columns:\n  id: {type: integr}\n', 2, 14, /did you mean "integer"/],
    ['bad percent', 'max_duplicate_rate: 150%\n', 1, 21, /percentage/],
    ['rate > 1', 'max_duplicate_rate: 2\n', 1, 21, /fraction between 0 and 1/],
    ['bad duration', 'timestamp_column: t\nmax_age: 3 days\n', 2, 10, /duration/],
    ['max_age without column', 'max_age: 3d\n', 1, 1, /needs timestamp_column/],
    ['backreference', 'columns:\n  c: {pattern: "(a)\\\\1"}\n', 2, 16, /RE2.*backreferences/],
    ['lookahead', "columns:\n  c:\n    pattern: '(?=a)b'\n", 3, 14, /not a supported regular expression/],
    ['bad expr', 'rules:\n  - expr: "a > > b"\n', 2, 16, /rules\[1\]\.expr: unexpected/],
    ['bad expr plain', 'rules:\n  - expr: a < b < c\n', 2, 17, /cannot be chained/],
    ['missing expr', 'rules:\n  - id: x\n', 2, 5, /needs "expr"/],
    ['duplicate id', 'columns:\n  a: {required: {value: true, id: r}}\n  b: {unique: {value: true, id: r}}\n', 3, 33, /duplicate rule id "r"/],
    ['min above max', 'columns:\n  p: {min: 10, max: 5}\n', 2, 21, /below min/],
    ['bad format', 'columns:\n  e: {format: emial}\n', 2, 15, /did you mean "email"/],
    ['bad date token', 'columns:\n  e: {format: YYYY-QQ}\n', 2, 15, /unknown date format token/],
    ['invalid YAML', 'columns:\n  a: [1, 2\n', 3, 1, /invalid YAML/],
    ['duplicate key', 'rows: {min: 1}\nrows: {min: 2}\n', 2, 1, /invalid YAML/],
    ['not a mapping', '- a\n- b\n', 1, 1, /must be a mapping/],
    ['object form needs value', 'columns:\n  a:\n    required: {severity: warn}\n', 3, 15, /needs "value"/],
    ['bad encoding', 'encoding: utf9\n', 1, 11, /did you mean "utf-8"/],
    ['count must be whole', 'columns:\n  a: {max_missing: 1.5}\n', 2, 20, /whole number/],
    ['alias', 'x: &a 1\ncolumns:\n  a: {min: *a}\n', 1, 1, /unknown key "x"/],
    ['alias value', 'columns:\n  a: &z {min: 1}\n  b: *z\n', 3, 6, /aliases/],
  ];
  it.each(cases)('%s', (_name, text, line, column, re) => {
    const e = err(text);
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(re);
    expect([e.file, e.line, e.column]).toEqual(['dq.yml', line, column]);
    expect(e.message.startsWith(`dq.yml:${line}:${column}: `)).toBe(true);
  });
});

describe('loadConfig', () => {
  it('finds dq.yml in the working directory, returns null when absent', async () => {
    const dir = tempDir('dq-config-');
    expect(await loadConfig(null, dir)).toBeNull();
    await writeFile(join(dir, 'dq.yml'), 'rows: {min: 1}\n');
    const l = await loadConfig(null, dir);
    expect(l?.config.rows.min?.value).toBe(1);
    expect(l?.file).toBe(join(dir, 'dq.yml'));
  });
  it('a missing --config file is a ConfigError (exit 2)', async () => {
    const dir = tempDir('dq-config-');
    await expect(loadConfig('nope.yml', dir)).rejects.toMatchObject({ exitCode: 2, file: 'nope.yml' });
  });
  it('errors in a loaded file name the path as given', async () => {
    const dir = tempDir('dq-config-');
    await writeFile(join(dir, 'my.yml'), '\ufeffrows:\n  mn: 1\n');
    await expect(loadConfig('my.yml', dir)).rejects.toMatchObject({ file: 'my.yml', line: 2, column: 3 });
  });
});
