import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import consistency, { dateSig, foldKey, isMojibake, numClass, spellingClusters, type Cluster } from '../../src/checks/consistency.js';
import type { Cell, ColumnType } from '../../src/core/types.js';
import { auditOptions, batches, find, profile, rep, run, runSplit } from './helpers-ct.js';

const opts = auditOptions();

function audit(values: Cell[], type: ColumnType = 'string', name = 'c', size = 7) {
  return run(consistency, batches({ [name]: values }, size), opts, [profile(name, type)]);
}

function shuffle<T>(xs: T[], seed = 7): T[] {
  const out = xs.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function counts(spec: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(spec));
}

function simplify(cs: Cluster[]) {
  return cs.map((c) => ({ dominant: c.dominant, count: c.count, variants: c.variants.map((v) => [v.value, v.count, v.match]) }));
}

describe('spellingClusters', () => {
  const cases: { name: string; input: Record<string, number>; want: ReturnType<typeof simplify> }[] = [
    {
      name: 'case, whitespace and punctuation variants fold',
      input: { 'New York': 50, 'new york': 3, ' NEW YORK': 2, 'New-York': 1, Boston: 20 },
      want: [{ dominant: 'New York', count: 50, variants: [['new york', 3, 'normalized'], [' NEW YORK', 2, 'normalized'], ['New-York', 1, 'normalized']] }],
    },
    { name: 'accents fold', input: { 'São Paulo': 20, 'Sao Paulo': 3 }, want: [{ dominant: 'São Paulo', count: 20, variants: [['Sao Paulo', 3, 'normalized']] }] },
    { name: 'typo within distance 1', input: { Chicago: 40, Chicagoo: 2, Boston: 30 }, want: [{ dominant: 'Chicago', count: 40, variants: [['Chicagoo', 2, 'edit']] }] },
    { name: 'transposition counts 1', input: { Chicago: 40, Chciago: 1 }, want: [{ dominant: 'Chicago', count: 40, variants: [['Chciago', 1, 'edit']] }] },
    {
      name: 'distance 2 allowed for long values',
      input: { Massachusetts: 50, Masachusets: 2 },
      want: [{ dominant: 'Massachusetts', count: 50, variants: [['Masachusets', 2, 'edit']] }],
    },
    { name: 'short codes never fold by edits', input: { CA: 10, GA: 10, PA: 10, ca: 1, AC: 1 }, want: [{ dominant: 'CA', count: 10, variants: [['ca', 1, 'normalized']] }] },
    { name: 'male/female stay apart', input: { male: 30, female: 30, Male: 2 }, want: [{ dominant: 'male', count: 30, variants: [['Male', 2, 'normalized']] }] },
    { name: 'Austria/Australia stay apart', input: { Austria: 30, Australia: 2 }, want: [] },
    { name: 'two frequent values stay apart', input: { Paris: 30, Parks: 20 }, want: [] },
    { name: 'rare near value folds into frequent one', input: { Paris: 30, Parks: 2 }, want: [{ dominant: 'Paris', count: 30, variants: [['Parks', 2, 'edit']] }] },
    { name: 'not rare enough: ratio above 1/10', input: { Chicago: 19, Chicagoo: 2 }, want: [] },
    { name: 'different digits never fold', input: { 'Route 66': 40, 'Route 67': 1 }, want: [] },
    { name: 'numbers with separators are not punctuation', input: { '1.5': 10, '15': 10 }, want: [] },
    {
      name: 'absorbing cluster is not absorbed itself; variants of a typo cluster follow it',
      input: { Chicago: 100, Chicagoo: 3, chicagoo: 1 },
      want: [{ dominant: 'Chicago', count: 100, variants: [['Chicagoo', 3, 'edit'], ['chicagoo', 1, 'edit']] }],
    },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    expect(simplify(spellingClusters(counts(input)))).toEqual(want);
  });

  it('foldKey', () => {
    expect(foldKey(' NEW  York. ')).toBe('new york');
    expect(foldKey('Zürich')).toBe('zurich');
    expect(foldKey('St. Louis')).toBe(foldKey('St Louis'));
    expect(foldKey('1.5')).toBe('1.5');
    expect(foldKey('?')).toBe('?');
  });
});

