import type { Report } from '../core/types.js';

/** JSON: the versioned contract (schema/report.schema.json). BigInt-safe. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n';
}
