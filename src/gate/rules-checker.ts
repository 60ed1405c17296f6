/**
 * The rules checker: evaluates the per-cell column rules and cross-column expressions of dq.yml.
 *
 * Options: AuditOptions.checks.rules = CompiledRules (src/config/compile.ts), plain JSON; patterns and
 * expressions are compiled once per rules object in init.
 *
 * Results:
 * - findings: one per rule with violations (id = rule id, check 'rules'), up to 5 lowest-row examples;
 *   dimension completeness for `required`, consistency for expressions, validity for value rules;
 * - tallies: per column validity {assessed: non-missing cells of columns with value rules, bad: cells
 *   violating at least one value rule}, so the validity score reflects declared domains;
 * - metrics (report.metrics.rules): {rules: {[id]: RuleMetric}} for every rule, including those without
 *   violations, so the gate can tell "evaluated, no violations" from "not evaluated".
 *
 * Column positions may change between batches (JSON Lines adds columns), so indices are looked up by name
 * per batch; rows of a batch in which a column does not exist count as missing for it.
 */
import { RE2JS } from 're2js';
import { addExample, mergeExamples } from '../core/issues.js';
import { Kind, defineChecker, type BatchView, type ColumnView, type Example, type Finding } from '../core/types.js';
import type { CompiledExprRule, CompiledRules, CompiledValueRule } from '../config/compile.js';
import { compileExpr, DateVal, INVALID, outcomeOf, type Slots, type Val } from '../config/expr.js';
import { formatMatcher } from '../config/formats.js';
import { parseDateValue } from '../schema/values.js';

export interface RuleMetric {
  kind: CompiledValueRule['kind'] | 'expr';
  column: string | null;
  /** Cells (or rows, for expressions) the rule looked at. */
  assessed: number;
  violations: number;
  /** Expressions only: rows whose result was unknown (null involved), not violations. */
  unknown: number;
  /** Row/line of the first violations (values are in the finding). */
  examples: Example[];
  /** Why the rule could not be evaluated (column absent, no comparable values), else null. */
  unevaluable: string | null;
}

interface Count {
  assessed: number;
  violations: number;
  unknown: number;
  examples: Example[];
}

interface State {
  rules: CompiledRules | null;
  examples: boolean;
  counts: Record<string, Count>;
  /** Columns seen in any batch. */
  seen: Record<string, true>;
  /** Columns with non-missing values. */
  nonMissing: Record<string, number>;
  validity: Record<string, { assessed: number; bad: number }>;
}

type CellCheck = (view: ColumnView, i: number) => boolean | null; // true ok, false violation, null not assessed

interface ValueRuntime {
  rule: CompiledValueRule;
  check: CellCheck | null; // null for required/missing
}

interface ExprRuntime {
  rule: CompiledExprRule;
  slots: Slots;
  fn: (row: number) => Val;
}

export interface Runtime {
  byColumn: Map<string, ValueRuntime[]>;
  exprs: ExprRuntime[];
}

const DAY = 86_400_000;
const cache = new WeakMap<CompiledRules, Runtime>();

