/**
 * Parallel audits of one large file on worker threads, with exact row and line numbers.
 *
 * CSV/TSV: a pre-pass (`planCsvSplit`, the parser's quote-aware state machine without building fields) finds
 * the first record boundary at or after the middle of the file and counts the data rows and physical lines
 * before it. The main thread reads bytes [0, split) into its own states while one worker reads [split, end)
 * with the header, the delimiter, the encoding and the row/line offsets given, so every row and line number
 * it reports is the one a single pass would report. The worker runs the profile and every checker on its rows
 * and posts its states (plain data; typed arrays are transferred, not copied); the main thread merges them
 * (`merge` is associative: the merge law) and finalizes as usual.
 *
 * Verification, correctness first: the main thread's reader must end exactly at the split with the predicted
 * row count and line. If it does not (a disagreement between the pre-pass and the parser), everything is
 * discarded and the file is read again on one thread; if the worker fails (or a state cannot be cloned), its
 * part is read again on the main thread from the verified boundary.
 *
 * JSON Lines: rows are the lines that parse as objects, and columns appear as keys are first seen, so the
 * second part's first row number and its column order depend on the first part. The pre-pass
 * (`planJsonlSplit`) predicts without parsing: it counts lines and the lines that look like rows (`{...}`) up
 * to the first line start after the middle where those rows fill whole batches, and parses the first MiBs for
 * the columns (first-seen order) and the columns holding leaf values (which decide whether an object at that
 * path is flattened). The worker starts its reader from that state; since the split is on a batch boundary,
 * both parts batch rows exactly as one read does, and the batches carry the same column lists (duplicate row
 * hashes and missingness patterns run over them), so the merged states are one read's. The main thread's
 * reader checks, at the split, that it reached it with the planned rows, lines and columns (`lateLeafColumns`;
 * a column whose first leaf value came after the planned lines only matters if part 2 flattened an object
 * there, which needs the worker's answer: then it waits for it). If not (an invalid line that looked like a
 * row, a key first seen after the planned lines...), the worker is stopped and the main thread simply reads on
 * to the end of the file: one read, nothing read twice (unless the parts' budget for numeric values applied:
 * then it starts again). The findings' line lists of both parts are joined (`mergeJsonlPart`).
 *
 * Parquet: split between row groups (row counts are in the footer, so the second part's first row is exact);
 * file-level reader findings come from the first part only.
 *
 * Reports are the ones one thread gives, except for the top values of columns with more distinct values than
 * the top-k summary holds (marked approximate), which depend on how the rows were split.
 *
 * One thread is used for: stdin, gzip, UTF-16 (transcoded), files under 8 MB (DQ_PARALLEL_MIN_BYTES), samples,
 * several inputs, Parquet files with one row group, JSON Lines files without a batch boundary after the middle,
 * plugin checkers (only the built-in checkers and the rules checker can be loaded in a worker), under vitest
 * (TypeScript sources: workers need the built dist/), and DQ_THREADS=1 / threads: 1.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { IssueLog, type IssueLogData } from '../core/issues.js';
import type { AuditOptions, Checker } from '../core/types.js';
import { CHECKERS } from '../checks/registry.js';
import { mergeProfile } from '../checks/profile.js';
import { parseOptionsFrom } from '../schema/values.js';
import { finishSha256, type Format, type Input } from '../io/source.js';
import type { JsonlSplit } from '../io/readers/jsonl.js';
import type { RangeHandoff, Reader, ReaderOptions, ReadRange } from '../io/readers/types.js';
import { liMerge } from './line-index.js';
import { feeder, fullGc, mergeColumns, newScan, scanInput, type ColumnChoice, type ScanState } from './scan.js';

/** The JSON Lines reader module (loaded when needed, like the other readers). */
type JsonlModule = typeof import('../io/readers/jsonl.js');

/** Files smaller than this are audited on one thread (a worker costs about 50 ms to start). */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

/** Threads to use: `threads` (--threads), else DQ_THREADS, else min(2, cores); 1 under vitest (sources are .ts). */
export function threadCount(threads?: number): number {
  if (import.meta.url.endsWith('.ts')) return 1;
  const env = process.env.DQ_THREADS;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const n = threads ?? (env !== undefined && env !== '' ? Number(env) : Math.min(2, cores));
  return Number.isFinite(n) && n >= 2 ? Math.floor(n) : 1;
}

