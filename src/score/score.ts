/**
 * Scores: pure functions from checker tallies to dimension scores (README, "Scores").
 *
 * Each checker reports, per column and dimension, cells assessed and cells with a problem.
 * When several checkers tally the same column and dimension, assessed is the largest of them and bad the
 * sum, capped at assessed. A dimension's dataset score is 100 * (1 - sum(bad) / sum(assessed)) over columns
 * (and dataset-level tallies such as duplicate rows); null when nothing was assessed. Overall is the
 * weighted mean of the dimensions that are not null, with the weights renormalised over them.
 * Per-column scores use the same formulas restricted to the column (uniqueness and timeliness are dataset-level).
 */
import { DIMENSIONS, type ColumnTallies, type Dimension, type Scores } from '../core/types.js';

export const SCORING_VERSION = '1';

export const WEIGHTS: Record<Dimension, number> = {
  completeness: 0.25,
  validity: 0.2,
  accuracy: 0.15,
  consistency: 0.15,
  uniqueness: 0.15,
  timeliness: 0.1,
};

export const FORMULAS: Record<string, string> = {
  dimension: '100 * (1 - bad / assessed), summed over columns; null when assessed = 0',
  combine: 'per column and dimension: assessed = max over checkers, bad = min(assessed, sum over checkers)',
  overall: 'sum(weight_d * score_d) / sum(weight_d) over dimensions whose score is not null',
  completeness: 'assessed = rows per column, bad = missing cells',
  validity: 'assessed = non-missing cells, bad = values not of the column type or outside a declared domain (rules); lines that are not records (JSON Lines) count as invalid, one cell per column',
  accuracy: 'assessed = numeric values (robust outlier rule, on the log scale for positive right-skewed columns) and text values with control characters; bad = outliers and values with control characters',
  consistency: 'assessed = non-missing cells checked for formats, spellings and whitespace; bad = minority formats, spelling variants and padded values',
  uniqueness: 'assessed = rows, bad = surplus duplicate rows (or duplicate keys when --key is given, whichever is larger)',
  timeliness: 'assessed = records with a valid, not-future timestamp; bad = records older than max-age',
};

export function combineTallies(all: Record<string, ColumnTallies>[]): Map<string, ColumnTallies> {
  const out = new Map<string, ColumnTallies>();
  for (const t of all) {
    for (const [col, dims] of Object.entries(t)) {
      let cur = out.get(col);
      if (!cur) out.set(col, (cur = {}));
      for (const [d, v] of Object.entries(dims) as [Dimension, { assessed: number; bad: number }][]) {
        const prev = cur[d];
        if (!prev) cur[d] = { assessed: v.assessed, bad: Math.min(v.bad, v.assessed) };
        else {
          const assessed = Math.max(prev.assessed, v.assessed);
          cur[d] = { assessed, bad: Math.min(assessed, prev.bad + v.bad) };
        }
      }
    }
  }
  return out;
}

export function overallOf(s: Record<Dimension, number | null>): number | null {
  let w = 0;
  let acc = 0;
  for (const d of DIMENSIONS) {
    const v = s[d];
    if (v === null) continue;
    w += WEIGHTS[d];
    acc += WEIGHTS[d] * v;
  }
  return w === 0 ? null : acc / w;
}

export function scoresFrom(tallies: ColumnTallies[]): Scores {
  const s = {} as Record<Dimension, number | null>;
  for (const d of DIMENSIONS) {
    let a = 0;
    let b = 0;
    for (const t of tallies) {
      const v = t[d];
      if (v) {
        a += v.assessed;
        b += v.bad;
      }
    }
    s[d] = a === 0 ? null : 100 * (1 - b / a);
  }
  return { ...s, overall: overallOf(s) };
}
