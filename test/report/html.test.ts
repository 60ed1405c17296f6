import { describe, expect, it } from 'vitest';
import { CSP, renderHtml } from '../../src/report/html.js';
import { ageBar, esc, fmtDuration, histogram } from '../../src/report/svg.js';
import { auditRows, makeProfile, makeReport } from '../../src/gate/fixture.js';
import { compareBaseline } from '../../src/gate/baseline.js';
import type { Finding, Report, RuleResult } from '../../src/core/types.js';
import { auditFile, tmpFile } from '../helpers.js';

const SCRIPT = '<script>alert(1)</script>';
const ATTR = '" onmouseover="alert(1)" x="';
const STYLE = '</style><style>body{display:none}</style>';
const JS_URL = 'javascript:alert(document.cookie)';
const LS = 'line\u2028separator\u2029para';
const SQ = "it's <b>bold</b> & more";
const HOSTILE = [SCRIPT, ATTR, STYLE, JS_URL, LS, SQ];

const TAGS = new Set(
  'html head meta title style body a div header h1 h2 h3 h4 nav ol ul li details summary main section p span code table thead tbody tr th td figure figcaption svg rect line text footer abbr'.split(' '),
);
const ATTRS = new Set(
  'lang charset http-equiv content name class id href style xmlns viewbox width height role aria-label aria-labelledby aria-hidden x y x1 y1 x2 y2 rx text-anchor transform open colspan scope title'.split(' '),
);

