/**
 * The HTML report: one self-contained file to open in a browser, attach to a CI run or mail around.
 *
 * - No network and no scripts: a Content-Security-Policy meta (default-src 'none'; style-src 'unsafe-inline';
 *   img-src data:) and nothing but inline CSS and inline SVG (src/report/svg.ts). Navigation uses native
 *   elements only: a table of contents of in-page anchors, <details>/<summary> per column, a skip link.
 * - Every value copied from the data, the config or the report (column names, values, messages, paths, rule
 *   ids) passes `esc`: & < > " ' become entities, control/line-separator/bidi characters become visible escapes,
 *   long values are cut. No attribute or URL is ever built from data (anchors are generated ids: col-3).
 * - Bounded whatever the input: at most 150 columns get a detailed section (the lowest-scoring ones when
 *   there are more), 1,000 rows in the column table, and caps on findings, examples, rules, patterns,
 *   clusters and value lengths; each cut says how much was left out. Should the page still exceed MAX_BYTES
 *   (hostile or huge reports), it is rendered again with tighter caps (LEVELS), and says so.
 * - Light and dark mode (prefers-color-scheme), responsive (tables wrap, charts scale), printable.
 * - A report made with --no-examples (null example values, "(value N)" top values) renders those as
 *   row/line references and muted placeholders; spelling-cluster values (which the report still carries in
 *   metrics.consistency) are then hidden too.
 *
 * Sections: summary (scores + gate verdict), gate rules, baseline comparison (gate rules with `baseline.` ids,
 * side by side), missingness (per-column shares + pattern matrix), duplicates, spelling clusters, timeliness
 * (age distribution with the age limit), findings, and per column: profile, histogram with Tukey fences or
 * a top-values chart, and the column's findings with example rows.
 */
import { DIMENSIONS, type ColumnProfile, type Example, type Finding, type Report, type RuleResult, type Severity } from '../core/types.js';
import { ageBar, barChart, esc, fmtDuration, fmtNum, fmtPct, histogram, patternMatrix, scoreBars, scoreClass, shareBars, stackedBar, type AgeQuantiles } from './svg.js';

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Caps on everything that grows with the input; the renderer falls back to tighter levels to stay under MAX_BYTES. */
interface Caps {
  detail: number;
  overview: number;
  colFindings: number;
  examples: number;
  findingsTable: number;
  datasetFindings: number;
  rules: number;
  baselineCols: number;
  missingBars: number;
  patterns: number;
  patternCols: number;
  clusterCols: number;
  clusters: number;
  variants: number;
  top: number;
  gapPeriods: number;
  notes: number;
  /** Code points of a data value, of a message. */
  value: number;
  message: number;
}

const LEVELS: Caps[] = [
  { detail: 150, overview: 1000, colFindings: 8, examples: 5, findingsTable: 150, datasetFindings: 30, rules: 300, baselineCols: 200, missingBars: 60, patterns: 20, patternCols: 60, clusterCols: 30, clusters: 15, variants: 8, top: 12, gapPeriods: 20, notes: 5, value: 160, message: 400 },
  { detail: 100, overview: 500, colFindings: 5, examples: 3, findingsTable: 80, datasetFindings: 15, rules: 150, baselineCols: 100, missingBars: 40, patterns: 15, patternCols: 50, clusterCols: 15, clusters: 8, variants: 5, top: 10, gapPeriods: 10, notes: 3, value: 60, message: 200 },
  { detail: 50, overview: 300, colFindings: 3, examples: 1, findingsTable: 40, datasetFindings: 5, rules: 60, baselineCols: 40, missingBars: 30, patterns: 10, patternCols: 40, clusterCols: 5, clusters: 5, variants: 3, top: 8, gapPeriods: 5, notes: 1, value: 30, message: 120 },
];

/** The renderer tries each level of caps in turn until the page is smaller than this. */
export const MAX_BYTES = 1_900_000;

/** The caps of the render in progress (renderHtml is synchronous). */
let C: Caps = LEVELS[0]!;

const PLACEHOLDER = /^\(value \d+\)$/;
const SEV_RANK: Record<Severity, number> = { error: 0, warn: 1, info: 2 };
const STATUS_RANK: Record<RuleResult['status'], number> = { failed: 0, warned: 1, passed: 2 };

// --- small helpers -----------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

function n(v: number): string {
  return esc(Number.isInteger(v) ? v.toLocaleString('en-US') : fmtNum(v));
}

function more(left: number, what: string): string {
  return left > 0 ? `<p class="more">… and ${n(left)} more ${esc(what)} (see the JSON report).</p>` : '';
}

function sev(s: Severity): string {
  return `<span class="badge sev-${s}">${s}</span>`;
}

function status(s: RuleResult['status']): string {
  return `<span class="badge st-${s}">${s}</span>`;
}

function scoreText(s: number | null | undefined): string {
  return s === null || s === undefined ? '<span class="muted">n/a</span>' : `<span class="score ${scoreClass(s).replace('c-', 's-')}">${esc(s.toFixed(1))}</span>`;
}

function value(v: string | null | undefined, max = C.value): string {
  if (v === null || v === undefined) return '<span class="muted">(hidden)</span>';
  if (v === '') return '<span class="muted">(empty)</span>';
  return `<code class="v">${esc(v, max)}</code>`;
}

function where(e: Example): string {
  const parts: string[] = [];
  if (typeof e.row === 'number') parts.push(`row ${n(e.row)}`);
  if (typeof e.line === 'number') parts.push(`line ${n(e.line)}`);
  return parts.join(', ');
}

function examples(ex: unknown): string {
  const list = arr(ex).filter(isObj).slice(0, C.examples) as unknown as Example[];
  if (!list.length) return '';
  const items = list.map((e) => {
    const w = where(e);
    const v = e.value;
    if (v === null || v === undefined) return `<li>${w || '<span class="muted">(no location)</span>'}</li>`;
    return `<li>${w ? `${w}: ` : ''}${value(v)}</li>`;
  });
  return `<ul class="ex">${items.join('')}</ul>`;
}

function kvTable(rows: [string, string][], cls = 'kv'): string {
  return `<table class="${cls}"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

function fmtBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(1)} KB`;
  if (b < 1024 ** 3) return `${(b / 1024 ** 2).toFixed(1)} MB`;
  return `${(b / 1024 ** 3).toFixed(2)} GB`;
}

