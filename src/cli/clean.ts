/**
 * `dq clean IN -o OUT`: flags -> clean options -> pipeline -> summary (stderr, or JSON on stdout) -> exit code.
 * The integrator registers the command with `addCleanFlags(program.command('clean').argument('<input>'))` and
 * an action calling `runClean(files, flags)`; a `clean:` section of dq.yml is turned into options with
 * `cleanOptionsFromConfig` and passed as `base` (flags win over the config).
 */
import { Progress, type ProgressInfo } from './progress.js';
import { parseMasks } from '../clean/privacy.js';
import { promises as fsp } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { EXIT, renameInputIn, UsageError } from '../errors.js';
import { assertNotInput } from '../io/writers/atomic.js';
import { formatFromExtension, spoolStdin, type Format } from '../io/source.js';
import { parseOptionsFrom } from '../schema/values.js';
import type { CleanSummary } from '../clean/pipeline.js';
import {
  anyTreatment,
  defaultCleanOptions,
  parseChoice,
  parseImputeSpecs,
  parseNormalizeSpecs,
  parsePair,
  parseSmoothSpecs,
  validateCleanOptions,
  validateMapping,
  type CleanOptions,
  type DedupeMode,
  type KeepMode,
  type OutlierMode,
} from '../clean/options.js';
import { auditOptions, collect, list, parseFormat, parsePositiveInt, readerOptions, type CommonFlags } from './options.js';

export interface CleanFlags extends CommonFlags {
  output?: string;
  outputFormat?: string;
  standardize?: boolean;
  mapping?: string;
  dedupe?: string;
  keep?: string;
  outliers?: string;
  limits?: string;
  outlierColumns?: string;
  impute?: string[];
  k?: string;
  weights?: 'uniform' | 'distance';
  m?: string;
  iterations?: string;
  miceMethod?: 'pmm' | 'norm' | 'regression';
  pick?: string;
  trees?: string;
  seed?: string;
  mask?: string[];
  safeFormulas?: boolean;
  maskKeyFile?: string;
  kAnonymity?: string;
  quasiIdentifiers?: string;
  normalize?: string[];
  range?: string;
  smooth?: string[];
  orderBy?: string;
  saveParams?: string;
  applyParams?: string;
  log?: string;
  dryRun?: boolean;
  format?: string;
  quiet?: boolean;
  /** Test hook (not a flag): called after every written batch; throwing simulates a failure mid-write. */
  afterBatch?: (rowsWritten: number) => void;
  /** Records per batch (not a flag; tests use small batches). */
  batchSize?: number;
}

