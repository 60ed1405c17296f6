/**
 * The profile of a dictionary-encoded column (cells with a dict/codes hint, as the Parquet reader leaves them) is
 * exactly the profile of the same cells without the hint: same finalized profiles and details, same cell hashes,
 * over batches, with the dictionary shared between batches, and after split + merge.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditOptions, Batch, Cell } from '../../src/core/types.js';
import { finalizeProfile, initProfile, mergeProfile, updateProfile, type ProfileState } from '../../src/checks/profile.js';
import { dcCount } from '../../src/stats/distinct.js';
import { setColumnHint, viewBatch, type ParseOptions } from '../../src/schema/values.js';
import { auditOptions } from './helpers-ct.js';

const optionsOf = (o: Partial<AuditOptions> = {}): AuditOptions => auditOptions({ exactBudgetBytes: 1 << 24, asOf: Date.UTC(2024, 0, 1), ...o });

/** One column of a batch: cells dict[codes[i]] (null where codes[i] < 0). */
interface DictBatch {
  dict: Cell[];
  codes: number[];
}

interface Run {
  state: ProfileState;
  /** view.hash of every column of every batch, in order. */
  hashes: Uint32Array[];
  /** Columns viewed through their dictionary. */
}

function cellsOf(b: DictBatch): Cell[] {
  return b.codes.map((c) => (c < 0 ? null : b.dict[c]!));
}

/**
 * Profile batches of columns (batches[j][c]: column c of batch j), with the dictionary hints (`coded`) or without,
 * in parts split at `cuts` (batch indexes) merged afterwards.
 */
function profile(batches: DictBatch[][], o: AuditOptions, coded: boolean, cuts: number[] = []): Run {
  const parse: ParseOptions = { naValues: o.naValues, decimalComma: o.decimalComma, dayFirst: o.dayFirst };
  const hashes: Uint32Array[] = [];
  const parts: ProfileState[] = [];
  let state = initProfile(o);
  let row = 1;
  batches.forEach((cols, j) => {
    if (cuts.includes(j)) {
      parts.push(state);
      state = initProfile(o);
    }
    const length = cols[0]!.codes.length;
    const data = cols.map((b) => {
      const cells = cellsOf(b);
      if (coded) setColumnHint(cells, { dict: b.dict, codes: Int32Array.from(b.codes) });
      return cells;
    });
    const lines = Int32Array.from({ length }, (_, i) => row + i + 1 + Math.floor((row + i) / 3));
    const batch: Batch = { columns: cols.map((_, c) => `c${c}`), data, length, firstRow: row, lines };
    row += length;
    const view = viewBatch(batch, parse);
    updateProfile(state, view);
    for (const v of view.views) hashes.push(v.hash!);
  });
  parts.push(state);
  return { state: parts.reduce((a, b) => mergeProfile(a, b)), hashes };
}

/** The finalized profiles and details, and the raw column states (top values, distinct count, examples...). */
function outcome(r: Run, o: AuditOptions, rows: number, columns: number) {
  const names = Array.from({ length: columns }, (_, c) => `c${c}`);
  const raw = r.state.cols.map((st) => ({
    kinds: st.kinds,
    kindExamples: st.kindExamples,
    codes: st.codes,
    control: st.control,
    controlExamples: st.controlExamples,
    tMin: st.tMin,
    tMax: st.tMax,
    dates: [st.dMinA, st.dMaxA, st.dMinB, st.dMaxB, st.dMinTextA, st.dMaxTextA, st.dMinTextB, st.dMaxTextB, st.dayEv, st.monthEv, st.ambiguousDates],
    top: Array.from({ length: st.top.size }, (_, e) => [st.top.values[e], st.top.counts[e]]).sort((x, y) =>
      String(x[0]) < String(y[0]) ? -1 : String(x[0]) > String(y[0]) ? 1 : 0,
    ),
    topN: st.top.n,
    topDec: st.top.dec,
    // the regime too (no test here reaches the log's compactions, where a log of repeats may sketch sooner), and
    // the set's add count, which its hand-over to the log reads: repeats within a batch count as adds
    regime: st.distinct.set ? 'set' : st.distinct.log ? 'log' : 'sketch',
    adds: st.distinct.set?.adds ?? null,
    distinct: dcCount(st.distinct),
    deferNum: st.deferNum,
  }));
  const { profiles, details } = finalizeProfile(r.state, rows, o, names);
  return { profiles, details, raw };
}

/** Assert the dictionary path was taken and gives exactly what the plain path gives. */
function same(batches: DictBatch[][], o = optionsOf(), cuts: number[] = []): void {
  const rows = batches.reduce((s, cols) => s + cols[0]!.codes.length, 0);
  const columns = batches[0]!.length;
  const plain = profile(batches, o, false, cuts);
  const coded = profile(batches, o, true, cuts);
  expect(coded.hashes).toEqual(plain.hashes);
  expect(outcome(coded, o, rows, columns)).toEqual(outcome(plain, o, rows, columns));
}

