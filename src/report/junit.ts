/**
 * JUnit XML for CI test tabs: one testsuite for the gate (a testcase per gate rule) and one for the audit's
 * findings (a testcase per finding of severity error or warn).
 * - failed rules and error findings carry <failure> with the count and examples;
 * - warned rules and warn findings pass, with the warning in <system-out>;
 * - characters XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD;
 *   text and attributes are escaped (attributes also keep tabs and newlines as character references).
 */
import type { Example, Finding, Report, RuleResult } from '../core/types.js';

// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlClean(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD');
}

export function xmlText(s: string): string {
  return xmlClean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

const MAX_VALUE = 200;

function exampleLines(examples: Example[]): string[] {
  return examples.map((e) => {
    const where = [e.row !== null ? `row ${e.row}` : null, e.line !== null ? `line ${e.line}` : null].filter(Boolean).join(', ') || 'example';
    const v = e.value;
    if (v === undefined || v === null) return `  ${where}`;
    return `  ${where}: ${JSON.stringify(v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}...` : v)}`;
  });
}

function body(message: string, count: number | null, examples: Example[]): string {
  const lines = [message];
  if (count !== null) lines.push(`count: ${count}`);
  if (examples.length) lines.push('examples:', ...exampleLines(examples));
  return lines.join('\n');
}

interface Case {
  classname: string;
  name: string;
  failure: { message: string; type: string; text: string } | null;
  out: string | null;
}

function ruleCase(r: RuleResult): Case {
  const text = body(r.message, r.count, r.examples);
  return {
    classname: r.column ? `dq.gate.${r.column}` : 'dq.gate',
    name: r.id,
    failure: r.status === 'failed' ? { message: r.message, type: r.severity, text } : null,
    out: r.status === 'warned' ? `warning: ${text}` : null,
  };
}

function findingCase(f: Finding): Case {
  const text = body(f.message, f.count, f.examples);
  return {
    classname: `dq.findings.${f.check}`,
    name: f.column !== null ? `${f.id} [${f.column}]` : f.id,
    failure: f.severity === 'error' ? { message: f.message, type: 'error', text } : null,
    out: f.severity === 'warn' ? `warning: ${text}` : null,
  };
}

function suite(name: string, cases: Case[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const L = [`  <testsuite name="${xmlAttr(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`];
  for (const c of cases) {
    const open = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}"`;
    if (!c.failure && !c.out) {
      L.push(`${open}/>`);
      continue;
    }
    L.push(`${open}>`);
    if (c.failure) L.push(`      <failure message="${xmlAttr(c.failure.message)}" type="${xmlAttr(c.failure.type)}">${xmlText(c.failure.text)}</failure>`);
    if (c.out) L.push(`      <system-out>${xmlText(c.out)}</system-out>`);
    L.push('    </testcase>');
  }
  L.push('  </testsuite>');
  return L.join('\n');
}

export function renderJunit(report: Report): string {
  const gateCases = (report.gate?.rules ?? []).map(ruleCase);
  const findingCases = report.findings.filter((f) => f.severity === 'error' || f.severity === 'warn').map(findingCase);
  const tests = gateCases.length + findingCases.length;
  const failures = [...gateCases, ...findingCases].filter((c) => c.failure).length;
  const src = report.source.path;
  const L = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xmlAttr(`dq ${src}`)}" tests="${tests}" failures="${failures}" errors="0">`];
  if (report.gate) L.push(suite(`dq gate: ${src}`, gateCases));
  L.push(suite(`dq findings: ${src}`, findingCases));
  L.push('</testsuites>', '');
  return L.join('\n');
}

export default renderJunit;
