/**
 * normalize: scale numeric columns as scikit-learn's scalers do (fitted on the observed finite numbers;
 * missing cells stay missing, text noise is left as it is):
 * - zscore (StandardScaler): (x - mean) / std, std the population standard deviation (ddof = 0);
 * - minmax (MinMaxScaler, feature_range = --range a,b, default 0,1): x * scale + min with
 *   scale = (b - a) / (max - min), min = a - data_min * scale;
 * - robust (RobustScaler): (x - median) / (Q3 - Q1), the median as np.nanmedian, the quartiles by numpy's linear
 *   interpolation (np.nanpercentile).
 * A constant column keeps scale 1, so it maps to 0 (zscore, robust) or a (minmax): for minmax and robust a
 * scale below 10 * machine epsilon is 1 (`_handle_zeros_in_scale`); for zscore, as StandardScaler, a variance
 * within the rounding bound of a constant (`_is_constant_feature`, see standardScale in step.ts) is.
 * The mean is compensated (Neumaier), the variance a second-moment sum around the mean computed in a
 * shifted, batch-wise two-pass update (src/stats/moments.ts). Quantiles are exact within --exact-budget.
 */
import { UsageError } from '../errors.js';
import { momAddArray, momNew, type Moments } from '../stats/moments.js';
import { qsAdd, qsFinalize, qsNew, type QuantileState } from '../stats/quantiles.js';
import { medianSorted } from '../stats/values-store.js';
import type { CleanOptions, NormalizeMethod } from './options.js';
import { NumericTally, handleZeroScale, standardScale, finite, type FitContext, type Fitter, type StepDef } from './step.js';
import { isNum, type Sink, type Work } from './work.js';

/** y = (x - center) / scale for zscore and robust; y = x * scale + offset for minmax. */
export type ColumnScale =
  | { method: 'zscore' | 'robust'; center: number; scale: number }
  | { method: 'minmax'; scale: number; offset: number; dataMin: number; dataMax: number; range: [number, number] };

export interface NormalizeParams {
  columns: Record<string, ColumnScale>;
  skipped: { column: string; reason: string }[];
  approximate: boolean;
}

interface ColState {
  mom: Moments;
  min: number;
  max: number;
  qs: QuantileState | null;
}

function methodFor(o: CleanOptions, name: string): NormalizeMethod | null {
  return Object.prototype.hasOwnProperty.call(o.normalize.columns, name) ? o.normalize.columns[name]! : o.normalize.all;
}

class NormalizeFitter implements Fitter<NormalizeParams> {
  private tally = new NumericTally();
  private cols = new Map<string, ColState>();
  private buf = new Float64Array(0);
  private rows = 0;
  constructor(private o: CleanOptions, private ctx: FitContext) {}

  update(w: Work): void {
    this.rows += w.length;
    if (this.buf.length < w.length) this.buf = new Float64Array(w.length);
    for (let c = 0; c < w.columns.length; c++) {
      const name = w.columns[c]!;
      const m = methodFor(this.o, name);
      if (!m) continue;
      const v = w.view(c);
      this.tally.add(name, v.kind, w.length);
      let st = this.cols.get(name);
      if (!st) {
        st = { mom: momNew(), min: Infinity, max: -Infinity, qs: m === 'robust' ? qsNew(this.ctx.exactBudgetBytes) : null };
        this.cols.set(name, st);
      }
      const buf = this.buf;
      let n = 0;
      for (let i = 0; i < w.length; i++) {
        if (!isNum(v.kind[i]!)) continue;
        const x = v.num[i]!;
        if (!finite(x)) continue;
        buf[n++] = x;
        if (x < st.min) st.min = x;
        if (x > st.max) st.max = x;
        if (st.qs) qsAdd(st.qs, x);
      }
      if (m === 'zscore' && n > 0) momAddArray(st.mom, buf, null, 0, n);
    }
  }

