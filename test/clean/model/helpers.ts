import type { ModelColumn, ModelInput } from '../../../src/clean/model/types.js';

/** Numeric input from a row-major matrix (NaN = missing). */
export function numInput(rows: number[][], names?: string[]): ModelInput {
  const p = rows[0]?.length ?? 0;
  const columns: ModelColumn[] = [];
  for (let j = 0; j < p; j++) columns.push({ name: names?.[j] ?? `c${j}`, kind: 'numeric', values: Float64Array.from(rows.map((r) => r[j]!)) });
  return { columns };
}

export function col(input: { columns: ModelColumn[] }, j: number): number[] {
  return Array.from(input.columns[j]!.values as Float64Array);
}

/** mulberry32 + Box-Muller for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}
