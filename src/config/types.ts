/**
 * The validated form of a dq.yml file (see schema/dq.schema.json for the YAML side).
 *
 * Every rule leaf is a `Rule<T>`: the YAML may give it as a scalar (`required: true`, shorthand for
 * `{value: true}`) or as an object `{value, severity?, id?}`. Defaults: severity `error`, id
 * `<column>.<rule>` for column rules, the key path for dataset rules (`min_scores.overall`, `rows.min`,
 * `max_duplicate_rate`, `freshness`), `rule-<n>` (1-based) for an expression rule without an id.
 */
import type { ColumnType, Dimension } from '../core/types.js';
import type { Encoding } from '../io/readers/types.js';
import type { Expr } from './expr.js';

export type RuleSeverity = 'warn' | 'error';

/** 1-based line and column in the config file. */
export interface Pos {
  line: number;
  column: number;
}

export interface Rule<T> {
  id: string;
  value: T;
  severity: RuleSeverity;
  pos: Pos;
}

/** A limit given as a share (`5%` → rate 0.05) or as a count (`12`). */
export type Limit = { kind: 'rate'; value: number } | { kind: 'count'; value: number };

/** A min/max bound: a number, or a date (epoch ms UTC) written as text in the config. */
export type Bound = { kind: 'number'; value: number } | { kind: 'date'; value: number; text: string };

/** Types a column may be declared as (`columns.X.type` and `types:`). */
export type DeclaredType = Exclude<ColumnType, 'empty'>;
export const DECLARED_TYPES: DeclaredType[] = ['integer', 'float', 'boolean', 'date', 'datetime', 'string', 'categorical'];

export type NamedFormat = 'email' | 'url' | 'uuid';
/** `email`, `url`, `uuid`, or a date format such as `YYYY-MM-DD` (tokens: YYYY YY MM M MMM DD D HH H mm ss SSS). */
export type Format = { kind: NamedFormat } | { kind: 'date'; format: string };

export interface ColumnConfig {
  name: string;
  pos: Pos;
  type?: Rule<DeclaredType>;
  required?: Rule<boolean>;
  maxMissing?: Rule<Limit>;
  unique?: Rule<boolean>;
  min?: Rule<Bound>;
  max?: Rule<Bound>;
  pattern?: Rule<string>;
  allowed?: Rule<(string | number | boolean)[]>;
  maxOutliers?: Rule<Limit>;
  format?: Rule<Format>;
}

export interface ExprRule {
  id: string;
  expr: string;
  ast: Expr;
  severity: RuleSeverity;
  pos: Pos;
}

export type ScoreKey = Dimension | 'overall';

export interface BaselineTolerances {
  /** Largest allowed drop of any score, in points (default 5). */
  maxScoreDrop: number;
  /** Largest allowed drop of the row count, as a share of the baseline's rows (default 0.1). */
  maxRowDrop: number;
  /** Largest allowed rise of a column's missing rate, in share points (default 0.05 = 5 points). */
  maxMissingRise: number;
  /** PSI above this warns (default 0.1). */
  psiWarn: number;
  /** PSI above this fails (default 0.2). */
  psiFail: number;
  /** KS statistic above this warns / fails; null (default) reports KS without judging it. */
  ksWarn: number | null;
  ksFail: number | null;
}

export const DEFAULT_TOLERANCES: BaselineTolerances = {
  maxScoreDrop: 5,
  maxRowDrop: 0.1,
  maxMissingRise: 0.05,
  psiWarn: 0.1,
  psiFail: 0.2,
  ksWarn: null,
  ksFail: null,
};

export interface ReaderConfig {
  delimiter?: string;
  encoding?: Encoding;
  header?: boolean;
  decimal?: '.' | ',';
  dayfirst?: boolean;
}

export interface Config {
  /** The config file (as given), for messages. */
  file: string;
  minScores: Partial<Record<ScoreKey, Rule<number>>>;
  rows: { min?: Rule<number>; max?: Rule<number> };
  maxDuplicateRate?: Rule<Limit>;
  /** timestamp_column: the column holding record times (timeliness), or null. */
  timestampColumn: string | null;
  /** max_age (ms) for timestamp_column: the newest timestamp may be at most this old. */
  freshness?: { column: string; maxAge: Rule<number> };
  checks: string[] | null;
  skipChecks: string[];
  /** Replaces the default NA tokens when given. */
  missingValues: string[] | null;
  extraMissingValues: string[];
  key: string[] | null;
  reader: ReaderConfig;
  types: Record<string, DeclaredType>;
  columns: ColumnConfig[];
  rules: ExprRule[];
  baseline: { path: string | null; tolerances: BaselineTolerances };
  /** The `clean:` section as plain data (validated by dq clean). */
  clean?: unknown;
  cleanPos?: Pos;
  /** Checker modules to load with --allow-plugins. */
  plugins?: string[];
}
