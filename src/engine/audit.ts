/**
 * The audit engine: one streaming pass feeding every active checker, then finalize, score and report.
 *
 *   inputs -> reader -> Batch -> (project columns) -> BatchView -> profile + checkers -> finalize -> scores -> Report
 *
 * Several inputs (a glob, a folder of parts) are read one after the other into the same states; rows are
 * numbered across all of them and `source.details.parts` maps row ranges back to files. One large file can be
 * read by two threads (src/engine/parallel.ts); the report is the same.
 *
 * Memory that grows with the data (everything else is bounded: top values and spelling maps by 10,000 entries,
 * patterns by 1,000, timestamps by 20,000 per column, examples by 5):
 * - numeric values: 8 bytes per row per numeric column while within --exact-budget (8 MiB = 1M rows), then a
 *   KLL sketch of a few KB; in a parallel audit of an input known to exceed the budget each part keeps half;
 * - distinct values: 16-32 bytes per distinct value per column (64-bit hashes, load <= 1/2) up to 2.5 times the
 *   budget (about 1M distinct values), then a 16 KiB HyperLogLog;
 * - duplicate rows: 24-35 bytes per distinct row up to 4 times the budget (about 1M distinct rows), then 20 bytes
 *   a row on disk (src/stats/spill.ts) and 1/256 of that in memory while each partition is counted;
 * - the line index: 8 bytes per change of the line-minus-row offset (multi-line records, blank lines);
 * - per batch (transient): the reader's cells and one parsed view per column (kind 1, number 8, hash 8 bytes a cell).
 * A parallel audit holds each part's states plus one isolate more (about 50-80 MB), and the merge briefly holds
 * both parts and the grown tables.
 */
import { promises as fsp } from 'node:fs';
import { InputError, UsageError } from '../errors.js';
import { IssueLog } from '../core/issues.js';
import type {
  AuditOptions,
  Batch,
  Cell,
  Checker,
  CheckResult,
  ColumnProfile,
  ColumnTallies,
  Finding,
  Report,
} from '../core/types.js';
import { CHECKERS } from '../checks/registry.js';
import { finalizeProfile, mergeProfile } from '../checks/profile.js';
import { parseOptionsFrom } from '../schema/values.js';
import { bytesRead, openInput, type Format, type Input } from '../io/source.js';
import { LOST_RECORD_IDS, type ReaderOptions } from '../io/readers/types.js';
import { loadReader } from './read.js';
import { liLineOf } from './line-index.js';
import { align, feeder, fullGc, mergeColumns, newScan, scanInput, type ScanState } from './scan.js';
import { parallelScan, threadCount } from './parallel.js';
import { combineTallies, scoresFrom, FORMULAS, SCORING_VERSION, WEIGHTS } from '../score/score.js';
import { REPORT_VERSION, TOOL_VERSION } from '../version.js';

export interface AuditRequest {
  inputs: { path: string; partitions?: Record<string, string> }[];
  format: Format | null;
  reader: ReaderOptions;
  options: AuditOptions;
  /** Checker ids to run (null: the default set). */
  checks: string[] | null;
  skipChecks: string[];
  /** Extra checkers (plugins, the rules checker). */
  extraCheckers?: Checker<any>[];
  columns: string[] | null;
  excludeColumns: string[];
  strict: boolean;
  sample: { size: number; seed: number } | null;
  /**
   * Threads for one large file (default: DQ_THREADS, else min(2, cores)); 1 = one thread.
   * See src/engine/parallel.ts for what runs in parallel and the fallbacks.
   */
  threads?: number;
  onProgress?: (p: { rows: number; bytes: number; totalBytes: number | null }) => void;
}

/** Reader findings that --strict turns into exit 3. */
const STRICT_IDS = new Set([
  'row-too-short',
  'row-too-long',
  'invalid-json',
  'not-object',
  'truncated-line',
  'invalid-utf8',
  'malformed-quote',
  'unterminated-quote',
]);

