import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules, initConfig, parseConfig } from '../../src/config/index.js';
import { auditRows } from '../../src/gate/fixture.js';
import { evaluateGate } from '../../src/gate/index.js';

type V = string | number | boolean | null;

function roundTrip(columns: string[], rows: V[][]) {
  const report = auditRows(columns, rows, null);
  const text = initConfig(report);
  const config = parseConfig(text, 'dq.yml');
  const again = auditRows(columns, rows, compileRules(config));
  again.scores = report.scores;
  return { text, config, gate: evaluateGate(again, config, {}) };
}

describe('initConfig', () => {
  it('infers types, required, unique, min/max with margin, allowed', () => {
    const cols = ['id', 'price', 'status', 'day', 'note'];
    const rows: V[][] = [
      ['1', '10.5', 'new', '2024-01-01', 'x'],
      ['2', '20', 'open', '2024-01-11', ''],
      ['3', '110.5', 'new', '2024-01-21', 'y'],
    ];
    const { text, config, gate } = roundTrip(cols, rows);
    const c = new Map(config.columns.map((x) => [x.name, x]));
    expect(c.get('id')!.type?.value).toBe('integer');
    expect(c.get('id')!.required?.value).toBe(true);
    expect(c.get('id')!.unique?.value).toBe(true);
    expect(c.get('id')!.min?.value).toEqual({ kind: 'number', value: 0 });
    expect(c.get('id')!.max?.value).toEqual({ kind: 'number', value: 4 });
    expect(c.get('price')!.min?.value).toEqual({ kind: 'number', value: 0.5 });
    expect(c.get('id')!.min?.value.value).toBe(0); // 1 - 0.2 floored, not below 0
    expect(c.get('price')!.max?.value).toEqual({ kind: 'number', value: 120.5 });
    expect(c.get('status')!.allowed?.value).toEqual(['new', 'open']);
    expect(c.get('day')!.min?.value).toMatchObject({ kind: 'date', text: '2023-12-30' });
    expect(c.get('note')!.maxMissing?.value.kind).toBe('rate');
    expect(c.get('note')!.maxMissing?.value.value).toBeCloseTo(0.372); // observed 1/3, a little above
    expect(text).toMatch(/^# dq\.yml/);
    expect(gate.passed).toBe(true);
  });

  it('quotes awkward column names and values', () => {
    const cols = ['a: b', 'true', '#x', ' sp ', 'yes'];
    const rows: V[][] = [['1', 'no', '@x | y', 'null', '"q"']];
    const { gate, config } = roundTrip(cols, rows);
    expect(config.columns.map((c) => c.name)).toEqual(cols);
    expect(gate.passed).toBe(true);
  });

  it('property: the data it was inferred from passes it', () => {
    const cell = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }).map(String),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => String(Math.round(x * 1000) / 1000)),
      fc.constantFrom('', 'NA', 'red', 'green', 'blue', 'true', 'no', '2024-02-29', '2023-12-31T10:00:00Z', '0150', ' x ', 'a|b', '@me'),
      fc.string({ maxLength: 6 }),
    );
    const name = fc.stringMatching(/^[a-z][a-z0-9_ ]{0,8}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 12 }),
        fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { minLength: 12, maxLength: 12 }),
        (cols, n, grid) => {
          const rows = grid.slice(0, n).map((r) => r.slice(0, cols.length));
          const { gate } = roundTrip(cols, rows);
          const failed = gate.rules.filter((r) => r.status !== 'passed');
          expect(failed).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