/** Structural checks that hold for any report: only known tags and attributes, in-page links only. */
function assertSafe(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<(?![a-zA-Z/!])/); // every '<' opens a tag, a closing tag or the doctype
  expect(html.match(/<\/style>/g)).toHaveLength(1);
  expect(html.match(/<style>/g)).toHaveLength(1);
  for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    expect(TAGS, `tag <${m[1]}>`).toContain(m[1]!.toLowerCase());
    const attrs = m[2]!.replace(/="[^"]*"/g, '').trim().split(/\s+/).filter(Boolean).map((a) => a.replace(/\/$/, ''));
    for (const a of attrs.filter(Boolean)) expect(ATTRS, `attribute ${a} in <${m[1]}>`).toContain(a.toLowerCase());
    for (const h of m[2]!.matchAll(/\bhref="([^"]*)"/g)) expect(h[1]).toMatch(/^#[a-z][a-z0-9-]*$/);
  }
  for (const u of html.matchAll(/\b(?:https?|ftp):\/\/[^\s"<]*/g)) expect(u[0]).toBe('http://www.w3.org/2000/svg');
  expect(html).not.toMatch(/[\u2028\u2029]/);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`);
}

function hostileReport(): Report {
  const rows = 10;
  const examples = HOSTILE.map((v, i) => ({ row: i + 1, line: i + 2, value: v }));
  const columns = HOSTILE.map((name, i) =>
    makeProfile(name, {
      type: i % 2 ? 'float' : 'categorical',
      count: 9,
      missing: 1,
      distinct: 6,
      min: i % 2 ? 0 : SCRIPT,
      max: i % 2 ? 100 : ATTR,
      mean: i % 2 ? 50 : null,
      p25: i % 2 ? 40 : null,
      median: i % 2 ? 50 : null,
      p75: i % 2 ? 60 : null,
      histogram: i % 2 ? { edges: [0, 25, 50, 75, 100], counts: [1, 3, 4, 1] } : null,
      top: i % 2 ? [] : HOSTILE.map((v, j) => ({ value: v, count: 6 - j })),
      notes: [SCRIPT, LS],
    }),
  );
  const findings: Finding[] = HOSTILE.map((h, i) => ({
    check: i ? 'noise' : SCRIPT,
    id: i ? 'whitespace' : ATTR,
    dimension: 'validity',
    severity: (['error', 'warn', 'info'] as const)[i % 3],
    column: i === 5 ? null : h,
    message: `${h} message ${SCRIPT} ${STYLE}`,
    count: 2,
    examples,
    data: { value: h },
  }));
  findings.push({
    check: 'timeliness',
    id: 'gaps',
    dimension: null,
    severity: 'warn',
    column: SCRIPT,
    message: 'gaps',
    count: 2,
    examples: [],
    data: { periods: [SCRIPT, ATTR] },
  });
  const rules: RuleResult[] = [
    { id: `${SCRIPT}.pattern`, column: ATTR, status: 'failed', severity: 'error', message: `${STYLE} ${JS_URL}`, count: 3, examples },
    { id: `baseline.${SCRIPT}.type`, column: SCRIPT, status: 'failed', severity: 'error', message: `type changed from ${SCRIPT} to ${ATTR}`, count: null, examples: [] },
    { id: `baseline.${ATTR}.missing`, column: ATTR, status: 'warned', severity: 'warn', message: `${LS} ${SQ}`, count: 1, examples: [] },
    { id: 'baseline.score.overall', column: null, status: 'passed', severity: 'error', message: 'overall score 90 vs baseline 91 (drop 1, allowed 5)', count: 1, examples: [] },
  ];
  return makeReport({
    source: { path: `${SCRIPT}${ATTR}.csv`, format: 'csv', bytes: 100, sha256: `${SCRIPT}abc`, details: { x: SCRIPT } },
    rows,
    columns,
    findings,
    duplicates: { rows: 1, keyRows: 2, nearRows: 0, key: [SCRIPT, ATTR], approximate: false },
    metrics: {
      missingness: { completeRows: 5, incompleteRows: 5, patterns: [{ columns: [SCRIPT, ATTR, STYLE], count: 3 }, { columns: [LS], count: 2 }], patternsTruncated: 0 },
      consistency: { clusters: { [SCRIPT]: [{ dominant: ATTR, count: 5, variants: [{ value: STYLE, count: 2, match: SCRIPT }, { value: JS_URL, count: 1, match: 'edit' }] }] } },
      timeliness: {
        column: SCRIPT,
        asOf: SCRIPT,
        newest: ATTR,
        oldest: STYLE,
        maxAgeMs: 5e9,
        step: SCRIPT,
        gaps: 2,
        ageQuantiles: { min: 1e8, p25: 1e9, p50: 2e9, p75: 4e9, p90: 6e9, max: 8e9 },
      },
    },
    checks: [SCRIPT],
    gate: { passed: false, rules },
  });
}

describe('escaping', () => {
  it('esc: the five characters, control and separator characters, cuts', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(esc(LS)).toBe('line\\u2028separator\\u2029para');
    expect(esc('a\u0000b\u001b[31mc')).toBe('a\\x00b\\x1b[31mc');
    expect(esc('\u202eevil')).toBe('\\u202eevil');
    expect(esc('x'.repeat(50), 10)).toBe('x'.repeat(9) + '…');
    expect(esc('😀😀😀', 2)).toBe('😀…');
    expect(esc(null)).toBe('');
    expect(esc(12.5)).toBe('12.5');
  });

  it('hostile names, values, messages and top values appear only escaped', () => {
    const html = renderHtml(hostileReport());
    assertSafe(html);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot; onmouseover=&quot;alert(1)&quot; x=&quot;');
    expect(html).toContain('&lt;/style&gt;&lt;style&gt;body{display:none}&lt;/style&gt;');
    expect(html).toContain('it&#39;s &lt;b&gt;bold&lt;/b&gt; &amp; more');
    expect(html).toContain('line\\u2028separator\\u2029para');
    expect(html).toContain(JS_URL); // as text only: assertSafe checked every href is an in-page anchor
    expect(html).not.toContain('onmouseover="');
    // every section rendered
    for (const id of ['summary', 'gate', 'baseline', 'missingness', 'duplicates', 'spelling', 'timeliness', 'findings', 'columns'])
      expect(html).toContain(`<section id="${id}"`);
  });
});

describe('renderHtml', () => {
  it('is self-contained: CSP meta, no scripts, no external resources, dark mode, responsive', () => {
    const html = renderHtml(auditRows(['id', 'kind', 'x'], Array.from({ length: 30 }, (_, i) => [i, i % 3 ? 'a' : 'b', i % 4 ? i * 1.5 : null]), null));
    assertSafe(html);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html).toContain('@media (prefers-color-scheme:dark)');
    expect(html).toContain('name="viewport"');
    expect(html).not.toMatch(/\bsrc=|@import|url\(|<link|<iframe|<object|<embed|\son[a-z]+=/i);
    expect(html).toContain('<nav aria-label="Contents">');
    expect(html).toContain('<a class="skip" href="#main">');
  });

  it('a report with a gate: verdict and rules, failed first', () => {
    const report = makeReport({
      rows: 3,
      columns: [makeProfile('a', { count: 3 })],
      gate: {
        passed: false,
        rules: [
          { id: 'min_scores.overall', column: null, status: 'passed', severity: 'error', message: 'overall 100 >= 90', count: null, examples: [] },
          { id: 'a.allowed', column: 'a', status: 'failed', severity: 'error', message: '2 values not allowed', count: 2, examples: [{ row: 2, line: 3, value: 'zzz' }] },
          { id: 'a.pattern', column: 'a', status: 'warned', severity: 'warn', message: 'pattern', count: 1, examples: [] },
        ],
      },
    });
    const html = renderHtml(report);
    assertSafe(html);
    expect(html).toContain('Gate failed');
    expect(html).toContain('3 rules: 1 passed, 1 warned, 1 failed');
    const gate = html.slice(html.indexOf('<section id="gate"'), html.indexOf('</section>', html.indexOf('<section id="gate"')));
    expect(gate.indexOf('a.allowed')).toBeLessThan(gate.indexOf('a.pattern'));
    expect(gate.indexOf('a.pattern')).toBeLessThan(gate.indexOf('min_scores.overall'));
    expect(gate).toContain('row 2, line 3: <code class="v">zzz</code>');
    expect(renderHtml(makeReport({ gate: { passed: true, rules: [] } }))).toContain('Gate passed');
    expect(renderHtml(makeReport())).toContain('Gate not evaluated');
  });

  it('a report with a baseline: changes side by side', () => {
    const base = auditRows(['id', 'kind', 'gone'], Array.from({ length: 40 }, (_, i) => [i, i % 2 ? 'a' : 'b', 'x']), null);
    const cur = auditRows(['id', 'kind', 'extra'], Array.from({ length: 30 }, (_, i) => [String(i % 3 === 0 ? '' : i), i % 5 ? 'c' : 'b', 'y']), null);
    cur.scores.overall = 80;
    base.scores.overall = 95;
    const rules = compareBaseline(cur, base);
    cur.gate = { passed: false, rules };
    const html = renderHtml(cur);
    assertSafe(html);
    const sec = html.slice(html.indexOf('<section id="baseline"'), html.indexOf('</section>', html.indexOf('<section id="baseline"')));
    expect(sec).toContain('<th>Baseline</th><th>Current</th><th>Change</th>');
    expect(sec).toMatch(/<td>score: overall<\/td><td>95<\/td><td>80<\/td><td>-15<\/td>/);
    expect(sec).toMatch(/<td>rows<\/td><td>40<\/td><td>30<\/td><td>-10 \(-25%\)<\/td>/);
    expect(sec).toContain('<td>vanished</td>');
    expect(sec).toContain('<td>new</td>');
    expect(sec).toMatch(/<td>missing<\/td><td>0%<\/td><td>[\d.]+%<\/td>/);
    expect(sec).toContain('PSI ');
    expect(sec).toContain('Thick bars: this report; thin grey bars: the baseline.');
    // baseline rules are not repeated in the gate table
    expect(html).not.toContain('<section id="gate"');
  });

  it('a report with no rows and no columns', () => {
    const empty = auditRows(['a', 'b'], [], null);
    const html = renderHtml(empty);
    assertSafe(html);
    expect(html).toContain('0 rows');
    expect(html).toContain('No column has missing values (there are no rows)');
    const none = renderHtml(makeReport({ columns: [], scores: { ...makeReport().scores, overall: null } }));
    assertSafe(none);
    expect(none).toContain('No columns.');
  });

  it('a --no-examples report: null example values, placeholder top values', () => {
    const report = makeReport({
      rows: 4,
      columns: [makeProfile('city', { type: 'categorical', count: 4, distinct: 2, top: [{ value: '(value 1)', count: 3 }, { value: '(value 2)', count: 1 }] })],
      findings: [{ check: 'noise', id: 'whitespace', dimension: 'consistency', severity: 'warn', column: 'city', message: 'city: 1 padded value', count: 1, examples: [{ row: 2, line: 3, value: null }, { row: 4 } as never] }],
    });
    const html = renderHtml(report);
    assertSafe(html);
    expect(html).toContain('values hidden: the report was made with --no-examples');
    expect(html).toContain('class="t-muted t-italic">(value 1)</text>');
    expect(html).toContain('<li>row 2, line 3</li><li>row 4</li>');
  });

  it('a real --no-examples audit renders', async () => {
    const p = tmpFile('h.csv', 'city,n\nParis,1\nparis,2\nParis,3\n Paris,4\nLondon,\n');
    const r = await auditFile(p, { examples: false });
    const html = renderHtml(r);
    assertSafe(html);
    expect(html).toContain('(value 1)');
    expect(html).not.toMatch(/<code class="v">/); // no example value, top value or cluster value
    expect(html).toContain('Values are hidden: the report was made with --no-examples.');
  });

  it('marks the Tukey fences only when inside the histogram range', () => {
    const h = { edges: [0, 2, 4, 6, 8, 10], counts: [1, 2, 5, 2, 1] };
    const inside = histogram(h, { title: 't', fences: [1, 9] });
    expect(inside.match(/class="c-fence"/g)).toHaveLength(2);
    expect(inside).toContain('lower fence 1');
    expect(inside).toContain('upper fence 9');
    expect(histogram(h, { title: 't', fences: [-5, 9] }).match(/class="c-fence"/g)).toHaveLength(1);
    expect(histogram(h, { title: 't', fences: [-5, 15] })).not.toContain('c-fence');
    // a constant column: one bin of zero width
    expect(histogram({ edges: [3, 3], counts: [7] }, { title: 't', fences: [3, 3] })).toContain('<rect class="c-accent"');
    // in a report: p25 - 1.5 IQR, p75 + 1.5 IQR
    const col = makeProfile('x', { type: 'float', count: 11, min: 0, max: 10, p25: 4, median: 5, p75: 6, histogram: h });
    const html = renderHtml(makeReport({ rows: 11, columns: [col] }));
    expect(html).toContain('lower fence 1');
    expect(html).toContain('upper fence 9');
  });

  it('marks the age limit on the age bar', () => {
    const svg = ageBar({ min: 0, p25: 1e9, p50: 2e9, p75: 3e9, p90: 4e9, max: 5e9 }, 36 * 3_600_000 * 24, 'ages');
    expect(svg).toContain('max age 36 d');
    expect(svg).toContain('class="c-fence"');
    expect(fmtDuration(129_600_000_000)).toBe('1500 d');
    expect(fmtDuration(36 * 3_600_000)).toBe('36 h');
    expect(fmtDuration(0)).toBe('0');
  });

  it('stays under 2 MB for 100 columns with long values, many findings, patterns, clusters and rules', () => {
    const long = (k: string, n: number) => `${k}<"'&`.repeat(Math.ceil(n / 6)).slice(0, n);
    const cols = Array.from({ length: 100 }, (_, i) => `${long(`col${i}`, 300)}`);
    const ex = Array.from({ length: 5 }, (_, j) => ({ row: j + 1, line: j + 2, value: long('v', 5000) }));
    const columns = cols.map((name, i) =>
      makeProfile(name, {
        type: i % 2 ? 'float' : 'string',
        count: 900,
        missing: 100,
        distinct: 800,
        min: i % 2 ? 0 : long('min', 5000),
        max: i % 2 ? 1 : long('max', 5000),
        p25: i % 2 ? 0.25 : null,
        median: i % 2 ? 0.5 : null,
        p75: i % 2 ? 0.75 : null,
        top: Array.from({ length: 20 }, (_, j) => ({ value: long(`t${j}`, 3000), count: 100 - j })),
        histogram: i % 2 ? { edges: Array.from({ length: 101 }, (_, j) => j / 100), counts: Array.from({ length: 100 }, (_, j) => j) } : null,
        notes: Array.from({ length: 20 }, () => long('note', 2000)),
      }),
    );
    const findings: Finding[] = cols.flatMap((c) =>
      Array.from({ length: 30 }, (_, j) => ({ check: 'noise', id: `id${j}`, dimension: 'validity' as const, severity: 'warn' as const, column: c, message: long('m', 10_000), count: j, examples: ex })),
    );
    findings.push(...Array.from({ length: 500 }, () => ({ check: 'reader', id: 'ragged', dimension: null, severity: 'error' as const, column: null, message: long('r', 5000), count: 1, examples: ex })));
    const rules: RuleResult[] = cols.flatMap((c) => [
      { id: `${c}.pattern`, column: c, status: 'failed' as const, severity: 'error' as const, message: long('rule', 5000), count: 1, examples: ex },
      { id: `baseline.${c}.drift`, column: c, status: 'warned' as const, severity: 'warn' as const, message: long('PSI', 5000), count: 1, examples: [] },
      { id: `baseline.${c}.missing`, column: c, status: 'passed' as const, severity: 'error' as const, message: 'missing 10% vs baseline 9% (allowed rise 5 points)', count: 1, examples: [] },
    ]);
    const report = makeReport({
      source: { path: long('path', 5000), format: 'csv', bytes: 1e12, sha256: 'f'.repeat(64) },
      rows: 1e9,
      columns,
      findings,
      metrics: {
        missingness: { completeRows: 5, patterns: Array.from({ length: 1000 }, (_, j) => ({ columns: cols.slice(0, (j % 100) + 1), count: 1000 - j })), patternsTruncated: 50 },
        consistency: {
          clusters: Object.fromEntries(
            cols.map((c) => [c, Array.from({ length: 100 }, (_, j) => ({ dominant: long(`d${j}`, 500), count: 9, variants: Array.from({ length: 50 }, () => ({ value: long('var', 500), count: 1, match: 'edit' })) }))]),
          ),
        },
        timeliness: { column: cols[0], asOf: '2024-01-01', maxAgeMs: 1e9, ageQuantiles: { min: 0, p25: 1, p50: 2, p75: 3, p90: 4, max: 5 }, gaps: 1e6 },
      },
      gate: { passed: false, rules },
    });
    const html = renderHtml(report);
    const bytes = Buffer.byteLength(html, 'utf8');
    console.log(`HTML report for 100 hostile long-valued columns: ${(bytes / 1024).toFixed(0)} KB`);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    assertSafe(html);
    expect(html).toContain('more findings for this column');
    expect(html).toContain('Lists in this page were shortened to keep it small');
  });

  it('a real 100-column audit stays small', async () => {
    const header = Array.from({ length: 100 }, (_, i) => `c${i}`).join(',');
    const lines = [header];
    for (let r = 0; r < 2000; r++) lines.push(Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? String((r * 7 + i) % 1000) : i % 3 === 1 ? `value-${(r + i) % 50}-${'x'.repeat(80)}` : r % 10 === i % 10 ? '' : `t${r}`)).join(','));
    const p = tmpFile('wide.csv', lines.join('\n') + '\n');
    const r = await auditFile(p);
    const html = renderHtml(r);
    const bytes = Buffer.byteLength(html, 'utf8');
    console.log(`HTML report for a real 100-column, 2000-row audit: ${(bytes / 1024).toFixed(0)} KB`);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    expect(html).not.toContain('were shortened');
    expect(html.match(/<details class="col" id="col-\d+"/g)).toHaveLength(100);
    assertSafe(html);
  });
});
