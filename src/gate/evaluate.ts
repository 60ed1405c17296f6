/**
 * The quality gate: turns a finished Report, the config and the gate flags into a GateResult. Pure.
 *
 * Every rule ends passed, warned (a violated rule of severity warn) or failed. A rule that cannot be
 * evaluated (column absent, score null, the rules checker did not run, reading stopped early, ...) never
 * passes: it fails (or warns when its severity is warn) and its message says why.
 *
 * The gate passes when no rule failed, and with `failOn: 'warn'` also no rule warned.
 *
 * Sources:
 * - min_scores.*: report.scores; rows.min/max: report.rows (sample.of for a sampled audit);
 * - max_duplicate_rate: report.duplicates.rows (keyRows when the config sets key) / rows;
 * - freshness (timestamp_column + max_age): the column's max in the profile against `asOf`
 *   (default: report.createdAt);
 * - <col>.required, <col>.max_missing: the rules checker's counts (report.metrics.rules) when it ran, else the profile's missing;
 * - <col>.unique: profile distinct vs count (an approximate distinct count cannot prove uniqueness);
 * - <col>.max_outliers: profile outliers.iqr;
 * - value and expression rules: report.metrics.rules (the rules checker), examples from its findings;
 * - flags: fail-under, fail-under.<dimension>, max-warnings (warned rules + audit findings of severity warn);
 * - baseline.*: compareBaseline when flags.baseline is given.
 */
import { DIMENSIONS, type ColumnProfile, type Dimension, type Example, type GateResult, type Report, type RuleResult } from '../core/types.js';
import { UsageError } from '../errors.js';
import type { BaselineTolerances, Config, Limit, Rule, RuleSeverity } from '../config/types.js';
import { suggest } from '../config/expr.js';
import { formatDuration } from '../config/formats.js';
import { parseDateValue } from '../schema/values.js';
import { compareBaseline } from './baseline.js';
import type { RuleMetric } from './rules-checker.js';

export interface GateFlags {
  /** --fail-under SCORE: the overall score must be at least this. */
  failUnder?: number | null;
  /** --fail-under-dimension completeness=95,uniqueness=99 */
  failUnderDimension?: Partial<Record<Dimension, number>> | null;
  /** --max-warnings N */
  maxWarnings?: number | null;
  /** --fail-on warn|error (default error): with warn, warned rules also fail the gate. */
  failOn?: 'warn' | 'error';
  /** Reference time for freshness, epoch ms (default: report.createdAt). */
  asOf?: number;
  /** --baseline: a previous report to compare with. */
  baseline?: Report | null;
  baselineFile?: string;
  /** Overrides config.baseline tolerances. */
  tolerances?: Partial<BaselineTolerances>;
}