export function selectCheckers(req: Pick<AuditRequest, 'checks' | 'skipChecks' | 'extraCheckers'>): Checker<any>[] {
  const all = [...CHECKERS, ...(req.extraCheckers ?? [])];
  const ids = new Set(all.map((c) => c.meta.id));
  for (const id of [...(req.checks ?? []), ...req.skipChecks]) {
    if (!ids.has(id)) throw new UsageError(`unknown check '${id}'; available: ${[...ids].join(', ')}`);
  }
  const chosen = req.checks
    ? all.filter((c) => req.checks!.includes(c.meta.id))
    : all.filter((c) => c.meta.default || (req.extraCheckers ?? []).includes(c));
  return chosen.filter((c) => !req.skipChecks.includes(c.meta.id));
}

/** A seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reservoir sample of rows (algorithm R), kept in original order at the end. */
class Reservoir {
  rows: { row: number; line: number; cells: Cell[] }[] = [];
  seen = 0;
  columns: string[] = [];
  private rand: () => number;
  constructor(private size: number, seed: number) {
    this.rand = prng(seed);
  }
  add(b: Batch): void {
    this.columns = b.columns;
    for (let i = 0; i < b.length; i++) {
      this.seen++;
      const take = () => ({ row: b.firstRow + i, line: b.lines ? b.lines[i]! : 0, cells: b.data.map((col) => col[i] ?? null) });
      if (this.rows.length < this.size) this.rows.push(take());
      else {
        const j = Math.floor(this.rand() * this.seen);
        if (j < this.size) this.rows[j] = take();
      }
    }
  }
  batch(): Batch {
    this.rows.sort((a, b) => a.row - b.row);
    const n = this.rows.length;
    const data = this.columns.map((_, c) => this.rows.map((r) => r.cells[c] ?? null));
    const lines = new Int32Array(n);
    this.rows.forEach((r, i) => (lines[i] = r.line));
    return { columns: this.columns, data, length: n, firstRow: 1, lines: this.rows.some((r) => r.line) ? lines : null };
  }
}

/** The summed sizes of input files; null if one is stdin or cannot be sized. */
async function totalSize(paths: string[]): Promise<number | null> {
  let sum = 0;
  for (const p of paths) {
    if (p === '-') return null;
    const st = await fsp.stat(p).catch(() => null);
    if (!st?.isFile()) return null;
    sum += st.size;
  }
  return sum;
}