function minBytes(): number {
  const env = process.env.DQ_PARALLEL_MIN_BYTES;
  const n = env !== undefined && env !== '' ? Number(env) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : PARALLEL_MIN_BYTES;
}

/** What a worker needs: all plain data. */
export interface WorkerJob {
  path: string;
  format: Format;
  reader: ReaderOptions;
  options: AuditOptions;
  checkerIds: string[];
  columns: string[] | null;
  excludeColumns: string[];
  partitions: Record<string, string> | undefined;
  /** Per-column bytes of numeric values for this part (see ProfileState.valuesBudget); undefined: the full budget. */
  valuesBudget?: number;
}

export interface WorkerResult {
  scan: ScanState;
  issues: IssueLogData;
  meta: Record<string, unknown>;
  rows: number;
  columns: string[];
}

/** Checkers a worker can load by id: the built-in ones and the rules checker. */
export function workerLoadable(checkers: Checker<any>[]): boolean {
  return checkers.every((c) => CHECKERS.includes(c) || c.meta.id === 'rules');
}

/** The ArrayBuffers of typed arrays in a state (each owned whole by one view), to transfer instead of copying. */
export function transferables(root: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      const buf = v.buffer;
      if (buf instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === buf.byteLength && !Buffer.isBuffer(v)) out.add(buf);
      continue;
    }
    if (v instanceof Map) {
      for (const [k, x] of v) {
        stack.push(k);
        stack.push(x);
      }
    } else if (v instanceof Set) for (const x of v) stack.push(x);
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return [...out];
}

/**
 * The byte ranges of a text file split at `plan.offset`: the first part from the start, the second with the rows
 * and lines before it and what the reader must be told to start there (`second`: header, delimiter...).
 */
function textParts(
  bytes: number,
  plan: { offset: number; rowsBefore: number; linesBefore: number },
  second: Partial<Pick<ReadRange, 'header' | 'delimiter' | 'encoding' | 'leafColumns'>>,
): [ReadRange, ReadRange] {
  const first: ReadRange = { start: 0, end: plan.offset, rowsBefore: 0, linesBefore: 0, header: null, delimiter: null, encoding: null };
  return [first, { ...first, start: plan.offset, end: bytes, rowsBefore: plan.rowsBefore, linesBefore: plan.linesBefore, ...second }];
}

/** A started worker: `run` gives it its job (once), `result` rejects if it fails, `stop` terminates it. */
export interface StartedWorker {
  run: (job: WorkerJob) => void;
  result: Promise<WorkerResult>;
  stop: () => Promise<void>;
}

/**
 * Start a worker; with a job it starts on it at once, else it loads its modules (about 50-100 ms of CPU) and waits
 * for `run(job)`: callers start it before planning the split, so the loading overlaps the pre-pass.
 */
export function startWorker(job?: WorkerJob, youngGenerationMb?: number): StartedWorker {
  // a small heap: the worker's long-lived state is typed arrays (outside the heap) and capped maps, so a tight
  // old generation only makes V8 collect the garbage of finished batches (chunk strings) sooner
  const w = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: job ?? null,
    resourceLimits: { maxOldGenerationSizeMb: 256, ...(youngGenerationMb ? { maxYoungGenerationSizeMb: youngGenerationMb } : {}) },
  });
  const result = new Promise<WorkerResult>((resolve, reject) => {
    let settled = false;
    w.once('message', (m: { ok: true; result: WorkerResult } | { ok: false; error: string }) => {
      settled = true;
      if (m.ok) resolve(m.result);
      else reject(new Error(m.error));
    });
    w.once('error', (e) => {
      settled = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!settled) reject(new Error(`worker exited with code ${code}`));
    });
  });
  result.catch(() => undefined);
  let sent = job !== undefined;
  return {
    run: (j) => {
      if (sent) throw new Error('the worker has its job');
      sent = true;
      w.postMessage(j);
    },
    result,
    stop: async () => void (await w.terminate()),
  };
}

