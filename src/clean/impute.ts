/**
 * impute: fill missing cells, as scikit-learn's SimpleImputer does.
 * - mean:     arithmetic mean of the observed (finite) numbers, compensated (Neumaier) summation;
 * - median:   the median of the observed numbers, the mean of the two middle values for even n (numpy);
 * - mode:     the most frequent observed value, ties broken by the smallest (numbers compared numerically in
 *             numeric columns, so `35` and `35.0` are one value; text by code point, as Python compares str);
 * - constant: the given value (written as a number in a numeric column when it is one).
 * mean and median apply to numeric columns only: with `--impute mean|median` for all columns, incomplete
 * non-numeric columns are left as they are and listed in the summary; `--impute COL=mean` on a non-numeric
 * column is a usage error. Statistics are fitted for every column a strategy applies to (complete ones
 * included, as SimpleImputer does, so saved parameters serve new data); a column without observed values is
 * left as it is. Only missing cells change: observed values (and text noise in numeric columns) never do.
 * Infinite numbers take part in no fit: they are left out of the statistics and are missing (NaN) in the
 * matrix a model strategy sees, so kNN never copies an `inf` donor value into a missing cell and MICE/forest
 * never regress on one (the `inf` cells themselves are written as they are).
 *
 * Extension point for model-based strategies (kNN, MICE, forest; src/clean/model/): `registerModelStrategy`.
 * Such a strategy needs the whole numeric matrix: the fitting pass then keeps every numeric column in memory
 * (a Float64Array per column, NaN = missing) up to MODEL_MATRIX_LIMIT cells (8 bytes each) and calls
 * `fit(columns, names, target, arg)`; the returned model fills rows in the apply pass (`imputeRow`) and is
 * saved with --save-params (`save`) / rebuilt with --apply-params (`load`).
 */
import { UsageError } from '../errors.js';
import { qsAdd, qsFinalize, qsNew, type QuantileState } from '../stats/quantiles.js';
import { medianSorted } from '../stats/values-store.js';
import { MODEL_STRATEGIES, strategyText, type CleanOptions, type ImputeStrategy } from './options.js';
import { CompSum, NumericTally, compareCodePoints, finite, type FitContext, type Fitter, type StepDef } from './step.js';
import { isNum, type Sink, type Work } from './work.js';
import { Kind, type Cell } from '../core/types.js';

/** Cells of numeric data a model strategy may hold in memory (20M cells = 160 MB). */
export const MODEL_MATRIX_LIMIT = 20_000_000;

export interface ModelImputer {
  /**
   * Fill the NaNs of the target columns in `row` (values of `names`, NaN = missing) in place. `position` is the
   * 0-based position of the row among the rows reaching the impute step in this pass: the same rows in the
   * same order as the columns given to `fit` when the model was fitted in this run, so a transductive imputer
   * (src/clean/model: whole matrix in, completed columns out) can fill rows from its completed matrix. With
   * --apply-params on other data, `position` does not refer to the fitted matrix: such a model must then
   * impute from its saved parameters (or refuse).
   */
  imputeRow(row: Float64Array, position: number): void;
  /** JSON-serialisable parameters (for --save-params). */
  save(): unknown;
}

export interface ModelStrategy {
  name: string;
  /**
   * Fit on the numeric matrix: `columns[j]` holds column `names[j]` for every row (input order after the
   * earlier steps), NaN where missing. `targets` are the indexes of the columns this strategy imputes.
   */
  fit(columns: Float64Array[], names: string[], targets: number[], arg: string | null, settings?: Record<string, unknown>): ModelImputer | Promise<ModelImputer>;
  /** Rebuild a fitted model from `save()` output. */
  load(saved: unknown, names: string[], targets: number[]): ModelImputer;
}

const MODELS = new Map<string, ModelStrategy>();

/** Register a model-based strategy (called by src/clean/model/*). */
export function registerModelStrategy(s: ModelStrategy): void {
  MODELS.set(s.name, s);
}

export function modelStrategy(name: string): ModelStrategy {
  const s = MODELS.get(name);
  if (!s) throw new UsageError(`--impute ${name}: model-based imputation (${MODEL_STRATEGIES.join(', ')}) is not available in this build`);
  return s;
}

export type ColumnFill =
  | { strategy: 'mean' | 'median' | 'mode' | 'constant'; value: number | string }
  | { strategy: 'model'; model: string };

export interface ImputeParams {
  /** Fill per column. */
  columns: Record<string, ColumnFill>;
  /** Model strategies: features (all numeric columns), targets, saved model. */
  models: { name: string; arg: string | null; features: string[]; targets: string[]; saved: unknown }[];
  /** Columns left as they are, and why. */
  skipped: { column: string; reason: string }[];
  approximate: boolean;
}