function shownFindings(fs: Finding[]): Finding[] {
  return fs
    .filter((f) => isObj(f) && (f.severity !== 'info' || f.count > 0))
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (SEV_RANK[a.f.severity] ?? 3) - (SEV_RANK[b.f.severity] ?? 3) || b.f.count - a.f.count || a.i - b.i)
    .map((x) => x.f);
}

// --- the page ----------------------------------------------------------------------------------

interface Ctx {
  report: Report;
  /** Column name -> index of its first occurrence (for anchors). */
  colIndex: Map<string, number>;
  /** Indices of columns with a detailed section. */
  detailed: Set<number>;
  findings: Finding[];
  byColumn: Map<string, Finding[]>;
  rows: number;
  /** The report was made with --no-examples: hide values that the report still carries elsewhere. */
  noExamples: boolean;
}

function colLink(ctx: Ctx, name: string | null, max = 60): string {
  if (name === null) return '<span class="muted">dataset</span>';
  const i = ctx.colIndex.get(name);
  const label = esc(name, max);
  return i !== undefined && ctx.detailed.has(i) ? `<a href="#col-${i}">${label}</a>` : label;
}

export function renderHtml(report: Report): string {
  const saved = C;
  try {
    let html = '';
    for (let level = 0; level < LEVELS.length; level++) {
      C = LEVELS[level]!;
      html = renderPage(report, level > 0);
      if (Buffer.byteLength(html, 'utf8') < MAX_BYTES) break;
    }
    return html;
  } finally {
    C = saved;
  }
}