function cellCheck(r: CompiledValueRule): CellCheck | null {
  switch (r.kind) {
    case 'required':
    case 'missing':
      return null;
    case 'type': {
      const t = r.type;
      return (v, i) => {
        const k = v.kind[i]!;
        switch (t) {
          case 'integer':
            return k === Kind.INT || (k === Kind.FLOAT && Number.isInteger(v.num[i]!));
          case 'float':
            return k === Kind.INT || k === Kind.FLOAT;
          case 'boolean':
            return k === Kind.BOOL;
          case 'date':
            return k === Kind.DATE || (k === Kind.DATETIME && v.num[i]! % DAY === 0);
          case 'datetime':
            return k === Kind.DATE || k === Kind.DATETIME;
          default:
            return true;
        }
      };
    }
    case 'min':
    case 'max': {
      const b = r.bound;
      const isMin = r.kind === 'min';
      let limit = b.value;
      if (b.kind === 'date' && !isMin && parseDateValue(b.text)?.hasTime === false) limit += DAY - 1; // a date max covers its whole day
      const wantDate = b.kind === 'date';
      return (v, i) => {
        const k = v.kind[i]!;
        const isDate = k === Kind.DATE || k === Kind.DATETIME;
        const isNum = k === Kind.INT || k === Kind.FLOAT;
        if (wantDate ? !isDate : !isNum) return null;
        const x = v.num[i]!;
        return isMin ? x >= limit : x <= limit;
      };
    }
    case 'pattern': {
      const re = RE2JS.compile(r.pattern);
      return (v, i) => re.testExact(v.text[i] ?? '');
    }
    case 'allowed': {
      const strs = new Set<string>();
      const nums = new Set<number>();
      const bools = new Set<boolean>();
      for (const a of r.values) {
        if (typeof a === 'string') strs.add(a);
        else if (typeof a === 'number') nums.add(a);
        else bools.add(a);
      }
      return (v, i) => {
        if (strs.has(v.text[i] ?? '')) return true;
        const k = v.kind[i]!;
        if ((k === Kind.INT || k === Kind.FLOAT) && nums.has(v.num[i]!)) return true;
        if (k === Kind.BOOL && bools.has(v.num[i] === 1)) return true;
        return false;
      };
    }
    case 'format': {
      const m = formatMatcher(r.format);
      return (v, i) => m(v.text[i] ?? '');
    }
  }
}

export function runtimeFor(rules: CompiledRules): Runtime {
  let rt = cache.get(rules);
  if (rt) return rt;
  const byColumn = new Map<string, ValueRuntime[]>();
  for (const r of rules.values) {
    let l = byColumn.get(r.column);
    if (!l) byColumn.set(r.column, (l = []));
    l.push({ rule: r, check: cellCheck(r) });
  }
  const exprs = rules.expressions.map((rule) => {
    const slots: Slots = { views: [] };
    const fn = compileExpr(rule.ast, slots, (n) => rule.columns.indexOf(n));
    return { rule, slots, fn };
  });
  rt = { byColumn, exprs };
  cache.set(rules, rt);
  return rt;
}

function count(state: State, id: string): Count {
  let c = state.counts[id];
  if (!c) state.counts[id] = c = { assessed: 0, violations: 0, unknown: 0, examples: [] };
  return c;
}

function showVal(v: Val): string {
  if (v === null) return 'null';
  if (v === INVALID) return 'invalid';
  if (v instanceof DateVal) return v.text;
  return String(v);
}

