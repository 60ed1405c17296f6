/**
 * missingness: missing cells per column (completeness), complete rows, and the most frequent
 * patterns of missing columns across rows. Patterns are counted exactly up to 1,000 distinct patterns;
 * rarer patterns beyond that are pooled as "other" (the report says how many rows).
 */
import { addExample, mergeExamples } from '../core/issues.js';
import { Kind, defineChecker, type ColumnTallies, type Example, type Finding } from '../core/types.js';

const MAX_PATTERNS = 1000;
const TOP_PATTERNS = 10;

interface State {
  missing: Map<string, number>;
  examples: Map<string, Example[]>;
  rows: number;
  completeRows: number;
  patterns: Map<string, number>;
  otherPatternRows: number;
}

export default defineChecker<State>({
  meta: {
    id: 'missingness',
    dimension: 'completeness',
    description: 'Missing cells per column, complete rows and the most frequent missingness patterns.',
    default: true,
  },
  init: () => ({ missing: new Map(), examples: new Map(), rows: 0, completeRows: 0, patterns: new Map(), otherPatternRows: 0 }),
  update(s, b) {
    const n = b.length;
    const nc = b.columns.length;
    // per-row list of missing column indices, built column by column
    const rowMissing: (number[] | undefined)[] = new Array(n);
    for (let c = 0; c < nc; c++) {
      const kind = b.views[c]!.kind;
      let m = 0;
      const name = b.columns[c]!;
      let ex = s.examples.get(name);
      if (!ex) s.examples.set(name, (ex = []));
      for (let i = 0; i < n; i++) {
        if (kind[i] === Kind.MISSING) {
          m++;
          (rowMissing[i] ??= []).push(c);
          if (ex.length < 5) addExample(ex, { row: b.firstRow + i, line: b.lines ? b.lines[i]! : null, value: b.data[c]![i] == null ? null : String(b.data[c]![i]) });
        }
      }
      s.missing.set(name, (s.missing.get(name) ?? 0) + m);
    }
    for (let i = 0; i < n; i++) {
      const r = rowMissing[i];
      if (!r) {
        s.completeRows++;
        continue;
      }
      const key = r.map((c) => b.columns[c]).join('\u0000');
      const cur = s.patterns.get(key);
      if (cur !== undefined) s.patterns.set(key, cur + 1);
      else if (s.patterns.size < MAX_PATTERNS) s.patterns.set(key, 1);
      else s.otherPatternRows++;
    }
    s.rows += n;
  },
  merge(a, b) {
    for (const [k, v] of b.missing) a.missing.set(k, (a.missing.get(k) ?? 0) + v);
    for (const [k, v] of b.examples) a.examples.set(k, mergeExamples(a.examples.get(k) ?? [], v));
    for (const [k, v] of b.patterns) {
      const cur = a.patterns.get(k);
      if (cur !== undefined) a.patterns.set(k, cur + v);
      else if (a.patterns.size < MAX_PATTERNS) a.patterns.set(k, v);
      else a.otherPatternRows += v;
    }
    a.otherPatternRows += b.otherPatternRows;
    a.rows += b.rows;
    a.completeRows += b.completeRows;
    return a;
  },
  finalize(s, ctx) {
    const findings: Finding[] = [];
    const tallies: Record<string, ColumnTallies> = {};
    for (const col of ctx.columns) {
      tallies[col.name] = { completeness: { assessed: ctx.rows, bad: col.missing } };
      if (col.missing > 0) {
        const rate = col.missing / Math.max(1, ctx.rows);
        findings.push({
          check: 'missingness',
          id: col.missing === ctx.rows ? 'column-empty' : 'missing-values',
          dimension: 'completeness',
          severity: rate >= 0.5 ? 'error' : 'warn',
          column: col.name,
          message:
            col.missing === ctx.rows
              ? `${col.name}: every value is missing`
              : `${col.name}: ${col.missing} missing (${(rate * 100).toFixed(2)}%)`,
          count: col.missing,
          examples: s.examples.get(col.name) ?? [],
          data: { rate },
        });
      }
    }
    const patterns = [...s.patterns.entries()]
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
      .slice(0, TOP_PATTERNS)
      .map(([k, count]) => ({ columns: k.split('\u0000'), count }));
    return {
      findings,
      tallies,
      metrics: {
        completeRows: s.completeRows,
        incompleteRows: s.rows - s.completeRows,
        patterns,
        patternsTruncated: s.otherPatternRows > 0 ? s.otherPatternRows : 0,
      },
    };
  },
});