function renderPage(report: Report, shortened: boolean): string {
  const columns = Array.isArray(report.columns) ? report.columns : [];
  const colIndex = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!colIndex.has(c.name)) colIndex.set(c.name, i);
  });
  let detailed: number[] = columns.map((_, i) => i);
  if (columns.length > C.detail) {
    detailed = detailed
      .sort((a, b) => (columns[a]!.scores?.overall ?? 101) - (columns[b]!.scores?.overall ?? 101) || a - b)
      .slice(0, C.detail)
      .sort((a, b) => a - b);
  }
  const findings = shownFindings(Array.isArray(report.findings) ? report.findings : []);
  const byColumn = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.column === null || !colIndex.has(f.column)) continue;
    let l = byColumn.get(f.column);
    if (!l) byColumn.set(f.column, (l = []));
    l.push(f);
  }
  const withTop = columns.filter((c) => Array.isArray(c.top) && c.top.length > 0);
  const noExamples = withTop.length > 0 && withTop.every((c) => c.top.every((t) => PLACEHOLDER.test(t.value)));
  const ctx: Ctx = { report, colIndex, detailed: new Set(detailed), findings, byColumn, rows: num(report.rows) ?? 0, noExamples };

  const sections: { id: string; title: string; html: string }[] = [];
  const add = (id: string, title: string, html: string) => {
    if (html) sections.push({ id, title, html });
  };
  add('summary', 'Summary', summarySection(ctx));
  add('gate', 'Gate rules', gateSection(ctx));
  add('baseline', 'Baseline comparison', baselineSection(ctx));
  add('missingness', 'Missingness', missingSection(ctx));
  add('duplicates', 'Duplicates', duplicatesSection(ctx));
  add('spelling', 'Spelling variants', spellingSection(ctx));
  add('timeliness', 'Timeliness', timelinessSection(ctx));
  add('findings', 'Findings', findingsSection(ctx));
  add('columns', 'Columns', columnsSection(ctx, detailed));

  const src = report.source ?? { path: '', format: '', bytes: null, sha256: null };
  const toc = sections
    .map((s) => {
      return `<li><a href="#${s.id}">${esc(s.title)}</a></li>`;
    })
    .join('');
  const tocCols = detailed.length
    ? `<details class="toc-cols"><summary>Jump to a column (${n(detailed.length)})</summary><ol>${detailed.map((i) => `<li><a href="#col-${i}">${esc(columns[i]!.name, 40)}</a></li>`).join('')}</ol></details>`
    : '';
  const meta: string[] = [
    esc(src.format),
    `${n(ctx.rows)} rows`,
    `${n(columns.length)} columns`,
    ...(typeof src.bytes === 'number' ? [esc(fmtBytes(src.bytes))] : []),
    `created ${esc(report.createdAt)}`,
    `dq ${esc(report.tool?.version)}`,
    ...(src.sha256 ? [`sha256 <code>${esc(src.sha256, 16)}</code>`] : []),
  ];
  const banners: string[] = [];
  if (report.sample)
    banners.push(
      `<p class="banner warn">Sample: ${n(report.sample.size)} of ${n(report.sample.of)} rows (seed ${esc(report.sample.seed)}); figures describe the sample.</p>`,
    );
  if (report.complete === false) banners.push('<p class="banner bad">Reading stopped early: this report covers only part of the input.</p>');

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="referrer" content="no-referrer">',
    `<meta name="generator" content="dq ${esc(report.tool?.version)}">`,
    `<title>dq report: ${esc(src.path, 120)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<a class="skip" href="#main">Skip to the report</a>',
    '<div class="wrap">',
    `<header><h1>dq report <span class="path">${esc(src.path, 300)}</span></h1><p class="meta">${meta.join(' · ')}</p>${banners.join('')}</header>`,
    `<nav aria-label="Contents"><h2 class="vh">Contents</h2><div class="tocbox"><ol class="toc">${toc}</ol>${tocCols}</div></nav>`,
    '<main id="main">',
    ...sections.map((s) => `<section id="${s.id}" aria-labelledby="h-${s.id}"><h2 id="h-${s.id}">${esc(s.title)}</h2>${s.html}</section>`),
    '</main>',
    `<footer>${shortened ? 'Lists in this page were shortened to keep it small; the JSON report has everything. ' : ''}Generated by dq ${esc(report.tool?.version)} · report format ${esc(report.version)} · scoring version ${esc(report.scoring?.version)} · checks: ${esc((report.checks ?? []).join(', '), 300)}</footer>`,
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export default renderHtml;

// --- sections ----------------------------------------------------------------------------------

function summarySection(ctx: Ctx): string {
  const r = ctx.report;
  const scores = r.scores ?? ({} as Report['scores']);
  const weights = r.scoring?.weights ?? ({} as Record<string, number>);
  const items = [
    { label: 'overall', value: num(scores.overall), strong: true },
    ...DIMENSIONS.map((d) => ({ label: d, value: num(scores[d]) })),
  ];
  const chart = scoreBars(items, `Scores: overall ${scores.overall === null ? 'not assessed' : fmtNum(scores.overall, 4)}`);
  const dimText = DIMENSIONS.map(
    (d) => `<tr><th scope="row">${d}</th><td class="num">${scoreText(scores[d])}</td><td class="num muted">${typeof weights[d] === 'number' ? esc(fmtNum(weights[d])) : ''}</td></tr>`,
  ).join('');
  const scoreTable = `<details class="plain"><summary>Scores as a table</summary><table class="tbl narrow"><thead><tr><th>Dimension</th><th class="num">Score</th><th class="num">Weight</th></tr></thead><tbody><tr><th scope="row">overall</th><td class="num">${scoreText(scores.overall)}</td><td></td></tr>${dimText}</tbody></table></details>`;

  const g = r.gate;
  let verdict: string;
  if (g) {
    const cnt = (s: string) => g.rules.filter((x) => x.status === s).length;
    verdict = `<div class="verdict ${g.passed ? 'v-pass' : 'v-fail'}" role="status"><span class="big">Gate ${g.passed ? 'passed' : 'failed'}</span><span>${n(g.rules.length)} rules: ${n(cnt('passed'))} passed, ${n(cnt('warned'))} warned, ${n(cnt('failed'))} failed</span></div>`;
  } else verdict = '<div class="verdict v-none" role="status"><span class="big">Gate not evaluated</span><span>no rules or thresholds were given</span></div>';
  const bySev = (s: Severity) => ctx.findings.filter((f) => f.severity === s).length;
  const dup = r.duplicates;
  const miss = isObj(r.metrics?.missingness) ? r.metrics.missingness : {};
  const facts: [string, string][] = [
    ['Overall score', scoreText(scores.overall)],
    ['Findings', `${n(bySev('error'))} errors, ${n(bySev('warn'))} warnings, ${n(bySev('info'))} notes`],
    ['Rows', n(ctx.rows)],
    ['Columns', n(r.columns.length)],
  ];
  const complete = num(miss.completeRows);
  if (complete !== null) facts.push(['Complete rows', `${n(complete)} (${esc(fmtPct(complete, ctx.rows))})`]);
  if (dup) facts.push(['Duplicate rows', `${n(dup.rows)}${dup.keyRows !== null && dup.keyRows !== undefined ? `, duplicate keys ${n(dup.keyRows)}` : ''}`]);
  return `<div class="grid2"><div>${chart}${scoreTable}</div><div>${verdict}${kvTable(facts)}</div></div>`;
}

function ruleRow(ctx: Ctx, r: RuleResult): string {
  return `<tr class="row-${esc(r.status)}"><td>${status(r.status)}</td><td class="cname"><code>${esc(r.id, 120)}</code></td><td class="cname">${r.column !== null ? colLink(ctx, r.column) : ''}</td><td class="num">${r.count === null || r.count === undefined ? '' : esc(fmtNum(r.count))}</td><td class="msg">${esc(r.message, C.message)}${examples(r.examples)}</td></tr>`;
}

function gateSection(ctx: Ctx): string {
  const g = ctx.report.gate;
  if (!g) return '';
  const rules = g.rules
    .filter((r) => !r.id.startsWith('baseline.'))
    .map((r, i) => ({ r, i }))
    .sort((a, b) => STATUS_RANK[a.r.status] - STATUS_RANK[b.r.status] || a.i - b.i)
    .map((x) => x.r);
  const base = g.rules.length - rules.length;
  if (!rules.length) return base ? '' : '<p>The gate had no rules.</p>';
  const shown = rules.slice(0, C.rules);
  return (
    `<div class="tw"><table class="tbl stack"><thead><tr><th>Status</th><th>Rule</th><th>Column</th><th class="num">Count</th><th>Message and examples</th></tr></thead><tbody>${shown.map((r) => ruleRow(ctx, r)).join('')}</tbody></table></div>` +
    more(rules.length - shown.length, 'rules') +
    (base ? `<p>${n(base)} more rules compare with the baseline: see <a href="#baseline">Baseline comparison</a>.</p>` : '')
  );
}

interface BaselineCells {
  baseline: string;
  current: string;
  change: string;
}

function baselineCells(r: RuleResult, kind: string): BaselineCells {
  const m = r.message ?? '';
  const dash = '<span class="muted">–</span>';
  let x: RegExpExecArray | null;
  if (kind === 'score' && (x = /score (-?[\d.]+) vs baseline (-?[\d.]+)/.exec(m))) {
    const d = Number(x[1]) - Number(x[2]);
    return { baseline: esc(x[2]), current: esc(x[1]), change: esc(`${d > 0 ? '+' : ''}${fmtNum(Math.round(d * 100) / 100)}`) };
  }
  if (kind === 'rows' && (x = /^(\d+) rows vs baseline (\d+)/.exec(m))) {
    const d = Number(x[1]) - Number(x[2]);
    return { baseline: n(Number(x[2])), current: n(Number(x[1])), change: `${d > 0 ? '+' : ''}${n(d)} (${esc(Number(x[2]) > 0 ? `${d > 0 ? '+' : ''}${fmtNum((100 * d) / Number(x[2]), 3)}%` : '–')})` };
  }
  if (kind === 'type') {
    if ((x = /type changed from (\S+) to (\S+)/.exec(m))) return { baseline: esc(x[1]), current: esc(x[2]), change: 'changed' };
    if ((x = /^type (\S+)$/.exec(m))) return { baseline: esc(x[1]), current: esc(x[1]), change: dash };
  }
  if (kind === 'missing' && (x = /missing ([\d.]+)% vs baseline ([\d.]+)%/.exec(m))) {
    const d = Number(x[1]) - Number(x[2]);
    return { baseline: esc(`${x[2]}%`), current: esc(`${x[1]}%`), change: esc(`${d > 0 ? '+' : ''}${fmtNum(Math.round(d * 100) / 100)} points`) };
  }
  if (kind === 'drift' && (x = /^(PSI \S+).*?(KS \S+ on \S+)/.exec(m))) return { baseline: dash, current: dash, change: esc(`${x[1]}, ${x[2]}`) };
  if (kind === 'vanished') return { baseline: 'present', current: '<span class="muted">absent</span>', change: 'vanished' };
  if (kind === 'new') return { baseline: '<span class="muted">absent</span>', current: 'present', change: 'new' };
  return { baseline: dash, current: dash, change: esc(m, C.message) };
}

function baselineSection(ctx: Ctx): string {
  const g = ctx.report.gate;
  if (!g) return '';
  const rules = g.rules.filter((r) => r.id.startsWith('baseline.'));
  if (!rules.length) return '';
  const out: string[] = [];
  // scores side by side
  const scoreRules = rules.filter((r) => r.id.startsWith('baseline.score.'));
  if (scoreRules.length) {
    const items = scoreRules.map((r) => {
      const k = r.id.slice('baseline.score.'.length);
      const x = /score (-?[\d.]+) vs baseline (-?[\d.]+)/.exec(r.message ?? '');
      const b = /\(baseline (-?[\d.]+)\)/.exec(r.message ?? '');
      return { label: k, value: x ? Number(x[1]) : null, compare: x ? Number(x[2]) : b ? Number(b[1]) : null, strong: k === 'overall' };
    });
    out.push(
      `<figure>${scoreBars(items, 'Scores: current (thick bars) and baseline (thin bars)')}<figcaption>Thick bars: this report; thin grey bars: the baseline.</figcaption></figure>`,
    );
  }
  const head = '<thead><tr><th>Check</th><th>Baseline</th><th>Current</th><th>Change</th><th>Status</th></tr></thead>';
  const row = (label: string, r: RuleResult, kind: string) => {
    const c = baselineCells(r, kind);
    return `<tr class="row-${esc(r.status)}"><td>${label}</td><td>${c.baseline}</td><td>${c.current}</td><td>${c.change}</td><td>${status(r.status)}</td></tr>`;
  };
  const dataset = rules.filter((r) => r.column === null);
  const body: string[] = [];
  for (const r of dataset) {
    const kind = r.id.startsWith('baseline.score.') ? 'score' : r.id === 'baseline.rows' ? 'rows' : 'other';
    const label = kind === 'score' ? `score: ${esc(r.id.slice('baseline.score.'.length), 40)}` : kind === 'rows' ? 'rows' : `<code>${esc(r.id, 80)}</code>`;
    body.push(row(label, r, kind));
  }
  const byCol = new Map<string, RuleResult[]>();
  for (const r of rules) {
    if (r.column === null) continue;
    let l = byCol.get(r.column);
    if (!l) byCol.set(r.column, (l = []));
    l.push(r);
  }
  const cols = [...byCol.entries()]
    .map(([c, rs]) => ({ c, rs, worst: Math.min(...rs.map((r) => STATUS_RANK[r.status])) }))
    .sort((a, b) => a.worst - b.worst || (ctx.colIndex.get(a.c) ?? 1e9) - (ctx.colIndex.get(b.c) ?? 1e9));
  for (const { c, rs } of cols.slice(0, C.baselineCols)) {
    body.push(`<tr class="group"><th colspan="5" scope="rowgroup">${colLink(ctx, c, 120)}</th></tr>`);
    const prefix = `baseline.${c}.`;
    for (const r of rs) {
      const kind = r.id.startsWith(prefix) ? r.id.slice(prefix.length) : 'other';
      body.push(row(esc(kind, 40), r, kind));
    }
  }
  out.push(`<div class="tw"><table class="tbl">${head}<tbody>${body.join('')}</tbody></table></div>`);
  out.push(more(cols.length - Math.min(cols.length, C.baselineCols), 'columns compared with the baseline'));
  return out.join('');
}

function missingSection(ctx: Ctx): string {
  const r = ctx.report;
  const m = isObj(r.metrics?.missingness) ? r.metrics.missingness : null;
  const out: string[] = [];
  const complete = m ? num(m.completeRows) : null;
  const incomplete = m ? num(m.incompleteRows) : null;
  if (complete !== null)
    out.push(
      `<p>${n(complete)} of ${n(ctx.rows)} rows (${esc(fmtPct(complete, ctx.rows))}) are complete${incomplete !== null ? `; ${n(incomplete)} have at least one missing value` : ''}.</p>`,
    );
  const total = (c: ColumnProfile) => c.count + c.missing;
  const withMissing = r.columns.map((c, i) => ({ c, i })).filter((x) => x.c.missing > 0);
  if (!r.columns.length) return '<p>No columns.</p>';
  if (!withMissing.length) out.push(`<p>No column has missing values${ctx.rows === 0 ? ' (there are no rows)' : ''}.</p>`);
  else {
    let bars = withMissing;
    if (bars.length > C.missingBars)
      bars = bars
        .slice()
        .sort((a, b) => b.c.missing / total(b.c) - a.c.missing / total(a.c) || a.i - b.i)
        .slice(0, C.missingBars)
        .sort((a, b) => a.i - b.i);
    out.push(
      `<div><h3>Missing share per column</h3><figure>${shareBars(
        bars.map(({ c }) => ({ label: c.name, share: total(c) > 0 ? c.missing / total(c) : 0, note: `${fmtNum(c.missing)} (${fmtPct(c.missing, total(c))})` })),
        { title: `Missing share of the ${bars.length} columns with missing values`, barClass: 'c-missing' },
      )}<figcaption>${n(withMissing.length)} of ${n(r.columns.length)} columns have missing values${withMissing.length > bars.length ? `; the ${bars.length} with the highest share are shown` : ''}.</figcaption></figure></div>`,
    );
  }
  const patterns = (m ? arr(m.patterns) : [])
    .filter(isObj)
    .map((p) => ({ columns: arr(p.columns).filter((c): c is string => typeof c === 'string'), count: num(p.count) ?? 0 }))
    .filter((p) => p.columns.length > 0);
  if (patterns.length) {
    const shown = patterns.slice(0, C.patterns);
    const used = new Set(shown.flatMap((p) => p.columns));
    let cols = r.columns.map((c) => c.name).filter((c, i, a) => used.has(c) && a.indexOf(c) === i);
    for (const c of used) if (!cols.includes(c)) cols.push(c);
    const cut = cols.length > C.patternCols ? cols.length - C.patternCols : 0;
    cols = cols.slice(0, C.patternCols);
    const left = patterns.length - shown.length + (num(m?.patternsTruncated) ?? 0);
    const list = shown
      .map((p, i) => `<li>#${i + 1}: ${n(p.count)} rows miss ${p.columns.slice(0, 12).map((c) => colLink(ctx, c, 40)).join(', ')}${p.columns.length > 12 ? `, … (${n(p.columns.length)} columns)` : ''}</li>`)
      .join('');
    out.push(
      `<div><h3>Missingness patterns</h3><figure>${patternMatrix(cols, shown, ctx.rows, `Missingness patterns: ${shown.length} most frequent combinations of missing columns`)}<figcaption>Rows are patterns (most frequent first), columns are data columns; a filled cell means missing.${cut ? ` ${n(cut)} more columns are not drawn.` : ''}</figcaption></figure>` +
        `<details class="plain"><summary>Patterns as a list</summary><ol class="plainlist">${list}</ol></details>` +
        more(left, 'patterns') +
        '</div>',
    );
  }
  const [intro, ...charts] = out;
  return intro !== undefined && intro.startsWith('<p>') ? `${intro}<div class="grid2">${charts.join('')}</div>` : `<div class="grid2">${out.join('')}</div>`;
}

