/**
 * The contract of a clean step, and helpers shared by the steps.
 *
 * A step is fitted on the data as it stands after the steps before it (a pass per fitted step), then applied
 * in the final pass. Appliers are created fresh for every pass (dedupe and smoothing keep per-pass state).
 */
import { Kind, type ColumnType } from '../core/types.js';
import type { ParseOptions } from '../schema/values.js';
import type { CleanOptions, StepName } from './options.js';
import type { Sink, Work } from './work.js';

export interface FitContext {
  parse: ParseOptions;
  /** Share of non-missing cells that must be numbers for a column to be numeric (default 0.95). */
  numericThreshold: number;
  /** Forced column types (--type). */
  types: Record<string, ColumnType>;
  /** Bytes per column for exact quantiles (median, robust, fences, percentiles) before a sketch is used. */
  exactBudgetBytes: number;
  /** Key for --mask COL:hash (from DQ_MASK_KEY or --mask-key-file; never saved). */
  maskKey?: Buffer | null;
}

export interface Fitter<P = unknown> {
  update(w: Work): void;
  finish(): P | Promise<P>;
}

export interface Applier {
  apply(w: Work, sink: Sink): void;
}

export interface StepDef<P = unknown, T = unknown> {
  name: StepName;
  enabled(o: CleanOptions): boolean;
  /** The fitter of the step's saved parameters, or null when it has nothing to fit. */
  fitter(o: CleanOptions, ctx: FitContext): Fitter<P> | null;
  /** Parameters without fitting (steps with fitter() === null). */
  staticParams?(o: CleanOptions): P;
  /** A per-dataset pass needed even with --apply-params (dedupe --keep last: the last row of every row hash). */
  prepare?(params: P, ctx: FitContext): Fitter<T> | null;
  applier(params: P, prepared: T | null, ctx: FitContext): Applier;
  /** One line for the plan. */
  describe(params: P | null, o: CleanOptions | null): string;
  /** Notes for the summary (skipped columns...). */
  notes?(params: P): string[];
}

/** Counts of non-missing and numeric cells per column, to decide which columns are numeric. */
export class NumericTally {
  readonly nonMissing = new Map<string, number>();
  readonly numeric = new Map<string, number>();
  readonly order: string[] = [];

  add(name: string, kind: Uint8Array, length: number): void {
    let nm = 0;
    let nu = 0;
    for (let i = 0; i < length; i++) {
      const k = kind[i]!;
      if (k !== Kind.MISSING) {
        nm++;
        if (k === Kind.INT || k === Kind.FLOAT) nu++;
      }
    }
    if (!this.nonMissing.has(name)) {
      this.order.push(name);
      this.nonMissing.set(name, 0);
      this.numeric.set(name, 0);
    }
    this.nonMissing.set(name, this.nonMissing.get(name)! + nm);
    this.numeric.set(name, this.numeric.get(name)! + nu);
  }

  isNumeric(name: string, ctx: FitContext): boolean {
    const forced = ctx.types[name];
    if (forced) return forced === 'integer' || forced === 'float';
    const nu = this.numeric.get(name) ?? 0;
    const nm = this.nonMissing.get(name) ?? 0;
    return nu > 0 && nu >= ctx.numericThreshold * nm;
  }
}

/** Neumaier-compensated sum. */
export class CompSum {
  sum = 0;
  c = 0;
  n = 0;
  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.c += this.sum - t + x;
    else this.c += x - t + this.sum;
    this.sum = t;
    this.n++;
  }
  get value(): number {
    return this.sum + this.c;
  }
  mean(): number {
    return this.n === 0 ? NaN : (this.sum + this.c) / this.n;
  }
}

/** Code-point order of strings (as Python compares str), for deterministic tie-breaking. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * The scale rule of scikit-learn's `_handle_zeros_in_scale` without a constant mask (MinMaxScaler, RobustScaler):
 * a scale below 10 * machine epsilon becomes 1.
 */
export function handleZeroScale(scale: number): number {
  return scale < 10 * Number.EPSILON ? 1 : scale;
}

/**
 * StandardScaler's scale: the population standard deviation, or 1 when the column is indistinguishable from a
 * constant by scikit-learn's `_is_constant_feature` (variance <= n * eps * var + (n * mean * eps)^2, the error
 * bound of the two-pass variance), which StandardScaler passes to `_handle_zeros_in_scale` as its constant mask
 * instead of the 10 * eps rule: a tiny but real spread (1e-16, 2e-16, 3e-16) is scaled to unit variance, and
 * a spread of a few ulps around a large mean (1e8 and the next double) is treated as constant.
 */
export function standardScale(variance: number, mean: number, n: number): number {
  const eps = Number.EPSILON;
  const bound = n * eps * variance + (n * mean * eps) ** 2;
  return variance <= bound ? 1 : Math.sqrt(variance);
}

/** Whether a number cell may be replaced: finite numbers only take part in fitting. */
export function finite(x: number): boolean {
  return x - x === 0;
}
