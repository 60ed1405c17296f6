/**
 * Parallel audits of one large file on worker threads, with exact row and line numbers.
 *
 * CSV/TSV: the main thread starts reading the file from the start at once, while the worker runs a pre-pass
 * (`planCsvSplit`, the parser's quote-aware state machine without building fields) that finds the first record
 * boundary at or after MAIN_SHARE of the file and counts the data rows and physical lines before it. The worker
 * posts that split, then reads [split, end) with the header, the delimiter, the encoding and the row/line offsets,
 * so every row and line number it reports is the one a single pass would report. The main thread's read streams
 * the bytes before the target at once and, at the target, waits for the split (`ByteRange.endAt`) and ends
 * there (no split: it reads on to the end of the file, one read). The worker runs the profile and every checker
 * on its rows and posts its states (plain data; typed arrays are transferred, not copied); the main thread merges
 * them (`merge` is associative: the merge law) and finalizes as usual. With the pre-pass in the worker, the main
 * thread never waits for it (about 0.3 s per 1M rows of bench data before).
 *
 * Verification, correctness first: the main thread's reader must end exactly at the split with the predicted
 * row count and line. If it does not (a disagreement between the pre-pass and the parser), everything is
 * discarded and the file is read again on one thread; if the worker fails (or a state cannot be cloned), its
 * part is read again on the main thread from the verified boundary.
 *
 * JSON Lines: rows are the lines that parse as objects, and columns appear as keys are first seen, so the
 * second part's first row number and its column order depend on the first part. The worker's pre-pass
 * (`planJsonlSplit`) predicts without parsing: it counts lines and the lines that look like rows (`{...}`) up
 * to the first line start after the target where those rows fill whole batches, and parses the first MiBs for
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
 * The parts' budget for numeric values: when the split shows more rows than a column's budget holds, each part
 * keeps half of it (partValuesBudget); the main thread's read holds back the batch that would take it past the
 * rows half the budget holds until the split is known, so that no column of part 1 can have passed it before.
 *
 * The main thread reads the whole file (after starting a worker that finds no split) for: UTF-16 (transcoded),
 * CSV files without a record boundary after the target, JSON Lines files without a batch boundary after it.
 * One thread is used for: stdin, gzip, files under 8 MB (DQ_PARALLEL_MIN_BYTES), samples,
 * several inputs, Parquet files with one row group, plugin checkers (only the built-in checkers and the rules checker can be loaded in a worker), under vitest
 * (TypeScript sources: workers need the built dist/), and DQ_THREADS=1 / threads: 1.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { IssueLog, type IssueLogData } from '../core/issues.js';
import type { AuditOptions, Checker } from '../core/types.js';
import { CHECKERS } from '../checks/registry.js';
import { mergeProfile } from '../checks/profile.js';
import { parseOptionsFrom } from '../schema/values.js';
import { bytesRead, finishSha256, type Format, type Input } from '../io/source.js';
import type { JsonlSplit } from '../io/readers/jsonl.js';
import type { RangeHandoff, Reader, ReaderOptions, ReadRange } from '../io/readers/types.js';
import { liMerge } from './line-index.js';
import { feeder, fullGc, mergeColumns, newScan, scanInput, type ColumnChoice, type ScanState } from './scan.js';

/** The JSON Lines reader module (loaded when needed, like the other readers). */
type JsonlModule = typeof import('../io/readers/jsonl.js');

/**
 * The share of a text file's bytes read on the main thread (the worker reads the rest). A little above one half:
 * the worker also finds the split first (about 0.1 s per 70 MB of CSV, 0.3 s of JSON Lines), and its smaller young
 * generation (see parallelScan) costs it 0.2-0.4 s more garbage collection per 500k rows. Measured on the 1M-row
 * bench files (the worker finishing after the main thread by, median of 4-5 runs): CSV +278 ms at 0.5, -208 ms at
 * 0.53; JSON Lines +650 ms at 0.5, +100 ms at 0.52. DQ_MAIN_SHARE (between 0.1 and 0.9) overrides it for tuning.
 */