function duplicatesSection(ctx: Ctx): string {
  const r = ctx.report;
  const d = r.duplicates;
  if (!d) return '';
  const out: string[] = [];
  const facts: [string, string][] = [
    ['Duplicate rows', `${n(d.rows)} (${esc(fmtPct(d.rows, ctx.rows))}) surplus copies of earlier rows`],
    ['Near-duplicate rows', n(d.nearRows)],
  ];
  if (d.key && d.key.length) facts.push([`Duplicate keys (${d.key.map((k) => esc(k, 40)).join(', ')})`, d.keyRows === null ? '–' : n(d.keyRows)]);
  if (d.approximate) facts.push(['Approximate', 'yes: counts come from a sketch']);
  if (ctx.rows > 0)
    out.push(
      stackedBar(
        [
          { label: 'distinct rows', value: Math.max(0, ctx.rows - d.rows), cls: 'c-accent' },
          { label: 'duplicate rows', value: d.rows, cls: 'c-bad' },
        ],
        `Duplicate rows: ${d.rows} of ${ctx.rows}`,
      ),
    );
  out.push(kvTable(facts));
  const fs = ctx.findings.filter((f) => f.check === 'duplicates').slice(0, 10);
  if (fs.length) out.push(findingList(ctx, fs, true));
  return out.join('');
}

