/**
 * Inline SVG charts for the HTML report (src/report/html.ts). Pure functions returning markup strings.
 *
 * - No scripts, no external references, no event attributes: the report's CSP forbids them anyway.
 * - Colours come from CSS classes (c-good, c-warn, c-bad, c-accent, c-muted, c-grid, c-stale) that the page's
 *   stylesheet maps to custom properties, so charts follow light and dark mode.
 * - Every piece of text passes `esc` (HTML/XML escaping of & < > " ' after making control, line-separator and
 *   bidi characters visible); labels copied from the data are cut to a few dozen characters, with the full
 *   (escaped) text in a <title> tooltip.
 * - Each chart has role="img" and an aria-label; the report also shows the same figures as text.
 */
import { forTerminal } from './sanitize.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Cut a string to at most `max` code points (never inside a surrogate pair), with an ellipsis. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cps = Array.from(s);
  return cps.length <= max ? s : cps.slice(0, Math.max(1, max - 1)).join('') + '…';
}

/**
 * Text made safe for HTML text and attribute values: control characters, U+2028/U+2029, bidi controls and
 * ANSI escape sequences become visible escapes (\x1b, \u2028), the result is cut to `max` code points, then
 * & < > " ' become entities. Numbers, null and undefined are accepted (null/undefined give '').
 */
export function esc(v: unknown, max = Infinity): string {
  let s = typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
  s = forTerminal(s, Number.MAX_SAFE_INTEGER);
  if (max !== Infinity) s = clip(s, max);
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

/** A compact number: integers as is, others to 4–6 significant digits, large/small in exponent form. */
export function fmtNum(v: unknown, digits = 6): string {
  if (typeof v === 'string') return v;
  if (typeof v !== 'number') return '';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e9 || a < 1e-3)) return v.toExponential(Math.max(1, digits - 3));
  return String(Number(v.toPrecision(digits)));
}

export function fmtPct(part: number, whole: number): string {
  if (!(whole > 0)) return '–';
  const p = (100 * part) / whole;
  if (p === 0) return '0%';
  if (p < 0.1) return '<0.1%';
  if (p > 99.9 && p < 100) return '>99.9%';
  return `${p < 10 ? p.toFixed(2).replace(/0$/, '') : p.toFixed(1)}%`;
}

/** A duration in ms as the largest sensible unit: 36 h, 1500 d, 12 min, 45 s. */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0';
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [u, name] of units) {
    if (a >= 2 * u) {
      const x = a / u;
      return `${sign}${x >= 100 ? Math.round(x) : Number(x.toPrecision(3))} ${name}`;
    }
  }
  return `${sign}${Math.round(a)} ms`;
}

/** Longest tooltip text for a cut label. */
const TITLE_CHARS = 120;
/** Histograms with more bins are drawn with adjacent bins merged. */
const MAX_BINS = 60;

const r1 = (x: number) => Math.round(x * 10) / 10;

/** CSS class for a 0..100 score. */
export function scoreClass(s: number | null): string {
  return s === null ? 'c-muted' : s >= 95 ? 'c-good' : s >= 80 ? 'c-warn' : 'c-bad';
}

function open(w: number, h: number, label: string, cls = 'chart'): string {
  return `<svg class="${cls}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" style="max-width:${w}px" role="img" aria-label="${esc(label, 200)}"><title>${esc(label, 200)}</title>`;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${r1(x)}" y="${r1(y)}"${attrs ? ' ' + attrs : ''}>${s}</text>`;
}

/** A label copied from data: cut, with the full text in a tooltip. */
function dataLabel(x: number, y: number, raw: string, max: number, attrs = ''): string {
  const cut = esc(raw, max);
  const full = esc(raw, TITLE_CHARS);
  return cut === full ? text(x, y, cut, attrs) : `<text x="${r1(x)}" y="${r1(y)}"${attrs ? ' ' + attrs : ''}><title>${full}</title>${cut}</text>`;
}

// ---------------------------------------------------------------------------------------------

export interface ScoreItem {
  label: string;
  value: number | null;
  /** Optional second value drawn as a thin marker bar (e.g. the baseline's score). */
  compare?: number | null;
  strong?: boolean;
}

