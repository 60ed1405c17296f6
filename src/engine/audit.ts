/**
 * The audit engine: one streaming pass feeding every active checker, then finalize, score and report.
 *
 *   inputs -> reader -> Batch -> (project columns) -> BatchView -> profile + checkers -> finalize -> scores -> Report
 *
 * Several inputs (a glob, a folder of parts) are read one after the other into the same states; rows are
 * numbered across all of them and `source.details.parts` maps row ranges back to files.
 */
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
import { finalizeProfile, initProfile, mergeProfile, updateProfile, type ProfileState } from '../checks/profile.js';
import { parseOptionsFrom, viewBatch } from '../schema/values.js';
import { openInput, type Format, type Input } from '../io/source.js';
import type { ReaderOptions } from '../io/readers/types.js';
import { loadReader } from './read.js';
import { liAdd, liLineOf, liNew, type LineIndex } from './line-index.js';
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

/** Keep only selected columns (and add partition columns). Returns the same batch when nothing changes. */
function project(b: Batch, req: AuditRequest, partitions: Record<string, string> | undefined): Batch {
  let out = b;
  if (req.columns || req.excludeColumns.length) {
    const keep: number[] = [];
    b.columns.forEach((name, i) => {
      if (req.columns && !req.columns.includes(name)) return;
      if (req.excludeColumns.includes(name)) return;
      keep.push(i);
    });
    if (keep.length !== b.columns.length) out = { ...b, columns: keep.map((i) => b.columns[i]!), data: keep.map((i) => b.data[i]!) };
  }
  if (partitions && Object.keys(partitions).length) {
    const names = Object.keys(partitions).filter((k) => !out.columns.includes(k));
    out = {
      ...out,
      columns: [...out.columns, ...names],
      data: [...out.data, ...names.map((k) => new Array<Cell>(out.length).fill(partitions[k]!))],
    };
  }
  return out;
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

interface ScanState {
  profile: ProfileState;
  states: unknown[];
  lineIndex: LineIndex;
  rows: number;
  columns: string[];
}

export async function audit(req: AuditRequest): Promise<Report> {
  if (req.inputs.length === 0) throw new UsageError('no input given');
  const checkers = selectCheckers(req);
  const ctx = { options: req.options };
  const parse = parseOptionsFrom(req.options);
  const scan: ScanState = {
    profile: initProfile(req.options),
    states: checkers.map((c) => c.init(ctx)),
    lineIndex: liNew(),
    rows: 0,
    columns: [],
  };
  const issues = new IssueLog();
  const parts: { path: string; format: Format; firstRow: number; rows: number; bytes: number | null; sha256: string | null; columns: string[] }[] = [];
  const details: Record<string, unknown> = {};
  const reservoir = req.sample ? new Reservoir(req.sample.size, req.sample.seed) : null;
  const totalBytes = null;
  let bytesDone = 0;

  const feed = (b: Batch) => {
    if (b.length === 0) return;
    const view = viewBatch(b, parse);
    updateProfile(scan.profile, view);
    for (let i = 0; i < checkers.length; i++) checkers[i]!.update(scan.states[i], view);
    liAdd(scan.lineIndex, b.firstRow, b.lines, b.length);
  };

  let firstFormat: Format | null = null;
  for (const spec of req.inputs) {
    const input: Input = await openInput(spec.path, { format: req.format });
    firstFormat ??= input.format;
    try {
      const reader = await loadReader(input.format);
      const meta: Record<string, unknown> = {};
      const offset = scan.rows;
      let partColumns: string[] = [];
      let partRows = 0;
      for await (const raw of reader(input, req.reader, issues, meta)) {
        let b = project(raw, req, spec.partitions);
        if (offset) b = { ...b, firstRow: b.firstRow + offset };
        partColumns = b.columns;
        mergeColumns(scan.columns, b.columns);
        // keep every batch's columns in the global order so checkers see stable indices
        b = align(b, scan.columns);
        partRows += b.length;
        scan.rows += b.length;
        if (reservoir) reservoir.add(b);
        else feed(b);
        req.onProgress?.({ rows: scan.rows, bytes: bytesDone, totalBytes });
      }
      if (partRows === 0 && Array.isArray(meta.columns)) {
        const cols = project({ columns: meta.columns as string[], data: (meta.columns as string[]).map(() => []), length: 0, firstRow: 1, lines: null }, req, spec.partitions).columns;
        partColumns = cols;
        mergeColumns(scan.columns, cols);
      }
      bytesDone += input.bytes ?? 0;
      parts.push({ path: spec.path, format: input.format, firstRow: offset + 1, rows: partRows, bytes: input.bytes, sha256: input.sha256(), columns: partColumns });
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
        throw new InputError(
          parts.length === 1 ? parts[0]!.path : 'input',
          `${f.message} (--strict: ${f.count} such problem${f.count > 1 ? 's' : ''}; fix the file or drop --strict to audit it anyway)`,
          ex?.line ? `line ${ex.line}` : undefined,
        );
      }
    }
  }

  let rows = scan.rows;
  if (reservoir) {
    const b = align(reservoir.batch(), scan.columns);
    rows = b.length;
    feed(b);
  }

  // finalize: profile first, then every checker with the final schema
  const { profiles, details: colDetails } = finalizeProfile(scan.profile, rows, req.options, scan.columns);
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
  });
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
}): Report {
  const { profiles, checkers, results, findings } = a;
  const metrics: Record<string, unknown> = {};
  results.forEach((r, i) => {
    findings.push(...r.findings);
    if (r.metrics) metrics[checkers[i]!.meta.id] = r.metrics;
  });
  if (!a.examples) for (const f of findings) f.examples = f.examples.map((e) => ({ ...e, value: null }));

  // scores
  const combined = combineTallies(results.map((r) => r.tallies ?? {}));
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

function mergeColumns(global: string[], cols: string[]): void {
  for (const c of cols) if (!global.includes(c)) global.push(c);
}

/** Re-order a batch's columns to the global order (adding all-null columns it lacks). */
function align(b: Batch, global: string[]): Batch {
  if (b.columns.length === global.length && b.columns.every((c, i) => c === global[i])) return b;
  const idx = new Map(b.columns.map((c, i) => [c, i]));
  const data = global.map((c) => {
    const i = idx.get(c);
    return i === undefined ? new Array<Cell>(b.length).fill(null) : b.data[i]!;
  });
  return { ...b, columns: global.slice(), data };
}

export { mergeProfile };
