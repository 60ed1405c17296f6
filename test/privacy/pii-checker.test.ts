import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import pii from '../../src/checks/pii.js';
import type { Cell, CheckResult } from '../../src/core/types.js';
import { auditOptions, batches, find, profile, rep, run, runSplit } from '../checks/helpers-ct.js';

const opts = auditOptions();

function cols(n: number, gen: Record<string, (i: number) => Cell>): Record<string, Cell[]> {
  return Object.fromEntries(Object.entries(gen).map(([k, f]) => [k, Array.from({ length: n }, (_, i) => f(i))]));
}
const profilesOf = (c: Record<string, Cell[]>) => Object.keys(c).map((k) => profile(k, 'string'));
const ids = (r: CheckResult) => r.findings.map((f) => `${f.column}:${f.id}`).sort();

const EMAILS = ['john.doe@example.com', 'mary@example.org', 'x.y@corp.example.co.uk'];
const CARDS = ['4242 4242 4242 4242', '5555555555554444', '378282246310005'];
const PHONES = ['+44 20 7946 0958', '(212) 555-0123', '06 12 34 56 78'];
const IBANS = ['GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000'];
const FREE = [
  'Please call me on +44 20 7946 0958 after 6pm',
  'my card 4111 1111 1111 1111 was charged twice',
  'send the invoice to billing.person@example.net thanks',
  'refund to NL91 ABNA 0417 1643 00',
];

const data = cols(40, {
  email: (i) => (i % 10 === 0 ? null : EMAILS[i % 3]!),
  contact: (i) => (i % 2 ? PHONES[i % 3]! : 'ask'), // 50%
  card_number: (i) => (i % 8 === 0 ? CARDS[i % 3]! : 'unknown'), // 12.5%, hinted
  payment: (i) => (i % 8 === 0 ? CARDS[i % 3]! : 'cash'), // 12.5%, no hint
  iban: (i) => IBANS[i % 2]!,
  ip: (i) => `10.0.${i}.${i + 1}`,
  ssn: (i) => `${100 + i}-45-6789`,
  soc: (i) => `${100 + i}-45-6789`, // no hint: not an SSN
  dob: (i) => `19${50 + i}-03-1${i % 10}`,
  created: (i) => `2024-03-1${i % 10}`, // dates but no dob hint
  notes: (i) => (i === 7 ? FREE[0]! : i === 9 ? FREE[1]! : i === 20 ? FREE[2]! : i === 33 ? FREE[3]! : 'all good, order 100234567 shipped'),
  order_id: (i) => String(100234567 + i * 7919),
  amount: (i) => (1234.56 + i).toFixed(2),
  ts: (i) => String(1709287200000 + i * 1000),
  version: (i) => `1.2.${i}`,
  uuid: (i) => `123e4567-e89b-12d3-a456-${String(426614174000 + i).padStart(12, '0')}`,
  first_name: (i) => ['Ann', 'Bob', 'Cy'][i % 3]!,
  product_name: (i) => ['Widget', 'Gadget'][i % 2]!,
});

