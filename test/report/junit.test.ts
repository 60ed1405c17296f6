import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import { makeReport } from '../../src/gate/fixture.js';
import type { Finding, Report } from '../../src/core/types.js';

/** A tiny XML well-formedness checker: tags balance, attributes quoted, entities known, no invalid characters. */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; children: unknown[] } {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xml)) throw new Error('invalid XML character');
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(xml)) throw new Error('lone surrogate');
  let i = 0;
  const decl = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (decl) i = decl[0].length;
  const checkText = (t: string) => {
    if (/[<]/.test(t)) throw new Error('raw < in text');
    for (const m of t.matchAll(/&([^;]*);?/g)) {
      if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[1]!) || !m[0].endsWith(';')) throw new Error(`bad entity ${m[0]}`);
    }
  };
  type El = { name: string; attrs: Record<string, string>; children: unknown[] };
  const stack: El[] = [];
  let root: El | null = null;
  while (i < xml.length) {
    if (xml[i] === '<') {
      const end = xml.indexOf('>', i);
      if (end < 0) throw new Error('unterminated tag');
      const tag = xml.slice(i + 1, end);
      i = end + 1;
      if (tag.startsWith('/')) {
        const el = stack.pop();
        if (!el || el.name !== tag.slice(1).trim()) throw new Error(`mismatched </${tag.slice(1)}>`);
        if (stack.length === 0) root = el;
        continue;
      }
      const selfClose = tag.endsWith('/');
      const body = selfClose ? tag.slice(0, -1) : tag;
      const m = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*$/.exec(body);
      if (!m) throw new Error(`malformed tag <${tag}>`);
      const attrs: Record<string, string> = {};
      for (const a of m[2]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        if (a[1]! in attrs) throw new Error('duplicate attribute');
        checkText(a[2]!);
        attrs[a[1]!] = a[2]!;
      }
      const el: El = { name: m[1]!, attrs, children: [] };
      if (stack.length) stack[stack.length - 1]!.children.push(el);
      else if (root) throw new Error('two roots');
      if (selfClose) {
        if (!stack.length) root = el;
      } else stack.push(el);
    } else {
      const next = xml.indexOf('<', i);
      const text = xml.slice(i, next < 0 ? xml.length : next);
      checkText(text);
      if (!stack.length && text.trim()) throw new Error('text outside the root');
      if (stack.length) stack[stack.length - 1]!.children.push(text);
      i = next < 0 ? xml.length : next;
    }
  }
  if (stack.length || !root) throw new Error('unclosed element');
  return root;
}

function all(el: { name: string; children: unknown[] }, name: string): { name: string; attrs: Record<string, string>; children: unknown[] }[] {
  const out: { name: string; attrs: Record<string, string>; children: unknown[] }[] = [];
  const walk = (e: { name: string; attrs?: Record<string, string>; children: unknown[] }) => {
    if (e.name === name) out.push(e as never);
    for (const c of e.children) if (typeof c === 'object') walk(c as never);
  };
  walk(el);
  return out;
}

const HOSTILE = 'a<b>&"\'\u0000\u0001\u001b[31m\uD800 ]]> \uFFFF\r\n</failure>';

const finding = (severity: Finding['severity'], id: string, value = 'v'): Finding => ({
  check: 'noise',
  id,
  dimension: 'validity',
  severity,
  column: 'c<1>',
  message: `bad ${HOSTILE}`,
  count: 3,
  examples: [{ row: 2, line: 3, value }],
});

function report(): Report {
  return makeReport({
    source: { path: 'data "x".csv', format: 'csv', bytes: null, sha256: null },
    findings: [finding('error', 'e1', HOSTILE), finding('warn', 'w1'), finding('info', 'i1')],
    gate: {
      passed: false,
      rules: [
        { id: 'a.required', column: 'a', status: 'failed', severity: 'error', message: 'missing', count: 2, examples: [{ row: 1, line: 2, value: null }] },
        { id: 'b.max', column: HOSTILE, status: 'warned', severity: 'warn', message: HOSTILE, count: 1, examples: [{ row: 4, line: 5, value: HOSTILE }] },
        { id: 'rows.min', column: null, status: 'passed', severity: 'error', message: 'ok', count: 10, examples: [] },
      ],
    },
  });
}

describe('JUnit XML', () => {
  it('is well-formed with the right testcase and failure counts', () => {
    const xml = renderJunit(report());
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(all(root, 'testsuite')).toHaveLength(2);
    expect(all(root, 'testcase')).toHaveLength(5); // 3 gate rules + error and warn findings (not info)
    expect(all(root, 'failure')).toHaveLength(2); // the failed rule and the error finding
    expect(root.attrs).toMatchObject({ tests: '5', failures: '2' });
    const [gate, findings] = all(root, 'testsuite');
    expect(gate!.attrs).toMatchObject({ tests: '3', failures: '1' });
    expect(findings!.attrs).toMatchObject({ tests: '2', failures: '1' });
    expect(all(root, 'system-out')).toHaveLength(2); // warned rule and warn finding
  });
  it('escapes and replaces hostile characters', () => {
    const xml = renderJunit(report());
    expect(xml).not.toMatch(/\u0000|\u0001|\u001b|\uFFFF/);
    expect(xml).toContain('&lt;/failure&gt;');
    expect(xml).toContain('\uFFFD');
    expect(xml).toContain('name="dq data &quot;x&quot;.csv"');
  });
  it('carries counts and examples in failures', () => {
    const xml = renderJunit(report());
    expect(xml).toMatch(/<failure message="missing" type="error">missing\ncount: 2\nexamples:\n  row 1, line 2<\/failure>/);
  });
  it('a report without a gate has only the findings suite', () => {
    const root = parseXml(renderJunit(makeReport({ findings: [finding('error', 'x')] })));
    expect(all(root, 'testsuite')).toHaveLength(1);
    expect(all(root, 'failure')).toHaveLength(1);
  });
  it('the checker itself rejects broken XML', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x="1 & 2"/>')).toThrow();
    expect(() => parseXml('<a>\u0001</a>')).toThrow();
  });
});
