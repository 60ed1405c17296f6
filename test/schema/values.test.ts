import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Kind } from '../../src/core/types.js';
import { DEFAULT_NA_VALUES, toNumber, viewColumn, type ParseOptions } from '../../src/schema/values.js';

const opts = (o: Partial<ParseOptions> = {}): ParseOptions => ({
  naValues: new Set(DEFAULT_NA_VALUES),
  decimalComma: false,
  dayFirst: null,
  ...o,
});

function one(v: string | number | boolean | bigint | null, o?: Partial<ParseOptions>) {
  const view = viewColumn([v], 1, opts(o));
  return { kind: view.kind[0], num: view.num[0], text: view.text[0], alt: view.alt?.[0] ?? null };
}

describe('numeric missing-value tokens', () => {
  // with -999 among the tokens (as --extra-na-values -999), as pandas' na_values
  const na = new Set([...DEFAULT_NA_VALUES, '-999']);
  const cases: [string, number][] = [
    ['-999', Kind.MISSING],
    ['-999.0', Kind.MISSING],
    [' -999 ', Kind.MISSING],
    ['-9.99e2', Kind.MISSING],
    ['-998', Kind.INT],
    ['999', Kind.INT],
    ['-999x', Kind.TEXT],
  ];
  for (const [v, k] of cases) it(JSON.stringify(v), () => expect(one(v, { naValues: na }).kind).toBe(k));
  it('the default tokens make no number missing', () => expect(one('0').kind).toBe(Kind.INT));
  it('with --decimal , the token is read with a decimal comma too', () => {
    const naDc = new Set([...DEFAULT_NA_VALUES, '-999,5']);
    expect(one('-999,50', { naValues: naDc, decimalComma: true }).kind).toBe(Kind.MISSING);
    expect(one('-999,4', { naValues: naDc, decimalComma: true }).kind).toBe(Kind.FLOAT);
  });
});

