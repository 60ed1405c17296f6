/**
 * smooth: per column, in row order (the input must already be ordered by --order-by COL when given: checked
 * while streaming, a row out of order stops the run with a usage error and nothing is written; dq does not
 * sort). Values are the numbers of the column (missing cells and text noise count as missing, NaN).
 * - moving-average:K = pandas `rolling(K, min_periods=1).mean()`: the mean of the observed values among the
 *   last K rows (the current one included; fewer at the start);
 * - ewm:ALPHA = pandas `ewm(alpha=ALPHA, adjust=False).mean()` (ignore_na=False):
 *   y0 = x0; y_t = ((1-a)^g * y + a * x_t) / ((1-a)^g + a) where g counts the rows since the last observation
 *   (so with no gap y_t = (1-a) y + a x_t).
 * Missing values follow pandas: a missing position gets the mean of the observed values in its window
 * (moving average) or the last smoothed value (ewm), so such cells are filled; positions before the first
 * observed value (or, for the moving average, whose whole window is missing) stay missing. Text noise cells
 * are never overwritten. State carries across batches (one pass, O(K) per row for the moving average).
 */
import { UsageError } from '../errors.js';
import { Kind } from '../core/types.js';
import type { SmoothSpec } from './options.js';
import type { StepDef } from './step.js';
import { isNum, type Sink, type Work } from './work.js';

export interface SmoothParams {
  orderBy: string | null;
  columns: Record<string, SmoothSpec>;
}

/** Streaming smoother of one column (pandas semantics, see the file comment). */
export class Smoother {
  // moving average: ring of the last K values
  private ring: Float64Array;
  private pos = 0;
  private seen = 0;
  // ewm
  private weighted = NaN;
  private oldWt = 1;
  private started = false;

  constructor(readonly spec: SmoothSpec) {
    this.ring = new Float64Array(spec.method === 'moving-average' ? spec.window : 0);
  }

  /** Next output for input x (NaN = missing); NaN when the output is missing. */
  next(x: number): number {
    if (this.spec.method === 'moving-average') {
      const k = this.spec.window;
      this.ring[this.pos] = x;
      this.pos = (this.pos + 1) % k;
      if (this.seen < k) this.seen++;
      let s = 0;
      let c = 0;
      let n = 0;
      for (let j = 0; j < this.seen; j++) {
        const v = this.ring[j]!;
        if (v !== v) continue;
        const t = s + v;
        if (Math.abs(s) >= Math.abs(v)) c += s - t + v;
        else c += v - t + s;
        s = t;
        n++;
      }
      return n === 0 ? NaN : (s + c) / n;
    }
    const alpha = this.spec.alpha;
    const obs = x === x;
    if (!this.started) {
      this.started = true;
      this.weighted = x;
      return x;
    }
    if (this.weighted === this.weighted) {
      // pandas ewm (adjust=False, ignore_na=False): old weight decays at every row, observed or not
      this.oldWt *= 1 - alpha;
      if (obs) {
        if (this.weighted !== x) this.weighted = (this.oldWt * this.weighted + alpha * x) / (this.oldWt + alpha);
        this.oldWt = 1;
      }
    } else if (obs) {
      this.weighted = x;
    }
    return this.weighted;
  }
}

/** Order check of the --order-by column: non-decreasing numbers/dates, or text in code-unit order. */
class OrderCheck {
  private lastNum = -Infinity;
  private lastText: string | null = null;
  private lastRow = 0;
  constructor(readonly column: string) {}
  check(w: Work): void {
    const c = w.col(this.column);
    if (c < 0) throw new UsageError(`--order-by: no such column '${this.column}'`);
    const v = w.view(c);
    for (let i = 0; i < w.length; i++) {
      const k = v.kind[i]!;
      const row = w.rows[i]!;
      if (k === Kind.MISSING) throw new UsageError(`--order-by ${this.column}: row ${row} has no value; the input must be ordered by ${this.column} (sort it first)`);
      const numeric = isNum(k) || k === Kind.DATE || k === Kind.DATETIME;
      let bad: boolean;
      if (numeric && this.lastText === null) {
        bad = v.num[i]! < this.lastNum;
        this.lastNum = v.num[i]!;
      } else {
        const t = v.text[i]!;
        bad = this.lastText !== null ? t < this.lastText : false;
        if (this.lastText === null && this.lastRow > 0) bad = true; // numbers then text: not one order
        this.lastText = t;
      }
      if (bad) throw new UsageError(`--order-by ${this.column}: row ${row} comes before row ${this.lastRow} in ${this.column} order; the input must be ordered by ${this.column} (sort it first; dq clean does not sort)`);
      this.lastRow = row;
    }
  }
}

export const smoothStep: StepDef<SmoothParams> = {
  name: 'smooth',
  enabled: (o) => Object.keys(o.smooth).length > 0,
  fitter: () => null,
  staticParams: (o) => ({ orderBy: o.orderBy, columns: o.smooth }),
  applier(p) {
    const names = Object.keys(p.columns);
    const smoothers = names.map((n) => new Smoother(p.columns[n]!));
    const order = p.orderBy ? new OrderCheck(p.orderBy) : null;
    return {
      apply(w: Work, sink: Sink) {
        if (order) order.check(w);
        for (let j = 0; j < names.length; j++) {
          const c = w.col(names[j]!);
          if (c < 0) throw new UsageError(`--smooth: no such column '${names[j]}'`);
          const sm = smoothers[j]!;
          const v = w.view(c);
          for (let i = 0; i < w.length; i++) {
            const k = v.kind[i]!;
            const x = isNum(k) ? v.num[i]! : NaN;
            const y = sm.next(x);
            if (k !== Kind.MISSING && !isNum(k)) continue; // text noise stays
            if (y !== y) continue; // stays missing
            if (y === x && (typeof w.data[c]![i] === 'number' || v.text[i] === String(y))) continue;
            w.set(c, i, y, 'smooth', sink);
          }
        }
      },
    };
  },
  describe(p) {
    const parts = Object.entries(p!.columns).map(([c, s]) => `${c}=${s.method === 'ewm' ? `ewm(alpha ${s.alpha})` : `moving-average(${s.window})`}`);
    return `smooth: ${parts.join(', ')}${p!.orderBy ? `, rows ordered by ${p!.orderBy} (checked)` : ', in input order'}`;
  },
};
