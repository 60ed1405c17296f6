import { describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 120_000 });
import { auditTable, parseTableUrl } from '../../src/engine/sql/table.js';
import { writeFileSync } from 'node:fs';
import { duckdbClient } from '../../src/engine/sql/clients.js';
import { selectCheckers } from '../../src/engine/audit.js';
import { cellsAgree, compareReports, datesCsv, trickyDatesCsv, generatedCsv, options, PENGUINS, PUSHED_CHECKS, RULES, streaming, tmp, WEATHER } from './servers.js';

const dir = tmp();
const GEN = generatedCsv(dir);
const DATES = datesCsv(dir);

describe('duckdb pushdown equals the streaming audit', () => {
  for (const [name, file] of [
    ['penguins', PENGUINS],
    ['seattle-weather', WEATHER],
    ['generated', GEN],
  ] as const) {
    it(name, async () => {
      const o = options();
      const t = await auditTable(parseTableUrl(file, { engine: 'duckdb' }), { options: o, checks: PUSHED_CHECKS, skipChecks: [], timeoutMs: 60_000 });
      const s = await streaming(file, o);
      compareReports(t, s, name);
      expect(t.source.path).toBe(file);
    });
  }

  for (const dayFirst of [null, true]) {
    it(`dates in every parsed format (dayFirst ${dayFirst})`, async () => {
      const o = options({ dayFirst });
      const t = await auditTable(parseTableUrl(DATES, { engine: 'duckdb' }), { options: o, checks: PUSHED_CHECKS, skipChecks: [], timeoutMs: 60_000 });
      const s = await streaming(DATES, o);
      compareReports(t, s, `dates ${dayFirst}`);
      expect(t.columns.map((c) => c.type)).toEqual(['date', 'date', 'date', 'date', 'date', 'date', 'date', 'datetime']);
      expect(t.findings.filter((f) => f.id === 'not-evaluated')).toEqual([]);
    });
  }
});

describe('duckdb pushdown: the date classifier per cell', () => {
  it('per-cell kinds, readings and slash-date evidence of tricky dates equal the value parser', async () => {
    const f = trickyDatesCsv(tmp());
    for (const dayFirst of [null, true] as const) {
      const client = await duckdbClient(f, 'csv', null, 30000);
      await cellsAgree(client, dayFirst);
      await client.close();
    }
  });

  it('a numeric missing-value token (-999) makes the same number in any spelling missing, as the value parser', async () => {
    const client = await duckdbClient(trickyDatesCsv(tmp()), 'csv', null, 30000);
    await cellsAgree(client, null, ['-999']);
    await client.close();
  });
});

describe('duckdb pushdown: rules and safety', () => {
  it('value and expression rules equal the streaming rules checker', async () => {
    const o = options({ checks: { rules: RULES as never } });
    const t = await auditTable(parseTableUrl(PENGUINS, { engine: 'duckdb' }), { options: o, checks: [...PUSHED_CHECKS, 'rules'], skipChecks: [], rules: RULES, timeoutMs: 60_000 });
    compareReports(t, await streaming(PENGUINS, o, RULES), 'rules');
    expect(t.findings.filter((f) => f.id === 'not-evaluated')).toEqual([]);
    const f = t.findings.find((x) => x.id === 'island.allowed')!;
    expect(f.examples.length).toBe(5);
    expect(f.examples[0]).toEqual({ row: null, line: null, value: 'Torgersen' });
  });

  it('checks that are not pushed down are findings, never silently skipped', async () => {
    const t = await auditTable(parseTableUrl(WEATHER, { engine: 'duckdb' }), { options: options(), checks: null, skipChecks: [], timeoutMs: 60_000 });
    const ne = t.findings.filter((f) => f.id === 'not-evaluated').map((f) => f.check);
    // every default checker that is not pushed down (consistency, timeliness, and any added later) is reported
    const expected = selectCheckers({ checks: null, skipChecks: [] })
      .map((c) => c.meta.id)
      .filter((id) => !PUSHED_CHECKS.includes(id));
    expect(ne.sort()).toEqual(expected.sort());
    expect(ne).toEqual(expect.arrayContaining(['consistency', 'timeliness']));
    expect(t.checks).toEqual(['missingness', 'outliers', 'noise', 'duplicates']);
  });

  it('hostile column names and file names are quoted', async () => {
    const d = tmp();
    const file = `${d}/we'ird;--.csv`;
    writeFileSync(file, `"a""b","c'd","e;DROP TABLE x;--",f\`g\n1,x'y,z,w\n1,x'y,z,w\n`);
    const t = await auditTable(parseTableUrl(file, { engine: 'duckdb' }), { options: options(), checks: PUSHED_CHECKS, skipChecks: [], timeoutMs: 60_000 });
    expect(t.columns.map((c) => c.name)).toEqual(['a"b', "c'd", 'e;DROP TABLE x;--', 'f`g']);
    expect(t.duplicates.rows).toBe(1);
  });
});
