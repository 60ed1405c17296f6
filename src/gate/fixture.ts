/**
 * Building minimal valid Reports and column profiles: for tests of the gate and the CI reporters,
 * and for `dq init` examples. Not used by the audit itself.
 */
import { DIMENSIONS, type ColumnProfile, type Dimension, type Report, type Scores } from '../core/types.js';

export function emptyScores(v: number | null = null): Scores {
  const s = { overall: v } as Scores;
  for (const d of DIMENSIONS) s[d] = v;
  return s;
}

export function makeProfile(name: string, p: Partial<ColumnProfile> = {}): ColumnProfile {
  return {
    name,
    type: 'string',
    count: 0,
    missing: 0,
    distinct: 0,
    min: null,
    max: null,
    mean: null,
    std: null,
    p25: null,
    median: null,
    p75: null,
    outliers: null,
    approximate: false,
    top: [],
    histogram: null,
    scores: emptyScores(),
    ...p,
  };
}

export function makeReport(r: Partial<Report> = {}): Report {
  const weights = Object.fromEntries(DIMENSIONS.map((d) => [d, 1])) as Record<Dimension, number>;
  return {
    version: '1.0',
    tool: { name: 'dq', version: '0.1.0' },
    createdAt: '2024-06-01T00:00:00.000Z',
    source: { path: 'data.csv', format: 'csv', bytes: null, sha256: null },
    complete: true,
    sample: null,
    rows: 0,
    columns: [],
    duplicates: { rows: 0, keyRows: null, nearRows: 0, key: null, approximate: false },
    scores: emptyScores(100),
    scoring: { version: '1', weights, formulas: {} },
    findings: [],
    metrics: {},
    checks: [],
    gate: null,
    ...r,
  };
}