/** Declare every flag of `dq clean` on `cmd` (commander 14). */
export function addCleanFlags(cmd: Command): Command {
  return cmd
    .option('-o, --output <file>', 'cleaned output: .csv, .tsv, .jsonl or .parquet (never the input)')
    .addOption(new Option('--output-format <fmt>', 'output format (default: from the extension of --output)').choices(['csv', 'tsv', 'jsonl', 'parquet']))
    .option('--standardize', 'trim whitespace, one spelling per value (spelling clusters), ISO 8601 dates, plain decimal numbers')
    .option('--mapping <file>', 'reviewed spelling mapping for --standardize, JSON {column: {variant: canonical}} (used instead of the clusters)')
    .addOption(new Option('--dedupe <mode>', 'drop duplicate rows: exact, key (needs --key) or near').choices(['exact', 'key', 'near']))
    .addOption(new Option('--keep <which>', 'which duplicate to keep (default first)').choices(['first', 'last']))
    .option('--key <cols>', 'key columns for --dedupe key (comma-separated)')
    .addOption(new Option('--outliers <mode>', 'treat outliers: clip (Tukey fences), winsorize (--limits), null (set missing), drop (the row)').choices(['clip', 'winsorize', 'null', 'drop']))
    .option('--limits <lo,hi>', 'percentiles for --outliers winsorize (default 0.01,0.99)')
    .option('--outlier-columns <cols>', 'columns for --outliers (default: every numeric column)')
    .option('--k <n>', 'knn: neighbours (default 5)')
    .addOption(new Option('--weights <w>', 'knn: uniform or distance (default uniform)').choices(['uniform', 'distance']))
    .option('--m <n>', 'mice: number of imputations (default 5)')
    .option('--iterations <n>', 'mice: iterations per chain (default 5)')
    .addOption(new Option('--mice-method <method>', 'mice: pmm (default), norm or regression').choices(['pmm', 'norm', 'regression']))
    .option('--pick <n>', 'mice: which completed dataset to write, 1..m (default 1)')
    .option('--trees <n>', 'forest: trees per forest (default 100)')
    .option('--seed <n>', 'seed for knn donor sampling, mice and forest (default 42)')
    .option('--safe-formulas', "CSV output: prefix ' to text cells that a spreadsheet would run as a formula (=, +, -, @, TAB, CR); numbers such as -5 are never altered")
    .option('--mask <COL:METHOD>', 'mask personal data: hash (HMAC-SHA-256, key from DQ_MASK_KEY or --mask-key-file), redact, partial (last 4 kept), generalise[:WIDTH|month|year|postcode]; repeatable', collect)
    .option('--mask-key-file <file>', 'file holding the key for --mask COL:hash (or set DQ_MASK_KEY)')
    .option('--k-anonymity <k>', 'generalise the --quasi-identifiers with Mondrian until every class has at least k rows (suppressed rows are dropped and logged)')
    .option('--quasi-identifiers <cols>', 'with --k-anonymity: the columns that together may identify a person')
    .option('--impute <spec>', 'fill missing values: STRATEGY for every incomplete column, or COL=STRATEGY; mean, median, mode, constant:VALUE; repeatable', collect)
    .option('--normalize <spec>', 'scale numeric columns: METHOD for all, or COL=METHOD; zscore, minmax, robust; repeatable', collect)
    .option('--range <a,b>', 'target range of --normalize minmax (default 0,1)')
    .option('--smooth <spec>', 'COL=moving-average:K or COL=ewm:ALPHA (pandas rolling/ewm semantics); repeatable', collect)
    .option('--order-by <col>', 'the column the input is ordered by, for --smooth (checked while reading; dq does not sort)')
    .option('--save-params <file>', 'save the fitted parameters (JSON) to apply to other data with --apply-params')
    .option('--apply-params <file>', 'apply saved parameters without fitting (treatment flags are not allowed with it)')
    .option('--log <file>', 'change log, JSON Lines: {row, column, old, new, step} per changed cell, {row, step, action: "drop"} per dropped row')
    .option('--dry-run', 'print the plan and the counts each step would change; write nothing')
    .addOption(new Option('--format <fmt>', 'summary format: text (stderr) or json (stdout)').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'no summary on stderr (text format)')
    // reading
    .option('--delimiter <char>', 'field delimiter (default: sniffed among , ; TAB |); "tab" for TAB')
    .option('--no-header', 'the first line is data, not column names')
    .option('--encoding <name>', 'text encoding: utf-8 (default), utf-16, latin1, windows-1252')
    .option('--decimal <char>', "decimal mark for numbers: '.' (default) or ','")
    .option('--type <COL=TYPE>', 'force a column type (integer, float, boolean, date, datetime, string, categorical); repeatable', collect)
    .option('--dayfirst', 'read ambiguous slash dates (03/04/2020) as day first')
    .option('--na-values <list>', 'comma-separated tokens that mean missing, replacing the default list')
    .option('--extra-na-values <list>', 'comma-separated tokens that mean missing, added to the default list')
    .option('--input-format <fmt>', 'csv, tsv, jsonl or parquet (default: from content and extension)')
    .option('--numeric-threshold <share>', 'share of values that must be numbers for a numeric column (default 0.95)')
    .option('--exact-budget <MB>', 'memory per column for exact quantiles before a sketch is used (default 64)')
    .option('--max-field-bytes <n>', 'reject fields larger than this many bytes (default 64 MiB)')
    .option('--max-columns <n>', 'reject inputs with more columns (default 100000)');
}

const TREATMENT_FLAGS: (keyof CleanFlags)[] = ['standardize', 'mapping', 'dedupe', 'keep', 'key', 'outliers', 'limits', 'outlierColumns', 'impute', 'normalize', 'range', 'smooth', 'orderBy', 'mask', 'kAnonymity', 'quasiIdentifiers'];