/** Horizontal 0–100 bars, one per score; null = "not assessed". With `compare`, a thin bar below each. */
export function scoreBars(items: ScoreItem[], title = 'Scores'): string {
  const W = 480;
  const withCmp = items.some((i) => i.compare !== undefined);
  const rowH = withCmp ? 34 : 26;
  const H = items.length * rowH + 24;
  const x0 = 104;
  const bw = 320;
  const out = [open(W, H, title)];
  // grid at 0, 50, 80, 95, 100
  for (const g of [0, 50, 80, 95, 100]) {
    const x = x0 + (bw * g) / 100;
    out.push(`<line class="c-grid" x1="${r1(x)}" y1="4" x2="${r1(x)}" y2="${H - 18}"/>`);
    if (g !== 95) out.push(text(x, H - 4, String(g), 'class="t-small" text-anchor="middle"'));
  }
  items.forEach((it, i) => {
    const y = 6 + i * rowH;
    out.push(text(x0 - 8, y + 14, esc(it.label, 18), `text-anchor="end"${it.strong ? ' class="t-strong"' : ''}`));
    out.push(`<rect class="c-track" x="${x0}" y="${y + 2}" width="${bw}" height="16" rx="3"/>`);
    if (it.value !== null) {
      const w = Math.max(0, Math.min(100, it.value)) * (bw / 100);
      out.push(`<rect class="${scoreClass(it.value)}" x="${x0}" y="${y + 2}" width="${r1(w)}" height="16" rx="3"/>`);
      out.push(text(x0 + bw + 8, y + 15, esc(it.value.toFixed(1)), it.strong ? 'class="t-strong"' : ''));
    } else out.push(text(x0 + bw + 8, y + 15, 'n/a', 'class="t-muted"'));
    if (it.compare !== undefined) {
      if (it.compare !== null) {
        const w = Math.max(0, Math.min(100, it.compare)) * (bw / 100);
        out.push(`<rect class="c-muted" x="${x0}" y="${y + 21}" width="${r1(w)}" height="6" rx="2"><title>baseline ${esc(it.compare.toFixed(1))}</title></rect>`);
      }
    }
  });
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------------------------

export interface HistogramOptions {
  title: string;
  /** Tukey fences [lo, hi]; each is drawn only when strictly inside the histogram's range. */
  fences?: [number, number] | null;
  median?: number | null;
}

/** A histogram with its range, the highest count and optional fence and median markers. */
export function histogram(h0: { edges: number[]; counts: number[] }, o: HistogramOptions): string {
  let h = h0;
  if (h.counts.length > MAX_BINS && h.edges.length === h.counts.length + 1) {
    const k = Math.ceil(h.counts.length / MAX_BINS);
    const edges: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < h.counts.length; i += k) {
      edges.push(h.edges[i]!);
      counts.push(h.counts.slice(i, i + k).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0));
    }
    edges.push(h.edges[h.edges.length - 1]!);
    h = { edges, counts };
  }
  const W = 480;
  const H = 190;
  const left = 44;
  const right = 12;
  const top = 22;
  const bottom = 150;
  const pw = W - left - right;
  const counts = h.counts.map((c) => (Number.isFinite(c) && c > 0 ? c : 0));
  const n = counts.length;
  const lo = h.edges[0];
  const hi = h.edges[h.edges.length - 1];
  if (!n || typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi)) return '';
  const max = Math.max(1, ...counts);
  const span = hi - lo;
  const xOf = (v: number) => left + (span > 0 ? ((v - lo) / span) * pw : pw / 2);
  const out = [open(W, H, o.title)];
  out.push(`<line class="c-axis" x1="${left}" y1="${bottom}" x2="${W - right}" y2="${bottom}"/>`);
  out.push(`<line class="c-axis" x1="${left}" y1="${top}" x2="${left}" y2="${bottom}"/>`);
  out.push(text(left - 6, top + 4, esc(fmtNum(max)), 'class="t-small" text-anchor="end"'));
  out.push(text(left - 6, bottom, '0', 'class="t-small" text-anchor="end"'));
  for (let i = 0; i < n; i++) {
    const a = span > 0 ? (h.edges[i] ?? lo) : lo;
    const b = span > 0 ? (h.edges[i + 1] ?? hi) : hi;
    const x = span > 0 ? xOf(a) : left;
    const w = span > 0 ? Math.max(0.5, xOf(b) - xOf(a) - 1) : pw;
    const bh = ((bottom - top) * counts[i]!) / max;
    out.push(
      `<rect class="c-accent" x="${r1(x)}" y="${r1(bottom - bh)}" width="${r1(w)}" height="${r1(bh)}"><title>${esc(fmtNum(a))} – ${esc(fmtNum(b))}: ${counts[i]}</title></rect>`,
    );
  }
  out.push(text(left, bottom + 16, esc(fmtNum(lo)), 'class="t-small" text-anchor="start"'));
  out.push(text(W - right, bottom + 16, esc(fmtNum(hi)), 'class="t-small" text-anchor="end"'));
  if (span > 0) out.push(text(left + pw / 2, bottom + 16, esc(fmtNum(lo + span / 2)), 'class="t-small" text-anchor="middle"'));
  const marks: string[] = [];
  if (o.median !== null && o.median !== undefined && Number.isFinite(o.median) && span > 0 && o.median >= lo && o.median <= hi) {
    const x = xOf(o.median);
    out.push(`<line class="c-median" x1="${r1(x)}" y1="${top - 4}" x2="${r1(x)}" y2="${bottom}"><title>median ${esc(fmtNum(o.median))}</title></line>`);
    marks.push(`median ${fmtNum(o.median)}`);
  }
  if (o.fences && span > 0) {
    const [flo, fhi] = o.fences;
    const fence = (v: number, label: string) => {
      const x = xOf(v);
      out.push(`<line class="c-fence" x1="${r1(x)}" y1="${top - 14}" x2="${r1(x)}" y2="${bottom}"><title>${esc(`${label} ${fmtNum(v)}`)}</title></line>`);
      const startAnchor = x < left + pw / 2;
      out.push(text(startAnchor ? x + 4 : x - 4, top - 6, esc(`${label} ${fmtNum(v, 4)}`), `class="t-small t-bad" text-anchor="${startAnchor ? 'start' : 'end'}"`));
    };
    const loIn = Number.isFinite(flo) && flo > lo && flo < hi;
    const hiIn = Number.isFinite(fhi) && fhi > lo && fhi < hi;
    // shade the outlier zones first so the lines stay on top
    if (loIn) out.splice(1, 0, `<rect class="c-stale" x="${left}" y="${top}" width="${r1(xOf(flo) - left)}" height="${bottom - top}"/>`);
    if (hiIn) out.splice(1, 0, `<rect class="c-stale" x="${r1(xOf(fhi))}" y="${top}" width="${r1(W - right - xOf(fhi))}" height="${bottom - top}"/>`);
    if (loIn) fence(flo, 'lower fence');
    if (hiIn) fence(fhi, 'upper fence');
  }
  out.push(text(W - right, bottom + 34, esc(marks.join(' · ')), 'class="t-small t-muted" text-anchor="end"'));
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------------------------

