/**
 * Privacy steps of dq clean, the last two in the order:
 * - anonymize (--k-anonymity K --quasi-identifiers COLS): Mondrian multidimensional k-anonymity over the
 *   quasi-identifiers (src/privacy/mondrian.ts). It needs every row's quasi-identifiers at once, so a prepare
 *   pass collects them (memory: the quasi-identifier cells of every row); rows Mondrian must suppress are
 *   dropped and logged as drops; the information lost (normalised certainty penalty) is in the summary.
 *   The result depends on the whole dataset, so --apply-params re-runs Mondrian on the new data.
 * - mask (--mask COL:METHOD): hash (HMAC-SHA-256 with the key from DQ_MASK_KEY or --mask-key-file, never the
 *   command line and never saved in params), redact, partial (last 4 kept), generalise.
 * The change log never holds an original value of a masked or anonymized column: its entries for those
 * columns show `"***"` in place of any value that is not the final, masked one (see Sink.protect).
 */
import { UsageError } from '../errors.js';
import type { Cell } from '../core/types.js';
import { applyMask, parseMaskSpec, type MaskSpec } from '../privacy/mask.js';
import { mondrian } from '../privacy/mondrian.js';
import type { CleanOptions } from './options.js';
import type { Fitter, StepDef } from './step.js';
import type { Work } from './work.js';

export interface MaskParams {
  columns: MaskSpec[];
}

export function parseMasks(specs: string[]): MaskSpec[] {
  return specs.map((s) => {
    try {
      return parseMaskSpec(s);
    } catch (e) {
      throw new UsageError(`--mask ${s}: ${(e as Error).message}; use COL:hash, COL:redact, COL:partial or COL:generalise[:WIDTH|month|year|postcode]`);
    }
  });
}

const text = (v: Cell): string | null => (v === null ? null : typeof v === 'string' ? v : String(v));

export const maskStep: StepDef<MaskParams, null> = {
  name: 'mask',
  enabled: (o: CleanOptions) => o.mask.length > 0,
  fitter: () => null,
  staticParams: (o: CleanOptions) => ({ columns: o.mask }),
  applier(params, _prepared, ctx) {
    if (params.columns.some((m) => m.method === 'hash') && !ctx.maskKey) {
      throw new UsageError('--mask COL:hash needs a key: set DQ_MASK_KEY or pass --mask-key-file FILE (never on the command line)');
    }
    return {
      apply(w: Work, sink) {
        for (const m of params.columns) {
          const c = w.col(m.column);
          if (c < 0) continue;
          const col = w.data[c]!;
          for (let i = 0; i < w.length; i++) {
            const v = text(col[i] ?? null);
            if (v === null || v === '') continue;
            const nv = applyMask(v, m, ctx.maskKey ?? undefined);
            if (nv !== v) w.set(c, i, nv, 'mask', sink);
          }
        }
      },
    };
  },
  describe: (p) => `mask ${(p?.columns ?? []).map((m) => `${m.column}:${m.method}`).join(', ')}`,
};

export interface AnonymizeParams {
  k: number;
  quasiIdentifiers: string[];
}

interface Prepared {
  /** input row -> generalised quasi-identifier values, or null when the row is suppressed */
  rows: Map<number, (string | null)[] | null>;
  informationLoss: number;
  suppressed: number;
}

class QiCollector implements Fitter<Prepared> {
  private rowIds: number[] = [];
  private cells: (string | null)[][] = [];
  constructor(private p: AnonymizeParams) {}
  update(w: Work): void {
    const idx = this.p.quasiIdentifiers.map((q) => w.col(q));
    const missing = this.p.quasiIdentifiers.filter((_, i) => idx[i]! < 0);
    if (missing.length) throw new UsageError(`--quasi-identifiers: column(s) not found: ${missing.join(', ')}`);
    for (let i = 0; i < w.length; i++) {
      this.rowIds.push(w.rows[i]!);
      this.cells.push(idx.map((c) => text(w.data[c]![i] ?? null)));
    }
  }
  finish(): Prepared {
    const r = mondrian(this.cells, this.p.quasiIdentifiers.map((_, i) => i), this.p.k);
    const suppressed = new Set(r.suppressed);
    const rows = new Map<number, (string | null)[] | null>();
    this.rowIds.forEach((row, i) => rows.set(row, suppressed.has(i) ? null : r.rows[i]!));
    return { rows, informationLoss: r.informationLoss, suppressed: suppressed.size };
  }
}

export const anonymizeStep: StepDef<AnonymizeParams, Prepared> = {
  name: 'anonymize',
  enabled: (o: CleanOptions) => o.kAnonymity !== null,
  fitter: () => null,
  staticParams: (o: CleanOptions) => o.kAnonymity!,
  prepare: (p) => new QiCollector(p),
  applier(params, prepared) {
    return {
      apply(w: Work, sink) {
        const idx = params.quasiIdentifiers.map((q) => w.col(q));
        for (let i = 0; i < w.length; i++) {
          const g = prepared!.rows.get(w.rows[i]!);
          if (g === undefined) continue;
          if (g === null) {
            w.drop(i, 'anonymize', sink);
            continue;
          }
          idx.forEach((c, j) => {
            if ((text(w.data[c]![i] ?? null) ?? null) !== g[j]) w.set(c, i, g[j] ?? null, 'anonymize', sink);
          });
        }
      },
    };
  },
  describe: (p) => (p ? `k-anonymity k=${p.k} on ${p.quasiIdentifiers.join(', ')} (Mondrian; suppressed rows are dropped)` : 'k-anonymity'),
  notes: () => [],
};

/** Columns whose original values must never reach the change log. */
export function protectedColumns(o: CleanOptions): Set<string> {
  return new Set([...o.mask.map((m) => m.column), ...(o.kAnonymity?.quasiIdentifiers ?? [])]);
}
