import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { audit, type AuditRequest } from '../../src/engine/audit.js';
import { DEFAULT_READER_OPTIONS } from '../../src/io/readers/types.js';
import { DEFAULT_NA_VALUES } from '../../src/schema/values.js';
import { compileRules, configToOptions, initConfig, parseConfig } from '../../src/config/index.js';
import { evaluateGate, rulesChecker } from '../../src/gate/index.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderGithub } from '../../src/report/github.js';

function request(path: string, checks: Record<string, Record<string, unknown>> = {}): AuditRequest {
  return {
    inputs: [{ path }],
    format: null,
    reader: DEFAULT_READER_OPTIONS,
    options: {
      naValues: new Set(DEFAULT_NA_VALUES),
      decimalComma: false,
      dayFirst: null,
      numericThreshold: 0.95,
      types: {},
      keyColumns: null,
      examples: true,
      exactBudgetBytes: 16 << 20,
      checks,
      asOf: Date.parse('2024-06-01T00:00:00Z'),
    },
    checks: null,
    skipChecks: [],
    extraCheckers: [rulesChecker],
    columns: null,
    excludeColumns: [],
    strict: false,
    sample: null,
  };
}

describe.each(['penguins.csv', 'seattle-weather.csv', 'cars.jsonl'])('with the real engine: %s', (name) => {
  const path = fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
  it('dq init, then the same data passes the generated gate', async () => {
    const first = await audit(request(path));
    const config = parseConfig(initConfig(first), 'dq.yml');
    const o = configToOptions(config);
    const second = await audit(request(path, o.checkOptions));
    expect(second.checks).toContain('rules');
    const gate = evaluateGate(second, config, {});
    expect(gate.rules.filter((r) => r.status !== 'passed')).toEqual([]);
    second.gate = gate;
    expect(renderJunit(second)).toContain('<testsuites');
    expect(renderMarkdown(second)).toContain('**Gate: ✅ passed**');
    expect(renderGithub(second)).toContain('::notice');
  });
});
