import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });
import { auditTable, parseTableUrl } from '../../src/engine/sql/table.js';
import { InputError } from '../../src/errors.js';
import { postgresClient } from '../../src/engine/sql/clients.js';
import { RULES, cellsAgree, compareReports, datesCsv, trickyDatesCsv, generatedCsv, options, PENGUINS, PUSHED_CHECKS, pgLoadCsv, startPostgres, streaming, tmp, WEATHER, type PgServer } from './servers.js';

const started = startPostgres();
const pg = typeof started === 'string' ? null : started;
if (typeof started === 'string') console.warn(`skipping PostgreSQL pushdown tests: ${started}`);
const d = describe.skipIf(!pg);


d('postgres pushdown equals the streaming audit', () => {
  const server = pg as PgServer;
  const dir = tmp();
  const GEN = generatedCsv(dir);
  const DATES = datesCsv(dir);
  const url = () => `postgres://postgres@127.0.0.1:${server.port}/postgres`;
  const env = () => ({ PGPASSWORD: server.password, HOME: dir });

  beforeAll(() => {
    server.psql('CREATE SCHEMA dq');
    pgLoadCsv(server, 'dq.penguins', PENGUINS);
    pgLoadCsv(server, 'dq.weather', WEATHER);
    pgLoadCsv(server, 'dq.generated', GEN);
    pgLoadCsv(server, 'dq.dates', DATES);
    pgLoadCsv(server, 'dq.tricky', trickyDatesCsv(dir));
  });
  afterAll(() => server.stop());

  for (const [name, file, table] of [
    ['penguins', PENGUINS, 'dq.penguins'],
    ['seattle-weather', WEATHER, 'dq.weather'],
    ['generated', GEN, 'dq.generated'],
  ] as const) {
    it(name, async () => {
      const o = options();
      const t = await auditTable(parseTableUrl(url(), { table, env: env() }), { options: o, checks: PUSHED_CHECKS, skipChecks: [], timeoutMs: 60_000 });
      compareReports(t, await streaming(file, o), name);
    });
  }

  for (const dayFirst of [null, true]) {
    it(`dates in every parsed format (dayFirst ${dayFirst})`, async () => {
      const o = options({ dayFirst });
      const t = await auditTable(parseTableUrl(url(), { table: 'dq.dates', env: env() }), { options: o, checks: PUSHED_CHECKS, skipChecks: [], timeoutMs: 60_000 });
      compareReports(t, await streaming(DATES, o), `dates ${dayFirst}`);
      expect(t.findings.filter((f) => f.id === 'not-evaluated')).toEqual([]);
    });
  }

  it('per-cell kinds, readings and slash-date evidence of tricky dates equal the value parser', async () => {
    // (and with a numeric missing-value token: the same number in other spellings is missing too)
    for (const [dayFirst, na] of [[null, []], [true, []], [null, ['-999']]] as const) {
      const client = await postgresClient({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres', password: server.password, table: 'dq.tricky', timeoutMs: 30_000 });
      try {
        await cellsAgree(client, dayFirst, [...na]);
      } finally {
        await client.close();
      }
    }
  });

  it('value and expression rules', async () => {
    const o = options({ checks: { rules: RULES as never } });
    const t = await auditTable(parseTableUrl(url(), { table: 'dq.penguins', env: env() }), { options: o, checks: [...PUSHED_CHECKS, 'rules'], skipChecks: [], rules: RULES, timeoutMs: 60_000 });
    const s = await streaming(PENGUINS, o, RULES);
    compareReports(t, s, 'rules');
    expect(t.findings.filter((f) => f.id === 'not-evaluated')).toEqual([]);
  });

  it('a password in the URL works and is redacted; a wrong one is an InputError', async () => {
    const pw = encodeURIComponent(server.password);
    const src = parseTableUrl(`postgres://postgres:${pw}@127.0.0.1:${server.port}/postgres`, { table: 'dq.penguins', env: { HOME: dir } });
    const t = await auditTable(src, { options: options(), checks: ['missingness'], skipChecks: [], timeoutMs: 30_000 });
    expect(t.rows).toBe(344);
    expect(JSON.stringify(t)).not.toContain(server.password);
    expect(t.source.path).toContain('***');
    const bad = parseTableUrl(`postgres://postgres:wrong@127.0.0.1:${server.port}/postgres`, { table: 'dq.penguins', env: { HOME: dir } });
    const err = await auditTable(bad, { options: options(), checks: null, skipChecks: [], timeoutMs: 30_000 }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/authentication failed/);
    expect(err.message).not.toContain('wrong');
    const refused = await auditTable(parseTableUrl(`postgres://postgres@127.0.0.1:1/postgres`, { table: 'x', env: { HOME: dir } }), { options: options(), checks: null, skipChecks: [], timeoutMs: 5000 }).catch((e) => e);
    expect(refused).toBeInstanceOf(InputError);
    expect(refused.message).toMatch(/cannot connect to 127.0.0.1:1/);
  });

  it('hostile table and column names cannot inject SQL; the session is read-only', async () => {
    const cols = [`a"b`, "c'd", 'e;DROP TABLE dq.penguins;--', 'f`g', '-- h'];
    server.psql(`CREATE TABLE dq."we""ird;--" (${cols.map((c) => `"${c.replace(/"/g, '""')}" text`).join(', ')})`);
    server.psql(`INSERT INTO dq."we""ird;--" VALUES ('1', 'x''y', 'z', 'w', NULL), ('2', 'x''y', 'z', 'w', 'q')`);
    const t = await auditTable(parseTableUrl(url(), { table: 'dq."we""ird;--"', env: env() }), { options: options(), checks: null, skipChecks: [], timeoutMs: 30_000 });
    expect(t.columns.map((c) => c.name)).toEqual(cols);
    expect(t.rows).toBe(2);
    expect(server.psql('SELECT count(*) FROM dq.penguins').trim()).toBe('344');
    expect(t.findings.some((f) => f.id === 'not-evaluated' && f.check === 'consistency')).toBe(true);
  });
});
