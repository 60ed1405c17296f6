import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, renderGithub } from '../../src/report/github.js';
import { makeReport } from '../../src/gate/fixture.js';

describe('GitHub workflow command escaping', () => {
  const data: [string, string][] = [
    ['100%', '100%25'],
    ['a\nb', 'a%0Ab'],
    ['a\r\nb', 'a%0D%0Ab'],
    ['%0A', '%250A'],
    ['a:b,c', 'a:b,c'],
  ];
  it.each(data)('data %j', (s, want) => expect(escapeData(s)).toBe(want));
  const props: [string, string][] = [
    ['a:b,c', 'a%3Ab%2Cc'],
    ['x%\n', 'x%25%0A'],
  ];
  it.each(props)('property %j', (s, want) => expect(escapeProperty(s)).toBe(want));
});

describe('renderGithub', () => {
  const hostile = 'evil\n::set-output name=x::pwned\r\n::error::fake 100%';
  const report = makeReport({
    source: { path: 'dir,x/data:1.csv', format: 'csv', bytes: null, sha256: null },
    findings: [
      { check: 'noise', id: 'whitespace', dimension: 'validity', severity: 'warn', column: hostile, message: hostile, count: 1, examples: [{ row: 1, line: 2, value: hostile }] },
      { check: 'profile', id: 'note', dimension: null, severity: 'info', column: null, message: 'info', count: 1, examples: [] },
    ],
    gate: {
      passed: false,
      rules: [
        { id: 'a.required', column: 'a', status: 'failed', severity: 'error', message: hostile, count: 2, examples: [{ row: 5, line: 6, value: null }] },
        { id: 'b', column: null, status: 'passed', severity: 'error', message: 'ok', count: 0, examples: [] },
        { id: 'c', column: null, status: 'warned', severity: 'warn', message: 'meh', count: 1, examples: [] },
      ],
    },
  });
  const out = renderGithub(report);
  const lines = out.trimEnd().split('\n');
  it('one line per annotation; a value cannot start a command', () => {
    expect(lines).toHaveLength(4); // failed rule, warned rule, warn finding, notice
    expect(lines.map((l) => l.slice(0, l.indexOf(' ')))).toEqual(['::error', '::warning', '::warning', '::notice']);
    for (const l of lines) expect(l.indexOf('::', 2)).toBeGreaterThan(0);
    expect(out).not.toMatch(/\n::set-output/);
  });
  it('escapes properties and messages', () => {
    expect(lines[0]).toBe(
      '::error file=dir%2Cx/data%3A1.csv,line=6,title=dq a.required (a)::evil%0A::set-output name=x::pwned%0D%0A::error::fake 100%25 (e.g. row 5)',
    );
    expect(lines[2]).toContain('title=dq noise/whitespace (evil%0A%3A%3Aset-output name=x%3A%3Apwned%0D%0A%3A%3Aerror%3A%3Afake 100%25)');
  });
});