export const MAIN_SHARE = ((v) => (v >= 0.1 && v <= 0.9 ? v : 0.52))(Number(process.env.DQ_MAIN_SHARE));

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
  /**
   * Text files: the worker finds the split at or after this byte itself (planTextSplit), posts it (the main thread
   * reads up to it meanwhile), then reads from there; `reader.range` and `valuesBudget` follow from the split.
   */
  split?: number;
  /** Post `{ progress: [rows, bytes] }` of the worker's part about 5 times a second (someone shows progress). */
  progress?: boolean;
}

export interface WorkerResult {
  /** Date.now() when the worker finished reading (DQ_DEBUG_PARALLEL shows how the parts were balanced). */
  finishedAt: number;
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

/** Where a text file (CSV/TSV, JSON Lines) splits, found by the worker's pre-pass, and how part 2 is read. */
export interface TextSplit {
  /**
   * Part 2: [start, end of file) from a record boundary, with the data rows and physical lines before it and
   * what its reader must be told (header, delimiter... or the columns).
   */
  range: ReadRange;
  /** JSON Lines: the plan, which the first part's end is checked against. */
  jsonl: JsonlSplit | null;
}

/** The pre-pass: the first boundary at or after byte `target` (see planCsvSplit, planJsonlSplit); null: none. */
export async function planTextSplit(input: Input, opts: ReaderOptions, target: number): Promise<TextSplit | null> {
  const bytes = input.bytes ?? Infinity;
  if (input.format === 'jsonl') {
    const plan = await (await import('../io/readers/jsonl.js')).planJsonlSplit(input, opts, target);
    if (!plan) return null;
    const range: ReadRange = { start: plan.offset, end: bytes, rowsBefore: plan.rowsBefore, linesBefore: plan.linesBefore, header: plan.columns, delimiter: null, encoding: null, leafColumns: plan.leafColumns };
    return { range, jsonl: plan };
  }
  const plan = await (await import('../io/readers/csv.js')).planCsvSplit(input, opts, target);
  if (!plan || plan.offset >= bytes) return null;
  const range: ReadRange = { start: plan.offset, end: bytes, rowsBefore: plan.rowsBefore, linesBefore: plan.linesBefore, header: plan.header, delimiter: plan.delimiter, encoding: plan.encoding };
  return { range, jsonl: null };
}

/**
 * Bytes of numeric values per column for each part: numbers take 8 bytes a row, so when the whole input clearly
 * holds more rows than one column's budget allows (every numeric column ends up sketched, as on one thread), each
 * part keeps half the budget (else the two parts would hold twice the budget before their merge sketches them).
 * `rows`: the rows of the whole input, exact (Parquet) or estimated from the split of a text file, which assumes
 * the rows after it are as long as those before: such an estimate must pass the budget twice over, so that a file
 * whose second half has rows up to twice as long keeps exact statistics when one thread would. Undefined: the full
 * budget (at most twice the budget per column then, until the merge).
 */
export function partValuesBudget(rows: number, budget: number, estimated: boolean): number | undefined {
  return rows * 8 > (estimated ? 2 : 1.25) * budget ? budget / 2 : undefined;
}

/** The row estimate of a whole text file from its split: the rows before it, at the same density after it. */
export function splitRowEstimate(split: TextSplit, bytes: number): number {
  return (split.range.rowsBefore * bytes) / Math.max(1, split.range.start);
}

/** A started worker: `plan` settles with its split (text files; null if it found none or failed first), `result` rejects if it fails, `stop` terminates it. */
export interface StartedWorker {
  plan: Promise<TextSplit | null>;
  result: Promise<WorkerResult>;
  stop: () => Promise<void>;
}

/**
 * Start a worker on a job (see WorkerJob.split: for text files it finds the split itself and posts it first);
 * `onProgress` is told the rows and bytes of its part read so far (with `job.progress`).
 */
export function startWorker(job: WorkerJob, youngGenerationMb?: number, onProgress?: (rows: number, bytes: number) => void): StartedWorker {
  // a small heap: the worker's long-lived state is typed arrays (outside the heap) and capped maps, so a tight
  // old generation only makes V8 collect the garbage of finished batches (chunk strings) sooner
  const w = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: job,
    resourceLimits: { maxOldGenerationSizeMb: 256, ...(youngGenerationMb ? { maxYoungGenerationSizeMb: youngGenerationMb } : {}) },
  });
  let planned: (s: TextSplit | null) => void = () => undefined;
  const plan = new Promise<TextSplit | null>((resolve) => (planned = resolve));
  const result = new Promise<WorkerResult>((resolve, reject) => {
    let settled = false;
    // (a settled promise ignores later calls: a failure after the plan leaves the plan as it was)
    type Message = { plan: TextSplit | null } | { progress: [number, number] } | { ok: true; result: WorkerResult } | { ok: false; error: string };
    w.on('message', (m: Message) => {
      if ('plan' in m) return planned(m.plan);
      if ('progress' in m) return settled ? undefined : onProgress?.(m.progress[0], m.progress[1]);
      settled = true;
      planned(null);
      if (m.ok) resolve(m.result);
      else reject(new Error(m.error));
    });
    w.once('error', (e) => {
      settled = true;
      planned(null);
      reject(e);
    });
    w.once('exit', (code) => {
      planned(null);
      if (!settled) reject(new Error(`worker exited with code ${code}`));
    });
  });
  result.catch(() => undefined);
  return { plan, result, stop: async () => void (await w.terminate()) };
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
  /** Told the rows and stored bytes of the input read so far (both threads), after batches. */
  onProgress?: (rows: number, bytes: number) => void;
}

