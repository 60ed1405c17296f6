import { tempDir } from '../helpers.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  applyMask,
  maskForKind,
  maskGeneralise,
  maskHash,
  maskPartial,
  maskRedact,
  parseMaskSpec,
} from '../../src/privacy/mask.js';
import { appendHistory, historyLine, verifySha256 } from '../../src/privacy/history.js';

const KEY = Buffer.from('secret-key-1');
const KEY2 = Buffer.from('secret-key-2');

describe('hash', () => {
  it('is a keyed HMAC-SHA-256: deterministic per key, different across keys', () => {
    fc.assert(
      fc.property(fc.string(), (v) => {
        const a = maskHash(v, KEY)!;
        expect(a).toMatch(/^[0-9a-f]{64}$/);
        expect(maskHash(v, KEY)).toBe(a);
        expect(maskHash(v, KEY2)).not.toBe(a);
      }),
    );
    expect(maskHash('alice', KEY)).toBe(createHmac('sha256', KEY).update('alice').digest('hex'));
    expect(maskHash(null, KEY)).toBe(null);
    expect(() => maskHash('x', Buffer.alloc(0))).toThrow(/empty/);
    expect(() => applyMask('x', { method: 'hash' })).toThrow(/key/);
  });
});

describe('redact and partial', () => {
  it('redact', () => {
    expect(maskRedact('anything')).toBe(REDACTED);
    expect(maskRedact(null)).toBe(null);
  });
  it.each([
    ['4242 4242 4242 4242', '**** **** **** 4242'],
    ['4242-4242-4242-4242', '****-****-****-4242'],
    ['+44 20 7946 0958', '+** ** **** 0958'],
    ['john@example.com', '****@******e.com'],
    ['AB12', '****'],
    ['abc', '***'],
    ['', ''],
  ])('partial(%s) = %s', (v, want) => {
    expect(maskPartial(v)).toBe(want);
  });
  it('partial keeps exactly the last 4 letters/digits and every separator', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (v) => {
        const m = maskPartial(v)!;
        expect([...m].length).toBe([...v].length);
        const alnum = [...v].filter((c) => /[\p{L}\p{N}]/u.test(c));
        const kept = [...m].filter((c) => c !== '*' && /[\p{L}\p{N}]/u.test(c));
        expect(kept).toEqual(alnum.length > 4 ? alnum.slice(-4) : []);
      }),
    );
  });
});

describe('generalise', () => {
  it.each([
    ['34', {}, '30-39'],
    ['345', {}, '300-399'],
    ['7', {}, '0-9'],
    ['-34', {}, '-40--31'],
    ['34', { width: 5 }, '30-34'],
    ['34.5', { width: 10 }, '30-40'],
    ['2024-03-17', {}, '2024-03'],
    ['2024-03-17T10:00:00Z', { date: 'year' as const }, '2024'],
    ['17/03/2024', { as: 'date' as const }, '2024-03'],
    ['SW1A 1AA', {}, 'SW1A'],
    ['sw1a1aa', { as: 'postcode' as const }, 'SW1A'],
    ['M1 1AE', { as: 'postcode' as const }, 'M1'],
    ['90210', { as: 'postcode' as const }, '902**'],
    ['90210-1234', { as: 'postcode' as const }, '902**'],
    ['K1A 0B1', { as: 'postcode' as const }, 'K1A'],
    ['1234 AB', { as: 'postcode' as const }, '1234'],
    ['75001', {}, '70000-79999'],
    ['hello', { as: 'number' as const }, REDACTED],
  ])('generalise(%s, %o) = %s', (v, o, want) => {
    expect(maskGeneralise(v, o)).toBe(want);
  });
});

describe('parseMaskSpec', () => {
  it.each([
    ['email:hash', { column: 'email', method: 'hash' }],
    ['a:b:redact', { column: 'a:b', method: 'redact' }],
    ['card:partial', { column: 'card', method: 'partial' }],
    ['age:generalise:10', { column: 'age', method: 'generalise', generalise: { width: 10, as: 'number' } }],
    ['dob:generalise:year', { column: 'dob', method: 'generalise', generalise: { date: 'year', as: 'date' } }],
    ['zip:generalize:postcode', { column: 'zip', method: 'generalise', generalise: { as: 'postcode' } }],
    ['x:generalise', { column: 'x', method: 'generalise', generalise: {} }],
  ])('%s', (spec, want) => expect(parseMaskSpec(spec)).toEqual(want));
  it.each(['email', 'email:encrypt', ':hash', 'x:hash:1', 'x:generalise:weekly'])('%s is refused', (spec) =>
    expect(() => parseMaskSpec(spec)).toThrow(),
  );
});

describe('maskForKind (report examples)', () => {
  it.each([
    ['email', 'john@example.com', 'j***@example.com'],
    ['card', '4242 4242 4242 4242', '**** **** **** 4242'],
    ['card', '4242424242424242', '************4242'],
    ['phone', '+44 207 946 0789', '+44 *** *** *789'],
    ['phone', '(212) 555-0123', '(***) ***-*123'],
    ['iban', 'GB29 NWBK 6016 1331 9268 19', 'GB** **** **** **** **68 19'],
    ['ip', '192.168.1.10', '192.*.*.*'],
    ['ip', '2001:db8::1', '2001:****'],
    ['us-ssn', '123-45-6789', '***-**-**89'],
    ['dob', '1985-03-17', '1985-**-**'],
  ] as const)('%s %s -> %s', (kind, v, want) => {
    expect(maskForKind(kind, v)).toBe(want);
    expect(maskForKind(kind, v)).not.toContain(v);
  });
});

describe('history and sha256', () => {
  it('appends one compact JSON line per call, creating folders', async () => {
    const dir = tempDir('dq-hist-');
    const file = join(dir, 'a', 'b', 'history.jsonl');
    const rec = { time: '2024-06-01T00:00:00.000Z', file: 'data.csv', sha256: 'ab'.repeat(32), rows: 10, scores: { overall: 97.5, validity: null } };
    await appendHistory(file, rec);
    await appendHistory(file, { ...rec, rows: 11 });
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual(rec);
    expect(JSON.parse(lines[1]!).rows).toBe(11);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(['time', 'file', 'sha256', 'rows', 'scores']);
    expect(JSON.parse(historyLine({ file: 'x', sha256: null, rows: 0, scores: {} })).time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
  it('verifySha256', () => {
    const sha = 'AB'.repeat(32);
    const report = { source: { path: 'x', format: 'csv', bytes: 1, sha256: sha.toLowerCase() } };
    expect(verifySha256(report, sha).ok).toBe(true);
    expect(verifySha256(report, ` sha256:${sha.toLowerCase()} `).ok).toBe(true);
    expect(verifySha256(report, 'cd'.repeat(32)).ok).toBe(false);
    expect(verifySha256(report, 'ab').ok).toBe(false);
    expect(verifySha256({ source: { ...report.source, sha256: null } }, sha)).toEqual({ ok: false, actual: null, expected: sha.toLowerCase() });
  });
});
