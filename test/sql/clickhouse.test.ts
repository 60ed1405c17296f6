import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });
import { auditTable, parseTableUrl } from '../../src/engine/sql/table.js';
import { InputError } from '../../src/errors.js';
import { clickhouseClient } from '../../src/engine/sql/clients.js';
import { cellsAgree, chLoadCsv, clickhouseBin, compareReports, datesCsv, trickyDatesCsv, generatedCsv, options, PENGUINS, PUSHED_CHECKS, RULES, startClickHouse, streaming, tmp, WEATHER, type ChCluster } from './servers.js';

const available = clickhouseBin() !== null;
if (!available) console.warn('skipping ClickHouse pushdown tests: clickhouse-server not found (apt-get install -y clickhouse-server clickhouse-client)');

describe.skipIf(!available)('clickhouse pushdown (two shards, Distributed table) equals the streaming audit', () => {
  let ch: ChCluster;
  const dir = tmp();
  const GEN = generatedCsv(dir);
  const DATES = datesCsv(dir);
  const env = { CLICKHOUSE_PASSWORD: 'dq-test-pw' };
  beforeAll(async () => {
    // free ports are picked before the servers bind them: retry on a rare collision
    let c = await startClickHouse();
    for (let i = 0; i < 2 && typeof c === 'string' && /Address already in use/.test(c); i++) c = await startClickHouse();
    if (typeof c === 'string') throw new Error(c);
    ch = c;
    await chLoadCsv(ch, 'penguins', PENGUINS);
    await chLoadCsv(ch, 'weather', WEATHER);
    await chLoadCsv(ch, 'gen', GEN);
    await chLoadCsv(ch, 'dates', DATES);
    await chLoadCsv(ch, 'tricky', trickyDatesCsv(dir));
  }, 120_000);
  afterAll(async () => ch?.stop(), 60_000);

  for (const [name, file, db] of [
    ['penguins', PENGUINS, 'penguins'],
    ['seattle-weather', WEATHER, 'weather'],
    ['generated', GEN, 'gen'],
  ] as const) {
    it(name, async () => {
      const o = options();
      const t = await auditTable(parseTableUrl(`clickhouse://${ch.url}/${db}.dist`, { env }), { options: o, checks: PUSHED_CHECKS, skipChecks: [], timeoutMs: 60_000 });
      compareReports(t, await streaming(file, o), name);
    });
  }

  for (const dayFirst of [null, true]) {
    it(`dates in every parsed format (dayFirst ${dayFirst})`, async () => {
      const o = options({ dayFirst });
      const t = await auditTable(parseTableUrl(`clickhouse://${ch.url}/dates.dist`, { env }), { options: o, checks: PUSHED_CHECKS, skipChecks: [], timeoutMs: 60_000 });
      compareReports(t, await streaming(DATES, o), `dates ${dayFirst}`);
      expect(t.findings.filter((f) => f.id === 'not-evaluated')).toEqual([]);
    });
  }

  it('per-cell kinds, readings and slash-date evidence of tricky dates equal the value parser', async () => {
    // (and with a numeric missing-value token: the same number in other spellings is missing too)
    for (const [dayFirst, na] of [[null, []], [true, []], [null, ['-999']]] as const) {
      const client = clickhouseClient({ url: `http://${ch.url}`, user: 'default', password: 'dq-test-pw', database: 'tricky', table: 'tricky.dist', timeoutMs: 30_000 });
      try {
        await cellsAgree(client, dayFirst, [...na]);
      } finally {
        await client.close();
      }
    }
  });

  it('value and expression rules', async () => {
    const o = options({ checks: { rules: RULES as never } });
    const t = await auditTable(parseTableUrl(`clickhouse://${ch.url}/penguins.dist`, { env }), { options: o, checks: [...PUSHED_CHECKS, 'rules'], skipChecks: [], rules: RULES, timeoutMs: 60_000 });
    compareReports(t, await streaming(PENGUINS, o, RULES), 'rules');
  });

  it('authentication failure is an InputError; the password is redacted', async () => {
    const src = parseTableUrl(`clickhouse://default:nope@${ch.url}/penguins.dist`, { env: {} });
    expect(src.display).toContain('***');
    const err = await auditTable(src, { options: options(), checks: null, skipChecks: [], timeoutMs: 10_000 }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).not.toContain('nope');
  });

  it('hostile names are quoted and requests are read-only', async () => {
    await ch.query('CREATE DATABASE IF NOT EXISTS `x;--`');
    await ch.query("CREATE TABLE `x;--`.`t``'\\\\` (`a``b` Nullable(String), `c'd;--` Nullable(String)) ENGINE = MergeTree() ORDER BY tuple()");
    await ch.query("INSERT INTO `x;--`.`t``'\\\\` FORMAT CSV", '1,x\n1,x\n');
    const t = await auditTable(parseTableUrl(`clickhouse://${ch.url}/${encodeURIComponent("x;--.t`'\\")}`, { env }), { options: options(), checks: PUSHED_CHECKS, skipChecks: [], timeoutMs: 10_000 });
    expect(t.columns.map((c) => c.name)).toEqual(['a`b', "c'd;--"]);
    expect(t.duplicates.rows).toBe(1);
  });
});