/** Merge the state of a later part (b) into a (a covers the earlier rows). */
export function mergeScan(checkers: Checker<any>[], a: ScanState, b: ScanState): ScanState {
  a.profile = mergeProfile(a.profile, b.profile);
  a.states = a.states.map((s, i) => checkers[i]!.merge(s, b.states[i]));
  a.lineIndex = liMerge(a.lineIndex, b.lineIndex);
  a.rows += b.rows;
  mergeColumns(a.columns, b.columns);
  return a;
}

/** Reader details of two consecutive parts of one CSV file, as one read would report them. */
function mergeCsvMeta(a: Record<string, unknown>, b: Record<string, unknown>): void {
  a.rows = b.rows; // the later part counts on from the earlier one
  a.blankLines = ((a.blankLines as number) ?? 0) + ((b.blankLines as number) ?? 0);
  const ca = (a.lineCounts ?? { lf: 0, crlf: 0, cr: 0 }) as { lf: number; crlf: number; cr: number };
  const cb = (b.lineCounts ?? { lf: 0, crlf: 0, cr: 0 }) as { lf: number; crlf: number; cr: number };
  const lf = ca.lf + cb.lf;
  const crlf = ca.crlf + cb.crlf;
  const cr = ca.cr + cb.cr;
  const kinds = (lf > 0 ? 1 : 0) + (crlf > 0 ? 1 : 0) + (cr > 0 ? 1 : 0);
  a.lineTerminator = kinds > 1 ? 'mixed' : crlf > 0 ? 'CRLF' : cr > 0 ? 'CR' : 'LF';
  a.lineCounts = { lf, crlf, cr };
  a.endLine = b.endLine;
}

export interface ParallelArgs {
  input: Input;
  reader: Reader;
  readerOpts: ReaderOptions;
  options: AuditOptions;
  checkers: Checker<any>[];
  choice: ColumnChoice;
  partitions: Record<string, string> | undefined;
  threads: number;
  onBatch?: () => void;
}

export interface ParallelOutcome {
  scan: ScanState;
  issues: IssueLog;
  meta: Record<string, unknown>;
  rows: number;
  columns: string[];
  sha256: string | null;
  /**
   * How the work was done, for diagnostics (DQ_DEBUG_PARALLEL): 'read-on' when the first part of a JSON Lines
   * file did not end as planned and the main thread read on to the end of the file (one read, worker stopped).
   */
  mode: 'parallel' | 'worker-failed' | 'restarted' | 'read-on';
}

/** The planned split of a text file (CSV, TSV, JSON Lines) and what verifies the first part. */
interface TextPlan {
  offset: number;
  rowsBefore: number;
  linesBefore: number;
}

