/**
 * Third-party checkers ("plugins").
 *
 * Where they come from: only paths named on the command line (`--plugin ./my-check.js`, repeatable), or the
 * config file's `plugins:` list when `--allow-plugins` is given. A config file arriving in a pull request must
 * not be able to run code in CI by itself, so config plugins without the flag are a usage error (exit 2).
 *
 * What a plugin module exports: a checker (README "Adding a checker") as its default export, or an array of
 * them, or named exports `checker` / `checkers`. Each is validated (meta.id a non-empty string of letters,
 * digits, `-`, `_`, `.`; init/update/merge/finalize functions) and then wrapped by `guardChecker`.
 *
 * The guard: JavaScript cannot pre-empt a synchronous call, so each call is timed after it returns. A call
 * longer than `msPerCall` or a running total above `msTotal` marks the plugin as failed; it is not called again,
 * and its finalize returns one `check-failed` finding (severity error) with the reason. An exception thrown
 * by the plugin in any phase (init, update, merge, finalize), or a malformed finalize result, does the same.
 * The audit itself always completes.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { UsageError } from '../errors.js';
import { DIMENSIONS, type Checker, type CheckResult, type Dimension, type Finding } from '../core/types.js';

export interface GuardLimits {
  /** Longest a single call may take, in ms (default 2000). */
  msPerCall?: number;
  /** Total time over all calls of one plugin, in ms (default 60000). */
  msTotal?: number;
}

