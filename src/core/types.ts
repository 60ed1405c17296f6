import type { ColumnDetail } from '../checks/profile.js';

/**
 * The contracts every part of dq is written against.
 *
 * Data flows one way:
 *   source -> reader -> Batch -> (engine adds ColumnView) -> checkers (states) -> results -> scores -> reporter
 */

/** One cell as a reader yields it. CSV yields strings (or null for nothing at all, e.g. a short row). */
export type Cell = string | number | boolean | bigint | null;

/** A batch of records, column-major. */
export interface Batch {
  /** Column names known so far, in first-seen order. A later batch may have more (JSON Lines). */
  columns: string[];
  /** data[c][i]: column c, record i. Every column has `length` entries (null when absent). */
  data: Cell[][];
  /** Number of records in the batch. */
  length: number;
  /** 1-based number among data records of data[*][0]. */
  firstRow: number;
  /** 1-based physical line where each record starts; null for formats without lines (Parquet). */
  lines: Int32Array | null;
}

/** How a cell parsed. Stored per cell in a Uint8Array. */
export const Kind = {
  MISSING: 0,
  INT: 1,
  FLOAT: 2,
  BOOL: 3,
  DATE: 4,
  DATETIME: 5,
  TEXT: 6,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export type ColumnType = 'integer' | 'float' | 'boolean' | 'date' | 'datetime' | 'string' | 'categorical' | 'empty';

/**
 * The parsed view of one column of a batch, computed once by the engine and shared by every checker.
 * - kind[i]: the Kind of cell i.
 * - num[i]: the number for INT/FLOAT; 1/0 for BOOL; epoch milliseconds (UTC) for DATE/DATETIME; NaN otherwise.
 * - text[i]: the cell as text (exactly as read for strings; canonical text for numbers, bigint and booleans); null when missing.
 * - alt: for slash dates whose day/month order is ambiguous (3/4/2020), epoch ms under the other reading; NaN elsewhere. Null when the batch has none.
 * - dayFirstEvidence / monthFirstEvidence: counts of slash dates that can only be day-first (13/04/2020) or month-first (04/13/2020).
 */
export interface ColumnView {
  kind: Uint8Array;
  num: Float64Array;
  text: (string | null)[];
  alt: Float64Array | null;
  dayFirstEvidence: number;
  monthFirstEvidence: number;
  /**
   * 64-bit hash of each cell's parsed value as (hi, lo) pairs, filled by the profile before checkers run
   * (numbers by value so 35 = 35.0, text by content, missing cells by one constant). Undefined until then.
   */
  hash?: Uint32Array;
}

/** What checkers see: the batch plus one parsed view per column. */
export interface BatchView extends Batch {
  views: ColumnView[];
}

export type Dimension = 'completeness' | 'validity' | 'accuracy' | 'consistency' | 'uniqueness' | 'timeliness';
export const DIMENSIONS: Dimension[] = ['completeness', 'validity', 'accuracy', 'consistency', 'uniqueness', 'timeliness'];

export type Severity = 'info' | 'warn' | 'error';

export interface Example {
  /** 1-based data row, or null (table sources). */
  row: number | null;
  /** 1-based physical line, or null (Parquet, tables). */
  line: number | null;
  /** The offending value as text (null when the value is missing); removed entirely with --no-examples. */
  value: string | null;
}

export interface Finding {
  /** The checker (or reader) that produced it: 'missingness', 'reader', ... */
  check: string;
  /** Stable message id within the check: 'ragged-row', 'type-noise', ... Tests assert ids, not prose. */
  id: string;
  /** Dimension this problem counts against, or null for purely informational findings. */
  dimension: Dimension | null;
  severity: Severity;
  column: string | null;
  message: string;
  /** How many cells/rows/lines this finding covers. */
  count: number;
  /** Up to five examples, lowest row numbers first. */
  examples: Example[];
  /** Structured details (format counts, clusters, ...). Free-form but JSON-serialisable. */
  data?: Record<string, unknown>;
}

/**
 * Per-column counts of problems, by dimension. The scorer turns these into scores:
 * a dimension's score is 100 * (1 - bad / assessed), with both summed over columns.
 * A checker reports `assessed` cells for the dimensions it evaluates, and `bad` cells among them.
 */
export interface DimensionTally {
  assessed: number;
  bad: number;
}
export type ColumnTallies = Partial<Record<Dimension, DimensionTally>>;

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Non-missing values. */
  count: number;
  missing: number;
  /** Distinct non-missing values. */
  distinct: number;
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  std: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
  outliers: { iqr: number | null; zscore: number | null; mad: number | null } | null;
  /** True when any statistic of this column came from a sketch (see README, "Exact and approximate"). */
  approximate: boolean;
  top: { value: string; count: number }[];
  histogram: { edges: number[]; counts: number[] } | null;
  scores: Record<Dimension, number | null> & { overall: number | null };
  /** Extra notes: identifier-like, ambiguous dates, ... */
  notes?: string[];
}

