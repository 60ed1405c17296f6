import type { ModelColumn, ModelInput } from '../../../src/clean/model/types.js';
import { rng } from '../../rng.js';
export { rng };

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

/** Box-Muller normals for test data (rng: the seeded mulberry32 of test/rng.ts). */
export function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}
