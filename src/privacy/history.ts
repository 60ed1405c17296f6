/**
 * Integrity helpers.
 *
 * - appendHistory(file, record): appends one compact JSON line {time, file, sha256, rows, scores} to a history
 *   file (JSON Lines), creating its folders. The line is written by a single `appendFile` call (O_APPEND), so
 *   concurrent writers of lines below the pipe/page size do not interleave within a line on local filesystems;
 *   there is no lock and no fsync.
 * - verifySha256(report, expected): pure comparison of the report's `source.sha256` with an expected digest
 *   (case-insensitive, surrounding spaces and an optional `sha256:` prefix ignored).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Report } from '../core/types.js';

export interface HistoryRecord {
  /** ISO time; defaults to now. */
  time?: string;
  file: string;
  sha256: string | null;
  rows: number;
  scores: Record<string, number | null>;
}

/** The line appended for a record (exported for tests and dry runs). */
export function historyLine(record: HistoryRecord): string {
  const { time, file, sha256, rows, scores } = record;
  return JSON.stringify({ time: time ?? new Date().toISOString(), file, sha256, rows, scores }) + '\n';
}

export async function appendHistory(file: string, record: HistoryRecord): Promise<string> {
  const line = historyLine(record);
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, line, 'utf8');
  return line;
}

export interface Sha256Check {
  ok: boolean;
  actual: string | null;
  expected: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function normaliseSha256(s: string): string {
  let t = s.trim().toLowerCase();
  if (t.startsWith('sha256:')) t = t.slice(7).trim();
  return t;
}

/** Whether the report's source digest equals `expected`. A malformed expected digest or an unknown actual one (several inputs, stdin not hashed) is never ok. */
export function verifySha256(report: Pick<Report, 'source'>, expected: string): Sha256Check {
  const exp = normaliseSha256(expected);
  const actual = report.source.sha256 ? report.source.sha256.toLowerCase() : null;
  return { ok: HEX64.test(exp) && actual !== null && actual === exp, actual, expected: exp };
}