/** What a checker returns from finalize. */
export interface CheckResult {
  findings: Finding[];
  /** tallies by column name (or '' for dataset-level tallies such as duplicate rows). */
  tallies?: Record<string, ColumnTallies>;
  /** Anything the checker wants to put in the report under its id (e.g. duplicates: {rows, keyRows, nearRows}). */
  metrics?: Record<string, unknown>;
}

/** Options shared by the whole audit (already validated). */
export interface AuditOptions {
  naValues: Set<string>;
  decimalComma: boolean;
  dayFirst: boolean | null;
  /** Share of non-missing values that must parse as numbers for a column to be numeric (default 0.95). */
  numericThreshold: number;
  /** Forced column types (--type COL=TYPE). */
  types: Record<string, ColumnType>;
  keyColumns: string[] | null;
  examples: boolean;
  /** Memory budget for exact statistics, in bytes. */
  exactBudgetBytes: number;
  /** Extra options by checker id. */
  checks: Record<string, Record<string, unknown>>;
  /** Reference time for timeliness, epoch ms. */
  asOf: number;
}

/** Context for a checker's init. */
export interface InitContext {
  options: AuditOptions;
}

/** Context for finalize: the final schema and the profile (finalized before any other checker). */
export interface FinalizeContext {
  options: AuditOptions;
  rows: number;
  columns: ColumnProfile[];
  /** Internal per-column details from the profile (type noise, sorted values, fences...), same order as columns. */
  details: ColumnDetail[];
  /** The physical line where a data row starts (null for formats without lines). */
  lineOf(row: number): number | null;
}

export interface CheckerMeta {
  id: string;
  /** The dimension its findings count against by default. */
  dimension: Dimension | null;
  description: string;
  /** Whether it runs when --checks is not given. */
  default: boolean;
}

/**
 * A checker: a mergeable state over batches.
 * - init returns the identity for merge.
 * - update mutates the state with one batch (no I/O, no severity, no thresholds).
 * - merge combines two states (associative and commutative); it may reuse `a`.
 * - finalize turns a state into findings, tallies and metrics.
 */
export interface Checker<S = unknown> {
  meta: CheckerMeta;
  init(ctx: InitContext): S;
  update(state: S, batch: BatchView): void;
  merge(a: S, b: S): S;
  finalize(state: S, ctx: FinalizeContext): CheckResult;
}

/** Helper for typing checker modules. */
export function defineChecker<S>(c: Checker<S>): Checker<S> {
  return c;
}

/** A checker that keeps no state of its own and only reads the finalized profile (ctx.columns, ctx.details). */
export function defineProfileChecker(meta: CheckerMeta, finalize: (ctx: FinalizeContext) => CheckResult): Checker<null> {
  return { meta, init: () => null, update() {}, merge: () => null, finalize: (_s, ctx) => finalize(ctx) };
}

/** Dimension scores and overall; `privacy` (re-identification risk) is set only when assessed and is never part of overall. */
export type Scores = Record<Dimension, number | null> & { overall: number | null; privacy?: number | null };

/** The JSON report: a versioned contract (schema/report.schema.json). */
export interface Report {
  version: string;
  tool: { name: 'dq'; version: string };
  createdAt: string;
  source: {
    path: string;
    format: string;
    bytes: number | null;
    sha256: string | null;
    /** Reader details: delimiter, encoding, Parquet metadata, parts of a multi-file input ... */
    details?: Record<string, unknown>;
  };
  /** False if reading stopped early (a limit, --strict, an interrupted run). */
  complete: boolean;
  /** Set when the audit ran on a sample. */
  sample: { size: number; seed: number; of: number } | null;
  rows: number;
  columns: ColumnProfile[];
  duplicates: { rows: number; keyRows: number | null; nearRows: number; key: string[] | null; approximate: boolean };
  scores: Scores;
  scoring: { version: string; weights: Record<Dimension, number>; formulas: Record<string, string> };
  findings: Finding[];
  /** Per-checker metrics, keyed by checker id. */
  metrics: Record<string, unknown>;
  /** Checkers that ran. */
  checks: string[];
  /** Filled by the gate (issue 5); null when no gate was evaluated. */
  gate: GateResult | null;
  /** Re-identification risk, when quasi-identifiers were given (see README, "Personal data"). */
  privacy?: {
    kAnonymity: number | null;
    rowsBelowK: number;
    lDiversity: number | null;
    score: number | null;
    quasiIdentifiers: string[];
    k: number;
    sensitive: string | null;
  } | null;
}

export interface RuleResult {
  id: string;
  column: string | null;
  status: 'passed' | 'warned' | 'failed';
  severity: 'warn' | 'error';
  message: string;
  /** Offending cells/rows, or the measured value for dataset-level rules. */
  count: number | null;
  examples: Example[];
}

export interface GateResult {
  passed: boolean;
  rules: RuleResult[];
}
