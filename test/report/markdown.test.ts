import { describe, expect, it } from 'vitest';
import { mdEscape, renderMarkdown } from '../../src/report/markdown.js';
import { makeReport } from '../../src/gate/fixture.js';

describe('markdown escaping', () => {
  const cases: [string, string][] = [
    ['@octocat', '@\u200boctocat'],
    ['a|b', 'a\\|b'],
    ['`code`', '\\`code\\`'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a & b', 'a &amp; b'],
    ['[x](javascript:alert(1))', '\\[x\\](javascript:alert(1))'],
    ['line1\nline2\r\n| x', 'line1 line2 \\| x'],
    ['fixes #12', 'fixes #\u200b12'],
    ['*bold* _it_ ~s~ \\', '\\*bold\\* \\_it\\_ \\~s\\~ \\\\'],
  ];
  it.each(cases)('%j', (input, want) => {
    expect(mdEscape(input)).toBe(want);
  });
  it('cuts long values', () => {
    expect([...mdEscape('x'.repeat(500))].length).toBe(120);
  });
});

describe('renderMarkdown', () => {
  const hostile = '@admin | `rm -rf` <img src=x onerror=alert(1)>\n# heading';
  const report = makeReport({
    rows: 5,
    findings: [{ check: 'noise', id: 'whitespace', dimension: 'validity', severity: 'warn', column: hostile, message: hostile, count: 2, examples: [{ row: 3, line: 4, value: hostile }] }],
    gate: {
      passed: false,
      rules: [
        { id: 'ok', column: null, status: 'passed', severity: 'error', message: 'fine', count: 0, examples: [] },
        { id: 'c.pattern', column: 'c', status: 'failed', severity: 'error', message: hostile, count: 1, examples: [{ row: 7, line: 8, value: hostile }] },
      ],
    },
  });
  const md = renderMarkdown(report);
  it('has the verdict, scores and tables', () => {
    expect(md).toContain('**Gate: ❌ failed** — 2 rules: 1 passed, 0 warned, 1 failed');
    expect(md).toContain('| **overall** | **100.0** |');
    expect(md.indexOf('c.pattern')).toBeLessThan(md.indexOf('| ✅ passed | ok'));
  });
  it('neutralises hostile values: no raw mention, HTML, pipes or line breaks inside rows', () => {
    expect(md).not.toMatch(/@admin/);
    expect(md).not.toContain('<img');
    const rows = md.split('\n').filter((l) => l.startsWith('| ❌') || l.startsWith('| ⚠️'));
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      const cells = r.split(/(?<!\\)\|/).length - 2;
      expect(cells).toBe(r.startsWith('| ❌ failed') ? 6 : 7);
    }
    expect(md.split('\n').some((l) => l.startsWith('# heading'))).toBe(false);
  });
  it('--no-examples: rows only', () => {
    const r2 = makeReport({ gate: { passed: false, rules: [{ id: 'x', column: null, status: 'failed', severity: 'error', message: 'm', count: 1, examples: [{ row: 7, line: 8, value: null }, { row: 9, line: 10 } as never] }] } });
    expect(renderMarkdown(r2)).toContain('| row 7; row 9 |');
  });
});