/** Codes 0..m-1 repeated in a scrambled order, with a null every `nullEvery` cells (0: none). */
function codesFor(n: number, m: number, seed: number, nullEvery = 0): number[] {
  return Array.from({ length: n }, (_, i) => (nullEvery && i % nullEvery === nullEvery - 1 ? -1 : (i * 7919 + seed * 104729 + ((i * i) % 13)) % m));
}

describe('profile of dictionary-encoded columns', () => {
  const cases: { name: string; dict: Cell[]; codes?: number[][]; o?: Partial<AuditOptions> }[] = [
    { name: 'repeated text entries', dict: ['Beauty', 'Toys', 'Garden', 'Books'], codes: [[0, 0, 1, 0, 2, 3, 3, 3, 0, 1]] },
    { name: 'null codes', dict: ['a', 'b'], codes: [[-1, 0, -1, -1, 1, 0, -1], [-1, -1, -1]] },
    { name: 'all codes null', dict: ['a', 'b'], codes: [[-1, -1, -1], [-1, -1]] },
    { name: 'entries never used', dict: ['zzz', 'used', 'AAA', 'also used', '0000', '\u0001'], codes: [[1, 3, 1, 1], [3, 3]] },
    { name: 'missing entries (empty, blank, NA tokens)', dict: ['', 'NA', '  ', 'x', 'null', 'N/A', 'y'], codes: [[0, 1, 2, 3, 4, 5, 6, 3, 0, 6]] },
    {
      name: 'numeric text entries',
      dict: ['1', '1.0', '2', '-3.5', '1e3', ' 7 ', '+5', '-0', '0', '0.10', '12345678901234567890', '-98765432109876543210', 'inf', '-Infinity', '.5', '3.14159', '100'],
    },
    { name: 'leading-zero codes', dict: ['0150', '0007', '00', '0', '007a', '0150', '150', '01.5'] },
    {
      name: 'control characters',
      dict: ['a\u0001b', 'plain', '\u007f', 'tab\there', 'new\nline', 'c1 \u0085', 'x'.repeat(40) + '\u0002', 'y'.repeat(40), '\u0000'],
    },
    {
      name: 'dates and datetimes, several texts of one day, first text wins',
      dict: ['2024-01-02', '2024/01/02', '2023-12-31', '2024-1-2', '2024-01-02T00:00:00Z', '2024-03-05T10:11:12.5+02:00', 'Mar 15 2024', '15-Mar-2024', '2022-06-30'],
    },
    {
      name: 'ambiguous and unambiguous slash dates',
      dict: ['03/04/2020', '13/04/2020', '04/13/2020', '05/05/2020', '1/2/2021', '12/11/2019'],
    },
    { name: 'ambiguous slash dates, day first', dict: ['03/04/2020', '05/06/2021', '07/08/2019', '01/02/2020'], o: { dayFirst: true } },
    { name: 'booleans', dict: ['true', 'no', 'TRUE', 'Yes', 'false', 'maybe'] },
    { name: 'mixed kinds', dict: ['x', '1', '2.5', 'true', '2024-01-02', '', '0150', 'hello world, a long text', 'é€', '\ud83d\ude00'] },
    {
      name: 'decimal commas: integers in their own spelling',
      dict: ['1.234', '1234', '1.234,5', '2.000.000', '12,5', '0,5', '7'],
      o: { decimalComma: true },
    },
    { name: 'non-string entries (numbers, bigints, booleans, NaN)', dict: [1, 2.5, -0, NaN, 10n ** 20n, 42n, true, false, 1e21, 0.1 + 0.2, 3] },
    { name: 'one entry', dict: ['only'] },
    { name: 'forced type', dict: ['1', '2', 'x'], o: { types: { c0: 'string' } } },
  ];
  for (const cs of cases) {
    it(cs.name, () => {
      const m = cs.dict.length;
      const codes = cs.codes ?? [codesFor(50, m, 1, 7), codesFor(37, m, 2), codesFor(64, m, 3, 5)];
      // the same dictionary (one array) in every batch, as over the batches of a row group
      same(
        codes.map((c) => [{ dict: cs.dict, codes: c }]),
        optionsOf(cs.o),
      );
    });
  }

  it('a dictionary per batch, and two columns sharing one dictionary', () => {
    const d1: Cell[] = ['b', 'a', '2024-01-01', '5'];
    const d2: Cell[] = ['a', 'c', '5', '5.0', 'a'];
    same([
      [{ dict: d1, codes: codesFor(30, 4, 1, 4) }, { dict: d1, codes: codesFor(30, 4, 2) }],
      [{ dict: d2, codes: codesFor(40, 5, 3) }, { dict: d1, codes: codesFor(40, 4, 4, 3) }],
      [{ dict: d1, codes: codesFor(20, 4, 5) }, { dict: d2, codes: codesFor(20, 5, 6) }],
    ]);
  });

  it('the first five examples of each kind, over batches', () => {
    const dict: Cell[] = ['x', 'y', '1', '2', 'true', '2024-01-01', '', 'a\u0001'];
    same(Array.from({ length: 6 }, (_, j) => [{ dict, codes: codesFor(3, dict.length, j, 2) }]));
  });

  it('split into parts and merged (parallel audits)', () => {
    const dict: Cell[] = ['p', 'q', '3', '4.5', '2024-02-02', 'NA', '0150', 'r\u0002'];
    const batches = Array.from({ length: 6 }, (_, j) => [{ dict, codes: codesFor(25, dict.length, j, 6) }]);
    same(batches, optionsOf(), [2]);
    same(batches, optionsOf(), [1, 3, 5]);
  });

  it('top values past 10,000 distinct values (Misra-Gries reductions, then sampling)', () => {
    const words: Cell[] = Array.from({ length: 14_000 }, (_, i) => `w${(i * 7919) % 20_000}`);
    const nums: Cell[] = Array.from({ length: 14_000 }, (_, i) => String((i * 37) % 15_000) + (i % 3 === 0 ? '.5' : ''));
    // skewed codes: some entries very frequent, the rest once or twice
    const skew = (n: number, m: number, seed: number) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? (i + seed) % 25 : (i * 7919 + seed) % m));
    same(
      Array.from({ length: 4 }, (_, j) => [
        { dict: words, codes: skew(9000, words.length, j) },
        { dict: nums, codes: skew(9000, nums.length, j + 1) },
      ]),
    );
  });

  it('distinct counts and numbers past a small budget (sketches)', () => {
    const dict: Cell[] = Array.from({ length: 3000 }, (_, i) => (i % 10 === 0 ? `t${i}` : String(i * 1.25)));
    const batches = Array.from({ length: 5 }, (_, j) => [{ dict, codes: codesFor(2000, dict.length, j, 11) }]);
    same(batches, optionsOf({ exactBudgetBytes: 4096 }));
    same(batches, optionsOf({ exactBudgetBytes: 4096 }), [2]);
  });

  it('mostly distinct values: the exact set hands over to the log as it does cell by cell', () => {
    // 70,000 distinct texts with few repeats: the set reaches 65,536 hashes with under 3 adds per hash
    const dict: Cell[] = Array.from({ length: 72_000 }, (_, i) => `id-${i}`);
    const batches = Array.from({ length: 9 }, (_, j) =>
      [{ dict, codes: Array.from({ length: 10_000 }, (_, i) => (i % 9 === 0 ? (i * 31) % 500 : (j * 10_000 + i) % dict.length)) }],
    );
    same(batches);
    // every value four times in its batch: the set keeps every hash (over 3 adds per hash) as it does cell by cell
    same(Array.from({ length: 10 }, (_, j) => [{ dict, codes: Array.from({ length: 30_000 }, (_, i) => (j * 7500 + (i >> 2)) % 70_000) }]));
  });

  it('any dictionary and codes (property)', () => {
    const entry = fc.oneof(
      fc.constantFrom<Cell>('', 'NA', ' ', '1', '1.0', '01', '0150', '-3.5', '1e3', ' 7 ', '1.234', '1.234,5', 'x', 'X', 'x ', 'a\u0001', '\u0085', 'true', 'no'),
      fc.constantFrom<Cell>('2024-01-02', '2024/01/02', '03/04/2020', '13/04/2020', '04/13/2020', '2024-01-02T03:04:05Z', 'Mar 15 2024', '12345678901234567890'),
      fc.integer({ min: -20, max: 20 }).map((n) => String(n)),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((n) => String(n)),
      fc.string({ unit: fc.constantFrom('a', 'b', '0', '1', '.', '-', ' ', '/', '\u0000', 'é'), maxLength: 8 }),
      fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noDefaultInfinity: false }), fc.boolean(), fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n })),
    );
    const dicts = fc.array(fc.array(entry, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 });
    const arb = dicts.chain((ds) =>
      fc.record({
        dicts: fc.constant(ds),
        batches: fc.array(
          fc.tuple(
            fc.nat(ds.length - 1),
            fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(fc.array(fc.nat(1000), { minLength: n, maxLength: n }), fc.array(fc.boolean(), { minLength: n, maxLength: n }))),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        cut: fc.option(fc.nat(4), { nil: null }),
        decimalComma: fc.boolean(),
        dayFirst: fc.constantFrom(null, true, false),
        budget: fc.constantFrom(1 << 24, 2048),
      }),
    );
    fc.assert(
      fc.property(arb, (a) => {
        const batches = a.batches.map(([d, [picks, nulls]]) => {
          const dict = a.dicts[d]!;
          return [{ dict, codes: picks.map((p, i) => (nulls[i] ? -1 : p % dict.length)) }];
        });
        const cuts = a.cut !== null && a.cut > 0 && a.cut < batches.length ? [a.cut] : [];
        same(batches, optionsOf({ decimalComma: a.decimalComma, dayFirst: a.dayFirst, exactBudgetBytes: a.budget }), cuts);
      }),
      { numRuns: 150 },
    );
  });
});
