/**
 * Markdown for PR comments and $GITHUB_STEP_SUMMARY: gate verdict, scores table, rule table, findings.
 * Everything copied from the data or the config is neutralised:
 * - `@name` mentions get a zero-width space (`@\u200bname`), `#123` references likewise;
 * - HTML (`<`, `>`, `&`) becomes entities; backticks, pipes, `*`, `_`, `[`, `]`, `~` and `\` are backslash-escaped;
 * - control characters and line breaks become spaces; long values are cut.
 * A report produced with --no-examples has no example values: only rows and lines are shown.
 */
import { DIMENSIONS, type Example, type Report } from '../core/types.js';

const MAX_CELL = 120;
const MAX_FINDINGS = 100;
const MAX_EXAMPLES = 3;

/** Escape text for a Markdown table cell (or inline text). */
export function mdEscape(s: string, max = MAX_CELL): string {
  // eslint-disable-next-line no-control-regex
  let t = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  if ([...t].length > max) t = [...t].slice(0, max - 1).join('') + '…';
  t = t
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`|*_[\]~])/g, '\\$1')
    .replace(/@/g, '@\u200b')
    .replace(/#(?=\d)/g, '#\u200b');
  return t;
}

function score(v: number | null | undefined): string {
  return v === null || v === undefined ? '–' : (Math.round(v * 10) / 10).toFixed(1);
}

function examplesCell(ex: Example[]): string {
  return ex
    .slice(0, MAX_EXAMPLES)
    .map((e) => {
      const where = e.row !== null ? `row ${e.row}` : e.line !== null ? `line ${e.line}` : '';
      const v = e.value;
      if (v === undefined || v === null) return where;
      return `${where}: “${mdEscape(v, 40)}”`;
    })
    .filter(Boolean)
    .join('; ');
}

const STATUS: Record<string, string> = { passed: '✅ passed', warned: '⚠️ warned', failed: '❌ failed' };
const SEVERITY: Record<string, string> = { error: '❌ error', warn: '⚠️ warn', info: 'ℹ️ info' };

export function renderMarkdown(report: Report): string {
  const L: string[] = [];
  L.push(`## dq: ${mdEscape(report.source.path, 200)}`);
  L.push('');
  const g = report.gate;
  if (g) {
    const n = (s: string) => g.rules.filter((r) => r.status === s).length;
    L.push(`**Gate: ${g.passed ? '✅ passed' : '❌ failed'}** — ${g.rules.length} rules: ${n('passed')} passed, ${n('warned')} warned, ${n('failed')} failed`);
  } else L.push('**Gate:** not evaluated');
  L.push('');
  L.push(`${report.rows} rows, ${report.columns.length} columns${report.complete ? '' : ' (reading stopped early)'}${report.sample ? ` (sample of ${report.sample.size})` : ''}`);
  L.push('');
  L.push('### Scores');
  L.push('');
  L.push('| Dimension | Score |');
  L.push('|---|---:|');
  L.push(`| **overall** | **${score(report.scores.overall)}** |`);
  for (const d of DIMENSIONS) L.push(`| ${d} | ${score(report.scores[d])} |`);
  L.push('');
  if (g && g.rules.length) {
    L.push('### Rules');
    L.push('');
    L.push('| Status | Rule | Column | Count | Message | Examples |');
    L.push('|---|---|---|---:|---|---|');
    const order = { failed: 0, warned: 1, passed: 2 } as const;
    const rules = g.rules.map((r, i) => ({ r, i })).sort((a, b) => order[a.r.status] - order[b.r.status] || a.i - b.i);
    for (const { r } of rules) {
      L.push(
        `| ${STATUS[r.status]} | ${mdEscape(r.id)} | ${r.column !== null ? mdEscape(r.column) : ''} | ${r.count ?? ''} | ${mdEscape(r.message, 200)} | ${examplesCell(r.examples)} |`,
      );
    }
    L.push('');
  }
  const findings = report.findings.filter((f) => f.severity !== 'info' || f.count > 0);
  if (findings.length) {
    L.push('### Findings');
    L.push('');
    L.push('| Severity | Check | Id | Column | Count | Message | Examples |');
    L.push('|---|---|---|---|---:|---|---|');
    const rank = { error: 0, warn: 1, info: 2 } as const;
    const sorted = findings.slice().sort((a, b) => rank[a.severity] - rank[b.severity] || b.count - a.count);
    for (const f of sorted.slice(0, MAX_FINDINGS)) {
      L.push(
        `| ${SEVERITY[f.severity]} | ${mdEscape(f.check)} | ${mdEscape(f.id)} | ${f.column !== null ? mdEscape(f.column) : ''} | ${f.count} | ${mdEscape(f.message, 200)} | ${examplesCell(f.examples)} |`,
      );
    }
    if (sorted.length > MAX_FINDINGS) L.push('', `… and ${sorted.length - MAX_FINDINGS} more findings (see the JSON report).`);
    L.push('');
  }
  return L.join('\n');
}

export default renderMarkdown;
