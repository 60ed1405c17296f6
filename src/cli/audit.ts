/** `dq audit` and `dq profile`: flags -> request -> engine -> reporters -> exit code. */
import { promises as fsp } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError, UsageError, EXIT, renameInputIn } from '../errors.js';
import type { Report } from '../core/types.js';
import { audit, type AuditRequest } from '../engine/audit.js';
import { expandInputs } from '../io/inputs.js';
import type { ConfigOverrides } from '../config/index.js';
import { auditOptions, list, parseFormat, parsePositiveInt, readerOptions, type CommonFlags } from './options.js';
import { Progress } from './progress.js';
import { assertNotInput, isSpecialFile } from '../io/writers/atomic.js';

export interface AuditFlags extends CommonFlags {
  format: string;
  output?: string;
  report?: string[];
  checks?: string;
  skipChecks?: string;
  columns?: string;
  excludeColumns?: string;
  strict?: boolean;
  sample?: string;
  seed?: string;
  quiet?: boolean;
  config?: string | false;
  failUnder?: string;
  failUnderDimension?: string;
  maxWarnings?: string;
  failOn?: 'warn' | 'error';
  baseline?: string;
  history?: string;
  expectSha256?: string;
  quasiIdentifiers?: string;
  k?: string;
  sensitive?: string;
  plugin?: string[];
  allowPlugins?: boolean;
  maxMemory?: string;
  invalidRows?: string;
  threads?: string;
  engine?: string;
  table?: string;
  passwordFile?: string;
  timeout?: string;
}

/** Which flags the user gave (so a config file can fill the others). */
export type GivenFlag = (name: string) => boolean;

type Renderer = (r: Report, toTty: boolean) => Promise<string>;

const RENDERERS: Record<string, Renderer> = {
  json: async (r) => (await import('../report/json.js')).renderJson(r),
  terminal: async (r, tty) => {
    const { renderTerminal } = await import('../report/terminal.js');
    const color = tty && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
    return renderTerminal(r, { color, unicode: unicodeOk(), width: process.stdout.columns ?? 100 });
  },
  markdown: async (r) => (await import('../report/markdown.js')).renderMarkdown(r),
  junit: async (r) => (await import('../report/junit.js')).renderJunit(r),
  github: async (r) => (await import('../report/github.js')).renderGithub(r),
  html: async (r) => (await import('../report/html.js')).renderHtml(r),
};

function unicodeOk(): boolean {
  if (process.platform === 'win32') return Boolean(process.env.WT_SESSION);
  const lang = `${process.env.LC_ALL ?? ''}${process.env.LC_CTYPE ?? ''}${process.env.LANG ?? ''}`;
  return lang === '' || /utf-?8/i.test(lang);
}