export interface BarItem {
  label: string;
  count: number;
  /** Render the label in italics and muted (placeholders such as "(value 1)"). */
  muted?: boolean;
}

/** Horizontal bars with a label on the left and the count (and share of `total`) on the right. */
export function barChart(items: BarItem[], o: { title: string; total?: number; barClass?: string; labelChars?: number }): string {
  const W = 480;
  const rowH = 20;
  const H = items.length * rowH + 8;
  const x0 = 170;
  const bw = 200;
  const max = Math.max(1, ...items.map((i) => i.count));
  const out = [open(W, H, o.title)];
  items.forEach((it, i) => {
    const y = 4 + i * rowH;
    out.push(dataLabel(x0 - 8, y + 13, it.label, o.labelChars ?? 24, `text-anchor="end"${it.muted ? ' class="t-muted t-italic"' : ''}`));
    const w = (bw * Math.max(0, it.count)) / max;
    out.push(`<rect class="${o.barClass ?? 'c-accent'}" x="${x0}" y="${y + 2}" width="${r1(Math.max(w, it.count > 0 ? 1 : 0))}" height="14" rx="2"/>`);
    const share = o.total !== undefined ? ` (${fmtPct(it.count, o.total)})` : '';
    out.push(text(x0 + bw + 8, y + 13, esc(`${fmtNum(it.count)}${share}`), 'class="t-small"'));
  });
  out.push('</svg>');
  return out.join('');
}

