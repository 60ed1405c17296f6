/** `dq audit` and `dq profile`: flags -> request -> engine -> reporters -> exit code. */
import { promises as fsp } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError, EXIT } from '../errors.js';
import type { Report } from '../core/types.js';
import { audit, type AuditRequest } from '../engine/audit.js';
import { auditOptions, list, parseFormat, parsePositiveInt, readerOptions, type CommonFlags } from './options.js';
import { Progress } from './progress.js';

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
}

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
};

function unicodeOk(): boolean {
  if (process.platform === 'win32') return Boolean(process.env.WT_SESSION);
  const lang = `${process.env.LC_ALL ?? ''}${process.env.LC_CTYPE ?? ''}${process.env.LANG ?? ''}`;
  return lang === '' || /utf-?8/i.test(lang);
}

export function buildRequest(files: string[], flags: AuditFlags): AuditRequest {
  const sampleSize = parsePositiveInt('--sample', flags.sample);
  return {
    inputs: files.map((path) => ({ path })),
    format: parseFormat(flags.inputFormat),
    reader: readerOptions(flags),
    options: auditOptions(flags),
    checks: list(flags.checks),
    skipChecks: list(flags.skipChecks) ?? [],
    columns: list(flags.columns),
    excludeColumns: list(flags.excludeColumns) ?? [],
    strict: Boolean(flags.strict),
    sample: sampleSize ? { size: sampleSize, seed: parsePositiveInt('--seed', flags.seed, 0) ?? 42 } : null,
  };
}

/** Write a file atomically: a temporary file in the same folder, then rename. */
export async function writeAtomic(dest: string, content: string): Promise<void> {
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

export async function runAudit(files: string[], flags: AuditFlags, mode: 'audit' | 'profile'): Promise<number> {
  const req = buildRequest(files, flags);
  const extra = parseReportSpecs(flags.report);
  if (!RENDERERS[flags.format]) throw new UsageError(`--format: unknown format '${flags.format}'`);
  if (files.includes('-') && files.length > 1) throw new UsageError('stdin (-) cannot be combined with other inputs');
  const progress = new Progress(!flags.quiet);
  req.onProgress = (p) => progress.update(p.rows, p.bytes);
  let report: Report;
  try {
    report = await audit(req);
  } finally {
    progress.done();
  }
  if (mode === 'profile') report = { ...report, findings: [] };
  const toStdout = !flags.output;
  const main = await RENDERERS[flags.format]!(report, toStdout && Boolean(process.stdout.isTTY));
  for (const r of extra) await writeAtomic(r.file, await RENDERERS[r.format]!(report, false));
  if (flags.output) await writeAtomic(flags.output, main);
  else process.stdout.write(main);
  return report.gate && !report.gate.passed ? EXIT.GATE_FAILED : EXIT.OK;
}
