/**
 * The consistency checker caches what a cell means (its facets) by exact value and by shape. Caching must never
 * change a result: these tests compare audits against an uncached oracle, where every cell goes to a state of its
 * own (so every lookup misses) and the states are merged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import consistency, { facetKeyOf } from '../../src/checks/consistency.js';
import { initProfile, updateProfile } from '../../src/checks/profile.js';
import { Kind, type BatchView, type Cell, type CheckResult, type ColumnProfile } from '../../src/core/types.js';
import { auditOptions, batches, finalizeCtx, profile, run } from './helpers-ct.js';

const opts = auditOptions();

/** Fill view.hash as the engine does (the profile computes it before any checker runs). */
function withHashes(bs: BatchView[]): BatchView[] {
  const p = initProfile(opts);
  for (const b of bs) updateProfile(p, b);
  return bs;
}

/** One state per cell, merged in row order: no cache ever hits. */
function oracle(columns: Record<string, Cell[]>, profiles: ColumnProfile[]): CheckResult {
  let acc = consistency.init({ options: opts });
  for (const b of batches(columns, 1)) {
    const s = consistency.init({ options: opts });
    consistency.update(s, b);
    acc = consistency.merge(acc, s);
  }
  return consistency.finalize(acc, finalizeCtx(opts, profiles));
}

function check(columns: Record<string, Cell[]>, size: number, types: Record<string, ColumnProfile['type']> = {}): void {
  const profiles = Object.keys(columns).map((c) => profile(c, types[c] ?? 'string'));
  const want = oracle(columns, profiles);
  expect(run(consistency, batches(columns, size), opts, profiles)).toEqual(want);
  expect(run(consistency, withHashes(batches(columns, size)), opts, profiles)).toEqual(want);
}

const LONG = 'x'.repeat(201); // caps the column's distinct values: from then on only facets matter

describe('consistency checker: caches never change a result', () => {
  it('whitespace-padded single digits keep their own facets after the distinct values are capped', () => {
    // ' 1' and ' 0' are 1/0 booleans, ' 7' is not, although all three have the same shape: with ' 7' first,
    // a shape cache that ignored this would find no boolean family here
    const cells = [LONG, ' 7', ...Array.from({ length: 30 }, (_, i) => (i % 3 ? ' 1' : ' 0')), '1 ', '+1', '-1', ...Array.from({ length: 5 }, () => 'yes')];
    check({ c: cells }, 100, { c: 'categorical' });
    expect(run(consistency, batches({ c: cells }, 100), opts, [profile('c', 'categorical')]).metrics!.formats).toEqual({ c: { family: 'boolean', dominant: '1/0' } });
  });

  it('slash dates keep their day/month order after the distinct values are capped', () => {
    check({ c: [LONG, '03/04/2024', '13/04/2024', '04/13/2024', '03/04/2024', '2024-03-04', '2024-13-04'] }, 100, { c: 'date' });
  });

  it('equal numbers written differently are different cells', () => {
    // the profile hashes numbers by value: 35, 35.0 and 3.5e1 share a hash but not their facets
    const cells: Cell[] = ['35', '35.0', '3.5e1', ' 35', '35', 35, '1,234.5', '1234.5', '1.234,5', 'true', true, 'yes', '1', 1];
    check({ c: [...cells, ...cells] }, 5, { c: 'float' });
    check({ c: [LONG, ...cells, ...cells] }, 5, { c: 'float' });
  });

  it('many distinct values (the distinct values are capped mid-batch)', () => {
    const cells: Cell[] = [];
    for (let i = 0; i < 10_200; i++) cells.push(i % 3 === 0 ? `v${i}` : i % 3 === 1 ? `555-${String(i).padStart(4, '0')}` : `2024-01-${(i % 28) + 1}T10:${i % 60}:00Z`);
    check({ c: cells }, 4096);
  });

  it('texts of a frequent long shape and near misses', () => {
    // frequent shapes of 13+ characters are matched by a regular expression: it must accept the same texts
    const shapes = ['(555) 123-4567', '2024-03-15T10:20:30.123Z', '12.5 $^*+?[]{}|\\/', 'a\n12345678901\r', '\ud83d12345678901\u00e9', '1234567890123'];
    const cells: Cell[] = [LONG];
    for (let i = 0; i < 40; i++) for (const s of shapes) cells.push(s.replace(/\d/g, () => String((i * 7) % 10)));
    const misses = ['(555) 123-456x', '(555)_123-4567', '2024-03-15T10:20:30.123z', '2024-03-15T10:20:30.12ZZ', '12.5 $^*+?[]{}|\\\\', 'a\n1234567890\r\r', '\ud83e12345678901\u00e9', '123456789012\u0661'];
    check({ c: [...cells, ...misses, ...cells.slice(1, 50), ...misses] }, 64);
  });

  it('more facet keys than MAX_KEYS (overflow)', () => {
    // 2,600 digit shapes (ddd-dd d, ...), some padded with spaces: keys beyond the 2,000th go to the overflow
    const cells: Cell[] = [];
    for (let i = 0; i < 2600; i++) {
      let t = '';
      for (let b = 0; b < 12; b++) t += (i >> b) & 1 ? '5' : b % 2 ? '-' : '.';
      const cell = `1${t}9`;
      cells.push(cell, i % 7 ? cell : ` ${cell}`);
    }
    check({ c: [...cells, ...cells.slice(0, 500)] }, 512);
  });

  const pool: Cell[] = [
    ' 7', ' 1', ' 0', '1 ', '7', '1', '0', '-1', '+5', 35, '35', '35.0', '3.5e1', 1.5, '1,234.50', '1.234,50', '12,50', '1234',
    '03/04/2024', '13/04/2024', '2024-03-15', '2024-03-15T10:20:30Z', '2024-03-15 10:20', 'Mar 15 2024', '15.03.2024',
    '555-1234', '(555) 123-4567', '555 1234 ', ' 555-1234', 'y', 'N', ' y', 'yes', 'No', true, false, 'TRUE',
    'New York', 'new york', ' NEW YORK', 'Café', 'CafÃ©', 'x\uFFFD', 'a\u00a0', '\u00a0a', 'route 66', 'Route 66',
    'a long comment without any digit at all, longer than forty', 'a long comment with 12.5 and 555-1234, longer than forty',
    ' a long comment padded with spaces on both ends, forty+ ', 'tab\t', LONG, null, '', 'NA',
  ];
  it('random columns, batch sizes and capping', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pool), { minLength: 0, maxLength: 150 }), fc.integer({ min: 1, max: 40 }), (cells, size) => {
        check({ c: cells, d: [...cells].reverse() }, size);
      }),
      { numRuns: 200 },
    );
  });
});