/** Clean options from flags over `base` (the dq.yml `clean:` section, already validated). */
export function cleanOptionsFromFlags(flags: CleanFlags, base: CleanOptions = defaultCleanOptions()): CleanOptions {
  const o: CleanOptions = structuredClone(base);
  if (flags.standardize) o.standardize = true;
  if (flags.dedupe !== undefined) o.dedupe = parseChoice<DedupeMode>('--dedupe', flags.dedupe, ['exact', 'key', 'near']);
  if (flags.keep !== undefined) o.keep = parseChoice<KeepMode>('--keep', flags.keep, ['first', 'last']);
  if (flags.key !== undefined) o.key = list(flags.key);
  if (flags.outliers !== undefined) o.outliers = parseChoice<OutlierMode>('--outliers', flags.outliers, ['clip', 'winsorize', 'null', 'drop']);
  if (flags.limits !== undefined) o.limits = parsePair('--limits', flags.limits, true);
  if (flags.outlierColumns !== undefined) o.outlierColumns = list(flags.outlierColumns);
  if (flags.impute?.length) o.impute = parseImputeSpecs(flags.impute);
  if (flags.normalize?.length) o.normalize = parseNormalizeSpecs(flags.normalize);
  if (flags.range !== undefined) o.range = parsePair('--range', flags.range, false);
  if (flags.smooth?.length) o.smooth = parseSmoothSpecs(flags.smooth);
  if (flags.orderBy !== undefined) o.orderBy = flags.orderBy;
  if (flags.mask?.length) o.mask = parseMasks(flags.mask);
  const int = (name: string, v: string | undefined, min: number) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
  const model = {
    ...(flags.k !== undefined ? { k: int('--k', flags.k, 1) } : {}),
    ...(flags.weights ? { weights: flags.weights } : {}),
    ...(flags.m !== undefined ? { m: int('--m', flags.m, 1) } : {}),
    ...(flags.iterations !== undefined ? { iterations: int('--iterations', flags.iterations, 1) } : {}),
    ...(flags.miceMethod ? { method: flags.miceMethod } : {}),
    ...(flags.pick !== undefined ? { pick: int('--pick', flags.pick, 1) } : {}),
    ...(flags.trees !== undefined ? { trees: int('--trees', flags.trees, 1) } : {}),
    ...(flags.seed !== undefined ? { seed: int('--seed', flags.seed, 0) } : {}),
  };
  if (Object.keys(model).length) o.model = { ...(o.model ?? {}), ...model };
  if (flags.kAnonymity !== undefined || flags.quasiIdentifiers !== undefined) {
    const k = Number(flags.kAnonymity);
    const qi = list(flags.quasiIdentifiers);
    if (!Number.isInteger(k) || k < 2) throw new UsageError('--k-anonymity expects an integer k >= 2');
    if (!qi?.length) throw new UsageError('--k-anonymity needs --quasi-identifiers COLS');
    o.kAnonymity = { k, quasiIdentifiers: qi };
  }
  if (flags.limits !== undefined && o.outliers !== 'winsorize') throw new UsageError('--limits is only used with --outliers winsorize');
  if (flags.range !== undefined && o.normalize.all !== 'minmax' && !Object.values(o.normalize.columns).includes('minmax')) {
    throw new UsageError('--range is only used with --normalize minmax');
  }
  if (flags.keep !== undefined && o.dedupe === null) throw new UsageError('--keep is only used with --dedupe');
  return validateCleanOptions(o);
}

function outputFormat(out: string, flag: string | undefined): Format {
  if (flag !== undefined) return parseChoice<Format>('--output-format', flag, ['csv', 'tsv', 'jsonl', 'parquet']);
  if (/\.gz$/i.test(out)) throw new UsageError(`--output ${out}: compressed output is not supported; write ${out.slice(0, -3)} and compress it`);
  const f = formatFromExtension(out);
  if (!f) throw new UsageError(`--output ${out}: cannot tell the format from the extension; use .csv, .tsv, .jsonl or .parquet, or --output-format`);
  return f;
}

