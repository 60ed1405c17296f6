/** Plugins: where they may come from, shape validation, and the guard (time limits, exceptions). */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { BatchView, Checker, FinalizeContext } from '../../src/core/types.js';
import { CHECKERS } from '../../src/checks/registry.js';
import { buildRequest } from '../../src/cli/audit.js';
import { audit } from '../../src/engine/audit.js';
import { guardChecker, loadPlugins, validateChecker } from '../../src/plugins/load.js';
import { runDq, tmpFile, tempDir } from '../helpers.js';

const dir = tempDir('dq-plugins-');
function plugin(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
}

// a correct checker: counts negative numbers per column
const GOOD = `
export default {
  meta: { id: 'negatives', dimension: 'validity', description: 'Negative numbers.', default: false },
  init: () => ({ n: {} }),
  update(s, b) {
    b.columns.forEach((name, c) => {
      const v = b.views[c];
      for (let i = 0; i < b.length; i++) if ((v.kind[i] === 1 || v.kind[i] === 2) && v.num[i] < 0) s.n[name] = (s.n[name] ?? 0) + 1;
    });
  },
  merge(a, b) { for (const [k, v] of Object.entries(b.n)) a.n[k] = (a.n[k] ?? 0) + v; return a; },
  finalize(s) {
    return { findings: Object.entries(s.n).map(([column, n]) => ({
      check: 'negatives', id: 'negative', dimension: 'validity', severity: 'warn', column,
      message: column + ': ' + n + ' negative values', count: n, examples: [] })) };
  },
};
`;
const GOOD_PATH = plugin('good.mjs', GOOD);

const THROWS_IN_UPDATE = plugin(
  'throws.mjs',
  `export default { meta: { id: 'thrower', dimension: null, description: '' },
    init: () => ({}), update() { throw new TypeError('boom in update\\n  at somewhere'); },
    merge: (a) => a, finalize: () => ({ findings: [] }) };`,
);

const SLOW = plugin(
  'slow.mjs',
  `globalThis.__slowCalls = 0;
  export default { meta: { id: 'slow', dimension: null, description: '' },
    init: () => ({}),
    update() { globalThis.__slowCalls++; const t = Date.now(); while (Date.now() - t < 60) {} },
    merge: (a) => a, finalize: () => ({ findings: [{ id: 'never', message: 'should not appear', severity: 'info', count: 0, examples: [] }] }) };`,
);

const NAMED = plugin(
  'named.mjs',
  `export const checkers = [
     { meta: { id: 'one' }, init: () => 0, update() {}, merge: (a) => a, finalize: () => ({ findings: [] }) },
     { meta: { id: 'two' }, init: () => 0, update() {}, merge: (a) => a, finalize: () => ({ findings: [{ id: 'hello', message: 'hi' }] }) },
   ];`,
);

const CSV = 'a,b\n1,-2\n-3,4\n5,6\n-7,-8\n';

async function auditWith(plugins: Checker[], csv = CSV) {
  const path = tmpFile('data.csv', csv);
  const req = buildRequest([path], { format: 'json' } as never);
  req.extraCheckers = plugins;
  return audit(req);
}

describe('loadPlugins: where plugins come from', () => {
  it('loads a plugin named on the command line (absolute or relative to cwd) and runs it in an audit', async () => {
    const rel = relative(process.cwd(), GOOD_PATH);
    for (const p of [GOOD_PATH, rel]) {
      const [c] = await loadPlugins([p], { fromConfig: false, allow: false });
      expect(c!.meta.id).toBe('negatives');
      const r = await auditWith([c!]);
      expect(r.checks).toContain('negatives');
      const f = r.findings.filter((x) => x.check === 'negatives');
      expect(f.map((x) => [x.column, x.count]).sort()).toEqual([
        ['a', 2],
        ['b', 2],
      ]);
    }
  });

  it('refuses config plugins without --allow-plugins (a config alone must not run code)', async () => {
    const err = await loadPlugins([GOOD_PATH], { fromConfig: true, allow: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as Error).message).toContain('--allow-plugins');
  });

  it('loads config plugins with --allow-plugins', async () => {
    const cs = await loadPlugins([GOOD_PATH], { fromConfig: true, allow: true });
    expect(cs.map((c) => c.meta.id)).toEqual(['negatives']);
  });

  it('an empty list needs nothing', async () => {
    expect(await loadPlugins([], { fromConfig: true, allow: false })).toEqual([]);
  });

  it('loads several checkers from named exports', async () => {
    const cs = await loadPlugins([NAMED], { fromConfig: false, allow: false });
    expect(cs.map((c) => c.meta.id)).toEqual(['one', 'two']);
    const r = await auditWith(cs);
    const f = r.findings.find((x) => x.check === 'two')!;
    // optional fields are filled so reporters and the schema get complete findings
    expect(f).toMatchObject({ id: 'hello', check: 'two', severity: 'warn', column: null, dimension: null, count: 0, examples: [] });
  });
});