export interface ParallelOutcome {
  scan: ScanState;
  issues: IssueLog;
  meta: Record<string, unknown>;
  rows: number;
  columns: string[];
  sha256: string | null;
  /**
   * How the work was done, for diagnostics (DQ_DEBUG_PARALLEL): 'read-on' when the main thread read on to the
   * end of the file (one read, worker stopped): the worker found no split, or the first part of a JSON Lines file
   * did not end as planned.
   */
  mode: 'parallel' | 'worker-failed' | 'restarted' | 'read-on';
}

/** Batches of a reader, holding back the first one that passes `rows` rows until `ready` settles. */
export function holdPast(reader: Reader, rows: number, ready: Promise<unknown>): Reader {
  return async function* (input, opts, issues, meta) {
    let seen = 0;
    for await (const b of reader(input, opts, issues, meta)) {
      if (seen <= rows && (seen += b.length) > rows) await ready;
      yield b;
    }
  };
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

  const bytes = input.bytes;
  const budget = a.options.exactBudgetBytes;
  const job: WorkerJob = {
    path: input.file,
    format: input.format,
    reader: { ...a.readerOpts, range: null },
    options: a.options,
    checkerIds: checkers.map((c) => c.meta.id),
    columns: a.choice.columns,
    excludeColumns: a.choice.excludeColumns,
    partitions: a.partitions,
    progress: a.onProgress !== undefined,
  };
  const scan = newScan(checkers, a.options);
  // progress: this thread's rows (after `rowsBase`) and bytes read (after `readBase`), plus the worker's part;
  // told after each batch of this thread and each progress message of the worker (also while this thread waits)
  const progress = { rowsBase: 0, rows: 0, readBase: 0, workerRows: 0, workerBytes: 0 };
  const tell = () => a.onProgress?.(progress.rowsBase + progress.rows + progress.workerRows, bytesRead(input) - progress.readBase + progress.workerBytes);
  const onWorkerProgress = (rows: number, b: number) => {
    progress.workerRows = rows;
    progress.workerBytes = b;
    tell();
  };
  const onBatch = a.onProgress
    ? (rows: number) => {
        progress.rows = rows;
        tell();
      }
    : undefined;
  let reader = a.reader;
  let part1Range: ReadRange;
  let worker: StartedWorker;
  // the split, once known (text files: from the worker; null: none, part 1 is then the whole file)
  let split: Promise<TextSplit | null>;
  let part2Range: ReadRange | null = null;
  const text = input.format !== 'parquet';
  const jsonl = input.format === 'jsonl';
  if (text) {
    // the worker finds the split (the pre-pass) while this thread reads from the start; at the target this read
    // waits for it. The worker's young generation of 8 MB keeps two threads under 300 MB on 1M rows (CSV 316 ->
    // 286 MB, JSON Lines 281 -> 272 MB) for about 0.2 s more of its garbage collection: MAIN_SHARE makes up for it.
    const target = Math.floor(bytes * MAIN_SHARE);
    worker = startWorker({ ...job, split: target }, 8, onWorkerProgress);
    split = worker.plan;
    part1Range = { start: 0, end: target, endAt: split.then((sp) => sp?.range.start ?? null), rowsBefore: 0, linesBefore: 0, header: null, delimiter: null, encoding: null };
    // the parts' budget for numeric values follows from the split's row estimate: it must be set before any
    // column of this part could pass it, so the read waits for the split there if it has not come yet
    void split.then((sp) => {
      if (!sp) return;
      part2Range = sp.range;
      const vb = partValuesBudget(splitRowEstimate(sp, bytes), budget, true);
      if (vb !== undefined) scan.profile.valuesBudget = vb;
      debug?.(`split at byte ${sp.range.start} of ${bytes}, after ${sp.range.rowsBefore} rows and ${sp.range.linesBefore} lines${vb !== undefined ? `; numeric values sketched past ${vb} bytes a column in each part` : ''}`);
    });
    reader = holdPast(reader, Math.floor(budget / 2 / 8), split);
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
    debug?.(`split before row group ${g} of ${groups.length}, after ${before} rows`);
    part1Range = { start: 0, end: 0, rowsBefore: 0, linesBefore: 0, header: null, delimiter: null, encoding: null, firstGroup: 0, endGroup: g };
    part2Range = { start: 0, end: 0, rowsBefore: before, linesBefore: 0, header: null, delimiter: null, encoding: null, firstGroup: g, endGroup: groups.length };
    const vb = partValuesBudget(total, budget, false);
    if (vb !== undefined) scan.profile.valuesBudget = vb;
    worker = startWorker({ ...job, reader: { ...a.readerOpts, range: part2Range }, valuesBudget: vb }, undefined, onWorkerProgress);
    split = Promise.resolve(null);
  }
  const halved = (): boolean => scan.profile.valuesBudget !== undefined;
  // JSON Lines: where part 1 ended, when it ended as planned (else the main thread reads on, see below)
  const ended: { at: RangeHandoff | null } = { at: null };
  if (jsonl) {
    part1Range.handoff = async (at) => {
      const plan = (await split)?.jsonl;
      if (!plan) return false; // no split: this read was the whole file
      const late = (await import('../io/readers/jsonl.js')).lateLeafColumns(plan, at);
      let asPlanned = late !== null && late.length === 0;
      if (late !== null && late.length > 0) {
        debug?.(`${late.join(', ')}: first leaf value after the planned lines; waiting for part 2 to know whether it matters`);
        const part2 = await worker.result.catch(() => null);
        asPlanned = part2 !== null && !(part2.meta.nullColumnsFlattened as string[]).some((c) => late.includes(c));
      }
      if (asPlanned) {
        ended.at = at;
        return true;
      }
      void worker.stop();
      // the parts' budget for numeric values is not one read's: then stop here and start again (see below)
      if (halved()) return true;
      debug?.(`part 1 ended with ${at.rows} rows, ${at.lines} lines and ${at.columns.length} columns, not as planned: reading on`);
      return false;
    };
  }
  const parse = parseOptionsFrom(a.options);
  let issues = new IssueLog();
  let meta: Record<string, unknown> = {};
  try {
    const p1 = await scanInput(input, reader, { ...a.readerOpts, range: part1Range }, a.choice, a.partitions, scan, issues, meta, 0, feeder(scan, checkers, parse), onBatch);
    const p1At = Date.now();
    debug?.('part 1 read');
    const sp = await split;
    // the whole file's SHA-256: part 1 hashed its bytes as it read them, what is left is read and hashed here
    // while the worker finishes (Parquet: none, the reader reads by offsets)
    const sha = text ? finishSha256(input) : Promise.resolve(input.sha256());
    sha.catch(() => undefined);
    if (text && (!sp || (jsonl && !ended.at)) && !halved()) {
      // no split (part 1 was the whole file), or JSON Lines read on to the end of the file: one read's states
      await worker.stop();
      debug?.(`read-on: ${p1.rows} rows`);
      return { scan, issues, meta, rows: p1.rows, columns: p1.columns, sha256: await sha, mode: 'read-on' };
    }
    const plannedRows = part2Range!.rowsBefore;
    const verified = jsonl ? ended.at !== null : p1.rows === plannedRows && (!text || (meta.rows === plannedRows && meta.endLine === sp!.range.linesBefore + 1));
    if (!verified) {
      // the plan disagrees with the parser: discard everything and read the whole file on this thread
      debug?.(`part 1 ended with ${String(meta.rows ?? meta.records ?? p1.rows)} rows at line ${String(meta.endLine ?? meta.lines)}, not as planned: one thread`);
      await worker.stop();
      const again = newScan(checkers, a.options);
      Object.assign(progress, { readBase: bytesRead(input), rows: 0, workerRows: 0, workerBytes: 0 });
      issues = new IssueLog();
      meta = {};
      const all = await scanInput(input, a.reader, a.readerOpts, a.choice, a.partitions, again, issues, meta, 0, feeder(again, checkers, parse), onBatch);
      debug?.(`restarted: ${all.rows} rows`);
      return { scan: again, issues, meta, rows: all.rows, columns: all.columns, sha256: input.sha256(), mode: 'restarted' };
    }
    fullGc(); // part 1's garbage, before the worker's states arrive
    let part2: WorkerResult | null = null;
    try {
      part2 = await worker.result;
    } catch (e) {
      debug?.(`worker failed (${(e as Error).message}): part 2 on this thread`);
    }
    let mode: ParallelOutcome['mode'] = 'parallel';
    let rows = p1.rows;
    let columns = p1.columns;
    await worker.stop(); // release the worker's heap before merging
    debug?.(`worker result received${part2 ? `; the worker finished ${part2.finishedAt - p1At} ms after part 1` : ''}`);
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
      const range = at ? { ...part2Range!, header: at.columns, leafColumns: at.leafColumns } : part2Range!;
      meta2 = {};
      issues2 = new IssueLog();
      Object.assign(progress, { rowsBase: rows, rows: 0, workerRows: 0, workerBytes: 0 });
      const p2 = await scanInput(input, a.reader, { ...a.readerOpts, range }, a.choice, a.partitions, scan, issues2, meta2, 0, feeder(scan, checkers, parse), onBatch);
      rows += p2.rows;
      columns = p2.columns.length ? p2.columns : columns;
    }
    if (jsonl) {
      (await import('../io/readers/jsonl.js')).mergeJsonlPart(meta, issues, meta2, issues2);
    } else {
      issues.merge(issues2);
      if (text) mergeCsvMeta(meta, meta2);
    }
    debug?.(`${mode}: ${rows} rows`);
    return { scan, issues, meta, rows, columns, sha256: await sha, mode };
  } finally {
    await worker.stop();
  }
}