export function buildRequest(
  files: string[],
  flags: AuditFlags,
  config: ConfigOverrides | null = null,
  given: GivenFlag = (n) => (flags as unknown as Record<string, unknown>)[n] !== undefined,
): AuditRequest {
  const sampleSize = parsePositiveInt('--sample', flags.sample);
  const reader = readerOptions(flags);
  const options = auditOptions(flags);
  // the config file fills what the flags did not say
  if (config) {
    if (!given('delimiter') && config.reader.delimiter !== undefined) reader.delimiter = config.reader.delimiter;
    if (!given('header') && config.reader.header !== undefined) reader.header = config.reader.header;
    if (!given('encoding') && config.reader.encoding !== undefined) reader.encoding = config.reader.encoding;
    if (!given('naValues') && !given('extraNaValues') && config.naValues) options.naValues = new Set(config.naValues);
    if (!given('decimal') && config.decimalComma !== undefined) options.decimalComma = config.decimalComma;
    if (!given('dayfirst') && config.dayFirst !== undefined) options.dayFirst = config.dayFirst;
    options.types = { ...(config.types ?? {}), ...options.types };
    if (!given('key') && config.keyColumns) options.keyColumns = config.keyColumns;
    for (const [id, o] of Object.entries(config.checkOptions)) options.checks[id] = { ...o, ...(options.checks[id] ?? {}) };
  }
  const qi = list(flags.quasiIdentifiers);
  if (flags.sensitive && !qi) throw new UsageError('--sensitive needs --quasi-identifiers');
  if (qi) {
    options.checks.privacy = {
      quasiIdentifiers: qi,
      k: parsePositiveInt('--k', flags.k, 2) ?? 5,
      ...(flags.sensitive ? { sensitive: flags.sensitive } : {}),
    };
  }
  return {
    inputs: files.map((path) => ({ path })),
    format: parseFormat(flags.inputFormat),
    reader,
    options,
    checks: list(flags.checks) ?? config?.checks ?? null,
    skipChecks: [...(list(flags.skipChecks) ?? []), ...(config?.skipChecks ?? [])],
    columns: list(flags.columns),
    excludeColumns: list(flags.excludeColumns) ?? [],
    strict: Boolean(flags.strict),
    sample: sampleSize ? { size: sampleSize, seed: parsePositiveInt('--seed', flags.seed, 0) ?? 42 } : null,
    ...(flags.threads !== undefined ? { threads: parsePositiveInt('--threads', flags.threads) } : {}),
  };
}