export async function audit(req: AuditRequest): Promise<Report> {
  if (req.inputs.length === 0) throw new UsageError('no input given');
  const checkers = selectCheckers(req);
  const parse = parseOptionsFrom(req.options);
  let scan: ScanState = newScan(checkers, req.options);
  let issues = new IssueLog();
  const parts: { path: string; format: Format; firstRow: number; rows: number; bytes: number | null; sha256: string | null; columns: string[] }[] = [];
  const details: Record<string, unknown> = {};
  const reservoir = req.sample ? new Reservoir(req.sample.size, req.sample.seed) : null;
  // progress: stored bytes of the inputs (null when one is stdin or cannot be sized; then no share or ETA)
  const totalBytes = req.onProgress ? await totalSize(req.inputs.map((s) => s.path)) : null;
  let bytesDone = 0;
  const threads = threadCount(req.threads);

  let firstFormat: Format | null = null;
  for (const spec of req.inputs) {
    const input: Input = await openInput(spec.path, { format: req.format, maxDecompressedBytes: req.reader.maxDecompressedBytes });
    firstFormat ??= input.format;
    try {
      const reader = await loadReader(input.format);
      let meta: Record<string, unknown> = {};
      const offset = scan.rows;
      const onProgress = req.onProgress
        ? (rows: number, bytes: number) => req.onProgress!({ rows: offset + rows, bytes: bytesDone + Math.min(bytes, input.bytes ?? bytes), totalBytes })
        : undefined;
      let part: { rows: number; columns: string[] } | null = null;
      let sha256: string | null = null;
      if (req.inputs.length === 1 && !reservoir && threads > 1) {
        const par = await parallelScan({
          input,
          reader,
          readerOpts: req.reader,
          options: req.options,
          checkers,
          choice: req,
          partitions: spec.partitions,
          threads,
          onProgress,
        });
        if (par) {
          scan = par.scan;
          issues = par.issues;
          meta = par.meta;
          part = { rows: par.rows, columns: par.columns };
          sha256 = par.sha256;
        }
      }
      if (!part) {
        const feed = feeder(scan, checkers, parse);
        const sink = reservoir ? (b: Batch) => reservoir.add(b) : feed;
        part = await scanInput(input, reader, req.reader, req, spec.partitions, scan, issues, meta, offset, sink, onProgress && ((rows) => onProgress(rows, bytesRead(input))));
        sha256 = input.sha256();
      }
      // bookkeeping of the CSV reader for parallel reads, not report details
      delete meta.endLine;
      delete meta.lineCounts;
      bytesDone += input.bytes ?? 0;
      parts.push({ path: spec.path, format: input.format, firstRow: offset + 1, rows: part.rows, bytes: input.bytes, sha256, columns: part.columns });
      if (req.inputs.length === 1) Object.assign(details, meta);
      else details[spec.path] = meta;
    } finally {
      await input.close();
    }
  }

  if (req.strict) {
    for (const f of issues.findings()) {
      if (STRICT_IDS.has(f.id) && f.count > 0) {
        const ex = f.examples[0];
        const where = ex?.line ? `line ${ex.line}` : undefined;
        // (the position is said once, before the message: a message that starts with it loses it)
        const message = where && f.message.startsWith(`${where}: `) ? f.message.slice(where.length + 2) : f.message;
        throw new InputError(
          parts.length === 1 ? parts[0]!.path : 'input',
          `${message} (--strict: ${f.count} such problem${f.count > 1 ? 's' : ''}; fix the file or drop --strict to audit it anyway)`,
          where,
        );
      }
    }
  }

  let rows = scan.rows;
  const readRows = scan.rows;
  if (reservoir) {
    const b = align(reservoir.batch(), scan.columns);
    rows = b.length;
    feeder(scan, checkers, parse)(b);
  }

  fullGc(); // the reading's garbage, before finalize allocates sorted values
  // finalize: profile first, then every checker with the final schema
  const { profiles, details: colDetails } = finalizeProfile(scan.profile, rows, req.options, scan.columns, { keepSorted: false });
  const fctx = {
    options: req.options,
    rows,
    columns: profiles,
    details: colDetails,
    lineOf: (row: number) => liLineOf(scan.lineIndex, row),
  };
  const results: CheckResult[] = checkers.map((c, i) => {
    try {
      return c.finalize(scan.states[i], fctx);
    } catch (e) {
      // a broken checker is a failed check, not an aborted run
      return {
        findings: [
          {
            check: c.meta.id,
            id: 'check-failed',
            dimension: null,
            severity: 'error' as const,
            column: null,
            message: `check ${c.meta.id} failed: ${(e as Error).message}`,
            count: 1,
            examples: [],
          },
        ],
      };
    }
  });

  const findings: Finding[] = issues.findings('reader');
  if (rows === 0 && !issues.has('empty-file')) {
    findings.push({
      check: 'reader',
      id: 'no-data-rows',
      dimension: null,
      severity: 'warn',
      column: null,
      message: scan.columns.length ? `no data rows (only a header with ${scan.columns.length} columns)` : 'no data rows',
      count: 0,
      examples: [],
    });
  }
  if (parts.length > 1) {
    const base = parts[0]!.columns.join('\u0000');
    const differing = parts.filter((p) => p.columns.join('\u0000') !== base);
    if (differing.length)
      findings.push({
        check: 'consistency',
        id: 'schema-mismatch',
        dimension: 'consistency',
        severity: 'warn',
        column: null,
        message: `${differing.length} of ${parts.length} parts have different columns than ${parts[0]!.path}`,
        count: differing.length,
        examples: differing.slice(0, 5).map((p) => ({ row: p.firstRow, line: null, value: `${p.path}: ${p.columns.join(', ')}` })),
      });
  }
  const single = parts.length === 1 ? parts[0]! : null;
  return assembleReport({
    source: {
      path: single ? single.path : req.inputs.map((i) => i.path).join(', '),
      format: firstFormat ?? 'csv',
      bytes: parts.reduce<number | null>((a, p) => (a === null || p.bytes === null ? null : a + p.bytes), 0),
      sha256: single ? single.sha256 : null,
      details: parts.length > 1 ? { ...details, parts } : details,
    },
    rows,
    sample: req.sample ? { size: rows, seed: req.sample.seed, of: scan.rows } : null,
    profiles,
    checkers,
    results,
    findings,
    examples: req.options.examples,
    // (a sample holds its share of them)
    extraTallies: lostRecordTallies(issues, scan.columns.length, reservoir ? rows / Math.max(1, readRows) : 1),
  });
}

