/**
 * dq.yml: the config facade.
 *
 * How the integrator wires it (CLI flags always win over the config):
 *
 *   const loaded = await loadConfig(opts.config ?? null, process.cwd());   // null: no dq.yml and no --config
 *   const o = loaded ? configToOptions(loaded.config) : null;
 *   AuditOptions.naValues   = new Set(o.naValues)          when o.naValues (missing_values replaces the defaults,
 *                                                          extra_missing_values adds to them)
 *   AuditOptions.decimalComma = o.decimalComma             (decimal: ",")
 *   AuditOptions.dayFirst   = o.dayFirst                   (dayfirst)
 *   AuditOptions.types      = {...o.types, ...--type}       (types: {col: type})
 *   AuditOptions.keyColumns = o.keyColumns                 (key)
 *   ReaderOptions           = {...defaults, ...o.reader}   (delimiter, header, encoding)
 *   checkers to run         = o.checks ?? defaults + o.extraChecks, minus o.skipChecks
 *                             ('rules' is added whenever the config has column or cross-column rules)
 *   AuditOptions.checks     = {...o.checkOptions, ...}      (rules: CompiledRules; timeliness: {column, maxAgeMs})
 *   import rulesChecker from '../gate/rules-checker.js'    (register it with the other checkers)
 *
 * After the audit:
 *   report.gate = evaluateGate(report, loaded?.config ?? null, {failUnder, failUnderDimension, maxWarnings, failOn,
 *                              baseline, baselineFile});            // src/gate/index.ts
 *   exit 1 when !report.gate.passed.
 * `dq init FILE`: write initConfig(report) to FILE (refuse to overwrite without --force).
 * Errors are ConfigError (exit 2) with file:line:col.
 */
export { loadConfig, parseConfig, CONFIG_FILE_NAMES } from './load.js';
export { compileRules, configToOptions, hasCheckerRules } from './compile.js';
export type { CompiledRules, CompiledValueRule, CompiledExprRule, ConfigOverrides } from './compile.js';
export { initConfig } from './init.js';
export { parseExpr, evaluateOn, ExprError } from './expr.js';
export type { Expr } from './expr.js';
export { DEFAULT_TOLERANCES, DECLARED_TYPES } from './types.js';
export type {
  Config,
  ColumnConfig,
  ExprRule,
  Rule,
  RuleSeverity,
  Limit,
  Bound,
  Format,
  Pos,
  BaselineTolerances,
  DeclaredType,
} from './types.js';
