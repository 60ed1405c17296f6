/**
 * `dq init FILE`: a starter dq.yml inferred from a finished audit report. The same data passes it:
 * - min_scores a little below the current scores, rows.min at 90% of the current count,
 *   max_duplicate_rate one point above the current rate;
 * - per column: type (left as a comment when the audit found values of another type), required: true when
 *   nothing is missing, else max_missing a little above the observed share; unique: true for key candidates
 *   (distinct == count == rows, exact); min/max widened by 10% of the observed range (numbers and dates; a non-negative minimum stays >= 0);
 *   allowed for string columns with at most 20 distinct values all listed in `top`.
 */
import { DIMENSIONS, type ColumnProfile, type Report } from '../core/types.js';
import { parseDateValue } from '../schema/values.js';

const MAX_ALLOWED = 20;
const DAY = 86_400_000;

/** A YAML scalar for a string: plain when unambiguous, else double-quoted (JSON escapes are valid YAML). */
export function yamlString(s: string): string {
  const reserved = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;
  if (/^[A-Za-z_][A-Za-z0-9_ .-]*$/.test(s) && !/[ ]$/.test(s) && !reserved.test(s) && !/ #|: /.test(s)) return s;
  return JSON.stringify(s);
}

function num(n: number): string {
  if (Object.is(n, -0)) return '0';
  return String(n);
}

function floorTo(x: number, integer: boolean): number {
  if (integer) return Math.floor(x);
  const f = Math.floor(x * 1e4) / 1e4;
  return f <= x ? f : x;
}

function ceilTo(x: number, integer: boolean): number {
  if (integer) return Math.ceil(x);
  const c = Math.ceil(x * 1e4) / 1e4;
  return c >= x ? c : x;
}

function timeOf(v: number | string | null): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const d = parseDateValue(v);
  if (d) return d.ms;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Percent text a little above `share` (0..1), rounded up to 0.1 points, at most 100%. */
function percentAbove(share: number): string {
  const p = Math.min(100, Math.ceil((share * 100 * 1.1 + 0.5) * 10) / 10);
  return `${num(p)}%`;
}

function hasTypeProblems(report: Report, col: string): boolean {
  return report.findings.some(
    (f) => f.column === col && f.severity !== 'info' && /type/i.test(f.id),
  );
}

function columnLines(report: Report, p: ColumnProfile): string[] {
  const out: string[] = [];
  const rows = report.rows;
  if (p.type === 'empty' || p.count === 0) {
    out.push('    # no values seen: no rules inferred');
    return out;
  }
  if (hasTypeProblems(report, p.name)) out.push(`    # type: ${p.type}   # not enforced: the audit found values of other types`);
  else out.push(`    type: ${p.type}`);
  if (p.missing === 0) out.push('    required: true');
  else out.push(`    max_missing: ${percentAbove(rows > 0 ? p.missing / rows : 1)}   # observed ${p.missing} of ${rows}`);
  if (!p.approximate && p.distinct === p.count && p.count === rows && rows > 1) out.push('    unique: true   # key candidate');
  if (p.type === 'integer' || p.type === 'float') {
    const lo = typeof p.min === 'number' ? p.min : null;
    const hi = typeof p.max === 'number' ? p.max : null;
    if (lo !== null && hi !== null && Number.isFinite(lo) && Number.isFinite(hi)) {
      const range = hi - lo;
      const margin = range > 0 ? range * 0.1 : Math.abs(lo) * 0.1 || 1;
      const int = p.type === 'integer';
      // a non-negative column keeps a non-negative minimum
      const min = lo >= 0 ? Math.max(0, floorTo(lo - margin, int)) : floorTo(lo - margin, int);
      out.push(`    min: ${num(min)}   # observed ${num(lo)}`);
      out.push(`    max: ${num(ceilTo(hi + margin, int))}   # observed ${num(hi)}`);
    }
  } else if (p.type === 'date' || p.type === 'datetime') {
    const lo = timeOf(p.min);
    const hi = timeOf(p.max);
    if (lo !== null && hi !== null) {
      const margin = hi > lo ? (hi - lo) * 0.1 : DAY;
      if (p.type === 'date') {
        out.push(`    min: ${isoDate(Math.floor((lo - margin) / DAY) * DAY)}`);
        out.push(`    max: ${isoDate(Math.ceil((hi + margin) / DAY) * DAY)}`);
      } else {
        out.push(`    min: ${JSON.stringify(new Date(Math.floor((lo - margin) / 1000) * 1000).toISOString())}`);
        out.push(`    max: ${JSON.stringify(new Date(Math.ceil((hi + margin) / 1000) * 1000).toISOString())}`);
      }
    }
  }
  if ((p.type === 'string' || p.type === 'categorical') && p.distinct <= MAX_ALLOWED && p.top.length > 0) {
    const known = p.top.reduce((s, t) => s + t.count, 0);
    // with --no-examples the report holds placeholders "(value 1)" instead of values
    const placeholders = p.top.every((t, i) => t.value === `(value ${i + 1})`);
    if (known >= p.count && p.top.length >= p.distinct && !p.approximate && !placeholders) {
      out.push('    allowed:');
      for (const t of p.top) out.push(`      - ${JSON.stringify(t.value)}`);
    }
  }
  return out;
}

export function initConfig(report: Report): string {
  const L: string[] = [];
  L.push('# dq.yml: quality gates for dq (https://github.com/dq; JSON Schema: schema/dq.schema.json)');
  L.push(`# Generated by \`dq init\` from ${report.source.path} (${report.rows} rows) on ${report.createdAt}.`);
  L.push('# Every rule is a value (required: true) or an object {value, severity: warn|error, id}.');
  L.push('# yaml-language-server: $schema=./node_modules/dq/schema/dq.schema.json');
  L.push('version: 1');
  L.push('');
  const scores: string[] = [];
  for (const k of ['overall', ...DIMENSIONS] as const) {
    const s = report.scores[k];
    if (s === null || s === undefined || !Number.isFinite(s)) continue;
    scores.push(`  ${k}: ${num(Math.max(0, Math.floor(s - 2)))}   # now ${Math.round(s * 100) / 100}`);
  }
  if (scores.length) {
    L.push('# Minimum scores (0-100), a little below the current ones.');
    L.push('min_scores:');
    L.push(...scores);
    L.push('');
  }
  L.push('rows:');
  L.push(`  min: ${Math.floor(report.rows * 0.9)}   # now ${report.rows}`);
  L.push('  # max: 1000000');
  if (report.rows > 0) {
    const rate = (report.duplicates.rows ?? 0) / report.rows;
    L.push(`max_duplicate_rate: ${num(Math.min(100, Math.ceil(rate * 100 + 1)))}%   # now ${Math.round(rate * 10000) / 100}%`);
  }
  const keys = report.columns.filter((p) => !p.approximate && p.count === report.rows && p.distinct === p.count && report.rows > 1);
  if (keys.length) L.push(`# key: [${keys.map((k) => yamlString(k.name)).join(', ')}]   # duplicate detection by key`);
  const ts = report.columns.find((p) => p.type === 'datetime' || p.type === 'date');
  if (ts) {
    L.push(`# timestamp_column: ${yamlString(ts.name)}`);
    L.push('# max_age: 36h');
  }
  const details = report.source.details ?? {};
  for (const k of ['delimiter', 'encoding', 'header'] as const) {
    const v = details[k];
    if (typeof v === 'string' || typeof v === 'boolean') L.push(`# ${k}: ${JSON.stringify(v)}   # as detected`);
  }
  L.push('');
  L.push('columns:');
  const seen = new Set<string>();
  let any = false;
  for (const p of report.columns) {
    if (seen.has(p.name)) {
      L.push(`  # ${JSON.stringify(p.name)} appears twice; the second one is left out`);
      continue;
    }
    seen.add(p.name);
    any = true;
    L.push(`  ${yamlString(p.name)}:`);
    L.push(...columnLines(report, p));
  }
  if (!any) L[L.length - 1] = 'columns: {}';
  L.push('');
  L.push('# Cross-column rules: SQL-like expressions; a comparison with a missing value is unknown, not a violation.');
  L.push('# rules:');
  L.push('#   - id: dates-ordered');
  L.push('#     expr: end_date >= start_date');
  L.push('#     severity: warn');
  L.push('');
  return L.join('\n');
}