/**
 * Validity at dataset level for lines that were not records: their values are in no column, so each counts as
 * invalid, one cell per column (a file of mostly broken lines must not score 100 because its few good ones do).
 */
function lostRecordTallies(issues: IssueLog, columns: number, share: number): Record<string, ColumnTallies> {
  const lost = LOST_RECORD_IDS.reduce((n, id) => n + issues.count(id), 0);
  const cells = Math.round(lost * share) * Math.max(1, columns);
  return cells > 0 ? { '': { validity: { assessed: cells, bad: cells } } } : {};
}

/**
 * Findings, tallies and metrics of finalized checkers -> the Report: scores, examples policy, ordering.
 * Shared by file audits and table sources (pushdown), so both give the same report for the same data.
 */
export function assembleReport(a: {
  source: Report['source'];
  rows: number;
  sample: Report['sample'];
  profiles: ColumnProfile[];
  checkers: Checker<any>[];
  results: CheckResult[];
  findings: Finding[];
  examples: boolean;
  complete?: boolean;
  /** Tallies that come from no checker (the reader's lost records). */
  extraTallies?: Record<string, ColumnTallies>;
}): Report {
  const { profiles, checkers, results, findings } = a;
  const metrics: Record<string, unknown> = {};
  results.forEach((r, i) => {
    findings.push(...r.findings);
    if (r.metrics) metrics[checkers[i]!.meta.id] = r.metrics;
  });
  if (!a.examples) for (const f of findings) f.examples = f.examples.map((e) => ({ ...e, value: null }));

  // scores
  const combined = combineTallies([...results.map((r) => r.tallies ?? {}), a.extraTallies ?? {}]);
  const dataset = scoresFrom([...combined.values()]);
  for (const p of profiles) {
    const t: ColumnTallies = combined.get(p.name) ?? {};
    p.scores = scoresFrom([t]);
    if (!a.examples) {
      // statistics stay; values copied from the data go
      p.top = p.top.map((t2, i) => ({ value: `(value ${i + 1})`, count: t2.count }));
      if (typeof p.min === 'string') p.min = null;
      if (typeof p.max === 'string') p.max = null;
    }
  }
  const dup = (metrics.duplicates ?? null) as { rows: number; keyRows: number | null; nearRows: number; key: string[] | null } | null;
  return {
    version: REPORT_VERSION,
    tool: { name: 'dq', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    source: a.source,
    complete: a.complete ?? true,
    sample: a.sample,
    rows: a.rows,
    columns: profiles,
    duplicates: {
      rows: dup?.rows ?? 0,
      keyRows: dup?.keyRows ?? null,
      nearRows: dup?.nearRows ?? 0,
      key: dup?.key ?? null,
      approximate: false,
    },
    scores: dataset,
    scoring: { version: SCORING_VERSION, weights: WEIGHTS, formulas: FORMULAS },
    findings: sortFindings(findings),
    metrics,
    checks: checkers.map((c) => c.meta.id),
    gate: null,
  };
}

const SEVERITY_ORDER = { error: 0, warn: 1, info: 2 } as const;

export function sortFindings(f: Finding[]): Finding[] {
  return f.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      b.count - a.count ||
      (a.column ?? '').localeCompare(b.column ?? '') ||
      a.id.localeCompare(b.id),
  );
}

export { mergeProfile };
