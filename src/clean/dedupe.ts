/**
 * dedupe: remove duplicate rows with the definitions of the audit (src/checks/duplicates.ts), comparing parsed
 * values (a missing cell equals a missing cell, 35 equals 35.0):
 * - exact: rows equal on every column;
 * - key:   rows equal on the --key columns;
 * - near:  rows equal after trimming, collapsing inner whitespace and case-folding text (exact duplicates
 *          included).
 * --keep first keeps the first occurrence (one streaming pass with a set of 64-bit row hashes); --keep last
 * keeps the last one, which needs a preparation pass recording, per row hash, the last row number (this pass
 * runs even with --apply-params: it locates rows, it does not fit anything). Memory: 16-48 bytes per distinct
 * row. Two different rows share a 64-bit hash with probability about n^2 / 2^65 (the only inexactness).
 */
import { cellHash } from '../checks/duplicates.js';
import { MISSING_HI, MISSING_LO } from '../checks/profile.js';
import type { ColumnView } from '../core/types.js';
import { UsageError } from '../errors.js';
import { combine, rowHashInit } from '../stats/hash.js';
import { hs64Add, hs64New, type HashSet64 } from '../stats/hashset.js';
import type { DedupeMode, KeepMode } from './options.js';
import type { Fitter, StepDef } from './step.js';
import type { Sink, Work } from './work.js';

export interface DedupeParams {
  mode: DedupeMode;
  keep: KeepMode;
  key: string[] | null;
}

// the audit's cell hash, so that clean and audit agree on what a duplicate is
const rowH = new Uint32Array(2);

/** The row hash of the audit's duplicates checker (seed 0: exact, 1: near, 2: key). */
export function rowHash(views: ColumnView[], cols: number[], i: number, fold: boolean, seed: number): Uint32Array {
  rowHashInit(seed, rowH);
  for (const c of cols) {
    if (c < 0) {
      combine(rowH, MISSING_HI, MISSING_LO);
      continue;
    }
    const h = cellHash(views[c]!, i, fold);
    combine(rowH, h[0]!, h[1]!);
  }
  return rowH;
}

/** Hash table of 64-bit keys -> the last row number seen. */
export class LastRowMap {
  private keys: Uint32Array;
  private rows: Float64Array;
  private slots: number;
  private used = 0;
  constructor(slots = 1 << 12) {
    this.slots = slots;
    this.keys = new Uint32Array(slots * 2);
    this.rows = new Float64Array(slots);
  }
  private slot(hi: number, lo: number): number {
    const mask = this.slots - 1;
    let i = (Math.imul(hi ^ lo, 0x9e3779b1) >>> 0) & mask;
    const keys = this.keys;
    for (;;) {
      const h = keys[2 * i]!;
      const l = keys[2 * i + 1]!;
      if ((h | l) === 0 || (h === hi && l === lo)) return i;
      i = (i + 1) & mask;
    }
  }
  set(hi: number, lo: number, row: number): void {
    if ((hi | lo) === 0) lo = 1;
    if (this.used * 2 >= this.slots) this.grow();
    const i = this.slot(hi, lo);
    if ((this.keys[2 * i]! | this.keys[2 * i + 1]!) === 0) {
      this.keys[2 * i] = hi;
      this.keys[2 * i + 1] = lo;
      this.used++;
    }
    this.rows[i] = row;
  }
  get(hi: number, lo: number): number {
    if ((hi | lo) === 0) lo = 1;
    const i = this.slot(hi, lo);
    return (this.keys[2 * i]! | this.keys[2 * i + 1]!) === 0 ? 0 : this.rows[i]!;
  }
  private grow(): void {
    const oldKeys = this.keys;
    const oldRows = this.rows;
    const oldSlots = this.slots;
    this.slots *= 2;
    this.keys = new Uint32Array(this.slots * 2);
    this.rows = new Float64Array(this.slots);
    this.used = 0;
    for (let i = 0; i < oldSlots; i++) {
      const h = oldKeys[2 * i]!;
      const l = oldKeys[2 * i + 1]!;
      if ((h | l) !== 0) this.set(h, l, oldRows[i]!);
    }
  }
}

function columnsFor(p: DedupeParams, w: Work): number[] {
  if (p.mode !== 'key') return w.columns.map((_, c) => c);
  const cols = p.key!.map((k) => w.col(k));
  const missing = p.key!.filter((_, j) => cols[j]! < 0);
  if (missing.length) throw new UsageError(`--key: column(s) not found: ${missing.join(', ')} (columns: ${w.columns.join(', ')})`);
  return cols;
}

function hashOf(p: DedupeParams, w: Work, cols: number[], views: ColumnView[], i: number): Uint32Array {
  return p.mode === 'near' ? rowHash(views, cols, i, true, 1) : rowHash(views, cols, i, false, p.mode === 'key' ? 2 : 0);
}

function viewsOf(w: Work, cols: number[]): ColumnView[] {
  const views: ColumnView[] = new Array(w.columns.length);
  for (const c of cols) if (c >= 0) views[c] = w.view(c);
  return views;
}

class LastRowFitter implements Fitter<LastRowMap> {
  private map = new LastRowMap();
  constructor(private p: DedupeParams) {}
  update(w: Work): void {
    const cols = columnsFor(this.p, w);
    const views = viewsOf(w, cols);
    for (let i = 0; i < w.length; i++) {
      const h = hashOf(this.p, w, cols, views, i);
      this.map.set(h[0]!, h[1]!, w.rows[i]!);
    }
  }
  finish(): LastRowMap {
    return this.map;
  }
}

export const dedupeStep: StepDef<DedupeParams, LastRowMap> = {
  name: 'dedupe',
  enabled: (o) => o.dedupe !== null,
  fitter: () => null,
  staticParams: (o) => ({ mode: o.dedupe!, keep: o.keep, key: o.key }),
  prepare: (p) => (p.keep === 'last' ? new LastRowFitter(p) : null),
  applier(p, last) {
    if (p.keep === 'last') {
      const map = last!;
      return {
        apply(w: Work, sink: Sink) {
          const cols = columnsFor(p, w);
          const views = viewsOf(w, cols);
          for (let i = 0; i < w.length; i++) {
            const h = hashOf(p, w, cols, views, i);
            if (map.get(h[0]!, h[1]!) !== w.rows[i]) w.drop(i, 'dedupe', sink);
          }
        },
      };
    }
    const seen: HashSet64 = hs64New(1024);
    return {
      apply(w: Work, sink: Sink) {
        const cols = columnsFor(p, w);
        const views = viewsOf(w, cols);
        for (let i = 0; i < w.length; i++) {
          const h = hashOf(p, w, cols, views, i);
          if (!hs64Add(seen, h[0]!, h[1]!)) w.drop(i, 'dedupe', sink);
        }
      },
    };
  },
  describe(p, o) {
    const mode = p?.mode ?? o?.dedupe;
    const keep = p?.keep ?? o?.keep;
    const key = p?.key ?? o?.key;
    return `dedupe: drop ${mode} duplicate rows${mode === 'key' ? ` on ${key!.join(', ')}` : ''}, keeping the ${keep} occurrence${keep === 'last' ? ' (a pass to find last occurrences)' : ''}`;
  },
};