describe('format signatures', () => {
  it.each([
    ['2024-03-15', 'YYYY-MM-DD'],
    ['2024/03/15', 'YYYY/MM/DD'],
    ['15/03/2024', 'DD/MM/YYYY'],
    ['03/15/2024', 'MM/DD/YYYY'],
    ['03/04/2024', 'NN/NN/YYYY'],
    ['15.03.2024', 'DD.MM.YYYY'],
    ['Mar 15 2024', 'Mon D YYYY'],
    ['March 5, 2024', 'Mon D, YYYY'],
    ['15 Mar 2024', 'D Mon YYYY'],
    ['15-Mar-2024', 'D-Mon-YYYY'],
    ['2024-03-15T10:20:30Z', 'YYYY-MM-DDTHH:MM:SSZ'],
    ['2024-03-15T10:20:30.123456+02:00', 'YYYY-MM-DDTHH:MM:SS+HH:MM'],
    ['2024-03-15 10:20', 'YYYY-MM-DD HH:MM'],
  ])('dateSig(%s) = %s', (v, sig) => expect(dateSig(v)).toBe(sig));

  it.each([
    ['3', false, 'n'],
    ['1234', false, 'i'],
    ['3.5', false, 'p'],
    ['1e-5', false, 'p'],
    ['1234.5', false, 'P'],
    ['1.234', false, 'b'],
    ['12,50', true, 'c'],
    ['1234,5', true, 'C'],
    ['1,234', true, 'a'],
    ['1,234.50', true, 'g'],
    ['1,234,567', true, 'g'],
    ['1.234,50', true, 'd'],
    ['1.234.567', true, 'd'],
    ['0150', true, ''],
  ])('numClass(%s)', (v, sepOnly, cls) => expect(numClass(v, sepOnly)).toBe(cls));

  it('mojibake', () => {
    expect(isMojibake('CafÃ©')).toBe(true);
    expect(isMojibake('Itâ€™s')).toBe(true);
    expect(isMojibake('MÃ¼nchen')).toBe(true);
    expect(isMojibake('Café')).toBe(false);
    expect(isMojibake('SÃO PAULO')).toBe(false);
    expect(isMojibake('München')).toBe(false);
  });
});

describe('consistency checker: mixed formats', () => {
  const cases: {
    name: string;
    values: Cell[];
    type: ColumnType;
    family?: string;
    dominant?: string;
    count: number;
    formats?: Record<string, number>;
  }[] = [
    {
      name: 'dates in three formats',
      values: [...rep('2024-03-15', 20), ...rep('15/03/2024', 5), ...rep('Mar 15 2024', 3)],
      type: 'date',
      family: 'date',
      dominant: 'YYYY-MM-DD',
      count: 8,
      formats: { 'YYYY-MM-DD': 20, 'DD/MM/YYYY': 5, 'Mon D YYYY': 3 },
    },
    {
      name: 'ambiguous slash dates join the column order',
      values: [...rep('03/04/2024', 10), ...rep('15/03/2024', 5), '1/2/2024', '28/2/2024'],
      type: 'date',
      count: 0,
    },
    {
      name: 'day-first and month-first slash dates',
      values: [...rep('15/03/2024', 10), ...rep('03/04/2024', 4), ...rep('03/15/2024', 2)],
      type: 'date',
      family: 'date',
      dominant: 'DD/MM/YYYY',
      count: 2,
      formats: { 'DD/MM/YYYY': 14, 'MM/DD/YYYY': 2 },
    },
    {
      name: 'dates and datetimes',
      values: [...rep('2024-03-15T10:00:00Z', 10), ...rep('2024-03-15', 2), '2024-03-15T10:00:00.5Z'],
      type: 'datetime',
      family: 'date',
      dominant: 'YYYY-MM-DDTHH:MM:SSZ',
      count: 2,
      formats: { 'YYYY-MM-DDTHH:MM:SSZ': 11, 'YYYY-MM-DD': 2 },
    },
    {
      name: 'decimal commas among decimal points',
      values: [...rep('12.50', 10), ...rep('12,50', 3), '7'],
      type: 'string',
      family: 'number',
      dominant: '1234.5',
      count: 3,
      formats: { '1234.5': 11, '1234,5': 3 },
    },
    {
      name: 'thousands separators in a plain column',
      values: [...rep('1500.25', 8), ...rep('1,234.50', 2), '12.5'],
      type: 'float',
      family: 'number',
      dominant: '1234.5',
      count: 2,
      formats: { '1234.5': 9, '1,234.5': 2 },
    },
    {
      name: 'European grouping among comma decimals',
      values: [...rep('1.234,50', 2), ...rep('1234,5', 6), '3'],
      type: 'string',
      family: 'number',
      dominant: '1234,5',
      count: 2,
      formats: { '1234,5': 7, '1.234,5': 2 },
    },
    { name: 'floats and integers are one format', values: ['3', '3.5', '10', '2.25', '1234', '0.5', '1e-5', '12.345'], type: 'float', count: 0 },
    { name: 'comma grouping with small decimals is one format', values: ['12.5', '1,234.50', '3', '99.99', '12,345,678.00'], type: 'string', count: 0 },
    {
      name: 'boolean spellings',
      values: [...rep('yes', 10), ...rep('No', 4), ...rep('Y', 3), ...rep('true', 2), '1'],
      type: 'categorical',
      family: 'boolean',
      dominant: 'yes/no',
      count: 6,
      formats: { 'yes/no': 14, 'y/n': 3, 'true/false': 2, '1/0': 1 },
    },
    { name: '0/1 integers are not a boolean format issue', values: [...rep('0', 10), ...rep('1', 10)], type: 'integer', count: 0 },
    {
      name: 'phone shapes',
      values: [...rep('555-123-4567', 10), ...rep('(555) 123-4567', 3), '555-987-6543'],
      type: 'string',
      family: 'shape',
      dominant: 'ddd-ddd-dddd',
      count: 3,
      formats: { 'ddd-ddd-dddd': 11, '(ddd) ddd-dddd': 3 },
    },
    { name: 'integer ids of varying length are not shapes', values: Array.from({ length: 200 }, (_, i) => String(i + 1)), type: 'integer', count: 0 },
  ];
  it.each(cases)('$name', ({ values, type, family, dominant, count, formats }) => {
    const r = audit(shuffle(values), type);
    const f = find(r, 'mixed-formats', 'c');
    if (count === 0) {
      expect(f).toBeUndefined();
      return;
    }
    expect(f).toBeDefined();
    expect(f!.count).toBe(count);
    expect(f!.dimension).toBe('consistency');
    expect(f!.data!.family).toBe(family);
    expect(f!.data!.dominant).toBe(dominant);
    const got = Object.fromEntries((f!.data!.formats as { format: string; count: number }[]).map((x) => [x.format, x.count]));
    expect(got).toEqual(formats);
    expect(f!.examples.length).toBe(Math.min(5, count));
    expect(r.tallies!.c!.consistency).toEqual({ assessed: values.length, bad: count });
  });

  it('examples are the lowest rows of the minority formats, with lines', () => {
    const values = [...rep('2024-03-15', 10), 'Mar 15 2024', '2024-03-16', '15 Mar 2024'];
    const f = find(audit(values, 'date'), 'mixed-formats')!;
    expect(f.examples).toEqual([
      { row: 11, line: 12, value: 'Mar 15 2024' },
      { row: 13, line: 14, value: '15 Mar 2024' },
    ]);
  });
});

