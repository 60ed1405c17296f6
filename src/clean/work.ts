/**
 * The batch a clean step works on: the reader's cells (mutated in place), the input row number of every
 * record (rows keep their input numbers when others are dropped), parsed views computed on demand and kept
 * in sync with writes, and a drop mask compacted after each step.
 *
 * `Sink` receives every change: counts per step and column (always) and, with --log, one JSON line per
 * changed cell `{row, column, old, new, step}` or dropped row `{row, step, action: "drop"}`.
 */
import { Kind, type Batch, type Cell, type ColumnView } from '../core/types.js';
import { viewColumn, type ParseOptions } from '../schema/values.js';
import { jsonCell } from '../io/writers/jsonl.js';
import type { StepName } from './options.js';

export class Work {
  columns: string[];
  data: Cell[][];
  length: number;
  /** 1-based input row of each record. */
  rows: Float64Array;
  private views: (ColumnView | null)[];
  private index: Map<string, number> | null = null;
  private dropped: Uint8Array | null = null;

  constructor(batch: Batch, readonly parse: ParseOptions) {
    this.columns = batch.columns;
    this.length = batch.length;
    // the reader may yield fewer data arrays than columns (a column first seen later): pad with nulls
    this.data = batch.columns.map((_, c) => batch.data[c] ?? new Array<Cell>(batch.length).fill(null));
    this.rows = new Float64Array(batch.length);
    for (let i = 0; i < batch.length; i++) this.rows[i] = batch.firstRow + i;
    this.views = new Array(this.columns.length).fill(null);
  }

  /** Column index by name, or -1. */
  col(name: string): number {
    if (!this.index) this.index = new Map(this.columns.map((c, i) => [c, i] as const));
    return this.index.get(name) ?? -1;
  }

  view(c: number): ColumnView {
    let v = this.views[c];
    if (!v) {
      v = viewColumn(this.data[c]!, this.length, this.parse);
      this.views[c] = v;
    }
    return v;
  }

  /** Set cell (c, i) to `v`, record the change under `step`, and keep the view in sync. */
  set(c: number, i: number, v: Cell, step: StepName, sink: Sink): void {
    const old = this.data[c]![i] ?? null;
    this.data[c]![i] = v;
    sink.change(step, this.rows[i]!, this.columns[c]!, old, v);
    const view = this.views[c];
    if (!view) return;
    if (v === null) {
      view.kind[i] = Kind.MISSING;
      view.num[i] = NaN;
      view.text[i] = null;
    } else if (typeof v === 'number' && !Number.isNaN(v)) {
      view.kind[i] = Number.isInteger(v) ? Kind.INT : Kind.FLOAT;
      view.num[i] = v;
      view.text[i] = String(v);
    } else {
      const one = viewColumn([v], 1, this.parse);
      view.kind[i] = one.kind[0]!;
      view.num[i] = one.num[0]!;
      view.text[i] = one.text[0]!;
      if (one.alt) {
        if (!view.alt) view.alt = new Float64Array(this.length).fill(NaN);
        view.alt[i] = one.alt[0]!;
      } else if (view.alt) view.alt[i] = NaN;
    }
  }

  /** Mark record i dropped by `step` (removed by `compact`). */
  drop(i: number, step: StepName, sink: Sink): void {
    if (!this.dropped) this.dropped = new Uint8Array(this.length);
    if (this.dropped[i]) return;
    this.dropped[i] = 1;
    sink.drop(step, this.rows[i]!);
  }

  /** Remove dropped records. */
  compact(): void {
    const d = this.dropped;
    if (!d) return;
    this.dropped = null;
    const keep: number[] = [];
    for (let i = 0; i < this.length; i++) if (!d[i]) keep.push(i);
    if (keep.length === this.length) return;
    const n = keep.length;
    this.data = this.data.map((col) => keep.map((i) => col[i] ?? null));
    const rows = new Float64Array(n);
    for (let k = 0; k < n; k++) rows[k] = this.rows[keep[k]!]!;
    this.rows = rows;
    this.views = this.views.map((v) => {
      if (!v) return null;
      const kind = new Uint8Array(n);
      const num = new Float64Array(n);
      const text: (string | null)[] = new Array(n);
      const alt = v.alt ? new Float64Array(n) : null;
      for (let k = 0; k < n; k++) {
        const i = keep[k]!;
        kind[k] = v.kind[i]!;
        num[k] = v.num[i]!;
        text[k] = v.text[i]!;
        if (alt) alt[k] = v.alt![i]!;
      }
      return { kind, num, text, alt, dayFirstEvidence: v.dayFirstEvidence, monthFirstEvidence: v.monthFirstEvidence };
    });
    this.length = n;
  }
}