describe('consistency checker: batches with and without hashes', () => {
  it('give the same result in any mix', () => {
    const cells: Cell[] = [];
    for (let i = 0; i < 3000; i++) cells.push(i % 5 === 0 ? 'Chicago' : i % 5 === 1 ? ' chicago' : i % 5 === 2 ? String(i % 97) : i % 5 === 3 ? `${i % 13}/04/2024` : 'Chicagoo');
    const bs = batches({ c: cells }, 256);
    const profiles = [profile('c', 'string')];
    const want = run(consistency, bs, opts, profiles);
    const mixed = batches({ c: cells }, 256);
    withHashes(mixed);
    mixed.forEach((b, i) => {
      if (i % 2) for (const v of b.views) delete v.hash;
    });
    expect(run(consistency, mixed, opts, profiles)).toEqual(want);
  });
});

describe('consistency checker: every cached route gives the facets of facetKeyOf', () => {
  // texts of every kind: random characters (digits, separators, whitespace, accents, mojibake, U+FFFD) and
  // templates of dates, times, numbers and phone numbers with random digits
  const chars = [...'0123456789', 'a', 'Z', 'y', 'n', 't', ' ', '\t', '\u00a0', '-', '.', ',', '/', ':', 'T', '+', '(', ')', 'é', 'Ã', '©', '\uFFFD'];
  const templates = [
    '99/99/9999', '9/9/9999', '9999-99-99', '9999/99/99', '9999-99-99T99:99:99Z', '9999-99-99 99:99:99.999+00', '9999-99-99T99:99+99:99',
    '99.99.9999', 'Mar 99 9999', 'March 9, 9999', '99 Mar 9999', '99-Mar-9999', '999-9999', '(999) 999-9999', '9,999.99', '9.999,99',
    '99,9', '9,999', '9.999', '9e9', ' 9', '9 ', '+9', '-99', '9', '99:99', '09', '99999999999999999999',
    '9,999,999,999,999,999.99', '9.999.999.999.999.999,99', '999-999-9999 / 999-999-9999', '+99 (999) 999 99 99 99 99 9',
  ];
  // digits and separators only: numbers and digit shapes of every length around the 30 and 40 character limits
  const numeric = [...'0123456789', '-', '.', ',', ' ', '(', ')', '+', '/'];
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom(...chars), maxLength: 60 }),
    fc.string({ unit: fc.constantFrom(...numeric), maxLength: 45 }),
    fc
      .tuple(fc.constantFrom(...templates), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 20, maxLength: 20 }))
      .map(([t, ds]) => {
        let k = 0;
        return t.replace(/9/g, () => String(ds[k++]));
      }),
  );
  const cell: fc.Arbitrary<Cell> = fc.oneof({ weight: 8, arbitrary: text }, fc.constantFrom<Cell>(35, 1.5, -2, true, false, null, LONG));

  it('random cells, with and without hashes, before and after the distinct values are capped', () => {
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 300 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), (cells, size, hashed) => {
        const bs = batches({ c: cells }, size);
        if (hashed) withHashes(bs);
        const want = new Map<string, number>();
        for (const b of bs) {
          const v = b.views[0]!;
          for (let i = 0; i < b.length; i++) {
            if (v.kind[i] === Kind.MISSING) continue;
            const key = facetKeyOf(v.text[i]!, v.kind[i]!);
            want.set(key, (want.get(key) ?? 0) + 1);
          }
        }
        const s = consistency.init({ options: opts });
        for (const b of bs) consistency.update(s, b);
        const got = new Map([...(s.cols.get('c')?.keys ?? [])].map(([k, st]) => [k, st.count]));
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