describe('viewColumn kinds', () => {
  const cases: [string | number | boolean | bigint | null, number, number | null][] = [
    ['', Kind.MISSING, null],
    ['   ', Kind.MISSING, null],
    ['NA', Kind.MISSING, null],
    ['#N/A', Kind.MISSING, null],
    ['<NA>', Kind.MISSING, null],
    // the rest of pandas' defaults
    ...['-NaN', '-nan', '#N/A N/A', '#NA', '1.#IND', '-1.#IND', '1.#QNAN', '-1.#QNAN'].map((t): [string, number, null] => [t, Kind.MISSING, null]),
    // numbers that start like a token are numbers
    ['1.5', Kind.FLOAT, 1.5],
    ['-1', Kind.INT, -1],
    ['NAN1', Kind.TEXT, null],
    [null, Kind.MISSING, null],
    ['12', Kind.INT, 12],
    ['-12', Kind.INT, -12],
    ['+7', Kind.INT, 7],
    [' 7 ', Kind.INT, 7],
    ['0', Kind.INT, 0],
    ['-0', Kind.INT, -0],
    ['0150', Kind.TEXT, null],
    ['0.5', Kind.FLOAT, 0.5],
    ['.5', Kind.FLOAT, 0.5],
    ['5.', Kind.FLOAT, 5],
    ['1e3', Kind.FLOAT, 1000],
    ['-2.5E-3', Kind.FLOAT, -0.0025],
    ['inf', Kind.FLOAT, Infinity],
    ['-Infinity', Kind.FLOAT, -Infinity],
    ['1,234', Kind.TEXT, null],
    ['12,50', Kind.TEXT, null],
    ['1234567890123456789', Kind.INT, 1234567890123456789],
    ['0x1A', Kind.TEXT, null],
    ['1e', Kind.TEXT, null],
    ['-', Kind.TEXT, null],
    ['.', Kind.TEXT, null],
    ['true', Kind.BOOL, 1],
    ['No', Kind.BOOL, 0],
    ['2024-03-15', Kind.DATE, Date.UTC(2024, 2, 15)],
    ['2024/03/15', Kind.DATE, Date.UTC(2024, 2, 15)],
    ['15.03.2024', Kind.DATE, Date.UTC(2024, 2, 15)],
    ['Mar 15 2024', Kind.DATE, Date.UTC(2024, 2, 15)],
    ['Mar 15, 2024', Kind.DATE, Date.UTC(2024, 2, 15)],
    ['15 Mar 2024', Kind.DATE, Date.UTC(2024, 2, 15)],
    ['15-Mar-2024', Kind.DATE, Date.UTC(2024, 2, 15)],
    ['15/03/2024', Kind.DATE, Date.UTC(2024, 2, 15)],
    ['03/15/2024', Kind.DATE, Date.UTC(2024, 2, 15)],
    ['2024-02-30', Kind.TEXT, null],
    ['2024-03-15T10:20:30Z', Kind.DATETIME, Date.UTC(2024, 2, 15, 10, 20, 30)],
    ['2024-03-15 10:20', Kind.DATETIME, Date.UTC(2024, 2, 15, 10, 20)],
    ['2024-03-15T10:20:30.250+02:00', Kind.DATETIME, Date.UTC(2024, 2, 15, 8, 20, 30, 250)],
    ['2024-03-15T10:20:30-0500', Kind.DATETIME, Date.UTC(2024, 2, 15, 15, 20, 30)],
    ['hello', Kind.TEXT, null],
    [3.25, Kind.FLOAT, 3.25],
    [4, Kind.INT, 4],
    [true, Kind.BOOL, 1],
    [12345678901234567890n, Kind.INT, 12345678901234567890],
  ];
  it.each(cases)('%s -> kind %i', (input, kind, num) => {
    const r = one(input);
    expect(r.kind).toBe(kind);
    if (num === null) expect(Number.isNaN(r.num)).toBe(true);
    else expect(r.num).toBe(num);
  });

  it('keeps big integers exact in text', () => {
    expect(one(12345678901234567890n).text).toBe('12345678901234567890');
    expect(one('12345678901234567890').text).toBe('12345678901234567890');
  });

  it('reads the decimal comma when asked', () => {
    expect(one('12,50', { decimalComma: true })).toMatchObject({ kind: Kind.FLOAT, num: 12.5 });
    expect(one('1.234,50', { decimalComma: true })).toMatchObject({ kind: Kind.FLOAT, num: 1234.5 });
    expect(one('1.234.567', { decimalComma: true })).toMatchObject({ kind: Kind.INT, num: 1234567 });
    expect(one('1.23,4', { decimalComma: true }).kind).toBe(Kind.TEXT);
  });

  it('keeps the other reading of an ambiguous slash date and counts evidence', () => {
    const v = viewColumn(['03/04/2020', '13/04/2020', '04/13/2020'], 3, opts());
    expect(v.num[0]).toBe(Date.UTC(2020, 2, 4));
    expect(v.alt![0]).toBe(Date.UTC(2020, 3, 3));
    expect(v.num[1]).toBe(Date.UTC(2020, 3, 13));
    expect(v.dayFirstEvidence).toBe(1);
    expect(v.monthFirstEvidence).toBe(1);
    const d = viewColumn(['03/04/2020'], 1, opts({ dayFirst: true }));
    expect(d.num[0]).toBe(Date.UTC(2020, 3, 3));
  });
});

describe('decimal fast path', () => {
  it('equals Number(text) for decimals of up to 15 digits (and beyond, by the slow path)', () => {
    const digits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 18 });
    fc.assert(
      fc.property(digits, fc.nat(), fc.boolean(), (ds, at, neg) => {
        const p = at % (ds.length + 1);
        let t = ds.slice(0, p).join('').replace(/^0+(?=\d)/, '') + '.' + ds.slice(p).join('');
        if (neg) t = '-' + t;
        const v = toNumber(t);
        expect(v === null ? null : Object.is(v, Number(t))).toBe(v === null ? null : true);
      }),
      { numRuns: 20_000 },
    );
    expect(Object.is(toNumber('-0.0'), -0)).toBe(true);
    expect(toNumber('0.1')).toBe(0.1);
    expect(toNumber('123456789012.345')).toBe(123456789012.345);
  });
});

