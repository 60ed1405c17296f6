/**
 * --invalid-rows: which rows of a batch violate an error-level rule, and which rules. Used by a second
 * streaming pass after the audit (the rules are the compiled rules of the audit, evaluated the same way).
 * A row violates a value rule when its cell fails the rule (a missing cell fails only `required`), and an
 * expression when it evaluates to false or a type error (unknown, from a missing value, is not a violation).
 */
import { Kind, type BatchView } from '../core/types.js';
import type { CompiledRules } from '../config/compile.js';
import { outcomeOf } from '../config/expr.js';
import { runtimeFor } from './rules-checker.js';

/** For each row of the batch, the ids of the error-level rules it violates (undefined when none). */
export function violatedRules(rules: CompiledRules, batch: BatchView): (string[] | undefined)[] {
  const rt = runtimeFor(rules);
  const out: (string[] | undefined)[] = new Array(batch.length);
  const mark = (i: number, id: string) => (out[i] ??= []).push(id);
  const index = new Map(batch.columns.map((c, i) => [c, i] as const));
  for (const [column, list] of rt.byColumn) {
    const ci = index.get(column);
    const view = ci === undefined ? null : (batch.views[ci] ?? null);
    for (const r of list) {
      // max_missing is a limit on the column, not something a single row fails
      if (r.rule.severity !== 'error' || r.rule.kind === 'missing') continue;
      for (let i = 0; i < batch.length; i++) {
        const missing = !view || view.kind[i] === Kind.MISSING;
        if (r.check === null) {
          if (missing) mark(i, r.rule.id);
        } else if (!missing && r.check(view!, i) === false) mark(i, r.rule.id);
      }
    }
  }
  for (const e of rt.exprs) {
    if (e.rule.severity !== 'error') continue;
    e.slots.views = e.rule.columns.map((c) => {
      const ci = index.get(c);
      return ci === undefined ? null : (batch.views[ci] ?? null);
    });
    for (let i = 0; i < batch.length; i++) if (outcomeOf(e.fn(i)) === 'fail') mark(i, e.rule.id);
  }
  return out;
}