  finish(): NormalizeParams {
    const out: NormalizeParams = { columns: {}, skipped: [], approximate: false };
    for (const col of Object.keys(this.o.normalize.columns)) {
      if (this.rows > 0 && !this.cols.has(col)) throw new UsageError(`--normalize ${col}: no such column`);
    }
    for (const name of this.tally.order) {
      const m = methodFor(this.o, name)!;
      const explicit = Object.prototype.hasOwnProperty.call(this.o.normalize.columns, name);
      if (!this.tally.isNumeric(name, this.ctx)) {
        if (explicit) throw new UsageError(`--normalize ${name}=${m}: the column is not numeric`);
        continue;
      }
      const st = this.cols.get(name)!;
      if (!(st.min <= st.max)) {
        out.skipped.push({ column: name, reason: 'no observed values' });
        continue;
      }
      switch (m) {
        case 'zscore': {
          const variance = st.mom.n > 0 ? Math.max(0, st.mom.m2 / st.mom.n) : 0;
          // StandardScaler's mean: np.mean of the column; the compensated sum keeps it to about one ulp
          const mean = (st.mom.sum + st.mom.sumC) / st.mom.n;
          out.columns[name] = { method: 'zscore', center: mean, scale: standardScale(variance, mean, st.mom.n) };
          break;
        }
        case 'minmax': {
          const [a, b] = this.o.range;
          const scale = (b - a) / handleZeroScale(st.max - st.min);
          out.columns[name] = { method: 'minmax', scale, offset: a - st.min * scale, dataMin: st.min, dataMax: st.max, range: [a, b] };
          break;
        }
        case 'robust': {
          const r = qsFinalize(st.qs!);
          if (r.approximate) out.approximate = true;
          const q1 = r.quantile(0.25);
          // RobustScaler: center_ = np.nanmedian (mean of the two middle values), scale_ from np.nanpercentile
          const med = r.sorted ? medianSorted(r.sorted)! : r.quantile(0.5);
          const q3 = r.quantile(0.75);
          out.columns[name] = { method: 'robust', center: med, scale: handleZeroScale(q3 - q1) };
          break;
        }
      }
    }
    return out;
  }
}

export const normalizeStep: StepDef<NormalizeParams> = {
  name: 'normalize',
  enabled: (o) => o.normalize.all !== null || Object.keys(o.normalize.columns).length > 0,
  fitter: (o, ctx) => new NormalizeFitter(o, ctx),
  applier(p) {
    const names = Object.keys(p.columns);
    const scales = names.map((n) => p.columns[n]!);
    return {
      apply(w: Work, sink: Sink) {
        for (let j = 0; j < names.length; j++) {
          const c = w.col(names[j]!);
          if (c < 0) continue;
          const s = scales[j]!;
          const v = w.view(c);
          for (let i = 0; i < w.length; i++) {
            if (!isNum(v.kind[i]!)) continue;
            const x = v.num[i]!;
            const y = s.method === 'minmax' ? x * s.scale + s.offset : (x - s.center) / s.scale;
            if (y === x && (typeof w.data[c]![i] === 'number' || v.text[i] === String(y))) continue;
            w.set(c, i, y, 'normalize', sink);
          }
        }
      },
    };
  },
  describe(p, o) {
    if (!p) {
      const parts: string[] = [];
      if (o!.normalize.all) parts.push(`${o!.normalize.all} for every numeric column`);
      for (const [c, m] of Object.entries(o!.normalize.columns)) parts.push(`${c}=${m}`);
      return `normalize: ${parts.join('; ')}`;
    }
    return `normalize: ${Object.entries(p.columns).map(([c, s]) => `${c}=${s.method}`).join(', ') || 'no column'}${p.approximate ? ' (approximate quantiles)' : ''}`;
  },
  notes: (p) => p.skipped.map((s) => `normalize: ${s.column} left as it is: ${s.reason}`),
};