/** Audit one input on two threads when it qualifies; null when it does not (the caller reads it on one thread). */
export async function parallelScan(a: ParallelArgs): Promise<ParallelOutcome | null> {
  const { input, checkers } = a;
  if (a.threads < 2 || input.path === '-' || input.gzip || !input.file || input.bytes === null) return null;
  if (input.format !== 'csv' && input.format !== 'tsv' && input.format !== 'jsonl' && input.format !== 'parquet') return null;
  if (input.bytes < Math.max(minBytes(), 1) || !workerLoadable(checkers)) return null;
  const t0 = performance.now();
  const debug = process.env.DQ_DEBUG_PARALLEL
    ? (s: string) => process.stderr.write(`dq parallel: ${(performance.now() - t0).toFixed(0)} ms, cpu ${((process.cpuUsage().user + process.cpuUsage().system) / 1e3).toFixed(0)} ms, rss ${(process.memoryUsage.rss() / 1e6).toFixed(0)} MB: ${s}\n`)
    : null;

  let part1Range: ReadRange;
  let part2Range: ReadRange;
  let text: TextPlan | null = null;
  let jsonl: { plan: JsonlSplit; reader: JsonlModule } | null = null;
  let parquetTotal = 0;
  const csv = input.format === 'csv' || input.format === 'tsv';
  // CSV, JSON Lines: the worker loads its modules while this thread plans the split (Parquet: once the footer
  // shows more than one row group). Its young generation of 8 MB keeps two threads under 300 MB on 1M rows (CSV
  // 316 -> 286 MB, JSON Lines 281 -> 272 MB, no CPU change measured); for Parquet it cost 8% CPU (351 -> 308 MB).
  let worker: StartedWorker | null = input.format === 'parquet' ? null : startWorker(undefined, 8);
  const unplanned = async (): Promise<null> => {
    await worker?.stop();
    return null;
  };
  try {
    if (csv) {
      const { planCsvSplit } = await import('../io/readers/csv.js');
      // any problem here (binary data, a bad delimiter) is left to the one-thread read to report
      const plan = await planCsvSplit(input, a.readerOpts, Math.floor(input.bytes / 2)).catch(() => null);
      if (!plan || plan.offset >= input.bytes) return unplanned();
      debug?.(`split at byte ${plan.offset} of ${input.bytes}, after ${plan.rowsBefore} rows and ${plan.linesBefore} lines`);
      text = plan;
      [part1Range, part2Range] = textParts(input.bytes, plan, { header: plan.header, delimiter: plan.delimiter, encoding: plan.encoding });
    } else if (input.format === 'jsonl') {
      const reader = await import('../io/readers/jsonl.js');
      const plan = await reader.planJsonlSplit(input, a.readerOpts, Math.floor(input.bytes / 2)).catch(() => null);
      if (!plan) return unplanned();
      debug?.(`split at byte ${plan.offset} of ${input.bytes}, after ${plan.rowsBefore} rows (predicted) and ${plan.linesBefore} lines, ${plan.columns.length} columns`);
      text = plan;
      jsonl = { plan, reader };
      // the handoff (verification) is added below, once the worker runs
      [part1Range, part2Range] = textParts(input.bytes, plan, { header: plan.columns, leafColumns: plan.leafColumns });
    } else {
      // Parquet: between row groups, row counts from the footer
      const { parquetRowGroups } = await import('../io/readers/parquet.js');
      const groups = await parquetRowGroups(input);
      if (!groups || groups.length < 2) return null;
      const total = groups.reduce((x, y) => x + y, 0);
      let g = 0;
      let before = 0;
      while (g < groups.length - 1 && before + groups[g]! / 2 < total / 2) before += groups[g++]!;
      if (g === 0 || before === 0 || before === total) return null;
      parquetTotal = total;
      debug?.(`split before row group ${g} of ${groups.length}, after ${before} rows`);
      part1Range = { start: 0, end: 0, rowsBefore: 0, linesBefore: 0, header: null, delimiter: null, encoding: null, firstGroup: 0, endGroup: g };
      part2Range = { start: 0, end: 0, rowsBefore: before, linesBefore: 0, header: null, delimiter: null, encoding: null, firstGroup: g, endGroup: groups.length };
    }
  } catch (e) {
    await worker?.stop();
    throw e;
  }
  const plannedRows = part2Range.rowsBefore;
  // Numeric values take 8 bytes a row. When the whole input clearly holds more rows than one column's budget
  // allows (so every numeric column ends up sketched, as on one thread), each part keeps half the budget.
  const estRows = text ? (plannedRows * input.bytes) / Math.max(1, text.offset) : parquetTotal;
  const budget = a.options.exactBudgetBytes;
  const valuesBudget = estRows * 8 > 1.25 * budget ? budget / 2 : undefined;
  if (valuesBudget !== undefined) debug?.(`about ${Math.round(estRows)} rows: numeric values sketched past ${valuesBudget} bytes a column in each part`);
  const job: WorkerJob = {
    path: input.file,
    format: input.format,
    reader: { ...a.readerOpts, range: part2Range },
    options: a.options,
    checkerIds: checkers.map((c) => c.meta.id),
    columns: a.choice.columns,
    excludeColumns: a.choice.excludeColumns,
    partitions: a.partitions,
    valuesBudget,
  };
  worker ??= startWorker();
  worker.run(job);
  const started = worker; // (narrowed for the closures below)
  // JSON Lines: where part 1 ended, when it ended as planned (else the main thread reads on, see below)
  const ended: { at: RangeHandoff | null } = { at: null };
  if (jsonl) {
    const { plan, reader } = jsonl;
    part1Range.handoff = async (at) => {
      const late = reader.lateLeafColumns(plan, at);
      let asPlanned = late !== null && late.length === 0;
      if (late !== null && late.length > 0) {
        debug?.(`${late.join(', ')}: first leaf value after the planned lines; waiting for part 2 to know whether it matters`);
        const part2 = await started.result.catch(() => null);
        asPlanned = part2 !== null && !(part2.meta.nullColumnsFlattened as string[]).some((c) => late.includes(c));
      }
      if (asPlanned) {
        ended.at = at;
        return true;
      }
      void started.stop();
      // the parts' budget for numeric values is not one read's: then stop here and start again (see below)
      if (valuesBudget !== undefined) return true;
      debug?.(`part 1 ended with ${at.rows} rows, ${at.lines} lines and ${at.columns.length} columns, not as planned: reading on`);
      return false;
    };
  }
  const parse = parseOptionsFrom(a.options);
  let scan = newScan(checkers, a.options, valuesBudget);
  let issues = new IssueLog();
  let meta: Record<string, unknown> = {};
  try {
    const p1 = await scanInput(input, a.reader, { ...a.readerOpts, range: part1Range }, a.choice, a.partitions, scan, issues, meta, 0, feeder(scan, checkers, parse), a.onBatch);
    debug?.('part 1 read');
    // the whole file's SHA-256: the pre-pass hashed the first half as it read it (and a JSON Lines part 1 that
    // read on, the rest), what is left is read and hashed here while the worker finishes (Parquet: none, the
    // reader reads by offsets)
    const sha = text ? finishSha256(input) : Promise.resolve(input.sha256());
    sha.catch(() => undefined);
    if (jsonl && !ended.at && valuesBudget === undefined) {
      // the main thread read on to the end of the file: one read's states, as they are
      await started.stop();
      debug?.(`read-on: ${p1.rows} rows`);
      return { scan, issues, meta, rows: p1.rows, columns: p1.columns, sha256: await sha, mode: 'read-on' };
    }
    const verified = jsonl ? ended.at !== null : p1.rows === plannedRows && (!csv || (meta.rows === plannedRows && meta.endLine === text!.linesBefore + 1));
    if (!verified) {
      // the plan disagrees with the parser: discard everything and read the whole file on this thread
      debug?.(`part 1 ended with ${String(meta.rows ?? meta.records)} rows at line ${String(meta.endLine ?? meta.lines)}, not as planned: one thread`);
      await started.stop();
      scan = newScan(checkers, a.options);
      issues = new IssueLog();
      meta = {};
      const all = await scanInput(input, a.reader, a.readerOpts, a.choice, a.partitions, scan, issues, meta, 0, feeder(scan, checkers, parse), a.onBatch);
      debug?.(`restarted: ${all.rows} rows`);
      return { scan, issues, meta, rows: all.rows, columns: all.columns, sha256: input.sha256(), mode: 'restarted' };
    }
    fullGc(); // part 1's garbage, before the worker's states arrive
    let part2: WorkerResult | null = null;
    try {
      part2 = await started.result;
    } catch (e) {
      debug?.(`worker failed (${(e as Error).message}): part 2 on this thread`);
    }
    let mode: ParallelOutcome['mode'] = 'parallel';
    let rows = p1.rows;
    let columns = p1.columns;
    await started.stop(); // release the worker's heap before merging
    debug?.('worker result received');
    let meta2: Record<string, unknown>;
    let issues2: IssueLog | IssueLogData;
    if (part2) {
      mergeScan(checkers, scan, part2.scan);
      meta2 = part2.meta;
      issues2 = part2.issues;
      rows += part2.rows;
      columns = part2.columns.length ? part2.columns : columns;
    } else {
      mode = 'worker-failed';
      // JSON Lines: from the state part 1 ended in (its leaf columns may have grown since the plan)
      const at = ended.at;
      const range = at ? { ...part2Range, header: at.columns, leafColumns: at.leafColumns } : part2Range;
      meta2 = {};
      issues2 = new IssueLog();
      const p2 = await scanInput(input, a.reader, { ...a.readerOpts, range }, a.choice, a.partitions, scan, issues2, meta2, 0, feeder(scan, checkers, parse), a.onBatch);
      rows += p2.rows;
      columns = p2.columns.length ? p2.columns : columns;
    }
    if (jsonl) {
      jsonl.reader.mergeJsonlPart(meta, issues, meta2, issues2);
    } else {
      issues.merge(issues2);
      if (csv) mergeCsvMeta(meta, meta2);
    }
    debug?.(`${mode}: ${rows} rows`);
    return { scan, issues, meta, rows, columns, sha256: await sha, mode };
  } finally {
    await started.stop();
  }
}
