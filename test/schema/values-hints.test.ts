/**
 * viewBatch with the hints a reader leaves beside its column arrays (dictionary codes, datetimes as numbers) must
 * give exactly the views viewColumn gives for the same cells.
 */
import { describe, expect, it } from 'vitest';
import type { Batch, Cell, ColumnView } from '../../src/core/types.js';
import { DEFAULT_NA_VALUES, setColumnHint, viewBatch, viewColumn, type ParseOptions } from '../../src/schema/values.js';

const OPTS: ParseOptions[] = [
  { naValues: new Set(DEFAULT_NA_VALUES), decimalComma: false, dayFirst: null },
  { naValues: new Set([...DEFAULT_NA_VALUES, '7', '2024-01-02T03:04:05Z']), decimalComma: true, dayFirst: true },
];

function batchOf(cells: Cell[]): Batch {
  return { columns: ['a'], data: [cells], length: cells.length, firstRow: 1, lines: null };
}

function plain(v: ColumnView): unknown {
  return { ...v, text: [...v.text], kind: [...v.kind], num: [...v.num].map(String), alt: v.alt ? [...v.alt].map(String) : null };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENTRIES: Cell[] = [
  'x', '', ' ', 'NA', '12', '0150', '-3.5', '1.234,5', 'true', 'No', '2024-02-30', '2024-03-15', '3/4/2020', '13/04/2020',
  '04/13/2020', 'Mar 15 2024', '2024-01-02T03:04:05Z', 'inf', 7, 7.25, NaN, -0, 2n ** 60n, true, false, null,
];

describe('viewBatch with dictionary codes', () => {
  for (const opts of OPTS) {
    it(`equals viewColumn (decimal comma ${opts.decimalComma}, day first ${opts.dayFirst})`, () => {
      const r = rng(opts.decimalComma ? 7 : 3);
      for (let round = 0; round < 30; round++) {
        const n = 1 + Math.floor(r() * 60);
        const dict = ENTRIES.filter(() => r() < 0.6);
        if (!dict.length) dict.push('y');
        const codes = new Int32Array(n);
        const cells: Cell[] = new Array(n);
        for (let i = 0; i < n; i++) {
          codes[i] = r() < 0.2 ? -1 : Math.floor(r() * dict.length);
          cells[i] = codes[i]! < 0 ? null : dict[codes[i]!]!;
        }
        const want = viewColumn(cells, n, opts);
        setColumnHint(cells, { dict, codes });
        const got = viewBatch(batchOf(cells), opts).views[0]!;
        expect(plain(got)).toEqual(plain(want));
        // a second batch of the same dictionary reuses its parsed entries
        const cells2 = cells.slice().reverse();
        setColumnHint(cells2, { dict, codes: codes.slice().reverse() });
        expect(plain(viewBatch(batchOf(cells2), opts).views[0]!)).toEqual(plain(viewColumn(cells2, n, opts)));
      }
    });
  }

  it('cells changed after the reader made them are parsed as they are', () => {
    const opts = OPTS[0]!;
    const dict: Cell[] = ['a', '1', '2024-01-01'];
    const codes = Int32Array.from([0, 1, 2, -1, 1]);
    const cells: Cell[] = ['a', '1', '2024-01-01', null, '1'];
    setColumnHint(cells, { dict, codes });
    cells[1] = 'changed';
    cells[3] = 5;
    expect(plain(viewBatch(batchOf(cells), opts).views[0]!)).toEqual(plain(viewColumn(cells, 5, opts)));
  });
});