export default defineChecker<State>({
  meta: {
    id: 'rules',
    dimension: 'validity',
    description: 'Column rules (type, required, min/max, pattern, allowed, format) and cross-column rules from dq.yml',
    default: false,
  },

  init(ctx) {
    const rules = (ctx.options.checks['rules'] as unknown as CompiledRules | undefined) ?? null;
    if (rules) runtimeFor(rules); // compile now, so a bad pattern fails before reading
    return { rules, examples: ctx.options.examples, counts: {}, seen: {}, nonMissing: {}, validity: {} };
  },

  update(state, batch: BatchView) {
    const rules = state.rules;
    if (!rules) return;
    const rt = runtimeFor(rules);
    const index = new Map<string, number>();
    batch.columns.forEach((c, i) => index.set(c, i));
    const n = batch.length;
    const row = (i: number) => batch.firstRow + i;
    const line = (i: number) => (batch.lines ? batch.lines[i]! : null);

    for (const [column, list] of rt.byColumn) {
      const ci = index.get(column);
      const view = ci === undefined ? null : batch.views[ci] ?? null;
      if (ci !== undefined) state.seen[column] = true;
      const missingRules = list.filter((r) => r.check === null);
      const valueRules = list.filter((r) => r.check !== null);
      const mCounts = missingRules.map((r) => count(state, r.rule.id));
      const vCounts = valueRules.map((r) => count(state, r.rule.id));
      if (!view) {
        for (const c of mCounts) {
          c.assessed += n;
          c.violations += n;
          for (let i = 0; i < Math.min(n, 5); i++) addExample(c.examples, { row: row(i), line: line(i), value: null });
        }
        continue;
      }
      let assessed = 0;
      let bad = 0;
      for (let i = 0; i < n; i++) {
        if (view.kind[i] === Kind.MISSING) {
          for (const c of mCounts) {
            c.violations++;
            if (c.examples.length < 5 || row(i) < c.examples[c.examples.length - 1]!.row!) addExample(c.examples, { row: row(i), line: line(i), value: null });
          }
          continue;
        }
        if (valueRules.length === 0) continue;
        assessed++;
        let cellBad = false;
        for (let k = 0; k < valueRules.length; k++) {
          const ok = valueRules[k]!.check!(view, i);
          if (ok === null) continue;
          const c = vCounts[k]!;
          c.assessed++;
          if (!ok) {
            cellBad = true;
            c.violations++;
            if (c.examples.length < 5) addExample(c.examples, { row: row(i), line: line(i), value: state.examples ? view.text[i] ?? null : null });
          }
        }
        if (cellBad) bad++;
      }
      for (const c of mCounts) c.assessed += n;
      if (valueRules.length) {
        state.nonMissing[column] = (state.nonMissing[column] ?? 0) + assessed;
        const t = (state.validity[column] ??= { assessed: 0, bad: 0 });
        t.assessed += assessed;
        t.bad += bad;
      } else {
        let nm = 0;
        for (let i = 0; i < n; i++) if (view.kind[i] !== Kind.MISSING) nm++;
        state.nonMissing[column] = (state.nonMissing[column] ?? 0) + nm;
      }
    }

    for (const e of rt.exprs) {
      e.slots.views = e.rule.columns.map((c) => {
        const ci = index.get(c);
        if (ci === undefined) return null;
        state.seen[c] = true;
        return batch.views[ci] ?? null;
      });
      const c = count(state, e.rule.id);
      for (let i = 0; i < n; i++) {
        const v = e.fn(i);
        const o = outcomeOf(v);
        if (o === 'unknown') {
          c.unknown++;
          continue;
        }
        c.assessed++;
        if (o === 'fail') {
          c.violations++;
          if (c.examples.length < 5) {
            const value = state.examples
              ? e.rule.columns
                  .map((col, k) => {
                    const view = e.slots.views[k];
                    const t = view && view.kind[i] !== Kind.MISSING ? view.text[i] : null;
                    return `${col}=${t === null || t === undefined ? 'null' : t}`;
                  })
                  .join(', ') + (v === INVALID ? ' (type error)' : typeof v !== 'boolean' ? ` (result ${showVal(v)})` : '')
              : null;
            addExample(c.examples, { row: row(i), line: line(i), value });
          }
        }
      }
    }
  },

  merge(a, b) {
    if (!a.rules) a.rules = b.rules;
    for (const [id, c] of Object.entries(b.counts)) {
      const x = a.counts[id];
      if (!x) a.counts[id] = { ...c, examples: c.examples.slice() };
      else {
        x.assessed += c.assessed;
        x.violations += c.violations;
        x.unknown += c.unknown;
        x.examples = mergeExamples(x.examples, c.examples);
      }
    }
    for (const k of Object.keys(b.seen)) a.seen[k] = true;
    for (const [k, v] of Object.entries(b.nonMissing)) a.nonMissing[k] = (a.nonMissing[k] ?? 0) + v;
    for (const [k, v] of Object.entries(b.validity)) {
      const t = (a.validity[k] ??= { assessed: 0, bad: 0 });
      t.assessed += v.assessed;
      t.bad += v.bad;
    }
    return a;
  },

  finalize(state, ctx) {
    const rules = state.rules;
    if (!rules) return { findings: [], metrics: { rules: {} } };
    const findings: Finding[] = [];
    const metrics: Record<string, RuleMetric> = {};
    const known = new Set(ctx.columns.map((c) => c.name));
    const present = (c: string) => state.seen[c] === true || known.has(c);

    for (const r of rules.values) {
      const c = state.counts[r.id] ?? { assessed: 0, violations: 0, unknown: 0, examples: [] };
      let unevaluable: string | null = null;
      if (!present(r.column)) unevaluable = `column "${r.column}" not found`;
      else if ((r.kind === 'min' || r.kind === 'max') && c.assessed === 0 && (state.nonMissing[r.column] ?? 0) > 0) {
        unevaluable = `column "${r.column}" has no ${r.bound.kind === 'date' ? 'dates' : 'numbers'} to compare with ${r.kind}`;
      }
      metrics[r.id] = {
        kind: r.kind,
        column: r.column,
        assessed: c.assessed,
        violations: unevaluable ? 0 : c.violations,
        unknown: 0,
        examples: c.examples.map((e) => ({ row: e.row, line: e.line, value: null })),
        unevaluable,
      };
      if (unevaluable || c.violations === 0 || r.kind === 'missing') continue;
      findings.push({
        check: 'rules',
        id: r.id,
        dimension: r.kind === 'required' ? 'completeness' : 'validity',
        severity: r.severity,
        column: r.column,
        message: valueMessage(r, c.violations),
        count: c.violations,
        examples: state.examples ? c.examples : c.examples.map(({ row, line }) => ({ row, line }) as Example),
        data: { rule: r.kind },
      });
    }
    for (const r of rules.expressions) {
      const c = state.counts[r.id] ?? { assessed: 0, violations: 0, unknown: 0, examples: [] };
      const absent = r.columns.filter((x) => !present(x));
      const unevaluable = absent.length ? `column${absent.length > 1 ? 's' : ''} not found: ${absent.join(', ')}` : null;
      metrics[r.id] = {
        kind: 'expr',
        column: null,
        assessed: c.assessed,
        violations: unevaluable ? 0 : c.violations,
        unknown: c.unknown,
        examples: c.examples.map((e) => ({ row: e.row, line: e.line, value: null })),
        unevaluable,
      };
      if (unevaluable || c.violations === 0) continue;
      findings.push({
        check: 'rules',
        id: r.id,
        dimension: 'consistency',
        severity: r.severity,
        column: null,
        message: `${c.violations} row${c.violations === 1 ? '' : 's'} violate ${r.expr}`,
        count: c.violations,
        examples: state.examples ? c.examples : c.examples.map(({ row, line }) => ({ row, line }) as Example),
        data: { rule: 'expr', expr: r.expr, columns: r.columns, unknown: c.unknown },
      });
    }
    const tallies: Record<string, { validity: { assessed: number; bad: number } }> = {};
    for (const [col, t] of Object.entries(state.validity)) tallies[col] = { validity: { ...t } };
    return { findings, tallies, metrics: { rules: metrics } };
  },
});

function valueMessage(r: CompiledValueRule, n: number): string {
  const cells = `${n} value${n === 1 ? '' : 's'}`;
  switch (r.kind) {
    case 'required':
      return `${cells} missing in required column ${r.column}`;
    case 'missing':
      return `${cells} missing`;
    case 'type':
      return `${cells} in ${r.column} are not of type ${r.type}`;
    case 'min':
      return `${cells} in ${r.column} below the minimum ${r.bound.kind === 'date' ? r.bound.text : r.bound.value}`;
    case 'max':
      return `${cells} in ${r.column} above the maximum ${r.bound.kind === 'date' ? r.bound.text : r.bound.value}`;
    case 'pattern':
      return `${cells} in ${r.column} do not match the pattern ${r.pattern}`;
    case 'allowed':
      return `${cells} in ${r.column} are not among the ${r.values.length} allowed values`;
    case 'format':
      return `${cells} in ${r.column} are not in the format ${r.format.kind === 'date' ? r.format.format : r.format.kind}`;
  }
}
