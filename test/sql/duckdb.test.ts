import { afterAll, describe, expect, it } from 'vitest';
import { auditTable, parseTableUrl } from '../../src/engine/sql/table.js';
import { compareReports, generatedCsv, options, PENGUINS, PUSHED_CHECKS, streaming, tmp, WEATHER } from './servers.js';

const dir = tmp();
const GEN = generatedCsv(dir);

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
});