describe('consistency checker: spelling variants', () => {
  const values = shuffle([...rep('New York', 50), ...rep('new york', 3), ...rep(' NEW YORK', 2), ...rep('Chicago', 40), ...rep('Chicagoo', 2), ...rep('CA', 10), ...rep('GA', 10), ...rep('PA', 10)]);
  const r = audit(values, 'categorical', 'city');

  it('reports clusters with counts and exposes them in metrics', () => {
    const f = find(r, 'spelling-variants', 'city')!;
    expect(f.count).toBe(7);
    const want = [
      { dominant: 'New York', count: 50, variants: [['new york', 3, 'normalized'], [' NEW YORK', 2, 'normalized']] },
      { dominant: 'Chicago', count: 40, variants: [['Chicagoo', 2, 'edit']] },
    ];
    expect(simplify(f.data!.clusters as Cluster[])).toEqual(want);
    expect(simplify((r.metrics!.clusters as Record<string, Cluster[]>).city!)).toEqual(want);
    expect(f.examples.map((e) => e.value).sort()).toEqual([' NEW YORK', 'Chicagoo', 'new york']);
  });

  it('counts a cell with whitespace and a variant spelling once', () => {
    expect(find(r, 'whitespace', 'city')!.count).toBe(2);
    expect(r.tallies!.city!.consistency).toEqual({ assessed: 127, bad: 7 });
  });

  it('is skipped for numeric or date columns and for too many distinct values', () => {
    expect(find(audit([...rep('Chicago', 40), 'Chicagoo'], 'integer'), 'spelling-variants')).toBeUndefined();
    const many = Array.from({ length: 10_050 }, (_, i) => `v${i}`);
    const rr = audit([...many, ...rep('Chicago', 40), 'Chicagoo'], 'string', 'c', 5000);
    expect(find(rr, 'spelling-variants')).toBeUndefined();
    expect((rr.metrics!.spellingSkipped as Record<string, string>).c).toBe('too-many-distinct');
  });
});

