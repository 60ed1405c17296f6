/**
 * noise: values that do not parse as the column's type (validity), control characters (accuracy),
 * and suspected disguised missing values: sentinels such as -999, 9999, 'unknown', '?' that stand out
 * among a column's extremes or top values (a finding only; not counted as missing or scored).
 */
import { Kind, defineProfileChecker, type ColumnTallies, type Finding } from '../core/types.js';

const KIND_NAMES = ['missing', 'integer', 'float', 'boolean', 'date', 'datetime', 'text'];
const SENTINEL_NUMBERS = new Set([-999, -9999, -99999, 999, 9999, 99999, 999999, -1, -99, 99]);
const SENTINEL_TEXT = new Set(['unknown', 'unk', '?', '??', '-', '--', 'missing', 'none given', 'not available', 'tbd', 'xxx', 'n.a.', 'na.', '.', 'blank', 'empty', 'undefined', 'not applicable']);

export default defineProfileChecker(
  {
    id: 'noise',
    dimension: 'validity',
    description: 'Values of the wrong type, control characters and suspected disguised missing values.',
    default: true,
  },
  (ctx) => {
    const findings: Finding[] = [];
    const tallies: Record<string, ColumnTallies> = {};
    ctx.columns.forEach((col, i) => {
      const d = ctx.details[i]!;
      if (col.count > 0) tallies[col.name] = { validity: { assessed: col.count, bad: d.noise } };
      if (d.noise > 0) {
        const kinds = d.noiseKinds
          .map((n, k) => [KIND_NAMES[k]!, n] as const)
          .filter(([, n]) => n > 0);
        const examples = d.noiseKinds
          .flatMap((n, k) => (n > 0 ? d.kindExamples[k]! : []))
          .sort((a, b) => (a.row ?? 0) - (b.row ?? 0))
          .slice(0, 5);
        findings.push({
          check: 'noise',
          id: 'type-noise',
          dimension: 'validity',
          severity: 'warn',
          column: col.name,
          message: `${col.name}: ${d.noise} values are not ${col.type} (${kinds.map(([k, n]) => `${n} ${k}`).join(', ')})`,
          count: d.noise,
          examples,
          data: { type: col.type, kinds: Object.fromEntries(kinds) },
        });
      }
      if (d.control > 0) {
        const t = (tallies[col.name] ??= {});
        t.accuracy = { assessed: col.count, bad: d.control };
        findings.push({
          check: 'noise',
          id: 'control-characters',
          dimension: 'accuracy',
          severity: 'warn',
          column: col.name,
          message: `${col.name}: ${d.control} values contain control characters`,
          count: d.control,
          examples: d.controlExamples,
        });
      }
      // disguised missing values among the top values
      const sentinels = col.top.filter((t) => {
        const lower = t.value.trim().toLowerCase();
        if (SENTINEL_TEXT.has(lower)) return true;
        const num = Number(t.value);
        if ((col.type === 'integer' || col.type === 'float') && SENTINEL_NUMBERS.has(num) && (num === col.min || num === col.max)) {
          // a sentinel repeats: at least 3 times and not part of a smooth range
          return t.count >= 3;
        }
        return false;
      });
      for (const s of sentinels) {
        findings.push({
          check: 'noise',
          id: 'disguised-missing',
          dimension: null,
          severity: 'info',
          column: col.name,
          message: ctx.options.examples
            ? `${col.name}: '${s.value}' appears ${s.count} times and looks like a placeholder for a missing value; add it to --extra-na-values if it is one`
            : `${col.name}: a value appears ${s.count} times and looks like a placeholder for a missing value`,
          count: s.count,
          examples: [],
          data: ctx.options.examples ? { value: s.value } : {},
        });
      }
    });
    void Kind;
    return { findings, tallies };
  },
);
