/**
 * Building minimal valid Reports and column profiles: for tests of the gate and the CI reporters,
 * and for `dq init` examples. Not used by the audit itself.
 */
import { viewBatch, viewColumn } from '../schema/values.js';
import type { CompiledRules } from '../config/compile.js';
import rulesChecker from './rules-checker.js';
import { DIMENSIONS, Kind, type AuditOptions, type Batch, type ColumnProfile, type Dimension, type Report, type Scores } from '../core/types.js';

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

/**
 * A simple exact profile of in-memory rows (column-major inference like the engine's, without sketches):
 * for tests and examples only.
 */
export function profileRows(columns: string[], rows: (string | number | boolean | null)[][], naValues: string[] = ['', 'NA']): ColumnProfile[] {
  return columns.map((name, c) => {
    const vals = rows.map((r) => r[c] ?? null);
    const kinds = new Set<string>();
    const nums: number[] = [];
    const texts = new Map<string, number>();
    let missing = 0;
    for (const v of vals) {
      if (v === null || (typeof v === 'string' && (naValues.includes(v) || v.trim() === ''))) {
        missing++;
        continue;
      }
      const t = String(v);
      texts.set(t, (texts.get(t) ?? 0) + 1);
      const k = kindOf(v);
      kinds.add(k.kind);
      if (k.num !== null) nums.push(k.num);
    }
    const count = vals.length - missing;
    let type: ColumnProfile['type'] = 'string';
    if (count === 0) type = 'empty';
    else if ([...kinds].every((k) => k === 'int')) type = 'integer';
    else if ([...kinds].every((k) => k === 'int' || k === 'float')) type = 'float';
    else if ([...kinds].every((k) => k === 'bool')) type = 'boolean';
    else if ([...kinds].every((k) => k === 'date')) type = 'date';
    else if ([...kinds].every((k) => k === 'date' || k === 'datetime')) type = 'datetime';
    const numeric = type === 'integer' || type === 'float';
    const dated = type === 'date' || type === 'datetime';
    const lo = nums.length && (numeric || dated) ? Math.min(...nums) : null;
    const hi = nums.length && (numeric || dated) ? Math.max(...nums) : null;
    const top = [...texts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 20).map(([value, n]) => ({ value, count: n }));
    let histogram: ColumnProfile['histogram'] = null;
    if (numeric && lo !== null && hi !== null) {
      const k = 10;
      const w = (hi - lo) / k;
      const edges = Array.from({ length: k + 1 }, (_, i) => (i === k ? hi : lo + i * w));
      const counts = new Array<number>(k).fill(0);
      for (const x of nums) counts[w === 0 ? 0 : Math.min(k - 1, Math.floor((x - lo) / w))]!++;
      histogram = w === 0 ? { edges: [lo, hi], counts: [nums.length] } : { edges, counts };
    }
    return makeProfile(name, {
      type,
      count,
      missing,
      distinct: texts.size,
      min: dated && lo !== null ? new Date(lo).toISOString() : lo,
      max: dated && hi !== null ? new Date(hi).toISOString() : hi,
      top,
      histogram,
      outliers: numeric ? { iqr: 0, zscore: 0, mad: 0 } : null,
    });
  });
}

function kindOf(v: string | number | boolean): { kind: string; num: number | null } {
  if (typeof v === 'boolean') return { kind: 'bool', num: v ? 1 : 0 };
  if (typeof v === 'number') return { kind: Number.isInteger(v) ? 'int' : 'float', num: v };
  const view = viewColumn([v], 1, { naValues: new Set(), decimalComma: false, dayFirst: null });
  const k = view.kind[0];
  const num = view.num[0]!;
  switch (k) {
    case Kind.INT:
      return { kind: 'int', num };
    case Kind.FLOAT:
      return { kind: 'float', num };
    case Kind.BOOL:
      return { kind: 'bool', num };
    case Kind.DATE:
      return { kind: 'date', num };
    case Kind.DATETIME:
      return { kind: 'datetime', num };
    default:
      return { kind: 'text', num: null };
  }
}

/**
 * Audit in-memory rows with only the profile above and the rules checker (split into batches of `batchSize`,
 * with states merged pairwise): a Report the gate can evaluate. Tests and examples only.
 */
export function auditRows(
  columns: string[],
  rows: (string | number | boolean | null)[][],
  rules: CompiledRules | null,
  o: { batchSize?: number; examples?: boolean; naValues?: string[] } = {},
): Report {
  const naValues = o.naValues ?? ['', 'NA'];
  const options: AuditOptions = {
    naValues: new Set(naValues),
    decimalComma: false,
    dayFirst: null,
    numericThreshold: 0.95,
    types: {},
    keyColumns: null,
    examples: o.examples ?? true,
    exactBudgetBytes: 1 << 26,
    checks: rules ? { rules: rules as unknown as Record<string, unknown> } : {},
    asOf: Date.parse('2024-06-01T00:00:00Z'),
  };
  const profiles = profileRows(columns, rows, naValues);
  const size = o.batchSize ?? 3;
  const states = [] as ReturnType<typeof rulesChecker.init>[];
  for (let start = 0; start < rows.length || (start === 0 && states.length === 0); start += size) {
    const part = rows.slice(start, start + size);
    const batch: Batch = {
      columns,
      data: columns.map((_, c) => part.map((r) => r[c] ?? null)),
      length: part.length,
      firstRow: start + 1,
      lines: Int32Array.from(part.map((_, i) => start + i + 2)),
    };
    const s = rulesChecker.init({ options });
    rulesChecker.update(s, viewBatch(batch, { naValues: options.naValues, decimalComma: false, dayFirst: null }));
    states.push(s);
    if (rows.length === 0) break;
  }
  // merge in a tree, right to left, to exercise merge order independence
  let acc = states[states.length - 1]!;
  for (let i = states.length - 2; i >= 0; i--) acc = rulesChecker.merge(states[i]!, acc);
  const res = rulesChecker.finalize(acc, { options, rows: rows.length, columns: profiles, details: [], lineOf: (r) => r + 1 });
  return makeReport({
    rows: rows.length,
    columns: profiles,
    findings: res.findings,
    metrics: { rules: res.metrics },
    checks: ['profile', 'rules'],
  });
}
