/**
 * Shared data model for the model-based imputers (kNN, MICE, missForest).
 *
 * A numeric column is a Float64Array with NaN for a missing cell; a categorical column is an array
 * of strings with null for a missing cell. Every imputer returns NEW arrays (the input is never
 * mutated) in which observed cells are bit-for-bit the input's and missing cells are filled.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type ColumnKind = 'numeric' | 'categorical';

export interface ModelColumn {
  name: string;
  kind: ColumnKind;
  /** numeric: Float64Array (NaN = missing); categorical: (string | null)[] (null = missing). */
  values: Float64Array | (string | null)[];
}

export interface ModelInput {
  columns: ModelColumn[];
}

/** Columns as returned by an imputer: same names/kinds/order as the input, new arrays. */
export type CompletedColumns = ModelColumn[];

export class ModelInputError extends Error {
  override name = 'ModelInputError';
}

/** Row count of an input; checks that every column has the same length and a matching kind. */
export function rowCount(input: ModelInput): number {
  if (!input || !Array.isArray(input.columns)) throw new ModelInputError('input.columns must be an array');
  let n = -1;
  for (const c of input.columns) {
    if (c.kind === 'numeric') {
      if (!(c.values instanceof Float64Array)) throw new ModelInputError(`column ${c.name}: numeric values must be a Float64Array`);
    } else if (c.kind === 'categorical') {
      if (!Array.isArray(c.values)) throw new ModelInputError(`column ${c.name}: categorical values must be an array of string | null`);
    } else {
      throw new ModelInputError(`column ${String((c as ModelColumn).name)}: unknown kind`);
    }
    if (n < 0) n = c.values.length;
    else if (c.values.length !== n) throw new ModelInputError(`column ${c.name}: length ${c.values.length} differs from ${n}`);
  }
  return Math.max(n, 0);
}

export function isMissing(col: ModelColumn, i: number): boolean {
  if (col.kind === 'numeric') return Number.isNaN((col.values as Float64Array)[i]!);
  const v = (col.values as (string | null)[])[i];
  return v === null || v === undefined;
}

export function countMissing(col: ModelColumn): number {
  let k = 0;
  const n = col.values.length;
  for (let i = 0; i < n; i++) if (isMissing(col, i)) k++;
  return k;
}

/** Categorical column encoded as integer codes (-1 = missing); levels sorted for determinism. */
export interface EncodedCategorical {
  levels: string[];
  codes: Int32Array;
  counts: Float64Array;
}

export function encodeCategorical(values: (string | null)[]): EncodedCategorical {
  const seen = new Map<string, number>();
  for (const v of values) if (v !== null && v !== undefined && !seen.has(v)) seen.set(v, 0);
  const levels = [...seen.keys()].sort();
  levels.forEach((l, i) => seen.set(l, i));
  const codes = new Int32Array(values.length);
  const counts = new Float64Array(levels.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) codes[i] = -1;
    else {
      const c = seen.get(v)!;
      codes[i] = c;
      counts[c]!++;
    }
  }
  return { levels, codes, counts };
}

/** Index of the most frequent level; ties go to the lexicographically smallest level (lowest code). */
export function modeCode(counts: ArrayLike<number>): number {
  let best = -1;
  let bestC = -Infinity;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > bestC) { bestC = counts[i]!; best = i; }
  return best;
}

/** Mean of the non-NaN values (NaN when there is none). */
export function observedMean(x: Float64Array): number {
  let s = 0;
  let k = 0;
  for (let i = 0; i < x.length; i++) { const v = x[i]!; if (v === v) { s += v; k++; } }
  return k ? s / k : NaN;
}

export function copyColumn(c: ModelColumn): ModelColumn {
  return {
    name: c.name,
    kind: c.kind,
    values: c.kind === 'numeric' ? new Float64Array(c.values as Float64Array) : (c.values as (string | null)[]).slice(),
  };
}

/**
 * Throws if an observed cell of `input` differs in `out` (the "observed values are never changed"
 * contract; used by the imputers as a final self-check, O(n * columns)).
 */
export function assertObservedUnchanged(input: ModelInput, out: CompletedColumns): void {
  for (let j = 0; j < input.columns.length; j++) {
    const a = input.columns[j]!;
    const b = out[j]!;
    if (a.kind === 'numeric') {
      const x = a.values as Float64Array;
      const y = b.values as Float64Array;
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        if (v === v && !Object.is(v, y[i])) throw new Error(`internal: observed value changed in ${a.name} row ${i}`);
      }
    } else {
      const x = a.values as (string | null)[];
      const y = b.values as (string | null)[];
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        if (v !== null && v !== undefined && v !== y[i]) throw new Error(`internal: observed value changed in ${a.name} row ${i}`);
      }
    }
  }
}

/**
 * True when a compiled worker file exists at `url` and this module itself runs compiled (dist/*.js);
 * false under vitest or any loader running the .ts sources, where workers cannot load.
 */
export function compiledWorkerAvailable(moduleUrl: string, url: URL): boolean {
  try {
    return moduleUrl.endsWith('.js') && existsSync(fileURLToPath(url));
  } catch {
    return false;
  }
}
