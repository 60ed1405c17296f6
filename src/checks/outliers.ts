/**
 * outliers: per numeric column, three exact definitions (README, "Outliers"):
 * - iqr: strictly outside the Tukey fences q1 - 1.5*IQR and q3 + 1.5*IQR (quartiles by linear interpolation);
 * - zscore: |x - mean| / s > 3 with the sample standard deviation; none when s = 0;
 * - mad: 0.6745 * |x - median| / MAD > 3.5 with the unscaled median absolute deviation; not assessable when MAD = 0.
 * The counts are computed by the profile from the exact sorted values. Accuracy is scored with the robust rule
 * (on the log scale for positive, right-skewed columns, so heavy tails are not punished); Tukey is for reporting.
 * Identifier-like columns are skipped.
 */
import { defineProfileChecker, type ColumnTallies, type Finding } from '../core/types.js';
import { firstOutside } from './profile.js';

export default defineProfileChecker(
  {
    id: 'outliers',
    dimension: 'accuracy',
    description: 'Outliers per numeric column by Tukey fences, z-score and robust (MAD) rules.',
    default: true,
  },
  (ctx) => {
    const findings: Finding[] = [];
    const tallies: Record<string, ColumnTallies> = {};
    ctx.columns.forEach((col, i) => {
      const d = ctx.details[i]!;
      if (!col.outliers || d.identifierLike) return;
      const numericCount = d.kinds[1]! + d.kinds[2]!;
      if (d.scoringOutliers !== null) tallies[col.name] = { accuracy: { assessed: numericCount, bad: d.scoringOutliers } };
      const iqr = col.outliers.iqr ?? 0;
      if (iqr === 0 && (col.outliers.zscore ?? 0) === 0) return;
      const fence = d.fences.iqr!;
      const examples = d.values
        ? firstOutside(d.values, fence[0], fence[1]).map((e) => ({ row: e.row, line: ctx.lineOf(e.row), value: String(e.value) }))
        : [];
      findings.push({
        check: 'outliers',
        id: 'outliers',
        dimension: 'accuracy',
        severity: 'warn',
        column: col.name,
        message: `${col.name}: ${iqr} values outside the Tukey fences [${fmt(fence[0])}, ${fmt(fence[1])}]; z-score: ${col.outliers.zscore ?? 'n/a'}, robust: ${col.outliers.mad ?? 'not assessable'}`,
        count: iqr,
        examples,
        data: {
          iqr: col.outliers.iqr,
          zscore: col.outliers.zscore,
          mad: col.outliers.mad,
          fences: d.fences,
          scoring: d.scoringFence ? { ...d.scoringFence, outliers: d.scoringOutliers } : null,
        },
      });
    });
    return { findings, tallies };
  },
);

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+$/, '');
}