/** Parses `completeness=95,uniqueness=99`; throws UsageError naming what is allowed. */
export function parseFailUnderDimension(s: string): Partial<Record<Dimension, number>> {
  const out: Partial<Record<Dimension, number>> = {};
  for (const part of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^([a-z]+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw new UsageError(`--fail-under-dimension: expected DIMENSION=SCORE (e.g. completeness=95), got "${part}"`);
    const d = m[1] as Dimension;
    if (!DIMENSIONS.includes(d)) {
      const sg = suggest(m[1]!, DIMENSIONS);
      throw new UsageError(`--fail-under-dimension: unknown dimension "${m[1]}"${sg ? ` (did you mean "${sg}"?)` : ''}; dimensions: ${DIMENSIONS.join(', ')}`);
    }
    const v = Number(m[2]);
    if (v > 100) throw new UsageError(`--fail-under-dimension: ${d} score must be between 0 and 100, got ${v}`);
    out[d] = v;
  }
  return out;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const pct = (x: number) => `${r2(x * 100)}%`;

function make(id: string, column: string | null, severity: RuleSeverity, ok: boolean | null, message: string, count: number | null, examples: Example[] = []): RuleResult {
  const status: RuleResult['status'] = ok === true ? 'passed' : severity === 'warn' ? 'warned' : 'failed';
  return { id, column, status, severity, message: ok === null ? `not evaluated: ${message}` : message, count, examples };
}

function fromRule<T>(rule: Rule<T>, column: string | null, ok: boolean | null, message: string, count: number | null, examples: Example[] = []): RuleResult {
  return make(rule.id, column, rule.severity, ok, message, count, examples);
}

function limitOk(limit: Limit, n: number, total: number): boolean {
  return limit.kind === 'count' ? n <= limit.value : (total > 0 ? n / total : 0) <= limit.value + 1e-12;
}

function limitText(limit: Limit): string {
  return limit.kind === 'count' ? String(limit.value) : pct(limit.value);
}

function ruleMetrics(report: Report): Record<string, RuleMetric> | null {
  const m = report.metrics?.['rules'] as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') return null;
  const inner = (m as { rules?: unknown }).rules;
  return (inner && typeof inner === 'object' ? inner : m) as Record<string, RuleMetric>;
}

function timeOf(v: number | string | null, type: ColumnProfile['type']): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return type === 'date' || type === 'datetime' ? v : null;
  const d = parseDateValue(v);
  if (d) return d.ms;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

export function evaluateGate(report: Report, config: Config | null, flags: GateFlags = {}): GateResult {
  const rules: RuleResult[] = [];
  const metrics = ruleMetrics(report);
  const rulesRan = report.checks.includes('rules') && metrics !== null;
  const cols = new Map(report.columns.map((c) => [c.name, c]));
  const names = report.columns.map((c) => c.name);
  const findingExamples = (id: string): Example[] | null => report.findings.find((f) => f.check === 'rules' && f.id === id)?.examples ?? null;
  const absent = (c: string) => {
    const s = suggest(c, names);
    return `column "${c}" not found${s ? ` (did you mean "${s}"?)` : ''}`;
  };

  if (config) {
    // dataset rules
    for (const k of ['overall', ...DIMENSIONS] as const) {
      const rule = config.minScores[k];
      if (!rule) continue;
      const s = report.scores[k];
      if (s === null || s === undefined) rules.push(fromRule(rule, null, null, `the ${k} score is null (nothing was assessed for it); minimum ${rule.value}`, null));
      else rules.push(fromRule(rule, null, s >= rule.value, `${k} score ${r2(s)} ${s >= rule.value ? '>=' : '<'} minimum ${rule.value}`, r2(s)));
    }
    const rows = report.sample ? report.sample.of : report.rows;
    if (config.rows.min) {
      const m = config.rows.min;
      if (rows >= m.value) rules.push(fromRule(m, null, true, `${rows} rows >= minimum ${m.value}`, rows));
      else if (!report.complete) rules.push(fromRule(m, null, null, `reading stopped early after ${rows} rows; the minimum ${m.value} cannot be verified`, rows));
      else rules.push(fromRule(m, null, false, `${rows} rows < minimum ${m.value}`, rows));
    }
    if (config.rows.max) {
      const m = config.rows.max;
      if (rows > m.value) rules.push(fromRule(m, null, false, `${rows} rows > maximum ${m.value}`, rows));
      else if (!report.complete) rules.push(fromRule(m, null, null, `reading stopped early after ${rows} rows; the maximum ${m.value} cannot be verified`, rows));
      else rules.push(fromRule(m, null, true, `${rows} rows <= maximum ${m.value}`, rows));
    }
    if (config.maxDuplicateRate) {
      const m = config.maxDuplicateRate;
      const dup = config.key ? report.duplicates.keyRows : report.duplicates.rows;
      if (dup === null || dup === undefined) rules.push(fromRule(m, null, null, 'duplicates by key were not computed', null));
      else {
        const rate = report.rows > 0 ? dup / report.rows : 0;
        const ok = limitOk(m.value, dup, report.rows);
        rules.push(
          fromRule(m, null, ok, `${dup} duplicate ${config.key ? `rows by key (${config.key.join(', ')})` : 'rows'} (${pct(rate)}), allowed ${limitText(m.value)}${report.duplicates.approximate ? ' (approximate)' : ''}`, dup),
        );
      }
    }
    if (config.freshness) {
      const { column, maxAge } = config.freshness;
      const p = cols.get(column);
      const asOf = flags.asOf ?? Date.parse(report.createdAt);
      const newest = p ? timeOf(p.max, p.type) : null;
      if (!p) rules.push(fromRule(maxAge, column, null, absent(column), null));
      else if (newest === null) rules.push(fromRule(maxAge, column, null, `column "${column}" has no timestamps`, null));
      else if (Number.isNaN(asOf)) rules.push(fromRule(maxAge, column, null, 'no reference time (report.createdAt is not a date)', null));
      else {
        const age = asOf - newest;
        rules.push(
          fromRule(maxAge, column, age <= maxAge.value, `newest ${column} is ${formatDuration(Math.max(0, Math.round(age / 1000) * 1000))} old, allowed ${formatDuration(maxAge.value)}`, Math.round(age / 1000)),
        );
      }
    }

    // column rules
    for (const c of config.columns) {
      const p = cols.get(c.name);
      const metricRule = <T>(rule: Rule<T> | undefined, what: string) => {
        if (!rule) return;
        if (!p) return void rules.push(fromRule(rule, c.name, null, absent(c.name), null));
        const m = metrics?.[rule.id];
        if (!rulesRan || !m) return void rules.push(fromRule(rule, c.name, null, 'the rules checker did not run (it must run when dq.yml has column rules)', null));
        if (m.unevaluable) return void rules.push(fromRule(rule, c.name, null, m.unevaluable, null));
        const ex = findingExamples(rule.id) ?? m.examples;
        rules.push(fromRule(rule, c.name, m.violations === 0, `${m.violations} of ${m.assessed} values ${what}`, m.violations, m.violations ? ex : []));
      };
      if (c.required) {
        const rule = c.required;
        if (!p) rules.push(fromRule(rule, c.name, null, absent(c.name), null));
        else if (!rule.value) rules.push(fromRule(rule, c.name, true, 'not required', 0));
        else {
          const m = rulesRan ? metrics?.[rule.id] : undefined;
          const missing = m && !m.unevaluable ? m.violations : p.missing;
          rules.push(fromRule(rule, c.name, missing === 0, `${missing} missing value${missing === 1 ? '' : 's'} in a required column`, missing, missing ? (findingExamples(rule.id) ?? m?.examples ?? []) : []));
        }
      }
      if (c.maxMissing) {
        const rule = c.maxMissing;
        if (!p) rules.push(fromRule(rule, c.name, null, absent(c.name), null));
        else {
          const m = rulesRan ? metrics?.[rule.id] : undefined;
          const missing = m && !m.unevaluable ? m.violations : p.missing;
          const total = report.rows || p.count + p.missing;
          const ok = limitOk(rule.value, missing, total);
          rules.push(fromRule(rule, c.name, ok, `${missing} missing (${pct(total ? missing / total : 0)}), allowed ${limitText(rule.value)}`, missing, ok ? [] : (m?.examples ?? [])));
        }
      }
      if (c.unique?.value === false) rules.push(fromRule(c.unique, c.name, true, 'not required to be unique', 0));
      else if (c.unique) {
        const rule = c.unique;
        if (!p) rules.push(fromRule(rule, c.name, null, absent(c.name), null));
        else {
          const dups = Math.max(0, p.count - p.distinct);
          if (p.approximate && dups === 0) rules.push(fromRule(rule, c.name, null, 'the distinct count is approximate (sketch) and cannot prove uniqueness', null));
          else rules.push(fromRule(rule, c.name, dups === 0, `${p.distinct} distinct of ${p.count} values${dups ? ` (${dups} repeated${p.approximate ? ', approximate' : ''})` : ''}`, dups));
        }
      }
      if (c.maxOutliers) {
        const rule = c.maxOutliers;
        const n = p?.outliers?.iqr;
        if (!p) rules.push(fromRule(rule, c.name, null, absent(c.name), null));
        else if (n === null || n === undefined) rules.push(fromRule(rule, c.name, null, `no outlier count for ${c.name} (not numeric?)`, null));
        else rules.push(fromRule(rule, c.name, limitOk(rule.value, n, p.count), `${n} outliers (IQR) among ${p.count} values, allowed ${limitText(rule.value)}`, n));
      }
      metricRule(c.type, `are not ${c.type?.value}`);
      metricRule(c.min, `are below ${c.min ? (c.min.value.kind === 'date' ? c.min.value.text : c.min.value.value) : ''}`);
      metricRule(c.max, `are above ${c.max ? (c.max.value.kind === 'date' ? c.max.value.text : c.max.value.value) : ''}`);
      metricRule(c.pattern, 'do not match the pattern');
      metricRule(c.allowed, 'are not allowed');
      metricRule(c.format, `are not in the format ${c.format ? (c.format.value.kind === 'date' ? c.format.value.format : c.format.value.kind) : ''}`);
    }

    // cross-column rules
    for (const r of config.rules) {
      const m = metrics?.[r.id];
      if (!rulesRan || !m) rules.push(make(r.id, null, r.severity, null, 'the rules checker did not run (it must run when dq.yml has rules)', null));
      else if (m.unevaluable) rules.push(make(r.id, null, r.severity, null, m.unevaluable, null));
      else {
        const ex = findingExamples(r.id) ?? m.examples;
        rules.push(
          make(r.id, null, r.severity, m.violations === 0, `${m.violations} of ${m.assessed} rows violate ${r.expr}${m.unknown ? `; ${m.unknown} unknown (null involved, not violations)` : ''}`, m.violations, m.violations ? ex : []),
        );
      }
    }
  }

  // flags
  if (flags.failUnder !== null && flags.failUnder !== undefined) {
    const s = report.scores.overall;
    const v = flags.failUnder;
    rules.push(make('fail-under', null, 'error', s === null ? null : s >= v, s === null ? `the overall score is null; --fail-under ${v}` : `overall score ${r2(s)} ${s >= v ? '>=' : '<'} ${v}`, s === null ? null : r2(s)));
  }
  for (const [d, v] of Object.entries(flags.failUnderDimension ?? {}) as [Dimension, number][]) {
    const s = report.scores[d];
    rules.push(make(`fail-under.${d}`, null, 'error', s === null ? null : s >= v, s === null ? `the ${d} score is null; --fail-under-dimension ${d}=${v}` : `${d} score ${r2(s)} ${s >= v ? '>=' : '<'} ${v}`, s === null ? null : r2(s)));
  }

  // baseline
  if (flags.baseline) {
    const tol = { ...(config?.baseline.tolerances ?? {}), ...(flags.tolerances ?? {}) };
    rules.push(...compareBaseline(report, flags.baseline, tol, flags.baselineFile));
  }

  if (flags.maxWarnings !== null && flags.maxWarnings !== undefined) {
    const warned = rules.filter((r) => r.status === 'warned').length;
    const findings = report.findings.filter((f) => f.severity === 'warn' && f.check !== 'rules').length;
    const n = warned + findings;
    rules.push(make('max-warnings', null, 'error', n <= flags.maxWarnings, `${n} warnings (${warned} warned rules, ${findings} warning findings), allowed ${flags.maxWarnings}`, n));
  }

  const failOnWarn = flags.failOn === 'warn';
  const passed = rules.every((r) => r.status === 'passed' || (r.status === 'warned' && !failOnWarn));
  return { passed, rules };
}