interface ColState {
  sum: CompSum;
  qs: QuantileState | null;
  numModes: Map<number, number> | null;
  textModes: Map<string, number> | null;
  missing: number;
  /** Numbers of every row (models only). */
  matrix: Float64Array | null;
}

function strategyFor(o: CleanOptions, name: string): ImputeStrategy | null {
  return Object.prototype.hasOwnProperty.call(o.impute.columns, name) ? o.impute.columns[name]! : o.impute.all;
}

class ImputeFitter implements Fitter<ImputeParams> {
  private tally = new NumericTally();
  private cols = new Map<string, ColState>();
  private rows = 0;
  private needMatrix: boolean;
  constructor(private o: CleanOptions, private ctx: FitContext) {
    const all = [o.impute.all, ...Object.values(o.impute.columns)];
    this.needMatrix = all.some((s) => s?.kind === 'model');
    for (const s of all) if (s?.kind === 'model') modelStrategy(s.name); // fail early when unavailable
  }

  private state(name: string, s: ImputeStrategy | null): ColState {
    let st = this.cols.get(name);
    if (!st) {
      st = {
        sum: new CompSum(),
        qs: s?.kind === 'median' ? qsNew(this.ctx.exactBudgetBytes) : null,
        numModes: s?.kind === 'mode' ? new Map() : null,
        textModes: s?.kind === 'mode' ? new Map() : null,
        missing: 0,
        matrix: this.needMatrix ? new Float64Array(Math.max(1024, this.rows)).fill(NaN) : null,
      };
      this.cols.set(name, st);
    }
    return st;
  }

  update(w: Work): void {
    const base = this.rows;
    this.rows += w.length;
    if (this.needMatrix && this.rows * Math.max(1, w.columns.length) > MODEL_MATRIX_LIMIT) {
      throw new UsageError(`model-based imputation keeps the numeric data in memory: ${this.rows} rows x ${w.columns.length} columns exceed the limit of ${MODEL_MATRIX_LIMIT} cells`);
    }
    for (let c = 0; c < w.columns.length; c++) {
      const name = w.columns[c]!;
      const s = strategyFor(this.o, name);
      if (!s && !this.needMatrix) continue;
      const v = w.view(c);
      this.tally.add(name, v.kind, w.length);
      const st = this.state(name, s);
      if (st.matrix && st.matrix.length < this.rows) {
        let cap = st.matrix.length;
        while (cap < this.rows) cap *= 2;
        const m = new Float64Array(cap).fill(NaN);
        m.set(st.matrix.subarray(0, base));
        st.matrix = m;
      }
      for (let i = 0; i < w.length; i++) {
        const k = v.kind[i]!;
        if (k === Kind.MISSING) {
          st.missing++;
          continue;
        }
        if (isNum(k)) {
          const x = v.num[i]!;
          if (!finite(x)) continue; // inf/-inf: neither a statistic's input nor a model's coordinate or donor value
          if (st.matrix) st.matrix[base + i] = x;
          st.sum.add(x);
          if (st.qs) qsAdd(st.qs, x);
          if (st.numModes) st.numModes.set(x + 0, (st.numModes.get(x + 0) ?? 0) + 1);
        }
        if (st.textModes) {
          const t = v.text[i]!;
          st.textModes.set(t, (st.textModes.get(t) ?? 0) + 1);
        }
      }
    }
  }