describe('loadPlugins: bad plugins are usage errors (exit 2) that say what is wrong', () => {
  const cases: [string, string, RegExp][] = [
    ['no-id.mjs', `export default { meta: {}, init(){}, update(){}, merge(){}, finalize(){} };`, /meta\.id must be a non-empty string/],
    ['no-meta.mjs', `export default { init(){}, update(){}, merge(){}, finalize(){} };`, /meta is missing/],
    ['bad-id.mjs', `export default { meta: { id: 'a b' }, init(){}, update(){}, merge(){}, finalize(){} };`, /may only hold/],
    ['no-update.mjs', `export default { meta: { id: 'x' }, init(){}, update: 3, merge(){}, finalize(){} };`, /update must be a function/],
    ['no-fns.mjs', `export default { meta: { id: 'x' } };`, /init, update, merge, finalize must be functions/],
    ['bad-dim.mjs', `export default { meta: { id: 'x', dimension: 'beauty' }, init(){}, update(){}, merge(){}, finalize(){} };`, /meta\.dimension/],
    ['nothing.mjs', `export const unrelated = 1;`, /exports no checker/],
    ['string.mjs', `export default 'checker';`, /expected an object, got string/],
    ['syntax.mjs', `export default { meta: { id: 'x' }, `, /cannot load the module/],
    ['throws-on-import.mjs', `throw new Error('no import for you');`, /cannot load the module: no import for you/],
  ];
  it.each(cases)('%s', async (name, body, re) => {
    const p = plugin(name, body);
    const err = await loadPlugins([p], { fromConfig: false, allow: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).toContain('--plugin');
    expect((err as Error).message).toContain(name);
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('a missing file', async () => {
    const err = await loadPlugins(['./no/such/plugin.js'], { fromConfig: false, allow: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/--plugin \.\/no\/such\/plugin\.js: no such file/);
  });

  it('an id that is already taken by a built-in checker or another plugin', async () => {
    const dup = plugin('dup.mjs', `export default { meta: { id: 'outliers' }, init(){}, update(){}, merge(){}, finalize(){} };`);
    const ids = CHECKERS.map((c) => c.meta.id);
    await expect(loadPlugins([dup], { fromConfig: false, allow: false, reservedIds: ids })).rejects.toThrow(/already taken/);
    await expect(loadPlugins([GOOD_PATH, GOOD_PATH], { fromConfig: false, allow: false })).rejects.toThrow(/already taken/);
  });

  it('a module whose import never finishes', async () => {
    const hang = plugin('hang.mjs', `await new Promise(() => {}); export default {};`);
    const err = await loadPlugins([hang], { fromConfig: false, allow: false, importTimeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/took more than 200 ms/);
  });
});

describe('guardChecker: a failing plugin is a failed check, never a crash', () => {
  it('an exception in update becomes one check-failed finding (error) and the audit completes', async () => {
    const cs = await loadPlugins([THROWS_IN_UPDATE, GOOD_PATH], { fromConfig: false, allow: false });
    const r = await auditWith(cs);
    const failed = r.findings.filter((f) => f.id === 'check-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ check: 'thrower', severity: 'error', dimension: null, count: 1 });
    expect(failed[0]!.message).toMatch(/plugin thrower threw in update: boom in update/);
    expect(failed[0]!.message).not.toMatch(/\n/);
    // the other plugin and the built-in checks still report
    expect(r.findings.some((f) => f.check === 'negatives')).toBe(true);
    expect(r.rows).toBe(4);
  });

  it('a slow update stops being called once over the per-call budget, and finalize says why', async () => {
    (globalThis as Record<string, unknown>).__slowCalls = 0;
    const [slow] = await loadPlugins([SLOW], { fromConfig: false, allow: false, limits: { msPerCall: 20 } });
    // many small batches: 300 rows in batches of 10 would be 30 update calls without the guard
    const g = slow!;
    const st = g.init({ options: {} as never });
    for (let i = 0; i < 30; i++) g.update(st, { columns: [], data: [], length: 0, firstRow: 1, lines: null, views: [] } as BatchView);
    expect((globalThis as Record<string, unknown>).__slowCalls).toBe(1);
    const res = g.finalize(st, {} as FinalizeContext);
    expect(res.findings).toHaveLength(1);
    expect(res.findings[0]).toMatchObject({ id: 'check-failed', check: 'slow', severity: 'error' });
    expect(res.findings[0]!.message).toMatch(/plugin slow exceeded its time limit/);
    expect(res.findings[0]!.message).toMatch(/limit 20 ms per call/);
  });

  it('the total budget: many short calls that add up', () => {
    let calls = 0;
    const c: Checker<number> = {
      meta: { id: 'drip', dimension: null, description: '', default: true },
      init: () => 0,
      update() {
        calls++;
        const t = performance.now();
        while (performance.now() - t < 5) {}
      },
      merge: (a) => a,
      finalize: () => ({ findings: [] }),
    };
    const g = guardChecker(c, { msPerCall: 1000, msTotal: 30 });
    const st = g.init({ options: {} as never });
    for (let i = 0; i < 100; i++) g.update(st, {} as BatchView);
    // each call takes at least 5 ms, so the 30 ms budget is spent after at most 7 calls (fewer on a busy machine)
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(7);
    const f = g.finalize(st, {} as FinalizeContext).findings[0]!;
    expect(f.id).toBe('check-failed');
    expect(f.message).toMatch(/exceeded its time limit: \d+ ms in total \(limit 30 ms\)/);
  });

  it('a slow plugin in a real audit: the run finishes and reports the plugin as failed', async () => {
    (globalThis as Record<string, unknown>).__slowCalls = 0;
    const [slow] = await loadPlugins([SLOW], { fromConfig: false, allow: false, limits: { msPerCall: 20 } });
    const t0 = performance.now();
    const r = await auditWith([slow!], 'a\n' + '1\n'.repeat(200_000));
    expect(performance.now() - t0).toBeLessThan(20_000);
    const f = r.findings.find((x) => x.check === 'slow')!;
    expect(f.id).toBe('check-failed');
    expect(r.findings.some((x) => x.id === 'never')).toBe(false);
    expect((globalThis as Record<string, unknown>).__slowCalls).toBe(1);
  });

  const base = (over: Partial<Checker<unknown>>): Checker<unknown> => ({
    meta: { id: 'p', dimension: null, description: '', default: true },
    init: () => ({}),
    update() {},
    merge: (a) => a,
    finalize: () => ({ findings: [] }),
    ...over,
  });

  it.each<[string, Partial<Checker<unknown>>, RegExp]>([
    [
      'init throws',
      {
        init: () => {
          throw new Error('no init');
        },
      },
      /threw in init: no init/,
    ],
    [
      'finalize throws',
      {
        finalize: () => {
          throw new RangeError('bad finalize');
        },
      },
      /threw in finalize: bad finalize/,
    ],
    [
      'merge throws',
      {
        merge: () => {
          throw new Error('no merge');
        },
      },
      /threw in merge: no merge/,
    ],
    [
      'throws a non-Error',
      {
        update: () => {
          throw 'a string';
        },
      },
      /threw in update: a string/,
    ],
    ['finalize returns nothing', { finalize: () => undefined as never }, /invalid result: expected \{ findings/],
    ['finalize returns bad findings', { finalize: () => ({ findings: [{ id: 3 }] }) as never }, /findings\[0\]\.id/],
    ['finalize has a bad severity', { finalize: () => ({ findings: [{ id: 'x', message: 'm', severity: 'fatal' }] }) as never }, /severity/],
    ['finalize is async', { finalize: (async () => ({ findings: [] })) as never }, /returned a Promise; checker phases must be synchronous/],
    ['update is async and rejects', { update: (async () => { throw new Error('later'); }) as never }, /update returned a Promise/],
    [
      'metrics not serialisable',
      {
        finalize: () => {
          const m: Record<string, unknown> = {};
          m.self = m;
          return { findings: [], metrics: m };
        },
      },
      /not JSON-serialisable/,
    ],
  ])('%s -> check-failed', (_name, over, re) => {
    const g = guardChecker(base(over));
    const a = g.init({ options: {} as never });
    g.update(a, {} as BatchView);
    const b = g.init({ options: {} as never });
    const m = g.merge(a, b);
    const res = g.finalize(m, {} as FinalizeContext);
    expect(res.findings).toHaveLength(1);
    expect(res.findings[0]).toMatchObject({ id: 'check-failed', check: 'p', severity: 'error', count: 1 });
    expect(res.findings[0]!.message).toMatch(re);
  });

  it('a healthy checker is unchanged by the guard (merge of split states = one pass)', () => {
    const sum: Checker<{ s: number }> = {
      meta: { id: 'sum', dimension: null, description: '', default: true },
      init: () => ({ s: 0 }),
      update: (st, b) => void (st.s += b.length),
      merge: (a, b) => ({ s: a.s + b.s }),
      finalize: (st) => ({ findings: [{ check: 'sum', id: 'total', dimension: null, severity: 'info', column: null, message: `${st.s}`, count: st.s, examples: [] }] }),
    };
    const g = guardChecker(sum);
    const one = g.init({ options: {} as never });
    const x = g.init({ options: {} as never });
    const y = g.init({ options: {} as never });
    for (const n of [3, 4, 5]) g.update(one, { length: n } as BatchView);
    g.update(x, { length: 3 } as BatchView);
    for (const n of [4, 5]) g.update(y, { length: n } as BatchView);
    const a = g.finalize(one, {} as FinalizeContext).findings[0]!;
    const b = g.finalize(g.merge(x, y), {} as FinalizeContext).findings[0]!;
    expect(a.count).toBe(12);
    expect(b.count).toBe(12);
  });

  it('validateChecker normalises meta (default: true, description, dimension)', () => {
    const c = validateChecker({ meta: { id: 'x' }, init() {}, update() {}, merge() {}, finalize() {} }, 'x.js');
    expect(c.meta).toEqual({ id: 'x', dimension: null, description: '', default: true });
  });
});

describe('CLI wiring (runs once the integrator adds --plugin / --allow-plugins)', () => {
  const help = runDq(['audit', '--help']).stdout ?? '';
  const wired = help.includes('--plugin');
  it.skipIf(!wired)('dq audit --plugin runs the plugin; a throwing plugin is a failed check, exit 0', () => {
    const data = tmpFile('d.csv', CSV);
    const r = runDq(['audit', data, '--format', 'json', '--no-config', '--plugin', GOOD_PATH, '--plugin', THROWS_IN_UPDATE]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.checks).toEqual(expect.arrayContaining(['negatives', 'thrower']));
    expect(rep.findings.find((f: { check: string }) => f.check === 'thrower').id).toBe('check-failed');
  });

  it.skipIf(!wired)('a config plugins: list needs --allow-plugins (exit 2 naming the flag)', () => {
    const cfgDir = tempDir('dq-plug-cfg-');
    const cfg = join(cfgDir, 'dq.yml');
    writeFileSync(cfg, `version: 1\nplugins: [${JSON.stringify(GOOD_PATH)}]\n`);
    const data = tmpFile('d.csv', CSV);
    const r = runDq(['audit', data, '--format', 'json', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--allow-plugins/);
    const ok = runDq(['audit', data, '--format', 'json', '--config', cfg, '--allow-plugins']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).checks).toContain('negatives');
  });
});
