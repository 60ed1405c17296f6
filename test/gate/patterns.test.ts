import { describe, expect, it } from 'vitest';
import { compileRules, parseConfig } from '../../src/config/index.js';
import { compilePattern, formatMatcher, parseDuration } from '../../src/config/formats.js';
import { auditRows } from '../../src/gate/fixture.js';
import { evaluateGate } from '../../src/gate/index.js';

describe('patterns are full matches (RE2)', () => {
  const cases: [string, string, boolean][] = [
    ['[A-Z]{3}', 'ABC', true],
    ['[A-Z]{3}', 'ABCD', false],
    ['[A-Z]{3}', 'xABC', false],
    ['a|b', 'a', true],
    ['a|b', 'ab', false],
    ['\\d+', '123', true],
    ['\\d+', '12a', false],
    ['(?i)abc', 'ABC', true],
  ];
  it.each(cases)('%s on %j', (p, s, want) => expect(compilePattern(p).testExact(s)).toBe(want));
  it.each(['(a)\\1', '(?=a)', '(?!a)b', '(?<=a)b', '(?<!a)b'])('rejects %s', (p) => {
    expect(() => compilePattern(p)).toThrow();
  });
});

describe('hostile inputs finish fast', () => {
  it('a 1 MB field against pathological patterns', () => {
    const big = 'a'.repeat(1 << 20) + '!';
    const yml = `columns:\n  s:\n    pattern: "(a+)+$"\n  t:\n    pattern: "(a|aa)*b"\n  u:\n    pattern: "(.*)*x(.*)*y"\n  v: {format: email}\n  w: {format: url}\n`;
    const config = parseConfig(yml, 'dq.yml');
    const t0 = performance.now();
    const report = auditRows(['s', 't', 'u', 'v', 'w'], [[big, big, big, big, big], ['aaa', 'aab', 'xy', 'a@b.co', 'https://x.org/a']], compileRules(config));
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(5000);
    const g = evaluateGate(report, config, {});
    expect(g.rules.map((r) => [r.id, r.count])).toEqual([
      ['s.pattern', 1],
      ['t.pattern', 1],
      ['u.pattern', 1],
      ['v.format', 1],
      ['w.format', 1],
    ]);
  });
});

describe('formats', () => {
  const cases: [string, string, boolean][] = [
    ['email', 'a.b+c@example.co.uk', true],
    ['email', 'a@b', false],
    ['email', 'not an email', false],
    ['url', 'https://example.com/x?y=1#z', true],
    ['url', 'ftp://host/file', true],
    ['url', 'example.com', false],
    ['uuid', '123e4567-e89b-12d3-a456-426614174000', true],
    ['uuid', '123e4567-e89b-12d3-a456-42661417400', false],
    ['YYYY-MM-DD', '2024-02-29', true],
    ['YYYY-MM-DD', '2023-02-29', false],
    ['YYYY-MM-DD', '2024-13-01', false],
    ['YYYY-MM-DD', '2024-1-01', false],
    ['DD.MM.YYYY HH:mm', '31.12.2024 23:59', true],
    ['D/M/YYYY', '1/2/2024', true],
    ['DD MMM YYYY', '05 Mar 2024', true],
  ];
  it.each(cases)('%s %j', (f, s, want) => {
    const fmt = ['email', 'url', 'uuid'].includes(f) ? ({ kind: f } as never) : ({ kind: 'date', format: f } as const);
    expect(formatMatcher(fmt)(s)).toBe(want);
  });
  it('durations', () => {
    expect(parseDuration('36h')).toBe(36 * 3600_000);
    expect(parseDuration('1d12h')).toBe(36 * 3600_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(parseDuration('36')).toBeNull();
    expect(parseDuration('3 days')).toBeNull();
  });
});
