/**
 * JSON Lines writer: one object per row, keys = the column names of that write (flat: dotted names are kept as
 * literal keys, so reading the file back gives the same columns), null kept as null, bigint written as an exact
 * integer literal, booleans as true/false. NaN and +-Infinity have no JSON form and are written as null. Integer-valued doubles beyond 2^53 are
 * written in exponent form (`1.7427981852421584e+17`) so that they read back as doubles, not as bigint.
 *
 * Output goes to a `.dq-tmp-*` temporary next to `dest` (see atomic.ts); `commit` renames it into place.
 */
import type { Cell } from '../../core/types.js';
import { createTempFor, lifecycle, WRITE_BUFFER, type TempFile } from './atomic.js';
import type { TableWriter } from './types.js';

export interface JsonlWriter extends TableWriter {
  /** Flush and close the temporary without renaming (used by OutputGroup.commitAll). */
  finish(): Promise<void>;
  readonly dest: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** JSON text of one cell. */
export function jsonCell(v: Cell): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) return 'null';
      // An integer-valued double beyond 2^53 written as digits would read back as an exact (bigint) integer:
      // write it in exponent form (shortest round-trip digits), which reads back as the same double.
      if ((v > MAX_SAFE || v < -MAX_SAFE) && Number.isInteger(v)) return v.toExponential();
      return String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return 'null';
  }
}

export function createJsonlWriter(dest: string): JsonlWriter {
  const tempP: Promise<TempFile> = createTempFor(dest);
  tempP.catch(() => {}); // reported by the first write/commit
  let lastCols: string[] | null = null;
  let keys: string[] = [];

  return {
    dest,
    async write(columns: string[], data: Cell[][], length: number): Promise<void> {
      const temp = await tempP;
      if (columns !== lastCols || columns.length !== keys.length) {
        lastCols = columns;
        keys = columns.map((c, i) => (i ? ',' : '{') + JSON.stringify(c) + ':');
      }
      const nc = columns.length;
      let out = '';
      for (let i = 0; i < length; i++) {
        if (nc === 0) out += '{}\n';
        else {
          for (let c = 0; c < nc; c++) out += keys[c]! + jsonCell(data[c]![i] ?? null);
          out += '}\n';
        }
        if (out.length >= WRITE_BUFFER) {
          await temp.write(out);
          out = '';
        }
      }
      if (out) await temp.write(out);
    },
    ...lifecycle(tempP),
  };
}