describe('pii checker', () => {
  const r = run(pii, batches(data, 7), opts, profilesOf(data));

  it('reports the expected columns and kinds', () => {
    expect(ids(r)).toEqual(
      [
        'card_number:pii-card',
        'contact:pii-phone',
        'dob:pii-dob',
        'email:pii-email',
        'first_name:pii-column-name',
        'iban:pii-iban',
        'ip:pii-ip',
        'notes:pii-card',
        'notes:pii-email',
        'notes:pii-iban',
        'notes:pii-phone',
        'ssn:pii-us-ssn',
      ].sort(),
    );
  });

  it('counts exactly, with share and name hint', () => {
    expect(find(r, 'pii-email', 'email')).toMatchObject({ count: 36, severity: 'warn', dimension: null, data: { kind: 'email', share: 1, nameHint: 'email' } });
    expect(find(r, 'pii-phone', 'contact')).toMatchObject({ count: 20, data: { share: 0.5, nameHint: null } });
    expect(find(r, 'pii-card', 'card_number')).toMatchObject({ count: 5, data: { share: 5 / 40, nameHint: 'card' } });
    expect(find(r, 'pii-us-ssn', 'ssn')!.count).toBe(40);
    expect(find(r, 'pii-dob', 'dob')!.count).toBe(40);
    expect(find(r, 'pii-email', 'notes')).toMatchObject({ count: 1, data: { embedded: 1, whole: 0 } });
    expect(find(r, 'pii-column-name', 'first_name')!.severity).toBe('info');
    expect(r.metrics).toMatchObject({ flagged: 8, columns: { email: { email: 36 } } });
  });

  it('masks every example and never shows a full value', () => {
    const json = JSON.stringify(r.findings);
    const originals = new Set<string>();
    for (const [c, vs] of Object.entries(data)) {
      if (['first_name', 'product_name', 'created', 'order_id', 'amount', 'ts', 'version', 'uuid', 'soc'].includes(c)) continue;
      for (const v of vs) if (typeof v === 'string' && v !== 'unknown' && v !== 'cash') originals.add(v);
    }
    for (const s of [...EMAILS, ...CARDS, ...PHONES, ...IBANS]) originals.add(s);
    originals.add('4111 1111 1111 1111');
    originals.add('billing.person@example.net');
    originals.add('NL91 ABNA 0417 1643 00');
    for (const v of originals) expect(json).not.toContain(v);
    const ex = (id: string, col: string) => find(r, id, col)!.examples.map((e) => e.value);
    expect(ex('pii-email', 'email')[0]).toBe('m***@example.org');
    expect(ex('pii-card', 'card_number')[0]).toBe('**** **** **** 4242');
    expect(ex('pii-iban', 'iban')[0]).toBe('GB** **** **** **** **54 32');
    expect(ex('pii-phone', 'contact')).toContain('+44 ** **** *958');
    expect(ex('pii-ip', 'ip')[0]).toBe('10.*.*.*');
    expect(ex('pii-dob', 'dob')[0]).toBe('1950-**-**');
    expect(ex('pii-email', 'notes')[0]).toBe('…b***@example.net…');
    expect(find(r, 'pii-email', 'email')!.examples.map((e) => e.row)).toEqual([2, 3, 4, 5, 6]);
    expect(find(r, 'pii-email', 'email')!.examples[0]!.line).toBe(3);
  });

  it('merge law: any split of batches between two states gives the same result', () => {
    const bs = batches(data, 3);
    fc.assert(
      fc.property(fc.func(fc.boolean()), fc.boolean(), (pick, swap) => {
        expect(runSplit(pii, bs, opts, profilesOf(data), (i) => pick(i), swap)).toEqual(r);
      }),
      { numRuns: 50 },
    );
  });

  it('counts do not depend on batch size', () => {
    for (const size of [1, 5, 40]) expect(run(pii, batches(data, size), opts, profilesOf(data))).toEqual(r);
  });

  it('share thresholds: 50% without a hint, 10% with one', () => {
    const c = cols(100, { x: (i) => (i < 49 ? EMAILS[0]! : 'x'), email2: (i) => (i < 10 ? EMAILS[0]! : 'x'), y: (i) => (i < 50 ? EMAILS[0]! : 'x') });
    const rr = run(pii, batches(c), opts, profilesOf(c));
    expect(ids(rr)).toEqual(['email2:pii-email', 'y:pii-email']);
    const custom = run(pii, batches(c), auditOptions({ checks: { pii: { share: 0.4 } } }), profilesOf(c));
    expect(ids(custom)).toContain('x:pii-email');
  });

  it('typed sources: numbers, booleans, bigints', () => {
    const c = { card: rep<Cell>(4242424242424242n, 4), n: [1, 2.5, true, null] as Cell[] };
    const rr = run(pii, batches(c), opts, profilesOf(c));
    expect(ids(rr)).toEqual(['card:pii-card']);
  });
});

describe('pii checker: properties', () => {
  const luhnComplete = (body: string) => {
    for (let d = 0; d < 10; d++) {
      const s = body + d;
      let sum = 0;
      for (let i = s.length - 1, alt = false; i >= 0; i--, alt = !alt) {
        let x = +s[i]!;
        if (alt) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
        sum += x;
      }
      if (sum % 10 === 0) return s;
    }
    throw new Error('unreachable');
  };
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
  const card = digits(14).map((d) => luhnComplete('4' + d));
  const email = fc.tuple(fc.stringMatching(/^[a-z]{2,8}$/), fc.stringMatching(/^[a-z]{3,8}$/)).map(([u, d]) => `${u}@${d}.com`);
  const phone = digits(9).map((d) => `+44 7${d.slice(0, 3)} ${d.slice(3)}`);
  const text = fc.tuple(card, email, phone).map(([c, e, p]) => `card ${c} mail ${e} tel ${p} thanks`);
  const value = fc.oneof(card, email, phone, text, fc.constantFrom('plain', 'ok', '12', null));

  it('masked examples never contain a full value; split and batch size do not change the result', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.func(fc.boolean()),
        (rows, size, pick) => {
          const c = { a: rows.map((r) => r[0]), b: rows.map((r) => r[1]) };
          const bs = batches(c, size);
          const r = run(pii, bs, opts, profilesOf(c));
          const json = JSON.stringify(r.findings);
          for (const row of rows) for (const v of row) if (v && v.length > 4) {
            expect(json).not.toContain(v);
            // no full card/phone digits either, whatever the separators
            for (const m of v.match(/\d[\d ]{10,}\d/g) ?? []) expect(json).not.toContain(m.replace(/ /g, ''));
          }
          expect(runSplit(pii, bs, opts, profilesOf(c), (i) => pick(i))).toEqual(r);
          expect(run(pii, batches(c), opts, profilesOf(c))).toEqual(r);
        },
      ),
      { numRuns: 200 },
    );
  });
});
