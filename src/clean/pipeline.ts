/**
 * The clean pipeline: fixed step order, a streaming pass per fitted step, then one pass that writes.
 *
 * Order: standardize -> dedupe -> outliers -> impute -> smooth -> normalize. Each step is fitted on the data
 * as it stands after the steps before it: fitting step k streams the input through the already-fitted steps
 * 1..k-1. Passes: one per enabled step with something to fit (standardize, outliers, impute, normalize; none
 * with --apply-params), one for dedupe --keep last (finding last occurrences, also with --apply-params), and
 * the final pass that applies every step and writes (or only counts, with --dry-run). Memory does not grow
 * with the input except where a step documents it (exact quantiles within --exact-budget, dedupe hashes,
 * mode counts, model matrices).
 *
 * Outputs (data, --log, --save-params) are written to `.dq-tmp-*` temporaries next to their destinations and
 * renamed into place together only when the run succeeded (OutputGroup); on any failure all are removed.
 * At the end rows in = rows out + rows dropped is asserted.
 */
import { IssueLog } from '../core/issues.js';
import { Kind, type Cell } from '../core/types.js';
import { readInput } from '../engine/read.js';
import { bytesRead, type Format } from '../io/source.js';
import type { ReaderOptions } from '../io/readers/types.js';
import { OutputGroup, type TempFile } from '../io/writers/atomic.js';
import type { TableWriter } from '../io/writers/types.js';
import { dedupeStep } from './dedupe.js';
import { imputeStep } from './impute.js';
import { normalizeStep } from './normalize.js';
import { STEP_ORDER, type CleanOptions, type StepName } from './options.js';
import { outliersStep } from './outliers.js';
import { makeParams, paramsToJson, type CleanParams } from './params.js';
import { smoothStep } from './smooth.js';
import { createWriter } from '../io/writers/index.js';
import './model/register.js';
import { anonymizeStep, maskStep, protectedColumns } from './privacy.js';
import { standardizeStep } from './standardize.js';
import type { Applier, FitContext, Fitter, StepDef } from './step.js';
import { Sink, Work } from './work.js';

export const STEPS: Record<StepName, StepDef<any, any>> = {
  standardize: standardizeStep,
  dedupe: dedupeStep,
  outliers: outliersStep,
  impute: imputeStep,
  smooth: smoothStep,
  normalize: normalizeStep,
  anonymize: anonymizeStep,
  mask: maskStep,
};

export interface CleanRequest {
  /** A file on disk (stdin already spooled). */
  input: string;
  /** How to name the input in messages and the summary. */
  displayPath?: string;
  format: Format | null;
  reader: ReaderOptions;
  ctx: FitContext;
  /** The treatments (ignored when `params` is given). */
  options: CleanOptions;
  /** --apply-params: fitted parameters to apply without fitting. */
  params: CleanParams | null;
  /** Destination and format; null with dryRun. */
  output: { path: string; format: Format } | null;
  logPath: string | null;
  saveParamsPath: string | null;
  dryRun: boolean;
  /** Neutralise spreadsheet formulas in CSV text cells (--safe-formulas). */
  safeFormulas?: boolean;
  /** Told after every batch of every pass: which pass, its rows so far and the input's stored bytes read. */
  onProgress?: (p: { label: string; rows: number; bytes: number; totalBytes: number | null }) => void;
  /** Test hook: called after every written batch; throwing simulates a failure mid-write. */
  afterBatch?: (rowsWritten: number) => void;
}

export interface StepSummary {
  step: StepName;
  description: string;
  changed: number;
  dropped: number;
  columns: Record<string, number>;
  notes: string[];
}