async function readMapping(file: string): Promise<Record<string, Record<string, string>>> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--mapping ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--mapping ${file}: invalid JSON (${(e as Error).message})`);
  }
  return validateMapping(obj, `--mapping ${file}`);
}

/**
 * Run `dq clean`. `base`: options from the dq.yml `clean:` section (cleanOptionsFromConfig), overridden by flags;
 * a `mappingFile` there is read like --mapping. Returns the exit code; errors are thrown (UsageError, InputError).
 */
export async function runClean(files: string[], flags: CleanFlags, base?: CleanOptions & { mappingFile?: string | null }): Promise<number> {
  const { summary, options, applied } = await cleanWithSummary(files, flags, base);
  const { renderSummary } = await import('../clean/pipeline.js');
  const { MODEL_SUMMARIES } = await import('../clean/model/register.js');
  if ((flags.format ?? 'text') === 'json') process.stdout.write(JSON.stringify({ ...summary, models: MODEL_SUMMARIES }, null, 2) + '\n');
  else if (!flags.quiet) {
    process.stderr.write(renderSummary(summary));
    for (const m of MODEL_SUMMARIES) process.stderr.write(renderModelSummary(m));
    if (!anyTreatment(options) && !applied) process.stderr.write('note: no treatment was chosen (see dq clean --help)\n');
  }
  // problems reading the input are never silent, not even with -q or a JSON summary
  const problems = summary.inputProblems.reduce((n, p) => n + p.count, 0);
  if (problems > 0 && (flags.quiet || (flags.format ?? 'text') === 'json')) {
    process.stderr.write(`dq clean: warning: ${problems} problem(s) reading ${summary.input} (${summary.inputProblems.map((p) => p.id).join(', ')}); see the summary${summary.files.log ? ' or the change log' : ''}\n`);
  }
  return EXIT.OK;
}

/** Everything `runClean` does but printing: validate, run the pipeline, return the summary. */
export async function cleanWithSummary(
  files: string[],
  flags: CleanFlags,
  base?: CleanOptions & { mappingFile?: string | null },
): Promise<{ summary: CleanSummary; options: CleanOptions; applied: boolean }> {
  if (files.length !== 1) throw new UsageError(`dq clean takes one input (a file or - for stdin), got ${files.length}`);
  const input = files[0]!;
  const dryRun = Boolean(flags.dryRun);
  const summaryFormat = flags.format ?? 'text';
  if (summaryFormat !== 'text' && summaryFormat !== 'json') throw new UsageError(`--format must be text or json, got '${summaryFormat}'`);
  if (!dryRun && !flags.output) throw new UsageError('dq clean needs --output FILE (or --dry-run)');
  if (flags.output === '-') throw new UsageError('--output -: dq clean writes files only (atomically); give a file name');

  // loaded lazily: registering the command's flags stays cheap for `dq --help`
  const { runPipeline } = await import('../clean/pipeline.js');
  const { loadParams } = await import('../clean/params.js');
  const applyParams = flags.applyParams ? await loadParams(flags.applyParams) : null;
  if (applyParams) {
    const given = TREATMENT_FLAGS.filter((k) => {
      const v = flags[k];
      return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
    });
    if (given.length) throw new UsageError(`--apply-params applies the saved treatments as they are; drop ${given.map((k) => '--' + k.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase())).join(', ')}`);
  }
  let options = defaultCleanOptions();
  if (!applyParams) {
    const { mappingFile, ...b } = base ?? { ...defaultCleanOptions(), mappingFile: null };
    if (mappingFile && !flags.mapping) b.mapping = await readMapping(mappingFile);
    options = cleanOptionsFromFlags(flags, b);
    if (flags.mapping) {
      options.mapping = await readMapping(flags.mapping);
      options.standardize = true;
    }
  }

  const audit = auditOptions(flags);
  const budgetMb = parsePositiveInt('--exact-budget', flags.exactBudget) ?? 64;
  const output = flags.output && !dryRun ? { path: flags.output, format: outputFormat(flags.output, flags.outputFormat) } : null;
  const outs = [output?.path, flags.log, flags.saveParams].filter((p): p is string => typeof p === 'string');
  if (!dryRun) {
    for (const o of outs) assertNotInput(o, [input, ...(flags.applyParams ? [flags.applyParams] : []), ...(flags.mapping ? [flags.mapping] : [])]);
    const abs = outs.map((p) => resolve(p));
    if (new Set(abs).size !== abs.length) throw new UsageError('--output, --log and --save-params must be different files');
    for (const o of outs) {
      const st = await fsp.stat(dirname(resolve(o))).catch(() => null);
      if (!st?.isDirectory()) throw new UsageError(`cannot write ${o}: the folder does not exist`);
    }
  }

  let spooled: string | null = null;
  const progress = new Progress(!flags.quiet);
  try {
    if (input === '-') spooled = await spoolStdin();
    const summary = await runPipeline({
      input: spooled ?? input,
      displayPath: input === '-' ? 'stdin' : input,
      format: parseFormat(flags.inputFormat),
      reader: { ...readerOptions(flags), ...(flags.batchSize ? { batchSize: flags.batchSize } : {}) },
      ctx: {
        parse: parseOptionsFrom(audit),
        numericThreshold: audit.numericThreshold,
        types: audit.types,
        exactBudgetBytes: budgetMb * 1024 * 1024,
        maskKey: await maskKey(flags),
      },
      options,
      params: applyParams,
      output,
      logPath: flags.log ?? null,
      saveParamsPath: flags.saveParams ?? null,
      dryRun,
      safeFormulas: Boolean(flags.safeFormulas),
      afterBatch: flags.afterBatch,
      ...(progress.on ? { onProgress: (p: ProgressInfo) => progress.update(p) } : {}),
    });
    return { summary, options, applied: applyParams !== null };
  } catch (e) {
    throw spooled ? renameInputIn(e, spooled, 'stdin') : e;
  } finally {
    progress.done();
    if (spooled) await fsp.rm(dirname(spooled), { recursive: true, force: true }).catch(() => {});
  }
}

/** The key for --mask COL:hash: a file (--mask-key-file) or DQ_MASK_KEY; never a command-line value. */
async function maskKey(flags: CleanFlags): Promise<Buffer | null> {
  if (flags.maskKeyFile) {
    try {
      const k = (await fsp.readFile(flags.maskKeyFile)).subarray(0);
      const trimmed = Buffer.from(k.toString('utf8').replace(/\r?\n$/, ''), 'utf8');
      if (trimmed.length === 0) throw new UsageError(`--mask-key-file ${flags.maskKeyFile}: the file is empty`);
      return trimmed;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--mask-key-file ${flags.maskKeyFile}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  const env = process.env.DQ_MASK_KEY;
  return env ? Buffer.from(env, 'utf8') : null;
}

/** One block per fitted model: exactness, and for MICE the Rubin-pooled means; for the forest the OOB errors. */
function renderModelSummary(m: { name: string; targets: string[]; summary: unknown }): string {
  const s = m.summary as Record<string, unknown>;
  const lines = [`model ${m.name} for ${m.targets.join(', ')}${s.exact === false ? ' (approximate: sampled, see --format json)' : ''}`];
  const pooled = s.pooled as { column: string; estimate: number; t: number; se: number; df: number; fmi: number }[] | null | undefined;
  if (pooled) {
    lines.push('  pooled means (Rubin\'s rules): estimate, standard error, total variance, df (Barnard-Rubin), fraction of missing information');
    const f = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);
    for (const p of pooled) lines.push(`    ${p.column}: ${f(p.estimate)}, se ${f(p.se)}, T ${f(p.t)}, df ${f(p.df)}, fmi ${f(p.fmi)}`);
  }
  if (s.method === 'missForest') {
    const cols = (s.columns as { name: string; missing: number; oobError: number | null; oobMetric: string }[]).filter((c) => c.missing > 0);
    lines.push(`  ${s.iterations} iterations (${s.stoppedBy}); out-of-bag error: ${cols.map((c) => `${c.name} ${c.oobMetric} ${c.oobError === null ? 'n/a' : c.oobError.toPrecision(4)}`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