function spellingSection(ctx: Ctx): string {
  const c = isObj(ctx.report.metrics?.consistency) ? ctx.report.metrics.consistency : null;
  const clusters = c && isObj(c.clusters) ? c.clusters : null;
  if (!clusters) return '';
  const entries = Object.entries(clusters).filter(([, v]) => Array.isArray(v) && v.length > 0);
  if (!entries.length) return '<p>No spelling variants found.</p>';
  const out: string[] = [];
  if (ctx.noExamples) out.push('<p class="muted">Values are hidden: the report was made with --no-examples.</p>');
  for (const [col, list] of entries.slice(0, C.clusterCols)) {
    const cl = arr(list).filter(isObj);
    const rows: string[] = [];
    for (const k of cl.slice(0, C.clusters)) {
      const variants = arr(k.variants).filter(isObj);
      const vs = variants
        .slice(0, C.variants)
        .map((v) => `<li>${ctx.noExamples ? '<span class="muted">(hidden)</span>' : value(str(v.value), Math.min(80, C.value))} <span class="muted">× ${n(num(v.count) ?? 0)}${str(v.match) ? ` (${esc(v.match)})` : ''}</span></li>`)
        .join('');
      rows.push(
        `<tr><td><ul class="variants">${vs}${variants.length > C.variants ? `<li class="muted">… ${n(variants.length - C.variants)} more</li>` : ''}</ul></td><td class="arrow" aria-label="becomes">→</td><td>${ctx.noExamples ? '<span class="muted">(hidden)</span>' : value(str(k.dominant), Math.min(80, C.value))} <span class="muted">× ${n(num(k.count) ?? 0)}</span></td></tr>`,
      );
    }
    out.push(
      `<h3>${colLink(ctx, col, 120)}</h3><div class="tw"><table class="tbl clusters"><thead><tr><th>Variant spellings</th><th></th><th>Dominant spelling</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${more(cl.length - Math.min(cl.length, C.clusters), 'clusters')}`,
    );
  }
  out.push(more(entries.length - Math.min(entries.length, C.clusterCols), 'columns with spelling variants'));
  return out.join('');
}

function timelinessSection(ctx: Ctx): string {
  const t = isObj(ctx.report.metrics?.timeliness) ? ctx.report.metrics.timeliness : null;
  if (!t) return '';
  const column = str(t.column);
  const tf = ctx.findings.filter((f) => f.check === 'timeliness');
  if (!column) {
    return `<p>No timestamp column was used${str(t.asOf) ? ` (as of ${esc(t.asOf)})` : ''}: give --timestamp-column to judge freshness.</p>${tf.length ? findingList(ctx, tf, true) : ''}`;
  }
  const maxAge = num(t.maxAgeMs);
  const facts: [string, string][] = [
    ['Timestamp column', colLink(ctx, column, 120)],
    ['As of', esc(str(t.asOf) ?? '')],
    ['Newest record', `${esc(str(t.newest) ?? '–')}${num(t.freshnessMs) !== null ? ` <span class="muted">(${esc(fmtDuration(num(t.freshnessMs)!))} old)</span>` : ''}`],
    ['Oldest record', `${esc(str(t.oldest) ?? '–')}${num(t.maxAgeObservedMs) !== null ? ` <span class="muted">(${esc(fmtDuration(num(t.maxAgeObservedMs)!))} old)</span>` : ''}`],
    ['Age limit', maxAge !== null ? esc(fmtDuration(maxAge)) : '<span class="muted">none (no --max-age): no timeliness score</span>'],
  ];
  const counts = ['valid', 'fresh', 'stale', 'future'].filter((k) => num(t[k]) !== null).map((k) => `${k} ${n(num(t[k])!)}`);
  if (counts.length) facts.push(['Records', counts.join(', ')]);
  if (num(t.score) !== null) facts.push(['Timeliness score', scoreText(num(t.score))]);
  const stepMs = num(t.stepMs);
  const step = str(t.step);
  if (step || stepMs !== null) {
    const what = stepMs !== null ? `every ${fmtDuration(stepMs)}${step && /^[a-z]+$/.test(step) ? ` (${step})` : ''}` : step!;
    facts.push(['Series step', `${esc(what)}${num(t.gaps) !== null ? `, ${n(num(t.gaps)!)} missing periods` : ''}`]);
  }
  if (t.approximate === true) facts.push(['Approximate', 'yes: ages come from days']);
  const out = [`<div class="grid2"><div>${kvTable(facts)}</div>`];
  const q = isObj(t.ageQuantiles) ? t.ageQuantiles : null;
  if (q) {
    const aq: AgeQuantiles = {};
    for (const k of ['min', 'p25', 'p50', 'p75', 'p90', 'max'] as const) {
      const v = num(q[k]);
      if (v !== null) aq[k] = v;
    }
    const qt = (['min', 'p25', 'p50', 'p75', 'p90', 'max'] as const)
      .filter((k) => aq[k] !== undefined)
      .map((k) => `<tr><th scope="row">${k === 'p50' ? 'median' : k}</th><td class="num">${esc(fmtDuration(aq[k]!))}</td></tr>`)
      .join('');
    out.push(
      `<div><figure>${ageBar(aq, maxAge, `Record ages${maxAge !== null ? ` with the age limit ${fmtDuration(maxAge)}` : ''}`)}<figcaption>Age of records at the reference time: box p25–p75, line = median, whiskers min–max, tick p90${maxAge !== null ? '; the dashed red line is the age limit, records right of it are stale' : ''}.</figcaption></figure><table class="tbl narrow"><thead><tr><th>Age quantile</th><th class="num">Age</th></tr></thead><tbody>${qt}</tbody></table></div>`,
    );
  }
  out.push('</div>');
  const gaps = tf.find((f) => f.id === 'gaps');
  const periods = gaps && isObj(gaps.data) ? arr(gaps.data.periods).filter((p): p is string => typeof p === 'string') : [];
  if (periods.length)
    out.push(
      `<h3>Missing periods</h3><p class="periods">${periods
        .slice(0, C.gapPeriods)
        .map((p) => `<code>${esc(p, 40)}</code>`)
        .join(' ')}${periods.length > C.gapPeriods ? ` … ${n(periods.length - C.gapPeriods)} more` : ''}</p>`,
    );
  if (tf.length) out.push(findingList(ctx, tf, false));
  return out.join('');
}