export interface CleanSummary {
  version: 1;
  input: string;
  output: string | null;
  outputFormat: Format | null;
  dryRun: boolean;
  paramsApplied: boolean;
  /** What each streaming pass did. */
  passes: string[];
  rowsIn: number;
  rowsOut: number;
  rowsDropped: number;
  /** Text cells written with a leading `'` (--safe-formulas), each in the change log (step safe-formulas). */
  formulasNeutralised: number;
  /**
   * Problems reading the input, by kind: lines that were not rows (skipped), extra fields not kept, invalid text.
   * Each occurrence is in the change log with its line.
   */
  inputProblems: { id: string; message: string; count: number; lines: number[] }[];
  steps: StepSummary[];
  files: { log: string | null; params: string | null };
}

interface PassState {
  steps: StepDef[];
  params: Partial<Record<StepName, unknown>>;
  prepared: Partial<Record<StepName, unknown>>;
}

/**
 * Stream the input through steps[0..upto) and hand each batch to `each`. Returns rows read, the problems the
 * reader had and its details (the columns, also of an input without rows).
 */
async function pass(
  req: CleanRequest,
  st: PassState,
  upto: number,
  sink: Sink,
  label: string,
  each: (w: Work) => Promise<void> | void,
  issues = new IssueLog(),
): Promise<{ rows: number; issues: IssueLog; meta: Record<string, unknown> }> {
  const h = await readInput(req.input, req.format, req.reader, issues);
  const before = bytesRead(h.input);
  const appliers: Applier[] = st.steps.slice(0, upto).map((s) => s.applier(st.params[s.name], st.prepared[s.name] ?? null, req.ctx));
  let rows = 0;
  for await (const b of h.batches) {
    const w = new Work(b, req.ctx.parse);
    rows += w.length;
    for (const a of appliers) {
      a.apply(w, sink);
      w.compact();
    }
    await each(w);
    req.onProgress?.({ label, rows, bytes: bytesRead(h.input) - before, totalBytes: h.input.bytes });
  }
  return { rows, issues: h.issues, meta: h.meta };
}

async function fitPass<P>(req: CleanRequest, st: PassState, upto: number, fitter: Fitter<P>, label: string): Promise<{ value: P; rows: number }> {
  const { rows } = await pass(req, st, upto, new Sink(false), label, (w) => fitter.update(w));
  return { value: await fitter.finish(), rows };
}

function through(steps: StepDef[], upto: number): string {
  return upto === 0 ? '' : ` (through ${steps.slice(0, upto).map((s) => s.name).join(', ')})`;
}

/** Columns a numeric step treats as numbers: written as numbers (missing as null, not text) to JSON Lines and Parquet. */
function numericColumns(params: Partial<Record<StepName, unknown>>): Set<string> {
  const out = new Set<string>();
  const cols = (p: unknown) => (p && typeof p === 'object' && 'columns' in p ? Object.keys((p as { columns: object }).columns) : []);
  for (const c of cols(params.outliers)) out.add(c);
  for (const c of cols(params.normalize)) out.add(c);
  for (const c of cols(params.smooth)) out.add(c);
  const imp = params.impute as { columns: Record<string, { value?: unknown; strategy: string }> } | undefined;
  if (imp) for (const [c, f] of Object.entries(imp.columns)) if (f.strategy === 'mean' || f.strategy === 'median' || f.strategy === 'model' || typeof f.value === 'number') out.add(c);
  return out;
}

function typedCells(w: Work, numeric: Set<string>): Cell[][] {
  if (numeric.size === 0) return w.data;
  return w.data.map((col, c) => {
    if (!numeric.has(w.columns[c]!)) return col;
    const v = w.view(c);
    for (let i = 0; i < w.length; i++) {
      const cell = col[i];
      if (typeof cell !== 'string') continue;
      const k = v.kind[i]!;
      if (k === Kind.MISSING) col[i] = null;
      else if (k === Kind.FLOAT || (k === Kind.INT && Math.abs(v.num[i]!) <= Number.MAX_SAFE_INTEGER)) col[i] = v.num[i]!;
    }
    return col;
  });
}