/** Write a file atomically: a temporary file in the same folder, then rename (a device or pipe is written to). */
export async function writeAtomic(dest: string, content: string): Promise<void> {
  if (await isSpecialFile(dest)) {
    await fsp.writeFile(dest, content).catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot write ${dest}: ${e.code ?? e.message}`);
    });
    return;
  }
  const tmp = join(dirname(dest), `.dq-tmp-${process.pid}-${randomBytes(4).toString('hex')}-${basename(dest)}`);
  try {
    await fsp.writeFile(tmp, content);
    await fsp.rename(tmp, dest);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => {});
    throw new UsageError(`cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function parseReportSpecs(specs: string[] = []): { format: string; file: string }[] {
  return specs.map((s) => {
    const i = s.indexOf('=');
    if (i <= 0) throw new UsageError(`--report expects FORMAT=FILE, got '${s}'`);
    const format = s.slice(0, i);
    if (!RENDERERS[format]) throw new UsageError(`--report: unknown format '${format}'; use ${Object.keys(RENDERERS).join(', ')}`);
    return { format, file: s.slice(i + 1) };
  });
}

export async function runAudit(files: string[], flags: AuditFlags, mode: 'audit' | 'profile', given?: GivenFlag): Promise<number> {
  const extra = parseReportSpecs(flags.report);
  if (!RENDERERS[flags.format]) throw new UsageError(`--format: unknown format '${flags.format}'`);
  if (files.includes('-') && files.length > 1) throw new UsageError('stdin (-) cannot be combined with other inputs');
  const { loadConfig, configToOptions } = await import('../config/index.js');
  const loaded = flags.config === false ? null : await loadConfig(flags.config ?? null, process.cwd());
  const overrides = loaded ? configToOptions(loaded.config) : null;
  // the config is checked whole: a mistake in its clean: section is found by dq check in CI, not by a later dq clean
  if (loaded && loaded.config.clean !== undefined) {
    const { cleanBaseFromConfig } = await import('./clean-config.js');
    await cleanBaseFromConfig(loaded.file);
  }
  const req = buildRequest(files, flags, overrides, given);
  const { isTableUrl } = await import('../engine/sql/table.js');
  const tableSource = files.length === 1 && (isTableUrl(files[0]!) || flags.engine !== undefined);
  if (!tableSource) {
    req.inputs = await resolveInputs(files);
    // the input is never overwritten (or appended to): every file dq writes must be another file, checked
    // before the audit so that nothing is read in vain
    const inputs = req.inputs.map((i) => i.path);
    const reports = [flags.output, ...extra.map((r) => r.file)].filter((d) => d !== '-'); // (-: stdout)
    for (const dest of [...reports, flags.history, flags.invalidRows]) {
      if (dest !== undefined) assertNotInput(dest, inputs);
    }
  }
  // --invalid-rows reads the input twice: spool stdin first
  let spooled: string | null = null;
  if (flags.invalidRows && files.length === 1 && files[0] === '-') {
    const { spoolStdin } = await import('../io/source.js');
    spooled = await spoolStdin();
    req.inputs = [{ path: spooled }];
  }
  const gateFlags = await gateFlagsFrom(flags);
  req.extraCheckers = [];
  if (overrides?.extraChecks.includes('rules') || loaded) {
    const { rulesChecker } = await import('../gate/index.js');
    req.extraCheckers.push(rulesChecker);
  }
  // third-party checkers: from the command line, or from the config only with --allow-plugins
  if (flags.plugin?.length || loaded?.config.plugins?.length) {
    const { loadPlugins } = await import('../plugins/load.js');
    const { checkerIds } = await import('../checks/registry.js');
    const reservedIds = [...checkerIds(), 'rules'];
    req.extraCheckers.push(
      ...(await loadPlugins(flags.plugin ?? [], { fromConfig: false, allow: true, reservedIds })),
      ...(await loadPlugins(loaded?.config.plugins ?? [], { fromConfig: true, allow: Boolean(flags.allowPlugins), reservedIds })),
    );
  }
  // re-identification risk runs when quasi-identifiers are given (it is off by default)
  if (req.options.checks.privacy && !(req.checks ?? []).includes('privacy')) {
    const { CHECKERS } = await import('../checks/registry.js');
    req.checks = [...(req.checks ?? CHECKERS.filter((c) => c.meta.default).map((c) => c.meta.id)), 'privacy', ...req.extraCheckers.map((c) => c.meta.id)];
  }
  const progress = new Progress(!flags.quiet);
  if (progress.on) req.onProgress = (p) => progress.update(p);
  const stopWatch = await watchMemory(flags.maxMemory);
  let report: Report;
  try {
    report = tableSource ? await auditInEngine(files[0]!, flags, req) : await audit(req);
  } catch (e) {
    throw spooled ? renameInputIn(e, spooled, 'stdin') : e;
  } finally {
    progress.done();
    stopWatch();
  }
  // stdin is named stdin in every report (also when it was spooled for a second pass)
  if (spooled || (req.inputs.length === 1 && req.inputs[0]!.path === '-')) report.source.path = 'stdin';
  if (flags.invalidRows) {
    if (tableSource) throw new UsageError('--invalid-rows works on files, not on database sources');
    const { writeInvalidRows } = await import('./invalid-rows.js');
    try {
      const n = await writeInvalidRows(req.inputs.map((i) => i.path), flags.invalidRows, (req.options.checks.rules as never) ?? null, req.reader, req.format, req.options);
      if (!flags.quiet) process.stderr.write(`dq: ${n} invalid row${n === 1 ? '' : 's'} written to ${flags.invalidRows}\n`);
    } catch (e) {
      throw spooled ? renameInputIn(e, spooled, 'stdin') : e;
    } finally {
      if (spooled) await fsp.rm(dirname(spooled), { recursive: true, force: true }).catch(() => {});
    }
  }
  const pm = report.metrics.privacy as (NonNullable<Report['privacy']> & { score: number | null }) | undefined;
  if (pm && req.options.checks.privacy) {
    report.privacy = {
      kAnonymity: pm.kAnonymity,
      rowsBelowK: pm.rowsBelowK,
      lDiversity: pm.lDiversity ?? null,
      score: pm.score,
      quasiIdentifiers: pm.quasiIdentifiers,
      k: pm.k,
      sensitive: pm.sensitive ?? null,
    };
    report.scores.privacy = pm.score;
  }
  const gated = loaded || gateFlags.failUnder != null || gateFlags.failUnderDimension || gateFlags.maxWarnings != null || gateFlags.baseline || flags.failOn || flags.expectSha256;
  if (gated) {
    const { evaluateGate } = await import('../gate/index.js');
    report.gate = evaluateGate(report, loaded?.config ?? null, { ...gateFlags, asOf: req.options.asOf });
    if (flags.expectSha256) {
      const ok = report.source.sha256 !== null && report.source.sha256 === flags.expectSha256.toLowerCase();
      report.gate.rules.unshift({
        id: 'integrity.sha256',
        column: null,
        status: ok ? 'passed' : 'failed',
        severity: 'error',
        message: ok ? 'the file matches the expected SHA-256' : `the file's SHA-256 is ${report.source.sha256 ?? 'unknown (several inputs)'}, expected ${flags.expectSha256}`,
        count: null,
        examples: [],
      });
      if (!ok) report.gate.passed = false;
    }
  }
  if (flags.history) {
    const { appendHistory } = await import('../privacy/history.js');
    await appendHistory(flags.history, { time: report.createdAt, file: report.source.path, sha256: report.source.sha256, rows: report.rows, scores: report.scores });
  }
  if (mode === 'profile') report = { ...report, findings: [] };
  // `-o -` and `--report FMT=-` mean stdout, as `-` means stdin for the input
  const toStdout = !flags.output || flags.output === '-';
  const main = await RENDERERS[flags.format]!(report, toStdout && Boolean(process.stdout.isTTY));
  for (const r of extra) {
    const text = await RENDERERS[r.format]!(report, false);
    if (r.file === '-') process.stdout.write(text);
    else await writeAtomic(r.file, text);
  }
  if (toStdout) process.stdout.write(main);
  else await writeAtomic(flags.output!, main);
  return report.gate && !report.gate.passed ? EXIT.GATE_FAILED : EXIT.OK;
}

/** Globs and folders expand to their data files; a plain path that does not exist is unreadable input (exit 3). */
async function resolveInputs(files: string[]): Promise<AuditRequest['inputs']> {
  if (files.length === 1 && files[0] === '-') return [{ path: '-' }];
  const { hasGlob } = await import('../io/inputs.js');
  for (const f of files) {
    if (f === '-' || hasGlob(f)) continue;
    const code = await fsp.stat(f).then(() => null, (e: NodeJS.ErrnoException) => e.code ?? String(e));
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(f, 'no such file');
    if (code === 'EACCES' || code === 'EPERM') throw new InputError(f, 'permission denied (a folder on its path cannot be opened)');
    if (code !== null) throw new InputError(f, `cannot open (${code})`);
  }
  return expandInputs(files);
}

/** What a parsed --baseline lacks that the comparison reads (null when it has it all). */
export function baselineProblem(r: unknown): string | null {
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObj(r)) return 'the file is not a JSON object';
  if (!isObj(r.scoring) || (typeof r.scoring.version !== 'string' && typeof r.scoring.version !== 'number')) return 'no scoring.version';
  if (!isObj(r.scores)) return 'no scores';
  for (const [k, v] of Object.entries(r.scores)) if (v !== null && typeof v !== 'number') return `scores.${k} is not a number`;
  if (typeof r.rows !== 'number') return 'no rows count';
  if (!Array.isArray(r.columns)) return 'no columns list';
  for (const [i, c] of r.columns.entries()) {
    if (!isObj(c) || typeof c.name !== 'string' || typeof c.type !== 'string' || typeof c.count !== 'number' || typeof c.missing !== 'number') {
      return `columns[${i}] lacks name, type, count or missing`;
    }
  }
  return null;
}

async function gateFlagsFrom(flags: AuditFlags) {
  const { parseFailUnderDimension } = await import('../gate/index.js');
  const failUnder = flags.failUnder === undefined ? null : Number(flags.failUnder);
  if (failUnder !== null && !(failUnder >= 0 && failUnder <= 100)) throw new UsageError(`--fail-under must be a score between 0 and 100, got '${flags.failUnder}'`);
  if (flags.failOn && flags.failOn !== 'warn' && flags.failOn !== 'error') throw new UsageError(`--fail-on must be warn or error, got '${flags.failOn}'`);
  if (flags.expectSha256 && !/^[0-9a-fA-F]{64}$/.test(flags.expectSha256)) throw new UsageError('--expect-sha256 expects 64 hexadecimal characters');
  let baseline: Report | null = null;
  if (flags.baseline) {
    let text: string;
    try {
      text = await fsp.readFile(flags.baseline, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`--baseline ${flags.baseline}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder; give the JSON report file' : (e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError(`--baseline ${flags.baseline}: not a JSON report (make one with dq audit --format json)`);
    }
    const missing = baselineProblem(parsed);
    if (missing) throw new UsageError(`--baseline ${flags.baseline}: not a dq JSON report (${missing}); make one with dq audit --format json`);
    baseline = parsed as Report;
  }
  return {
    failUnder,
    failUnderDimension: flags.failUnderDimension ? parseFailUnderDimension(flags.failUnderDimension) : null,
    maxWarnings: parsePositiveInt('--max-warnings', flags.maxWarnings, 0) ?? null,
    failOn: flags.failOn ?? 'error',
    baseline,
    baselineFile: flags.baseline,
  };
}

export async function runInit(file: string, flags: AuditFlags & { output?: string; force?: boolean }, given?: GivenFlag): Promise<number> {
  const { initConfig } = await import('../config/index.js');
  const req = buildRequest([file], flags, null, given);
  req.inputs = await resolveInputs([file]);
  const dest = flags.output ?? 'dq.yml';
  assertNotInput(dest, req.inputs.map((i) => i.path));
  const report = await audit(req);
  if (!flags.force) {
    const exists = await fsp.stat(dest).then(() => true, () => false);
    if (exists) throw new UsageError(`${dest} exists; use --force to overwrite it or -o to write elsewhere`);
  }
  await writeAtomic(dest, initConfig(report));
  process.stderr.write(`dq: wrote ${dest} (${report.columns.length} columns); commit it and tighten it\n`);
  return EXIT.OK;
}

/**
 * --max-memory MB: when resident memory passes the limit, stop with exit 3 and say what to do. Outputs are
 * written atomically after the audit, so stopping leaves no partial file.
 */
async function watchMemory(flag: string | undefined): Promise<() => void> {
  if (flag === undefined) return () => {};
  const { parseMegabytes, startMemoryWatch, memoryLimitError } = await import('../engine/limits.js');
  const mb = parseMegabytes('--max-memory', flag)!;
  return startMemoryWatch(mb, () => {
    const e = memoryLimitError(mb, process.memoryUsage().rss / 1024 / 1024);
    process.stderr.write(`dq: ${e.message}\n`);
    process.exit(e.exitCode);
  });
}

/** `dq audit clickhouse://...`, `postgres://... --table T`, `--engine duckdb FILE`: checks pushed down as SQL. */
async function auditInEngine(arg: string, flags: AuditFlags, req: AuditRequest): Promise<Report> {
  const { auditTable, parseTableUrl } = await import('../engine/sql/table.js');
  const source = parseTableUrl(arg, { engine: flags.engine, table: flags.table, passwordFile: flags.passwordFile });
  const seconds = flags.timeout === undefined ? 300 : Number(flags.timeout);
  if (!(seconds > 0)) throw new UsageError(`--timeout expects seconds > 0, got '${flags.timeout}'`);
  const rulesChecker = req.extraCheckers?.find((c) => c.meta.id === 'rules');
  const rules = rulesChecker ? (req.options.checks.rules as never) : undefined;
  return auditTable(source, {
    options: req.options,
    checks: req.checks,
    skipChecks: req.skipChecks,
    ...(rules ? { rules } : {}),
    timeoutMs: seconds * 1000,
  });
}