function findingList(ctx: Ctx, fs: Finding[], showColumn: boolean): string {
  const items = fs.map(
    (f) =>
      `<li class="finding f-${esc(f.severity)}">${sev(f.severity)} <code class="fid">${esc(f.check, 40)}/${esc(f.id, 60)}</code>${showColumn && f.column !== null ? ` ${colLink(ctx, f.column)}` : ''} <span class="count">${n(f.count)}</span><p>${esc(f.message, C.message)}</p>${examples(f.examples)}</li>`,
  );
  return `<ul class="findings">${items.join('')}</ul>`;
}

function findingsSection(ctx: Ctx): string {
  const fs = ctx.findings;
  if (!fs.length) return '<p class="good-text">No findings.</p>';
  const out: string[] = [];
  const bySev = (s: Severity) => fs.filter((f) => f.severity === s).length;
  out.push(`<p>${n(bySev('error'))} errors, ${n(bySev('warn'))} warnings, ${n(bySev('info'))} notes. Examples of column findings are in each column's section.</p>`);
  const dataset = fs.filter((f) => f.column === null || !ctx.colIndex.has(f.column));
  if (dataset.length) {
    out.push(`<h3>Dataset findings</h3>${findingList(ctx, dataset.slice(0, C.datasetFindings), true)}${more(dataset.length - Math.min(dataset.length, C.datasetFindings), 'dataset findings')}`);
  }
  const shown = fs.slice(0, C.findingsTable);
  out.push(
    `<h3>All findings</h3><div class="tw"><table class="tbl stack"><thead><tr><th>Severity</th><th>Check</th><th>Column</th><th class="num">Count</th><th>Message</th></tr></thead><tbody>${shown
      .map(
        (f) =>
          `<tr><td>${sev(f.severity)}</td><td class="nw"><code>${esc(f.check, 40)}/${esc(f.id, 60)}</code></td><td class="cname">${colLink(ctx, f.column)}</td><td class="num">${n(f.count)}</td><td class="msg">${esc(f.message, Math.min(240, C.message))}</td></tr>`,
      )
      .join('')}</tbody></table></div>${more(fs.length - shown.length, 'findings')}`,
  );
  return out.join('');
}

function columnsSection(ctx: Ctx, detailed: number[]): string {
  const cols = ctx.report.columns;
  if (!cols.length) return '<p>No columns.</p>';
  const out: string[] = [];
  const shown = cols.slice(0, C.overview);
  const rows = shown.map((c, i) => {
    const fs = ctx.byColumn.get(c.name) ?? [];
    const worst = fs.length ? fs[0]!.severity : null;
    const total = c.count + c.missing;
    const s = c.scores?.overall ?? null;
    const bar = s === null ? '' : `<span class="mini" aria-hidden="true"><span class="${scoreClass(s).replace('c-', 'm-')}" style="width:${Math.max(0, Math.min(100, s)).toFixed(1)}%"></span></span>`;
    const name = ctx.detailed.has(i) ? `<a href="#col-${i}">${esc(c.name, 80)}</a>` : esc(c.name, 80);
    return `<tr><td class="cname">${name}</td><td>${esc(c.type)}${c.approximate ? '<abbr title="approximate statistics">~</abbr>' : ''}</td><td class="num">${c.missing ? `${n(c.missing)} <span class="muted">(${esc(fmtPct(c.missing, total))})</span>` : '0'}</td><td class="num">${n(c.distinct)}</td><td class="num">${fs.length ? `${sev(worst!)} ${n(fs.length)}` : ''}</td><td class="num scorecell">${scoreText(s)}${bar}</td></tr>`;
  });
  out.push(
    `<div class="tw"><table class="tbl overview"><thead><tr><th>Column</th><th>Type</th><th class="num">Missing</th><th class="num">Distinct</th><th class="num">Findings</th><th class="num">Score</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${more(cols.length - shown.length, 'columns')}`,
  );
  if (detailed.length < cols.length) out.push(`<p class="more">Detailed sections for the ${n(detailed.length)} lowest-scoring columns; ${n(cols.length - detailed.length)} columns have none.</p>`);
  const open = cols.length <= 30;
  for (const i of detailed) out.push(columnDetail(ctx, cols[i]!, i, open || (ctx.byColumn.get(cols[i]!.name)?.some((f) => f.severity !== 'info') ?? false)));
  return out.join('');
}