export async function runPipeline(req: CleanRequest): Promise<CleanSummary> {
  const options = req.params ? req.params.options : req.options;
  const order: StepName[] = req.params ? STEP_ORDER.filter((s) => req.params!.order.includes(s)) : STEP_ORDER.filter((s) => STEPS[s].enabled(options));
  const st: PassState = { steps: order.map((s) => STEPS[s]), params: {}, prepared: {} };
  const passes: string[] = [];
  let fitRows = -1;

  for (let k = 0; k < st.steps.length; k++) {
    const step = st.steps[k]!;
    if (req.params) st.params[step.name] = req.params.steps[step.name];
    else {
      const f = step.fitter(options, req.ctx);
      if (f) {
        const r = await fitPass(req, st, k, f, `clean, fit ${step.name}`);
        st.params[step.name] = r.value;
        fitRows = r.rows;
        passes.push(`fit ${step.name}${through(st.steps, k)}`);
      } else st.params[step.name] = step.staticParams!(options);
    }
    const prep = step.prepare?.(st.params[step.name], req.ctx) ?? null;
    if (prep) {
      const r = await fitPass(req, st, k, prep, `clean, prepare ${step.name}`);
      st.prepared[step.name] = r.value;
      fitRows = r.rows;
      passes.push(`prepare ${step.name}${step.name === 'dedupe' ? ': find last occurrences' : ': collect quasi-identifiers'}${through(st.steps, k)}`);
    }
  }

  const group = req.dryRun || !req.output ? null : new OutputGroup();
  const sink = new Sink(!req.dryRun && req.logPath !== null, protectedColumns(req.params ? req.params.options : options));
  let rowsIn = 0;
  let rowsOut = 0;
  /** The batch being written (the writer tells neutralised cells by their index in it). */
  let written: Work | null = null;
  // problems reading the input (lines skipped, extra fields not kept, text not valid UTF-8): each in the log
  // with its line, and counted in the summary, so that nothing is lost without a word
  const readIssues = new IssueLog();
  readIssues.onAdd = (id, p) => {
    if (p.severity !== 'info') sink.inputProblem(id, p.line, p.row, p.count);
  };
  try {
    let writer: TableWriter | null = null;
    let log: TempFile | null = null;
    let paramsFile: TempFile | null = null;
    if (group && req.output) {
      // numbers a step writes keep the input's decimal comma, unless --standardize made every number plain
      const decimalComma = req.ctx.parse.decimalComma && !options.standardize;
      // --safe-formulas: the CSV writer prefixes formula-like text with ', a change the log and the summary show
      const onNeutralised = (i: number | null, column: string, old: string) => sink.neutralised(i === null ? null : written!.rows[i]!, column, old);
      writer = group.add('data', await createWriter(req.output.path, req.output.format, { safeFormulas: req.safeFormulas ?? false, decimalComma, onNeutralised }));
      if (req.logPath) log = await group.file(req.logPath, 'log');
      if (req.saveParamsPath) paramsFile = await group.file(req.saveParamsPath, 'params');
    }
    const typed = req.output && (req.output.format === 'jsonl' || req.output.format === 'parquet') ? numericColumns(st.params) : new Set<string>();
    const last = await pass(
      req,
      st,
      st.steps.length,
      sink,
      req.dryRun ? 'clean, count' : 'clean, write',
      async (w) => {
        rowsOut += w.length;
        written = w;
        if (writer) await writer.write(w.columns, typedCells(w, typed), w.length);
        if (log && sink.pendingChars > 0) await log.write(sink.take());
        req.afterBatch?.(rowsOut);
      },
      readIssues,
    );
    rowsIn = last.rows;
    // an input without rows still has its columns (a header line): the output keeps them
    const header = last.meta.columns;
    if (writer && rowsOut === 0 && Array.isArray(header) && header.length > 0) {
      await writer.write(header as string[], header.map(() => []), 0);
    }
    passes.push(req.dryRun ? `count${through(st.steps, st.steps.length)} (dry run: nothing written)` : `apply and write${through(st.steps, st.steps.length)}`);
    const dropped = sink.totalDropped();
    if (rowsIn !== rowsOut + dropped) {
      throw new Error(`rows in (${rowsIn}) != rows out (${rowsOut}) + rows dropped (${dropped}); nothing was written`);
    }
    if (fitRows >= 0 && fitRows !== rowsIn) throw new Error(`the input changed between passes (${fitRows} rows, then ${rowsIn}); nothing was written`);
    if (log) {
      const rest = sink.take();
      if (rest) await log.write(rest);
    }
    if (paramsFile) {
      const p = makeParams({ path: req.displayPath ?? req.input, rows: rowsIn }, options, order, st.params);
      await paramsFile.write(paramsToJson(p));
    }
    if (group) await group.commitAll();
  } catch (e) {
    if (group) await group.abortAll();
    throw e;
  }

  const steps: StepSummary[] = st.steps.map((s) => {
    const c = sink.counts.get(s.name);
    return {
      step: s.name,
      description: s.describe(st.params[s.name] ?? null, options),
      changed: c?.changed ?? 0,
      dropped: c?.dropped ?? 0,
      columns: c ? Object.fromEntries(c.columns) : {},
      notes: s.notes ? s.notes(st.params[s.name]) : [],
    };
  });
  return {
    version: 1,
    input: req.displayPath ?? req.input,
    output: req.dryRun ? null : (req.output?.path ?? null),
    outputFormat: req.output?.format ?? null,
    dryRun: req.dryRun,
    paramsApplied: req.params !== null,
    passes,
    rowsIn,
    rowsOut,
    rowsDropped: sink.totalDropped(),
    formulasNeutralised: sink.formulas,
    inputProblems: readIssues
      .findings()
      .filter((f) => f.severity !== 'info')
      .map((f) => ({ id: f.id, message: f.message, count: f.count, lines: f.examples.map((e) => e.line).filter((l): l is number => l !== null) })),
    steps,
    files: { log: req.dryRun ? null : req.logPath, params: req.dryRun ? null : req.saveParamsPath },
  };
}

