import { describe, expect, it } from 'vitest';
import { Kind } from '../../src/core/types.js';
import { DEFAULT_NA_VALUES, toNumber, viewColumn } from '../../src/schema/values.js';

// Surrounding whitespace is allowed around numbers (README, Values), on either side and of any kind parseNumber
// trims; pandas reads '\t7' as 7 too. A leading tab or no-break space used to make the cell text while a trailing
// one did not (and toNumber already read both).
describe('numbers with leading whitespace other than a space', () => {
  const cases: [string, Kind, number][] = [
    [' 7', Kind.INT, 7],
    ['\t7', Kind.INT, 7],
    ['7\t', Kind.INT, 7],
    ['\t7\t', Kind.INT, 7],
    ['\u00a07', Kind.INT, 7],
    ['\t-2.5', Kind.FLOAT, -2.5],
    ['\t.5', Kind.FLOAT, 0.5],
    ['\t1e3', Kind.FLOAT, 1000],
    ['\r\n+4', Kind.INT, 4],
    ['\tinf', Kind.FLOAT, Infinity],
  ];
  it.each(cases)('%j is %i %d', (cell, kind, num) => {
    const v = viewColumn([cell], 1, { naValues: new Set(DEFAULT_NA_VALUES), decimalComma: false, dayFirst: null });
    expect(v.kind[0]).toBe(kind);
    expect(v.num[0]).toBe(num);
    expect(v.text[0]).toBe(cell);
    expect(toNumber(cell)).toBe(num);
  });
  it('leading-zero codes and words stay text, blank cells missing', () => {
    const cells = ['\t0150', '\tabc', '\t', '\u00a0', '\t1,5'];
    const v = viewColumn(cells, cells.length, { naValues: new Set(DEFAULT_NA_VALUES), decimalComma: false, dayFirst: null });
    expect(Array.from(v.kind)).toEqual([Kind.TEXT, Kind.TEXT, Kind.MISSING, Kind.MISSING, Kind.TEXT]);
  });
});