describe('consistency checker: whitespace, mixed types, encoding', () => {
  it('whitespace', () => {
    const r = audit(['a', ' a', 'b ', ' c ', 'd', '   ', 'e\t'], 'string');
    const f = find(r, 'whitespace', 'c')!;
    expect(f.count).toBe(4);
    expect(f.data).toMatchObject({ leading: 2, trailing: 3 });
    expect(f.examples.map((e) => e.row)).toEqual([2, 3, 4, 7]);
    expect(r.tallies!.c!.consistency).toEqual({ assessed: 6, bad: 4 });
  });

  it('whitespace around numbers', () => {
    const f = find(audit(['1', ' 2', '3 ', '4'], 'integer'), 'whitespace')!;
    expect(f.count).toBe(2);
  });

  const typeCases: { name: string; values: Cell[]; type: ColumnType; count: number | null; dominant?: string; tallied?: boolean; bad: number }[] = [
    {
      name: 'JSON column with numbers and strings (string type): tallied',
      values: [...rep('apple', 10), 1, 2, 3.5, 4, 5],
      type: 'string',
      count: 5,
      dominant: 'text',
      tallied: true,
      bad: 5,
    },
    {
      name: 'half dates half numbers (string type): tallied',
      values: [...rep('2024-01-02', 6), ...rep('17', 4)],
      type: 'string',
      count: 4,
      dominant: 'date',
      tallied: true,
      bad: 4,
    },
    {
      name: 'text in a numeric column: reported, not tallied (validity counts it)',
      values: [...Array.from({ length: 98 }, (_, i) => String(i)), 'n/a?', 'unknown'],
      type: 'integer',
      count: 2,
      dominant: 'number',
      tallied: false,
      bad: 0,
    },
    { name: 'a single odd value is noise, not mixed types', values: [...rep('apple', 300), '12'], type: 'string', count: null, bad: 0 },
    { name: 'decimal-comma text is numbers, not text', values: [...rep('12,5', 10), ...rep('3,25', 10)], type: 'string', count: null, bad: 0 },
  ];
  it.each(typeCases)('mixed types: $name', ({ values, type, count, dominant, tallied, bad }) => {
    const r = audit(values, type);
    const f = find(r, 'mixed-types', 'c');
    if (count === null) expect(f).toBeUndefined();
    else {
      expect(f!.count).toBe(count);
      expect(f!.data).toMatchObject({ dominant, tallied });
      expect(f!.dimension).toBe(tallied ? 'consistency' : null);
    }
    expect(r.tallies!.c!.consistency!.bad).toBe(bad);
  });

  it('encoding: replacement characters, mojibake and mixed encodings', () => {
    const values = [...rep('Café', 3), ...rep('CafÃ©', 2), 'Itâ€™s', 'bad\uFFFDvalue', 'plain'];
    const r = audit(values, 'string');
    const f = find(r, 'encoding', 'c')!;
    expect(f.count).toBe(4);
    expect(f.data).toMatchObject({ replacement: 1, mojibake: 3, accented: 3, mixed: true });
    expect(f.examples.map((e) => e.row)).toEqual([4, 5, 6, 7]);
    expect(r.metrics!.encoding).toEqual({ replacement: 1, mojibake: 3, accented: 3, mixed: true });
    expect(r.tallies!.c!.consistency).toEqual({ assessed: 8, bad: 4 });
  });

  it('a clean column has no findings and a perfect tally', () => {
    const r = run(
      consistency,
      batches({ a: ['x', 'y', 'z', null, ''], b: ['2024-01-01', '2024-01-02', null, '2024-01-04', '2024-01-05'] }),
      opts,
      [profile('a', 'categorical'), profile('b', 'date')],
    );
    expect(r.findings).toEqual([]);
    expect(r.tallies).toEqual({ a: { consistency: { assessed: 3, bad: 0 } }, b: { consistency: { assessed: 4, bad: 0 } } });
  });
});

describe('consistency checker: merge law', () => {
  const pool: Cell[] = [
    'New York', 'new york', ' NEW YORK', 'Chicago', 'Chicagoo', 'CA', 'GA', 'yes', 'Y', '2024-03-15', '15/03/2024',
    'Mar 15 2024', '12.50', '12,50', '1,234.50', '7', 3, 4.5, ' pad', 'CafÃ©', 'Café', 'x\uFFFD', null, '', 'NA',
  ];
  it('split + merge gives the same result as one state', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pool), { minLength: 0, maxLength: 120 }),
        fc.array(fc.constantFrom(...pool), { minLength: 0, maxLength: 120 }),
        fc.integer({ min: 1, max: 17 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (a, b, size, picks, swap) => {
          const n = Math.max(a.length, b.length);
          const cols = { a: [...a, ...rep<Cell>(null, n - a.length)], b: [...b, ...rep<Cell>(null, n - b.length)] };
          const bs = batches(cols, size);
          const profiles = [profile('a', 'string'), profile('b', 'categorical')];
          const one = run(consistency, bs, opts, profiles);
          const two = runSplit(consistency, bs, opts, profiles, (i) => picks[i % picks.length]!, swap);
          expect(two).toEqual(one);
        },
      ),
      { numRuns: 150 },
    );
  });
});
