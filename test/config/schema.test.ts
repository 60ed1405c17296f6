import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { BASELINE_KEYS, COLUMN_KEYS, EXPR_RULE_KEYS, SCORE_KEYS, TOP_KEYS } from '../../src/config/load.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/dq.schema.json', import.meta.url), 'utf8'));

describe('schema/dq.schema.json matches the validator', () => {
  const keys = (o: { properties: Record<string, unknown> }) => Object.keys(o.properties).sort();
  it.each([
    ['top level', keys(schema), [...TOP_KEYS]],
    ['columns.*', keys(schema.properties.columns.additionalProperties), [...COLUMN_KEYS]],
    ['rules[]', keys(schema.properties.rules.items), [...EXPR_RULE_KEYS]],
    ['min_scores', keys(schema.properties.min_scores), [...SCORE_KEYS]],
    ['baseline', keys(schema.properties.baseline), [...BASELINE_KEYS]],
  ])('%s', (_n, got, want) => {
    expect(got).toEqual(want.sort());
  });
  it('forbids unknown keys like the validator', () => {
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.columns.additionalProperties.additionalProperties).toBe(false);
  });
});

describe('examples', () => {
  it('examples/dq.yml is valid', () => {
    const text = readFileSync(new URL('../../examples/dq.yml', import.meta.url), 'utf8');
    const c = parseConfig(text, 'examples/dq.yml');
    expect(c.rules.map((r) => r.id)).toEqual(['total-matches', 'ship-after-order', 'discount-needs-code']);
    expect(c.columns.find((x) => x.name === 'sku')!.pattern!.id).toBe('sku-format');
  });
  it('examples/github-actions.yml is YAML with a dq step', () => {
    const wf = parse(readFileSync(new URL('../../examples/github-actions.yml', import.meta.url), 'utf8'));
    expect(JSON.stringify(wf.jobs.dq.steps)).toContain('dq audit');
  });
});
