/** Test helpers for the consistency and timeliness checkers. */
import type { AuditOptions, BatchView, Cell, CheckResult, Checker, ColumnProfile, ColumnType, FinalizeContext } from '../../src/core/types.js';
import { DEFAULT_NA_VALUES, viewBatch, type ParseOptions } from '../../src/schema/values.js';

export const parseOpts = (o: Partial<ParseOptions> = {}): ParseOptions => ({
  naValues: new Set(DEFAULT_NA_VALUES),
  decimalComma: false,
  dayFirst: null,
  ...o,
});

export function auditOptions(o: Partial<AuditOptions> = {}): AuditOptions {
  return {
    naValues: new Set(DEFAULT_NA_VALUES),
    decimalComma: false,
    dayFirst: null,
    numericThreshold: 0.95,
    types: {},
    keyColumns: null,
    examples: true,
    exactBudgetBytes: 1 << 28,
    checks: {},
    asOf: Date.UTC(2024, 5, 1),
    ...o,
  };
}

/** Batches of at most `size` rows from columns given as arrays of cells (all the same length). */
export function batches(columns: Record<string, Cell[]>, size = Infinity, popts: Partial<ParseOptions> = {}): BatchView[] {
  const names = Object.keys(columns);
  const n = names.length ? columns[names[0]!]!.length : 0;
  const out: BatchView[] = [];
  const step = Math.max(1, Math.min(size, n || 1));
  for (let start = 0; start < n; start += step) {
    const len = Math.min(step, n - start);
    const data = names.map((c) => columns[c]!.slice(start, start + len));
    const lines = new Int32Array(len);
    for (let i = 0; i < len; i++) lines[i] = start + i + 2; // header on line 1
    out.push(viewBatch({ columns: names, data, length: len, firstRow: start + 1, lines }, parseOpts(popts)));
  }
  return out;
}

export function profile(name: string, type: ColumnType, extra: Partial<ColumnProfile> = {}): ColumnProfile {
  return { name, type, count: 0, missing: 0, distinct: 0, ...extra } as ColumnProfile;
}

export function finalizeCtx(options: AuditOptions, columns: ColumnProfile[], rows = 0): FinalizeContext {
  return { options, rows, columns, details: [], lineOf: () => null } as unknown as FinalizeContext;
}

/** One state over all batches. */
export function run<S>(checker: Checker<S>, bs: BatchView[], options: AuditOptions, columns: ColumnProfile[]): CheckResult {
  const s = checker.init({ options });
  for (const b of bs) checker.update(s, b);
  return checker.finalize(structuredClone(s), finalizeCtx(options, columns));
}

/** Batches split between two states (each cloned, as if from workers), then merged. */
export function runSplit<S>(
  checker: Checker<S>,
  bs: BatchView[],
  options: AuditOptions,
  columns: ColumnProfile[],
  pick: (i: number) => boolean,
  swap = false,
): CheckResult {
  const a = checker.init({ options });
  const b = checker.init({ options });
  bs.forEach((batch, i) => checker.update(pick(i) ? a : b, batch));
  const [x, y] = swap ? [structuredClone(b), structuredClone(a)] : [structuredClone(a), structuredClone(b)];
  const merged = checker.merge(checker.merge(checker.init({ options }), x), y);
  return checker.finalize(merged, finalizeCtx(options, columns));
}

export function find(r: CheckResult, id: string, column?: string | null) {
  return r.findings.find((f) => f.id === id && (column === undefined || f.column === column));
}

export function rep<T>(v: T, n: number): T[] {
  return new Array<T>(n).fill(v);
}
