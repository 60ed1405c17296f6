/**
 * The terminal report: scores with small bars, one table of columns, findings by severity with up to five
 * examples, one summary line. Colours only on a TTY without NO_COLOR; every data value passes forTerminal.
 * Wide files (more than 40 columns) show the 25 lowest-scoring columns and say how many were left out.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { DIMENSIONS, type ColumnProfile, type Finding, type Report } from '../core/types.js';
import { forTerminal } from './sanitize.js';

export interface TerminalOptions {
  color: boolean;
  unicode: boolean;
  width: number;
}

const SPARK = '▁▂▃▄▅▆▇█';
const MAX_COLUMNS_SHOWN = 25;

export function sparkline(counts: number[]): string {
  const max = Math.max(...counts);
  if (!(max > 0)) return '';
  return counts.map((c) => SPARK[Math.min(7, Math.round((c / max) * 7))]).join('');
}

function fmtNum(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return forTerminal(v, 24);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e9 || a < 1e-3)) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}

function fmtScore(s: number | null): string {
  return s === null ? '  n/a' : s.toFixed(1).padStart(5);
}

function bar(s: number | null, c: ChalkInstance, unicode: boolean, width = 20): string {
  if (s === null) return c.dim('not assessed');
  const filled = Math.round((s / 100) * width);
  const [full, empty] = unicode ? ['█', '░'] : ['#', '.'];
  const colour = s >= 95 ? c.green : s >= 80 ? c.yellow : c.red;
  return colour(full.repeat(filled)) + c.dim(empty.repeat(width - filled));
}

function pct(n: number, d: number): string {
  if (d === 0) return '';
  const p = (100 * n) / d;
  return p === 0 ? '0%' : p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`;
}

export function renderTerminal(report: Report, opts: TerminalOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  const src = report.source;
  out.push(
    c.bold(`dq audit: ${forTerminal(src.path, 120)}`) +
      c.dim(`  (${src.format}, ${report.rows.toLocaleString('en-US')} rows, ${report.columns.length} columns${src.bytes !== null ? `, ${fmtBytes(src.bytes)}` : ''})`),
  );
  if (report.sample) out.push(c.yellow(`Sample: ${report.sample.size} of ${report.sample.of} rows (seed ${report.sample.seed}); figures describe the sample.`));
  if (!report.complete) out.push(c.red('Reading stopped early: the report covers only part of the input.'));
  out.push('');
  out.push(c.bold('Scores'));
  for (const d of ['overall', ...DIMENSIONS] as const) {
    const s = report.scores[d];
    const label = d === 'overall' ? c.bold(d.padEnd(13)) : d.padEnd(13);
    out.push(`  ${label} ${fmtScore(s)}  ${bar(s, c, opts.unicode)}`);
  }
  out.push('');
  out.push(renderColumns(report, c, opts));
  const dup = report.duplicates;
  out.push(
    c.bold('Duplicates') +
      `  rows: ${dup.rows}${dup.keyRows !== null ? `  key (${(dup.key ?? []).map((k) => forTerminal(k, 30)).join(', ')}): ${dup.keyRows}` : ''}  near: ${dup.nearRows}`,
  );
  out.push('');
  out.push(renderFindings(report.findings, c));
  if (report.gate) {
    const failed = report.gate.rules.filter((r) => r.status === 'failed');
    const warned = report.gate.rules.filter((r) => r.status === 'warned');
    const passed = report.gate.rules.length - failed.length - warned.length;
    out.push(c.bold('Gate') + `  ${report.gate.rules.length} rules: ${passed} passed, ${warned.length} warned, ${failed.length} failed`);
    for (const r of [...failed, ...warned].slice(0, 30)) {
      const tag = r.status === 'failed' ? c.red('FAIL') : c.yellow('WARN');
      out.push(`  ${tag} ${forTerminal(r.id, 60)}${r.column ? ` [${forTerminal(r.column, 40)}]` : ''}: ${forTerminal(r.message, 200)}`);
    }
    out.push('');
  }
  out.push(summaryLine(report, c));
  return out.join('\n') + '\n';
}

function renderColumns(report: Report, c: ChalkInstance, opts: TerminalOptions): string {
  let cols = report.columns;
  let note = '';
  if (cols.length > 40) {
    cols = [...cols].sort((a, b) => (a.scores.overall ?? 101) - (b.scores.overall ?? 101)).slice(0, MAX_COLUMNS_SHOWN);
    note = c.dim(`  ${report.columns.length - cols.length} more columns not shown (all columns are in --format json)`);
  }
  const table = new Table({
    head: ['column', 'type', 'missing', 'distinct', 'min', 'median', 'max', 'mean', ...(opts.unicode ? ['histogram'] : []), 'score'],
    style: { head: opts.color ? ['cyan'] : [], border: opts.color ? ['grey'] : [], compact: true },
    chars: opts.unicode ? undefined : asciiChars,
  });
  for (const col of cols) table.push(columnRow(col, report.rows, c, opts));
  return c.bold('Columns') + '\n' + table.toString() + (note ? '\n' + note : '') + '\n';
}

function columnRow(col: ColumnProfile, rows: number, c: ChalkInstance, opts: TerminalOptions): string[] {
  const s = col.scores.overall;
  const score = s === null ? '' : s >= 95 ? c.green(s.toFixed(1)) : s >= 80 ? c.yellow(s.toFixed(1)) : c.red(s.toFixed(1));
  return [
    forTerminal(col.name, 28),
    col.type + (col.approximate ? '~' : ''),
    col.missing ? `${col.missing} (${pct(col.missing, rows)})` : '0',
    String(col.distinct),
    fmtNum(col.min),
    fmtNum(col.median),
    fmtNum(col.max),
    fmtNum(col.mean),
    ...(opts.unicode ? [col.histogram ? sparkline(col.histogram.counts) : ''] : []),
    score,
  ];
}

function renderFindings(findings: Finding[], c: ChalkInstance): string {
  if (findings.length === 0) return c.green('No findings.') + '\n';
  const out: string[] = [c.bold(`Findings (${findings.length})`)];
  if (findings.length > 60) {
    // wide files: first say what kinds of findings there are, then the most important ones
    const byId = new Map<string, { n: number; cells: number }>();
    for (const f of findings) {
      const k = `${f.check}/${f.id}`;
      const e = byId.get(k) ?? { n: 0, cells: 0 };
      e.n++;
      e.cells += f.count;
      byId.set(k, e);
    }
    for (const [k, e] of [...byId].sort((a, b) => b[1].n - a[1].n)) out.push(c.dim(`  ${String(e.n).padStart(6)} x ${k} (${e.cells} cells or rows)`));
    out.push('');
  }
  const shown = findings.slice(0, 60);
  for (const f of shown) {
    const tag = f.severity === 'error' ? c.red('error') : f.severity === 'warn' ? c.yellow('warn ') : c.blue('info ');
    out.push(`  ${tag} ${c.dim(`${f.check}/${f.id}`)} ${forTerminal(f.message, 240)}`);
    for (const e of f.examples.slice(0, 5)) {
      const where = [e.row !== null ? `row ${e.row}` : null, e.line !== null ? `line ${e.line}` : null].filter(Boolean).join(', ');
      out.push(c.dim(`        ${where}${e.value !== null ? `: ${forTerminal(JSON.stringify(e.value), 100)}` : ''}`));
    }
  }
  if (findings.length > shown.length) out.push(c.dim(`  ... ${findings.length - shown.length} more findings in --format json`));
  return out.join('\n') + '\n';
}

export function summaryLine(report: Report, c: ChalkInstance = new Chalk({ level: 0 })): string {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warns = report.findings.filter((f) => f.severity === 'warn').length;
  const overall = report.scores.overall === null ? 'n/a' : report.scores.overall.toFixed(1);
  const gate = report.gate ? (report.gate.passed ? c.green(' gate passed.') : c.red(' gate FAILED.')) : '';
  return `${c.bold(`Overall ${overall}/100`)}: ${report.rows} rows, ${report.columns.length} columns, ${errors} errors, ${warns} warnings.${gate}`;
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

const asciiChars = {
  top: '-', 'top-mid': '+', 'top-left': '+', 'top-right': '+',
  bottom: '-', 'bottom-mid': '+', 'bottom-left': '+', 'bottom-right': '+',
  left: '|', 'left-mid': '+', mid: '-', 'mid-mid': '+',
  right: '|', 'right-mid': '+', middle: '|',
};