  async finish(): Promise<ImputeParams> {
    const out: ImputeParams = { columns: {}, models: [], skipped: [], approximate: false };
    for (const col of Object.keys(this.o.impute.columns)) {
      if (this.rows > 0 && !this.cols.has(col)) throw new UsageError(`--impute ${col}: no such column`);
    }
    const numericCols = this.tally.order.filter((n) => this.tally.isNumeric(n, this.ctx));
    const modelTargets = new Map<string, { s: ImputeStrategy & { kind: 'model' }; targets: string[] }>();
    for (const name of this.tally.order) {
      const s = strategyFor(this.o, name);
      if (!s) continue;
      const st = this.cols.get(name)!;
      const explicit = Object.prototype.hasOwnProperty.call(this.o.impute.columns, name);
      const numeric = this.tally.isNumeric(name, this.ctx);
      const skip = (reason: string) => {
        if (st.missing > 0 || explicit) out.skipped.push({ column: name, reason });
      };
      switch (s.kind) {
        case 'mean':
        case 'median': {
          if (!numeric) {
            if (explicit) throw new UsageError(`--impute ${name}=${s.kind}: the column is not numeric; use mode or constant:VALUE`);
            skip(`not numeric (${s.kind} needs numbers)`);
            break;
          }
          if (st.sum.n === 0) {
            skip('no observed values');
            break;
          }
          if (s.kind === 'mean') out.columns[name] = { strategy: 'mean', value: st.sum.mean() };
          else {
            const r = qsFinalize(st.qs!);
            if (r.approximate) out.approximate = true;
            out.columns[name] = { strategy: 'median', value: r.sorted ? medianSorted(r.sorted)! : r.quantile(0.5) };
          }
          break;
        }
        case 'mode': {
          let value: number | string | null = null;
          if (numeric) {
            let best = -1;
            for (const [x, n] of st.numModes!) if (n > best || (n === best && x < (value as number))) [best, value] = [n, x];
          } else {
            let best = -1;
            for (const [t, n] of st.textModes!) if (n > best || (n === best && compareCodePoints(t, value as string) < 0)) [best, value] = [n, t];
          }
          if (value === null) skip('no observed values');
          else out.columns[name] = { strategy: 'mode', value };
          break;
        }
        case 'constant': {
          const n = Number(s.value);
          out.columns[name] = { strategy: 'constant', value: numeric && s.value.trim() !== '' && Number.isFinite(n) ? n : s.value };
          break;
        }
        case 'model': {
          if (!numeric) {
            if (explicit) throw new UsageError(`--impute ${name}=${s.name}: the column is not numeric`);
            skip(`not numeric (${s.name} needs numbers)`);
            break;
          }
          const key = strategyText(s);
          let m = modelTargets.get(key);
          if (!m) modelTargets.set(key, (m = { s, targets: [] }));
          m.targets.push(name);
          out.columns[name] = { strategy: 'model', model: key };
          break;
        }
      }
    }
    for (const { s, targets } of modelTargets.values()) {
      const strat = modelStrategy(s.name);
      const columns = numericCols.map((n) => this.cols.get(n)!.matrix!.subarray(0, this.rows));
      const model = await strat.fit(columns, numericCols, targets.map((t) => numericCols.indexOf(t)), s.arg, this.o.model as Record<string, unknown> | undefined);
      out.models.push({ name: s.name, arg: s.arg, features: numericCols, targets, saved: model.save() });
    }
    return out;
  }
}

export const imputeStep: StepDef<ImputeParams> = {
  name: 'impute',
  enabled: (o) => o.impute.all !== null || Object.keys(o.impute.columns).length > 0,
  fitter: (o, ctx) => new ImputeFitter(o, ctx),
  applier(p) {
    const names = Object.keys(p.columns).filter((n) => p.columns[n]!.strategy !== 'model');
    const values: Cell[] = names.map((n) => (p.columns[n] as { value: number | string }).value);
    const models = p.models.map((m) => {
      const strat = modelStrategy(m.name);
      const targets = m.targets.map((t) => m.features.indexOf(t));
      return { m, targets, model: strat.load(m.saved, m.features, targets) };
    });
    let position = 0;
    return {
      apply(w: Work, sink: Sink) {
        const first = position;
        position += w.length;
        for (let j = 0; j < names.length; j++) {
          const c = w.col(names[j]!);
          if (c < 0) continue;
          const v = w.view(c);
          const fill = values[j]!;
          for (let i = 0; i < w.length; i++) if (v.kind[i] === Kind.MISSING) w.set(c, i, fill, 'impute', sink);
        }
        for (const { m, targets, model } of models) {
          const cols = m.features.map((f) => w.col(f));
          const views = cols.map((c) => (c >= 0 ? w.view(c) : null));
          const row = new Float64Array(cols.length);
          for (let i = 0; i < w.length; i++) {
            let any = false;
            for (const t of targets) if (views[t] && views[t]!.kind[i] === Kind.MISSING) any = true;
            if (!any) continue;
            for (let j = 0; j < cols.length; j++) {
              const vw = views[j];
              row[j] = vw && isNum(vw.kind[i]!) ? vw.num[i]! : NaN;
            }
            model.imputeRow(row, first + i);
            for (const t of targets) {
              const vw = views[t];
              if (vw && vw.kind[i] === Kind.MISSING && !Number.isNaN(row[t]!)) w.set(cols[t]!, i, row[t]!, 'impute', sink);
            }
          }
        }
      },
    };
  },
  describe(p, o) {
    if (!p) {
      const parts: string[] = [];
      if (o!.impute.all) parts.push(`${strategyText(o!.impute.all)} for every incomplete column it applies to`);
      for (const [c, s] of Object.entries(o!.impute.columns)) parts.push(`${c}=${strategyText(s)}`);
      return `impute: ${parts.join('; ')}`;
    }
    const parts = Object.entries(p.columns).map(([c, f]) => `${c}=${f.strategy === 'model' ? f.model : `${f.strategy}(${JSON.stringify(f.value)})`}`);
    return `impute: ${parts.length ? parts.join(', ') : 'no column'}${p.approximate ? ' (approximate medians)' : ''}`;
  },
  notes: (p) => p.skipped.map((s) => `impute: ${s.column} left as it is: ${s.reason}`),
};