function columnDetail(ctx: Ctx, c: ColumnProfile, i: number, open: boolean): string {
  const total = c.count + c.missing;
  const st = (v: number | string | null | undefined) => (v === null || v === undefined ? '<span class="muted">–</span>' : typeof v === 'string' ? value(v, 80) : esc(fmtNum(v)));
  const prof: [string, string][] = [
    ['Type', `${esc(c.type)}${c.approximate ? ' <span class="muted">(approximate statistics)</span>' : ''}`],
    ['Values', n(c.count)],
    ['Missing', `${n(c.missing)} (${esc(fmtPct(c.missing, total))})`],
    ['Distinct', n(c.distinct)],
  ];
  if (c.min !== null || c.max !== null) prof.push(['Min / max', `${st(c.min)} / ${st(c.max)}`]);
  if (c.mean !== null) prof.push(['Mean ± std', `${st(c.mean)}${c.std !== null ? ` ± ${st(c.std)}` : ''}`]);
  if (c.p25 !== null || c.median !== null || c.p75 !== null) prof.push(['p25 / median / p75', `${st(c.p25)} / ${st(c.median)} / ${st(c.p75)}`]);
  if (c.outliers)
    prof.push([
      'Outliers',
      `Tukey ${c.outliers.iqr === null ? '–' : n(c.outliers.iqr)}, z-score ${c.outliers.zscore === null ? '–' : n(c.outliers.zscore)}, robust ${c.outliers.mad === null ? '–' : n(c.outliers.mad)}`,
    ]);
  const sc = c.scores ?? ({} as ColumnProfile['scores']);
  const dimScores = DIMENSIONS.filter((d) => sc[d] !== null && sc[d] !== undefined).map((d) => `${d} ${scoreText(sc[d])}`);
  if (dimScores.length) prof.push(['Scores', dimScores.join(', ')]);
  for (const note of (c.notes ?? []).slice(0, C.notes)) prof.push(['Note', esc(note, C.message)]);

  let chart = '';
  if (c.histogram && Array.isArray(c.histogram.counts) && c.histogram.counts.length) {
    let fences: [number, number] | null = null;
    if (c.p25 !== null && c.p75 !== null) {
      const iqr = c.p75 - c.p25;
      fences = [c.p25 - 1.5 * iqr, c.p75 + 1.5 * iqr];
    }
    chart = `<figure>${histogram(c.histogram, { title: `Histogram of ${c.name.slice(0, 80)}`, fences, median: c.median })}<figcaption>Histogram${c.median !== null ? '; solid line: median' : ''}${fences ? `; dashed red lines: Tukey fences p25 − 1.5·IQR = ${esc(fmtNum(fences[0], 4))} and p75 + 1.5·IQR = ${esc(fmtNum(fences[1], 4))}, drawn when inside the range (shaded: outside the fences)` : ''}.</figcaption></figure>`;
  } else if (c.top && c.top.length) {
    const top = c.top.slice(0, C.top);
    if (top.length && top[0]!.count <= 1 && c.distinct >= c.count) chart = `<p class="muted">Every value is distinct (${n(c.distinct)} distinct values): no frequent values to chart.</p>`;
    else {
      const other = c.count - top.reduce((s, t) => s + t.count, 0);
      chart = `<figure>${barChart(
        top.map((t) => ({ label: t.value, count: t.count, muted: PLACEHOLDER.test(t.value) })),
        { title: `Most frequent values of ${c.name.slice(0, 80)}`, total: c.count },
      )}<figcaption>Most frequent values${other > 0 ? `; ${n(other)} other values` : ''}${top.some((t) => PLACEHOLDER.test(t.value)) ? ' (values hidden: the report was made with --no-examples)' : ''}.</figcaption></figure>`;
    }
  } else chart = `<p class="muted">${c.count === 0 ? 'No values.' : 'No distribution to chart.'}</p>`;

  const fs = ctx.byColumn.get(c.name) ?? [];
  const first = ctx.colIndex.get(c.name) === i;
  const fsShown = first ? fs.slice(0, C.colFindings) : [];
  const worst = fs.length && first ? fs[0]!.severity : null;
  const s = sc.overall ?? null;
  return (
    `<details class="col" id="col-${i}"${open ? ' open' : ''}><summary><span class="colname">${esc(c.name, 120)}</span> <span class="badge type">${esc(c.type)}</span> ${scoreText(s)}${worst ? ` ${sev(worst)} ${n(fs.length)} finding${fs.length === 1 ? '' : 's'}` : ''}</summary>` +
    `<div class="grid2"><div>${kvTable(prof)}</div><div>${chart}</div></div>` +
    (fsShown.length ? `<h4>Findings</h4>${findingList(ctx, fsShown, false)}${more(fs.length - fsShown.length, 'findings for this column')}` : '') +
    '</details>'
  );
}

// --- style -------------------------------------------------------------------------------------

