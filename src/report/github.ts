/**
 * GitHub Actions workflow commands: one annotation per failed/warned gate rule and per finding of severity
 * error or warn (`::error file=...,line=...,title=...::message`), then a notice with the verdict.
 * Escaping as the runner requires: in the message `%` → %25, CR → %0D, LF → %0A; in properties also
 * `:` → %3A and `,` → %2C. Every annotation is therefore one line: a value cannot inject a command.
 */
import type { Example, Report } from '../core/types.js';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const MAX_MESSAGE = 2000;

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function examplesText(ex: Example[]): string {
  const parts = ex.slice(0, 3).map((e) => {
    const where = e.row !== null ? `row ${e.row}` : e.line !== null ? `line ${e.line}` : 'example';
    return e.value === undefined || e.value === null ? where : `${where}: ${JSON.stringify(cut(e.value, 80))}`;
  });
  return parts.length ? ` (e.g. ${parts.join('; ')})` : '';
}

function command(level: 'error' | 'warning' | 'notice', props: Record<string, string | number | null>, message: string): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${level}${p ? ` ${p}` : ''}::${escapeData(cut(message, MAX_MESSAGE))}`;
}

export function renderGithub(report: Report): string {
  const file = report.source.path;
  const out: string[] = [];
  for (const r of report.gate?.rules ?? []) {
    if (r.status === 'passed') continue;
    const line = r.examples.find((e) => e.line !== null)?.line ?? null;
    out.push(
      command(r.status === 'failed' ? 'error' : 'warning', { file, line, title: `dq ${r.id}${r.column !== null ? ` (${r.column})` : ''}` }, `${r.message}${examplesText(r.examples)}`),
    );
  }
  for (const f of report.findings) {
    if (f.severity !== 'error' && f.severity !== 'warn') continue;
    if (f.check === 'rules' && report.gate) continue; // already annotated as a gate rule
    const line = f.examples.find((e) => e.line !== null)?.line ?? null;
    out.push(
      command(f.severity === 'error' ? 'error' : 'warning', { file, line, title: `dq ${f.check}/${f.id}${f.column !== null ? ` (${f.column})` : ''}` }, `${f.message}${examplesText(f.examples)}`),
    );
  }
  const s = report.scores.overall;
  const verdict = report.gate ? (report.gate.passed ? 'gate passed' : 'gate failed') : 'no gate';
  out.push(command('notice', { title: 'dq' }, `${file}: ${verdict}; overall score ${s === null ? 'n/a' : Math.round(s * 10) / 10}; ${report.rows} rows`));
  return out.join('\n') + '\n';
}

export default renderGithub;