export interface StepCounts {
  /** Cells changed. */
  changed: number;
  /** Rows dropped. */
  dropped: number;
  /** Cells changed per column. */
  columns: Map<string, number>;
}

/** Counts of changes (always) and the change log lines (when logging). */
export class Sink {
  readonly counts = new Map<StepName, StepCounts>();
  private lines: string[] = [];
  private buffered = 0;

  /** `protect`: masked or anonymized columns, whose values before the final mask never reach the log. */
  constructor(readonly logging: boolean, private readonly protect: Set<string> = new Set()) {}

  private of(step: StepName): StepCounts {
    let c = this.counts.get(step);
    if (!c) {
      c = { changed: 0, dropped: 0, columns: new Map() };
      this.counts.set(step, c);
    }
    return c;
  }

  change(step: StepName, row: number, column: string, old: Cell, nw: Cell): void {
    const c = this.of(step);
    c.changed++;
    c.columns.set(column, (c.columns.get(column) ?? 0) + 1);
    if (this.logging) {
      const hide = this.protect.has(column);
      const o = hide ? '"***"' : jsonCell(old);
      const n = hide && step !== 'mask' && step !== 'anonymize' ? '"***"' : jsonCell(nw);
      const line = `{"row":${row},"column":${JSON.stringify(column)},"old":${o},"new":${n},"step":"${step}"}\n`;
      this.log(line);
    }
  }

  drop(step: StepName, row: number): void {
    this.of(step).dropped++;
    if (this.logging) {
      const line = `{"row":${row},"step":"${step}","action":"drop"}\n`;
      this.log(line);
    }
  }

  /** Text cells the CSV writer prefixes with `'` (--safe-formulas): counted, and in the log as changes of that step. */
  formulas = 0;

  /** `row` null: the column's name in the header line. */
  neutralised(row: number | null, column: string, old: string): void {
    this.formulas++;
    if (!this.logging) return;
    const hide = row !== null && this.protect.has(column);
    const line = `{${row === null ? '"header":true' : `"row":${row}`},"column":${JSON.stringify(column)},"old":${hide ? '"***"' : jsonCell(old)},"new":${hide ? '"***"' : jsonCell("'" + old)},"step":"safe-formulas"}\n`;
    this.log(line);
  }

  /** A problem reading the input (a skipped line, extra fields not kept): in the log with its line. */
  inputProblem(id: string, line: number | null, row: number | null, count = 1): void {
    if (!this.logging) return;
    // (count: a reader that tells several at once, such as a Parquet column's invalid UTF-8 values)
    const text = `{${row !== null ? `"row":${row},` : ''}${line !== null ? `"line":${line},` : ''}"step":"read","problem":${JSON.stringify(id)}${count !== 1 ? `,"count":${count}` : ''}}\n`;
    this.log(text);
  }

  private log(line: string): void {
    this.lines.push(line);
    this.buffered += line.length;
  }

  /** Take the pending log text (empty when nothing is pending). */
  take(): string {
    if (this.lines.length === 0) return '';
    const s = this.lines.join('');
    this.lines = [];
    this.buffered = 0;
    return s;
  }

  get pendingChars(): number {
    return this.buffered;
  }

  totalDropped(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c.dropped;
    return n;
  }
}

/** Whether a view's cell is a number (INT/FLOAT). */
export function isNum(kind: number): boolean {
  return kind === Kind.INT || kind === Kind.FLOAT;
}

/**
 * Per-batch column lookup for steps that know columns by name: indexes are recomputed only when the
 * batch's column list changes (JSON Lines may add columns).
 */
export class ColumnIndex {
  private last: string[] | null = null;
  private lastLen = -1;
  private idx: number[] = [];
  constructor(readonly names: string[]) {}
  of(w: Work): number[] {
    if (w.columns !== this.last || w.columns.length !== this.lastLen) {
      this.last = w.columns;
      this.lastLen = w.columns.length;
      this.idx = this.names.map((n) => w.col(n));
    }
    return this.idx;
  }
}