const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1c2230;--muted:#5d6878;--line:#d9dee6;--track:#eceff4;--panel:#f5f7fa;--accent:#3565c4;--good:#23803a;--warn:#b57900;--bad:#c42d2d;--missing:#d4622a;--present:#e4e8ee;--stale:rgba(196,45,45,.10);--link:#2553ad;--code:#eef1f5}
@media (prefers-color-scheme:dark){:root{--bg:#13161b;--fg:#e4e8ef;--muted:#9aa5b5;--line:#343c48;--track:#262c36;--panel:#1a1f27;--accent:#6f9df0;--good:#4db469;--warn:#e2aa33;--bad:#f26b6b;--missing:#f0894c;--present:#29303b;--stale:rgba(242,107,107,.15);--link:#8cb6ff;--code:#232a34}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
th{overflow-wrap:normal}
.nw{white-space:nowrap}
.tbl .cname{overflow-wrap:break-word}
.wrap{max-width:1120px;margin:0 auto;padding:8px 16px 48px}
a{color:var(--link)}
a:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px;border-radius:3px}
.skip{position:absolute;left:-9999px;top:0;background:var(--bg);padding:8px 12px;z-index:10}
.skip:focus{left:8px;top:8px}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
h1{font-size:1.5rem;margin:16px 0 4px;line-height:1.25}
h1 .path{display:block;font-weight:500;font-size:1.05rem;color:var(--muted);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
h2{font-size:1.25rem;margin:0 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:18px 0 8px}
h4{font-size:.95rem;margin:12px 0 6px}
.meta{color:var(--muted);margin:0 0 8px}
.banner{padding:8px 12px;border-radius:6px;margin:8px 0;font-weight:600}
.banner.warn{background:color-mix(in srgb,var(--warn) 18%,transparent)}
.banner.bad{background:color-mix(in srgb,var(--bad) 18%,transparent)}
nav{margin:12px 0 20px}
.tocbox{padding:10px 14px;background:var(--panel);border:1px solid var(--line);border-radius:8px}
.toc{display:flex;flex-wrap:wrap;gap:4px 18px;padding:0;margin:0;list-style:none}
.toc>li{margin:0}
.toc-cols{margin-top:6px;font-size:.9rem}
.toc-cols>summary{cursor:pointer;color:var(--muted)}
.toc-cols ol{columns:14em;margin:6px 0;padding-left:1.6em;font-size:.9rem}
section{margin:0 0 28px;padding:16px;border:1px solid var(--line);border-radius:10px;background:var(--bg)}
figure{margin:8px 0 12px}
figcaption{color:var(--muted);font-size:.85rem;margin-top:4px}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,400px),1fr));gap:12px 24px;align-items:start}
svg.chart{display:block;width:100%;max-width:640px;height:auto}
svg text{fill:var(--fg);font-size:12px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg .t-small{font-size:11px}svg .t-tiny{font-size:8px}
svg .t-muted{fill:var(--muted)}
svg .t-bad{fill:var(--bad)}
svg .t-strong{font-weight:700}
svg .t-italic{font-style:italic}
.c-good{fill:var(--good)}.c-warn{fill:var(--warn)}.c-bad{fill:var(--bad)}.c-accent{fill:var(--accent)}.c-muted{fill:var(--muted)}.c-track{fill:var(--track)}.c-missing{fill:var(--missing)}.c-present{fill:var(--present)}.c-stale{fill:var(--stale)}
.c-grid{stroke:var(--line);stroke-width:1}.c-axis{stroke:var(--muted);stroke-width:1}.c-fence{stroke:var(--bad);stroke-width:2;stroke-dasharray:5 3}.c-median{stroke:var(--fg);stroke-width:2}.c-whisker{stroke:var(--fg);stroke-width:1.5}
.tw{max-width:100%}
table{border-collapse:collapse}
.tbl{width:100%;font-size:.92rem}
.tbl.narrow{width:auto;min-width:50%}
.tbl th,.tbl td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.tbl thead th{background:var(--panel);font-weight:600}
.tbl tr.group th{background:var(--panel);padding-top:8px}
.num{text-align:right!important;font-variant-numeric:tabular-nums;white-space:nowrap}
.kv{font-size:.92rem;width:100%}
.kv th{text-align:left;font-weight:500;color:var(--muted);padding:3px 12px 3px 0;vertical-align:top;width:34%}
.kv td{padding:3px 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
code.v{background:var(--code);padding:0 4px;border-radius:3px;white-space:pre-wrap}
.muted{color:var(--muted)}
.good-text{color:var(--good);font-weight:600}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:.78rem;font-weight:600;line-height:1.5;white-space:nowrap;border:1px solid transparent}
.sev-error,.st-failed{background:color-mix(in srgb,var(--bad) 18%,transparent);color:var(--bad);border-color:color-mix(in srgb,var(--bad) 40%,transparent)}
.sev-warn,.st-warned{background:color-mix(in srgb,var(--warn) 18%,transparent);color:var(--warn);border-color:color-mix(in srgb,var(--warn) 40%,transparent)}
.sev-info{background:color-mix(in srgb,var(--accent) 15%,transparent);color:var(--accent)}
.st-passed{background:color-mix(in srgb,var(--good) 15%,transparent);color:var(--good)}
.badge.type{background:var(--panel);color:var(--muted);border-color:var(--line)}
.score{font-weight:700;font-variant-numeric:tabular-nums;white-space:nowrap}
.s-good{color:var(--good)}.s-warn{color:var(--warn)}.s-bad{color:var(--bad)}.s-muted{color:var(--muted)}
.mini{display:inline-block;width:60px;height:8px;margin-left:8px;background:var(--track);border-radius:4px;overflow:hidden;vertical-align:middle}
.mini>span{display:block;height:100%}
.m-good{background:var(--good)}.m-warn{background:var(--warn)}.m-bad{background:var(--bad)}.m-muted{background:var(--muted)}
.verdict{display:flex;flex-direction:column;gap:2px;padding:14px 16px;border-radius:10px;margin-bottom:12px;border:2px solid}
.verdict .big{font-size:1.35rem;font-weight:700}
.v-pass{border-color:var(--good);background:color-mix(in srgb,var(--good) 10%,transparent)}
.v-pass .big{color:var(--good)}
.v-fail{border-color:var(--bad);background:color-mix(in srgb,var(--bad) 10%,transparent)}
.v-fail .big{color:var(--bad)}
.v-none{border-color:var(--line);background:var(--panel)}
.findings{list-style:none;padding:0;margin:6px 0}
.finding{padding:8px 10px;margin:6px 0;border-left:4px solid var(--line);background:var(--panel);border-radius:0 6px 6px 0}
.finding.f-error{border-left-color:var(--bad)}.finding.f-warn{border-left-color:var(--warn)}.finding.f-info{border-left-color:var(--accent)}
.finding p{margin:4px 0}
.finding .count{float:right;font-variant-numeric:tabular-nums;font-weight:600}
.fid{color:var(--muted)}
.ex{margin:4px 0 0;padding-left:1.3em;font-size:.88rem}
.variants{list-style:none;padding:0;margin:0}
.clusters .arrow{font-size:1.2rem;color:var(--muted);text-align:center;width:2em}
details.col{border:1px solid var(--line);border-radius:8px;margin:12px 0;padding:0 14px}
details.col[open]{padding-bottom:12px}
details.col>summary{cursor:pointer;padding:10px 0;font-weight:600;list-style-position:outside;margin-left:1em}
details.col>summary .colname{font-size:1.05rem}
details.plain>summary{cursor:pointer;color:var(--link);font-size:.9rem;margin:4px 0}
.plainlist{font-size:.9rem}
.more{color:var(--muted);font-size:.9rem}
.periods code{display:inline-block;margin:2px 4px 2px 0}
footer{color:var(--muted);font-size:.85rem;margin-top:24px}
@media (max-width:640px){.nw{white-space:normal}.num{white-space:normal}.mini{display:none}.overview th:nth-child(4),.overview td:nth-child(4){display:none}.stack thead{display:none}.stack tr{display:block;border-bottom:1px solid var(--line);padding:4px 0}.stack td{display:inline-block;border:0!important;padding:2px 6px 2px 0!important;text-align:left!important}.stack td.msg{display:block}.tbl .cname{overflow-wrap:anywhere}body{font-size:14px}.wrap{padding:4px 8px 32px}section{padding:10px}.tbl th,.tbl td{padding:4px 4px}.kv th{width:40%}}
@media print{body{background:#fff;color:#000}section{break-inside:avoid-page;border:none}.skip,nav{display:none}}
`
  .trim()
  .replace(/\n/g, '');
