/**
 * outliers: per numeric column (every numeric column, or --outlier-columns), values outside
 * - the Tukey fences [Q1 - 1.5 IQR, Q3 + 1.5 IQR] (quartiles by linear interpolation, as numpy) for
 *   clip (set to the nearest fence), null (set missing; imputed later when imputation is on) and drop (the
 *   whole row is dropped when any of its treated values is outside, logged as a drop);
 * - the --limits percentiles (default 0.01,0.99, linear interpolation) for winsorize (set to the nearest limit).
 * Only finite numbers take part in fitting; text noise in a numeric column is left as it is.
 * Quantiles are exact while a column's values fit the exact budget (--exact-budget, 8 bytes a value), else
 * from a KLL sketch (params.approximate = true).
 */
import { UsageError } from '../errors.js';
import { qsAdd, qsFinalize, qsNew, type QuantileState } from '../stats/quantiles.js';
import type { OutlierMode } from './options.js';
import { NumericTally, finite, type FitContext, type Fitter, type StepDef } from './step.js';
import { isNum, type Sink, type Work } from './work.js';

export interface OutlierParams {
  mode: OutlierMode;
  /** Percentiles for winsorize, else null. */
  limits: [number, number] | null;
  /** Per column: the bounds values are held to. */
  columns: Record<string, { lower: number; upper: number }>;
  approximate: boolean;
}

class OutlierFitter implements Fitter<OutlierParams> {
  private tally = new NumericTally();
  private qs = new Map<string, QuantileState>();
  private rows = 0;
  constructor(
    private mode: OutlierMode,
    private limits: [number, number],
    private only: string[] | null,
    private ctx: FitContext,
  ) {}

  update(w: Work): void {
    this.rows += w.length;
    for (let c = 0; c < w.columns.length; c++) {
      const name = w.columns[c]!;
      if (this.only && !this.only.includes(name)) continue;
      const v = w.view(c);
      this.tally.add(name, v.kind, w.length);
      let q = this.qs.get(name);
      for (let i = 0; i < w.length; i++) {
        if (!isNum(v.kind[i]!)) continue;
        const x = v.num[i]!;
        if (!finite(x)) continue;
        if (!q) {
          q = qsNew(this.ctx.exactBudgetBytes);
          this.qs.set(name, q);
        }
        qsAdd(q, x);
      }
    }
  }

  finish(): OutlierParams {
    const out: OutlierParams = { mode: this.mode, limits: this.mode === 'winsorize' ? this.limits : null, columns: {}, approximate: false };
    if (this.only) {
      const absent = this.only.filter((c) => !this.tally.nonMissing.has(c));
      if (absent.length && this.rows > 0) throw new UsageError(`--outlier-columns: column(s) not found: ${absent.join(', ')}`);
    }
    for (const name of this.tally.order) {
      const numeric = this.tally.isNumeric(name, this.ctx);
      if (!numeric) {
        if (this.only) throw new UsageError(`--outlier-columns: column '${name}' is not numeric`);
        continue;
      }
      const q = this.qs.get(name);
      if (!q || q.n === 0) continue;
      const r = qsFinalize(q);
      if (r.approximate) out.approximate = true;
      if (this.mode === 'winsorize') {
        out.columns[name] = { lower: r.quantile(this.limits[0]), upper: r.quantile(this.limits[1]) };
      } else {
        const q1 = r.quantile(0.25);
        const q3 = r.quantile(0.75);
        const iqr = q3 - q1;
        out.columns[name] = { lower: q1 - 1.5 * iqr, upper: q3 + 1.5 * iqr };
      }
    }
    return out;
  }
}

export const outliersStep: StepDef<OutlierParams> = {
  name: 'outliers',
  enabled: (o) => o.outliers !== null,
  fitter: (o, ctx) => new OutlierFitter(o.outliers!, o.limits, o.outlierColumns, ctx),
  applier(p) {
    const names = Object.keys(p.columns);
    const bounds = names.map((n) => p.columns[n]!);
    return {
      apply(w: Work, sink: Sink) {
        for (let j = 0; j < names.length; j++) {
          const c = w.col(names[j]!);
          if (c < 0) continue;
          const { lower, upper } = bounds[j]!;
          const v = w.view(c);
          for (let i = 0; i < w.length; i++) {
            if (!isNum(v.kind[i]!)) continue;
            const x = v.num[i]!;
            if (!(x < lower || x > upper)) continue; // inside (NaN never here: numbers only)
            switch (p.mode) {
              case 'clip':
              case 'winsorize':
                w.set(c, i, x < lower ? lower : upper, 'outliers', sink);
                break;
              case 'null':
                w.set(c, i, null, 'outliers', sink);
                break;
              case 'drop':
                w.drop(i, 'outliers', sink);
                break;
            }
          }
        }
      },
    };
  },
  describe(p, o) {
    const mode = p?.mode ?? o!.outliers!;
    const what =
      mode === 'winsorize'
        ? `winsorize to the ${(p?.limits ?? o!.limits).join(', ')} percentiles`
        : mode === 'clip'
          ? 'clip to the Tukey fences (Q1 - 1.5 IQR, Q3 + 1.5 IQR)'
          : mode === 'null'
            ? 'set values outside the Tukey fences to missing'
            : 'drop rows with a value outside the Tukey fences';
    return `outliers: ${what}${p ? ` in ${Object.keys(p.columns).length} numeric column(s)` : ''}${p?.approximate ? ' (approximate quantiles)' : ''}`;
  },
};