export interface LoadOptions {
  /** The paths come from the config file's `plugins:` list (they need `allow`). */
  fromConfig: boolean;
  /** `--allow-plugins` was given. */
  allow: boolean;
  /** Time limits for every call (defaults: 2 s per call, 60 s in total). */
  limits?: GuardLimits;
  /** Ids already taken (built-in checkers); a plugin may not reuse one. */
  reservedIds?: Iterable<string>;
  /** Base folder for relative paths (default: process.cwd()). */
  cwd?: string;
  /** How long importing one module may take before it is given up, in ms (default 10000). */
  importTimeoutMs?: number;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const PHASES = ['init', 'update', 'merge', 'finalize'] as const;

/** Import, validate and guard every plugin in `paths` (in order). */
export async function loadPlugins(paths: string[], opts: LoadOptions): Promise<Checker[]> {
  if (paths.length === 0) return [];
  if (opts.fromConfig && !opts.allow) {
    throw new UsageError(
      `the config file lists plugins (${paths.join(', ')}) but plugins run code: pass --allow-plugins to load them ` +
        '(or name them with --plugin); a config file alone never loads code',
    );
  }
  const flag = opts.fromConfig ? 'plugins:' : '--plugin';
  const taken = new Set<string>(opts.reservedIds ?? []);
  const out: Checker[] = [];
  for (const p of paths) {
    const abs = isAbsolute(p) ? p : resolve(opts.cwd ?? process.cwd(), p);
    if (!existsSync(abs)) throw new UsageError(`${flag} ${p}: no such file (${abs})`);
    if (!statSync(abs).isFile()) throw new UsageError(`${flag} ${p}: not a file`);
    const mod = await importWithTimeout(abs, p, flag, opts.importTimeoutMs ?? 10_000);
    const found = checkersOf(mod);
    if (found.length === 0) {
      throw new UsageError(
        `${flag} ${p}: exports no checker; export default { meta: { id, dimension, description }, init, update, merge, finalize } (see README "Adding a checker")`,
      );
    }
    for (const c of found) {
      const checker = validateChecker(c, p, flag);
      if (taken.has(checker.meta.id)) throw new UsageError(`${flag} ${p}: checker id '${checker.meta.id}' is already taken; give the plugin another meta.id`);
      taken.add(checker.meta.id);
      out.push(guardChecker(checker, opts.limits ?? {}));
    }
  }
  return out;
}

async function importWithTimeout(abs: string, p: string, flag: string, ms: number): Promise<Record<string, unknown>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UsageError(`${flag} ${p}: loading the module took more than ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return (await Promise.race([import(pathToFileURL(abs).href), timeout])) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new UsageError(`${flag} ${p}: cannot load the module: ${msg.split('\n')[0]}`);
  } finally {
    clearTimeout(timer);
  }
}

function checkersOf(mod: Record<string, unknown>): unknown[] {
  const pick = (v: unknown): unknown[] => (Array.isArray(v) ? v : v !== undefined && v !== null ? [v] : []);
  const def = mod.default;
  // `export default` of a CommonJS module may be { default: ... }
  const d = def && typeof def === 'object' && !('meta' in def) && 'default' in def ? (def as { default: unknown }).default : def;
  const fromDefault = pick(d);
  if (fromDefault.length) return fromDefault;
  return [...pick(mod.checker), ...pick(mod.checkers)];
}

/** Check a plugin's shape; returns a checker with normalised meta, or throws a UsageError saying what is wrong. */
export function validateChecker(c: unknown, p: string, flag = '--plugin'): Checker {
  const bad = (what: string): never => {
    throw new UsageError(`${flag} ${p}: not a valid checker: ${what} (see README "Adding a checker")`);
  };
  if (!c || typeof c !== 'object') return bad(`expected an object, got ${c === null ? 'null' : typeof c}`);
  const o = c as Record<string, unknown>;
  const meta = o.meta as Record<string, unknown> | undefined;
  if (!meta || typeof meta !== 'object') return bad('meta is missing');
  if (typeof meta.id !== 'string' || meta.id === '') return bad('meta.id must be a non-empty string');
  if (!ID_RE.test(meta.id)) return bad(`meta.id '${meta.id}' may only hold letters, digits, '-', '_' and '.'`);
  if (meta.dimension !== undefined && meta.dimension !== null && !DIMENSIONS.includes(meta.dimension as Dimension)) {
    return bad(`meta.dimension must be null or one of ${DIMENSIONS.join(', ')}, got ${JSON.stringify(meta.dimension)}`);
  }
  if (meta.description !== undefined && typeof meta.description !== 'string') return bad('meta.description must be a string');
  const missing = PHASES.filter((k) => typeof o[k] !== 'function');
  if (missing.length) return bad(`${missing.join(', ')} must be ${missing.length > 1 ? 'functions' : 'a function'}`);
  return {
    meta: {
      id: meta.id,
      dimension: (meta.dimension as Dimension | null | undefined) ?? null,
      description: (meta.description as string | undefined) ?? '',
      default: true,
    },
    init: (o.init as Checker['init']).bind(c),
    update: (o.update as Checker['update']).bind(c),
    merge: (o.merge as Checker['merge']).bind(c),
    finalize: (o.finalize as Checker['finalize']).bind(c),
  };
}

/** The state of a guarded checker: the plugin's own state plus the guard's bookkeeping. */
export interface Guarded {
  inner: unknown;
  /** Why the plugin was stopped (null while it is healthy). */
  failure: { phase: string; reason: string } | null;
  /** Time spent in the plugin so far, ms. */
  ms: number;
  calls: number;
}

function isThenable(v: unknown): boolean {
  return !!v && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

function errText(e: unknown): string {
  const m = e instanceof Error ? e.message || e.name : String(e);
  return m.replace(/[\r\n]+/g, ' ').slice(0, 500);
}

/**
 * Wrap a checker so that it can neither crash nor stall the audit: every call is timed and every exception
 * caught; once the plugin failed (threw, or went over `msPerCall` in one call or `msTotal` overall) it is not
 * called again and its finalize returns a `check-failed` finding naming the reason.
 */
export function guardChecker<S>(c: Checker<S>, limits: GuardLimits = {}): Checker<Guarded> {
  const msPerCall = limits.msPerCall ?? 2000;
  const msTotal = limits.msTotal ?? 60_000;
  const id = c.meta.id;

  function call<T>(g: Guarded, phase: string, fn: () => T): T | undefined {
    if (g.failure) return undefined;
    const t0 = performance.now();
    let result: T | undefined;
    try {
      result = fn();
      if (isThenable(result)) {
        // an async phase cannot be awaited by the engine; silence its rejection and fail the plugin
        (result as unknown as Promise<unknown>).then(undefined, () => {});
        g.failure = { phase, reason: `plugin ${id} ${phase} returned a Promise; checker phases must be synchronous` };
        result = undefined;
      }
    } catch (e) {
      g.failure = { phase, reason: `plugin ${id} threw in ${phase}: ${errText(e)}` };
      result = undefined;
    }
    const dt = performance.now() - t0;
    g.ms += dt;
    g.calls++;
    if (!g.failure && dt > msPerCall) {
      g.failure = { phase, reason: `plugin ${id} exceeded its time limit: one ${phase} call took ${Math.round(dt)} ms (limit ${msPerCall} ms per call)` };
      result = undefined;
    } else if (!g.failure && g.ms > msTotal) {
      g.failure = { phase, reason: `plugin ${id} exceeded its time limit: ${Math.round(g.ms)} ms in total (limit ${msTotal} ms)` };
      result = undefined;
    }
    return result;
  }

  function failed(g: Guarded): CheckResult {
    const f = g.failure!;
    return {
      findings: [
        {
          check: id,
          id: 'check-failed',
          dimension: null,
          severity: 'error',
          column: null,
          message: `check ${id} failed: ${f.reason}`,
          count: 1,
          examples: [],
          data: { plugin: true, phase: f.phase, reason: f.reason, ms: Math.round(g.ms), calls: g.calls },
        },
      ],
    };
  }

  return {
    meta: { ...c.meta },
    init(ctx) {
      const g: Guarded = { inner: undefined, failure: null, ms: 0, calls: 0 };
      g.inner = call(g, 'init', () => c.init(ctx));
      return g;
    },
    update(g, batch) {
      call(g, 'update', () => c.update(g.inner as S, batch));
    },
    merge(a, b) {
      const out: Guarded = { inner: a.inner, failure: a.failure ?? b.failure, ms: a.ms + b.ms, calls: a.calls + b.calls };
      if (!out.failure) out.inner = call(out, 'merge', () => c.merge(a.inner as S, b.inner as S));
      return out;
    },
    finalize(g, ctx) {
      if (g.failure) return failed(g);
      const r = call(g, 'finalize', () => c.finalize(g.inner as S, ctx));
      if (g.failure) return failed(g);
      const problem = resultProblem(r);
      if (problem) {
        g.failure = { phase: 'finalize', reason: `plugin ${id} finalize returned an invalid result: ${problem}` };
        return failed(g);
      }
      return normaliseResult(r as CheckResult, id);
    },
  };
}

const SEVERITIES = new Set(['info', 'warn', 'error']);

function resultProblem(r: unknown): string | null {
  if (!r || typeof r !== 'object') return `expected { findings: [...] }, got ${r === null ? 'null' : typeof r}`;
  const o = r as Record<string, unknown>;
  if (!Array.isArray(o.findings)) return 'findings must be an array';
  for (const [i, f] of (o.findings as unknown[]).entries()) {
    if (!f || typeof f !== 'object') return `findings[${i}] is not an object`;
    const x = f as Record<string, unknown>;
    if (typeof x.id !== 'string' || x.id === '') return `findings[${i}].id must be a non-empty string`;
    if (typeof x.message !== 'string') return `findings[${i}].message must be a string`;
    if (x.severity !== undefined && !SEVERITIES.has(x.severity as string)) return `findings[${i}].severity must be info, warn or error`;
    if (x.count !== undefined && !(typeof x.count === 'number' && Number.isFinite(x.count))) return `findings[${i}].count must be a number`;
    if (x.dimension !== undefined && x.dimension !== null && !DIMENSIONS.includes(x.dimension as Dimension)) return `findings[${i}].dimension is not a dimension`;
    if (x.examples !== undefined && !Array.isArray(x.examples)) return `findings[${i}].examples must be an array`;
  }
  if (o.tallies !== undefined && (o.tallies === null || typeof o.tallies !== 'object')) return 'tallies must be an object';
  if (o.metrics !== undefined && (o.metrics === null || typeof o.metrics !== 'object')) return 'metrics must be an object';
  try {
    JSON.stringify(o.findings);
    if (o.metrics !== undefined) JSON.stringify(o.metrics);
  } catch (e) {
    return `not JSON-serialisable (${errText(e)})`;
  }
  return null;
}

/** Fill the optional fields of a plugin's findings so reporters and the JSON schema get complete findings. */
function normaliseResult(r: CheckResult, id: string): CheckResult {
  const findings: Finding[] = r.findings.map((f) => ({
    ...f,
    check: typeof f.check === 'string' && f.check ? f.check : id,
    dimension: f.dimension ?? null,
    severity: f.severity ?? 'warn',
    column: typeof f.column === 'string' ? f.column : null,
    count: typeof f.count === 'number' ? f.count : 0,
    examples: (f.examples ?? []).slice(0, 5).map((e) => ({
      row: typeof e?.row === 'number' ? e.row : null,
      line: typeof e?.line === 'number' ? e.line : null,
      value: e?.value === null || e?.value === undefined ? null : String(e.value),
    })),
  }));
  return { ...r, findings };
}