/** The plan and counts as text (stderr). */
export function renderSummary(s: CleanSummary): string {
  const lines: string[] = [];
  lines.push(`dq clean ${s.input}${s.dryRun ? ' (dry run: nothing written)' : ` -> ${s.output}`}${s.paramsApplied ? ' [applied saved parameters]' : ''}`);
  if (s.steps.length === 0) lines.push('  no treatment chosen: rows are copied as they are');
  lines.push('passes:');
  s.passes.forEach((p, i) => lines.push(`  ${i + 1}. ${p}`));
  lines.push('steps:');
  for (const st of s.steps) {
    lines.push(`  ${st.description}`);
    const what = [`${st.changed} cell(s) ${s.dryRun ? 'would change' : 'changed'}`];
    if (st.dropped) what.push(`${st.dropped} row(s) ${s.dryRun ? 'would be dropped' : 'dropped'}`);
    lines.push(`    ${what.join(', ')}`);
    const cols = Object.entries(st.columns);
    if (cols.length) lines.push(`    by column: ${cols.map(([c, n]) => `${c} ${n}`).join(', ')}`);
    for (const n of st.notes) lines.push(`    note: ${n}`);
  }
  lines.push(`rows: ${s.rowsIn} in, ${s.rowsOut} out, ${s.rowsDropped} dropped`);
  if (s.formulasNeutralised) lines.push(`safe formulas: ${s.formulasNeutralised} text cell(s) written with a leading '`);
  if (s.inputProblems.length) {
    const where = s.dryRun ? '' : s.files.log ? '; each is in the change log' : '; --log lists each';
    lines.push(`input problems (${s.dryRun ? 'would not be' : 'not'} written as they were read${where}):`);
    for (const p of s.inputProblems) lines.push(`  ${p.id}: ${p.count}: ${p.message}${p.lines.length ? ` (line ${p.lines.join(', ')}${p.count > p.lines.length ? ', ...' : ''})` : ''}`);
  }
  if (s.files.log) lines.push(`change log: ${s.files.log}`);
  if (s.files.params) lines.push(`parameters: ${s.files.params}`);
  return lines.join('\n') + '\n';
}
