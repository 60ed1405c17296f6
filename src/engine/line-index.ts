/**
 * Maps data rows to the physical line where they start, in about 8 bytes per change of the
 * line-minus-row offset (a multi-line record, a blank line), not per row: typical files need a few entries.
 * Mergeable by concatenation of consecutive row ranges.
 */
export interface LineIndex {
  /** rows[i] is the first row from which offset[i] applies: line = row + offset. */
  rows: number[];
  offsets: number[];
  /** false for formats without lines (Parquet, tables). */
  hasLines: boolean;
}

export function liNew(): LineIndex {
  return { rows: [], offsets: [], hasLines: false };
}

export function liAdd(li: LineIndex, firstRow: number, lines: Int32Array | null, length: number): void {
  if (!lines) return;
  li.hasLines = true;
  let last = li.offsets.length ? li.offsets[li.offsets.length - 1]! : NaN;
  for (let i = 0; i < length; i++) {
    const off = lines[i]! - (firstRow + i);
    if (off !== last) {
      li.rows.push(firstRow + i);
      li.offsets.push(off);
      last = off;
    }
  }
}

export function liMerge(a: LineIndex, b: LineIndex): LineIndex {
  const [x, y] = (a.rows[0] ?? Infinity) <= (b.rows[0] ?? Infinity) ? [a, b] : [b, a];
  for (let i = 0; i < y.rows.length; i++) {
    if (x.offsets.length && x.offsets[x.offsets.length - 1] === y.offsets[i]) continue;
    x.rows.push(y.rows[i]!);
    x.offsets.push(y.offsets[i]!);
  }
  x.hasLines = x.hasLines || y.hasLines;
  return x;
}

export function liLineOf(li: LineIndex, row: number): number | null {
  if (!li.hasLines || li.rows.length === 0 || row < li.rows[0]!) return null;
  let lo = 0;
  let hi = li.rows.length - 1;
  while (lo < hi) {
    const m = (lo + hi + 1) >>> 1;
    if (li.rows[m]! <= row) lo = m;
    else hi = m - 1;
  }
  return row + li.offsets[lo]!;
}