describe('date fast paths', () => {
  it('reads every day of years 100..9999 as Date.UTC does (sampled), in each date spelling', () => {
    const days = [1, 28, 29, 30, 31];
    for (let y = 100; y <= 9999; y += y < 2100 ? 1 : 37) {
      for (let m = 1; m <= 12; m++) {
        for (const d of days) {
          const dt = new Date(Date.UTC(y, m - 1, d));
          const valid = dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
          const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const got = one(iso);
          if (valid) {
            expect(got.kind).toBe(Kind.DATE);
            expect(got.num).toBe(Date.UTC(y, m - 1, d));
          } else expect(got.kind).toBe(Kind.TEXT);
          if (valid && d === 28) {
            expect(one(iso.replaceAll("-", "/")).num).toBe(Date.UTC(y, m - 1, d));
            expect(one(`${iso}T12:30:15.5Z`).num).toBe(Date.UTC(y, m - 1, d, 12, 30, 15, 500));
          }
        }
      }
    }
  });

  it('keeps the general rules around the ISO fast path', () => {
    expect(one('2024-4-05').kind).toBe(Kind.DATE);
    expect(one('2024-04-5').kind).toBe(Kind.DATE);
    expect(one('2024-04-055').kind).toBe(Kind.TEXT);
    expect(one('2024-04-05x').kind).toBe(Kind.TEXT);
    expect(one(' 2024-04-05 ').num).toBe(Date.UTC(2024, 3, 5));
    expect(one('0099-04-05').kind).toBe(Kind.TEXT);
    expect(one('2024-13-05').kind).toBe(Kind.TEXT);
    expect(one('2024-02-30').kind).toBe(Kind.TEXT);
    expect(one('2024-02-29 23:59').num).toBe(Date.UTC(2024, 1, 29, 23, 59));
  });

  it('reads month names in any case and leaves other words as text', () => {
    for (const [t, m] of [['Jan 5 2024', 0], ['june 5, 2024', 5], ['JUL 5 2024', 6], ['Sept. 5 2024', 8], ['aug 5 2024', 7], ['December 5 2024', 11], ['mAy 5 2024', 4]] as const)
      expect(one(t).num).toBe(Date.UTC(2024, m, 5));
    for (const t of ['Janet 5 2024', 'order 5 2024', 'Marching on', 'Octopus 5 2024', 'dog 5 2024']) expect(one(t).kind).toBe(Kind.TEXT);
    for (const [t, k] of [['TRUE', Kind.BOOL], ['No', Kind.BOOL], ['yes', Kind.BOOL], ['Toys', Kind.TEXT], ['nope', Kind.TEXT], ['f', Kind.TEXT]] as const) expect(one(t).kind).toBe(k);
  });
});

describe('number fast path', () => {
  it('plain integers and decimals read as Number(text) with their kind; leading-zero codes stay text', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.stringMatching(/^[0-9]{0,17}$/), fc.option(fc.stringMatching(/^[0-9]{0,17}$/)), (neg, a, b) => {
        const t = (neg ? '-' : '') + a + (b === null ? '' : '.' + b);
        const digits = a.length + (b?.length ?? 0);
        const got = one(t);
        if (digits === 0) expect(got.kind).not.toBe(Kind.INT);
        else if (b === null && a.length > 1 && a[0] === '0') expect(got.kind).toBe(Kind.TEXT);
        else {
          expect(got.kind).toBe(b === null ? Kind.INT : Kind.FLOAT);
          expect(Object.is(got.num, Number(t))).toBe(true);
        }
        const comma = one(t.replace('.', ','), { decimalComma: true });
        // (a leading comma is not a number start)
        if (a.length > 0 && digits > 0 && !(b === null && a.length > 1 && a[0] === '0')) expect(Object.is(comma.num, Number(t))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('numberText', () => {
  it('is String(v) for decimals of up to 6 places, integers, tiny, huge and arbitrary doubles', async () => {
    const { numberText } = await import('../../src/schema/values.js');
    const check = (v: number): void => {
      expect(numberText(v)).toBe(String(v));
    };
    fc.assert(
      fc.property(fc.integer({ min: -2_200_000_000, max: 2_200_000_000 }), fc.integer({ min: 0, max: 8 }), (m, d) => {
        check(m / 10 ** d);
        check(Number((m / 10 ** d).toFixed(Math.min(d, 6))));
      }),
      { numRuns: 20000 },
    );
    fc.assert(fc.property(fc.double({ noNaN: true }), (v) => {
      check(v);
    }), { numRuns: 20000 });
    fc.assert(fc.property(fc.double({ min: -3e9, max: 3e9, noNaN: true }), (v) => {
      check(v);
    }), { numRuns: 20000 });
    for (const v of [0, -0, 1e-6, -1e-6, 1.5e-6, 9.999999e-7, 0.1, 0.2, 0.3, 0.1 + 0.2, 2147483647.5, 2147483648.5, -2147483647.9, 1 / 3, 123456.123456, 99.99, 0.000001, 0.0000015, Infinity, -Infinity])
      check(v);
  });
});