/** Horizontal 0–100% bars (e.g. the missing share per column). Values are shares in [0, 1]. */
export function shareBars(items: { label: string; share: number; note?: string }[], o: { title: string; barClass?: string }): string {
  const W = 480;
  const rowH = 20;
  const H = items.length * rowH + 26;
  const x0 = 160;
  const bw = 220;
  const out = [open(W, H, o.title)];
  for (const g of [0, 25, 50, 75, 100]) {
    const x = x0 + (bw * g) / 100;
    out.push(`<line class="c-grid" x1="${x}" y1="2" x2="${x}" y2="${H - 20}"/>`);
    out.push(text(x, H - 6, `${g}%`, 'class="t-small" text-anchor="middle"'));
  }
  items.forEach((it, i) => {
    const y = 4 + i * rowH;
    out.push(dataLabel(x0 - 8, y + 13, it.label, 22, 'text-anchor="end"'));
    out.push(`<rect class="c-track" x="${x0}" y="${y + 2}" width="${bw}" height="14" rx="2"/>`);
    const s = Math.max(0, Math.min(1, it.share));
    if (s > 0) out.push(`<rect class="${o.barClass ?? 'c-warn'}" x="${x0}" y="${y + 2}" width="${r1(Math.max(1, bw * s))}" height="14" rx="2"/>`);
    out.push(text(x0 + bw + 8, y + 13, esc(it.note ?? fmtPct(s, 1)), 'class="t-small"'));
  });
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------------------------

/**
 * The missingness pattern matrix: one row per pattern (most frequent first), one column per data column
 * that is missing in at least one shown pattern; a filled cell = missing in that pattern. Counts on the right.
 */
export function patternMatrix(columns: string[], patterns: { columns: string[]; count: number }[], total: number, title: string): string {
  const nC = columns.length;
  const nP = patterns.length;
  if (!nC || !nP) return '';
  const W = 480;
  const labelH = 110;
  const right = 118;
  const left = 30;
  const cw = Math.max(5, Math.min(30, (W - left - right) / nC));
  const ch = 20;
  const H = labelH + nP * ch + 8;
  const out = [open(W, H, title, 'chart matrix')];
  const labelChars = 16;
  columns.forEach((c, j) => {
    const x = left + j * cw + cw / 2 + 3;
    out.push(dataLabel(x, labelH - 6, c, labelChars, `class="${cw < 9 ? 't-tiny' : 't-small'}" transform="rotate(-55 ${r1(x)} ${labelH - 6})"`));
  });
  const index = new Map(columns.map((c, j) => [c, j]));
  patterns.forEach((p, i) => {
    const y = labelH + i * ch;
    out.push(text(left - 6, y + 14, `#${i + 1}`, 'class="t-small t-muted" text-anchor="end"'));
    const miss = new Set(p.columns.map((c) => index.get(c)).filter((j): j is number => j !== undefined));
    for (let j = 0; j < nC; j++) {
      const cls = miss.has(j) ? 'c-missing' : 'c-present';
      out.push(`<rect class="${cls}" x="${r1(left + j * cw + (cw >= 8 ? 1 : 0.5))}" y="${y + 1}" width="${r1(cw >= 8 ? cw - 2 : cw - 1)}" height="${ch - 2}"/>`);
    }
    out.push(text(left + nC * cw + 8, y + 14, esc(`${fmtNum(p.count)} rows (${fmtPct(p.count, total)})`), 'class="t-small"'));
  });
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------------------------

export interface AgeQuantiles {
  min?: number;
  p25?: number;
  p50?: number;
  p75?: number;
  p90?: number;
  max?: number;
}

/**
 * Record ages on one axis (0 = the reference time, on the left): whiskers min–max, box p25–p75, the median,
 * a p90 tick and the age limit as a red line with the stale region shaded.
 */
export function ageBar(q: AgeQuantiles, maxAgeMs: number | null, title: string): string {
  const vals = [q.min, q.p25, q.p50, q.p75, q.p90, q.max].filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (!vals.length) return '';
  const W = 480;
  const H = 110;
  const left = 20;
  const right = 20;
  const pw = W - left - right;
  const lo = Math.min(0, ...vals);
  const hiRaw = Math.max(...vals, maxAgeMs !== null && Number.isFinite(maxAgeMs) ? maxAgeMs : -Infinity);
  const hi = hiRaw > lo ? lo + (hiRaw - lo) * 1.06 : lo + 1;
  const xOf = (v: number) => left + ((v - lo) / (hi - lo)) * pw;
  const yMid = 52;
  const out = [open(W, H, title)];
  if (maxAgeMs !== null && Number.isFinite(maxAgeMs)) {
    const x = xOf(maxAgeMs);
    out.push(`<rect class="c-stale" x="${r1(x)}" y="24" width="${r1(W - right - x)}" height="56"/>`);
  }
  out.push(`<line class="c-axis" x1="${left}" y1="84" x2="${W - right}" y2="84"/>`);
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    const x = xOf(v);
    out.push(`<line class="c-axis" x1="${r1(x)}" y1="84" x2="${r1(x)}" y2="88"/>`);
    const label = k === 0 && v === 0 ? '0 (as of)' : fmtDuration(v);
    out.push(text(x, 101, esc(label), `class="t-small" text-anchor="${k === 0 ? 'start' : k === 4 ? 'end' : 'middle'}"`));
  }
  if (q.min !== undefined && q.max !== undefined) {
    out.push(`<line class="c-whisker" x1="${r1(xOf(q.min))}" y1="${yMid}" x2="${r1(xOf(q.max))}" y2="${yMid}"/>`);
    for (const v of [q.min, q.max]) out.push(`<line class="c-whisker" x1="${r1(xOf(v))}" y1="${yMid - 9}" x2="${r1(xOf(v))}" y2="${yMid + 9}"/>`);
  }
  if (q.p25 !== undefined && q.p75 !== undefined) {
    const a = xOf(q.p25);
    const b = xOf(q.p75);
    out.push(`<rect class="c-accent" x="${r1(a)}" y="${yMid - 12}" width="${r1(Math.max(1, b - a))}" height="24" rx="2"><title>p25–p75: ${esc(fmtDuration(q.p25))} – ${esc(fmtDuration(q.p75))}</title></rect>`);
  }
  if (q.p50 !== undefined) out.push(`<line class="c-median" x1="${r1(xOf(q.p50))}" y1="${yMid - 14}" x2="${r1(xOf(q.p50))}" y2="${yMid + 14}"/>`);
  if (q.p90 !== undefined) out.push(`<line class="c-whisker" x1="${r1(xOf(q.p90))}" y1="${yMid - 6}" x2="${r1(xOf(q.p90))}" y2="${yMid + 6}"><title>p90 ${esc(fmtDuration(q.p90))}</title></line>`);
  if (maxAgeMs !== null && Number.isFinite(maxAgeMs)) {
    const x = xOf(maxAgeMs);
    out.push(`<line class="c-fence" x1="${r1(x)}" y1="14" x2="${r1(x)}" y2="84"/>`);
    const anchor = x > W - 140 ? 'end' : 'start';
    out.push(text(anchor === 'end' ? x - 4 : x + 4, 18, esc(`max age ${fmtDuration(maxAgeMs)}`), `class="t-small t-bad" text-anchor="${anchor}"`));
  }
  out.push('</svg>');
  return out.join('');
}

/** One horizontal stacked bar of parts (e.g. unique rows vs duplicate rows) with a legend underneath. */
export function stackedBar(parts: { label: string; value: number; cls: string }[], title: string): string {
  const total = parts.reduce((s, p) => s + Math.max(0, p.value), 0);
  const W = 640;
  const H = 52;
  const out = [open(W, H, title)];
  out.push(`<rect class="c-track" x="0" y="4" width="${W}" height="18" rx="3"/>`);
  let x = 0;
  let lx = 0;
  for (const p of parts) {
    const w = total > 0 ? (W * Math.max(0, p.value)) / total : 0;
    if (w > 0) out.push(`<rect class="${p.cls}" x="${r1(x)}" y="4" width="${r1(Math.max(w, 1))}" height="18"/>`);
    x += w;
    out.push(`<rect class="${p.cls}" x="${lx}" y="32" width="12" height="12"/>`);
    const label = `${p.label}: ${fmtNum(p.value)} (${fmtPct(p.value, total)})`;
    out.push(text(lx + 16, 42, esc(label), 'class="t-small"'));
    lx += 24 + label.length * 6.5;
  }
  out.push('</svg>');
  return out.join('');
}
