/**
 * From a validated Config to what the engine needs:
 * - compileRules: the rules checker's options (AuditOptions.checks.rules), plain JSON;
 * - configToOptions: overrides for AuditOptions and the reader.
 */
import type { ColumnType } from '../core/types.js';
import type { Encoding } from '../io/readers/types.js';
import { DEFAULT_NA_VALUES } from '../schema/values.js';
import { columnsOf, type Expr } from './expr.js';
import type { Bound, Config, DeclaredType, Format, RuleSeverity } from './types.js';

/**
 * One per-cell rule for the rules checker. `kind`:
 * - required: a missing cell is a violation (dimension completeness);
 * - missing: missing cells are only counted (with examples) for the gate's max_missing;
 * - type, min, max, pattern, allowed, format: value rules on non-missing cells (dimension validity).
 *   min/max assess only values of the bound's kind (numbers for a number, dates for a date); the type rule
 *   catches the rest.
 */
export type CompiledValueRule =
  | { kind: 'required' | 'missing'; id: string; severity: RuleSeverity; column: string }
  | { kind: 'type'; id: string; severity: RuleSeverity; column: string; type: DeclaredType }
  | { kind: 'min' | 'max'; id: string; severity: RuleSeverity; column: string; bound: Bound }
  | { kind: 'pattern'; id: string; severity: RuleSeverity; column: string; pattern: string }
  | { kind: 'allowed'; id: string; severity: RuleSeverity; column: string; values: (string | number | boolean)[] }
  | { kind: 'format'; id: string; severity: RuleSeverity; column: string; format: Format };

export interface CompiledExprRule {
  id: string;
  severity: RuleSeverity;
  /** The source text, for messages. */
  expr: string;
  ast: Expr;
  /** Columns the expression reads. */
  columns: string[];
}

/**
 * What goes into AuditOptions.checks.rules. Plain JSON (no functions, no RegExp objects), so it can cross a
 * worker boundary; the checker compiles patterns and expressions in init.
 */
export interface CompiledRules {
  version: 1;
  values: CompiledValueRule[];
  expressions: CompiledExprRule[];
}

export function compileRules(config: Config): CompiledRules {
  const values: CompiledValueRule[] = [];
  for (const c of config.columns) {
    const column = c.name;
    if (c.required?.value) values.push({ kind: 'required', id: c.required.id, severity: c.required.severity, column });
    if (c.maxMissing) values.push({ kind: 'missing', id: c.maxMissing.id, severity: c.maxMissing.severity, column });
    if (c.type) values.push({ kind: 'type', id: c.type.id, severity: c.type.severity, column, type: c.type.value });
    if (c.min) values.push({ kind: 'min', id: c.min.id, severity: c.min.severity, column, bound: c.min.value });
    if (c.max) values.push({ kind: 'max', id: c.max.id, severity: c.max.severity, column, bound: c.max.value });
    if (c.pattern) values.push({ kind: 'pattern', id: c.pattern.id, severity: c.pattern.severity, column, pattern: c.pattern.value });
    if (c.allowed) values.push({ kind: 'allowed', id: c.allowed.id, severity: c.allowed.severity, column, values: c.allowed.value });
    if (c.format) values.push({ kind: 'format', id: c.format.id, severity: c.format.severity, column, format: c.format.value });
  }
  const expressions = config.rules.map((r) => ({ id: r.id, severity: r.severity, expr: r.expr, ast: r.ast, columns: columnsOf(r.ast) }));
  return { version: 1, values, expressions };
}

export function hasCheckerRules(rules: CompiledRules): boolean {
  return rules.values.length > 0 || rules.expressions.length > 0;
}

/**
 * Overrides the integrator applies on top of defaults (and below command-line flags, which win):
 * - naValues → AuditOptions.naValues (a Set): `missing_values` replaces the defaults, `extra_missing_values` adds;
 * - decimalComma, dayFirst, types, keyColumns → the AuditOptions fields of the same names;
 * - reader → ReaderOptions (delimiter, header, encoding);
 * - checks / skipChecks → which checkers run; `rules` must run whenever `hasCheckerRules(compileRules(config))`,
 *   so `checks` already includes it then;
 * - checkOptions → merged into AuditOptions.checks: `rules` (compiled rules) and, with timestamp_column,
 *   `timeliness: {column, maxAgeMs}`.
 * Undefined fields mean "not set in the config".
 */
export interface ConfigOverrides {
  naValues?: string[];
  decimalComma?: boolean;
  dayFirst?: boolean;
  types?: Record<string, ColumnType>;
  keyColumns?: string[];
  reader: { delimiter?: string; header?: boolean; encoding?: Encoding };
  checks?: string[];
  /** Checkers to run in addition to the defaults when `checks` is not set (['rules'] when the config has rules). */
  extraChecks: string[];
  skipChecks: string[];
  checkOptions: Record<string, Record<string, unknown>>;
}

export function configToOptions(config: Config): ConfigOverrides {
  const out: ConfigOverrides = { reader: {}, extraChecks: [], skipChecks: config.skipChecks.slice(), checkOptions: {} };
  if (config.missingValues || config.extraMissingValues.length) {
    out.naValues = [...new Set([...(config.missingValues ?? DEFAULT_NA_VALUES), ...config.extraMissingValues])];
  }
  if (config.reader.decimal) out.decimalComma = config.reader.decimal === ',';
  if (config.reader.dayfirst !== undefined) out.dayFirst = config.reader.dayfirst;
  if (Object.keys(config.types).length) out.types = { ...config.types };
  if (config.key) out.keyColumns = config.key.slice();
  if (config.reader.delimiter !== undefined) out.reader.delimiter = config.reader.delimiter;
  if (config.reader.header !== undefined) out.reader.header = config.reader.header;
  if (config.reader.encoding !== undefined) out.reader.encoding = config.reader.encoding;
  const rules = compileRules(config);
  if (config.checks) {
    out.checks = config.checks.slice();
    if (hasCheckerRules(rules) && !out.checks.includes('rules')) out.checks.push('rules');
  }
  if (hasCheckerRules(rules)) {
    out.checkOptions.rules = rules as unknown as Record<string, unknown>;
    out.extraChecks.push('rules');
    out.skipChecks = out.skipChecks.filter((c) => c !== 'rules');
  }
  if (config.timestampColumn) {
    out.checkOptions.timeliness = { column: config.timestampColumn, ...(config.freshness ? { maxAgeMs: config.freshness.maxAge.value } : {}) };
  }
  return out;
}
