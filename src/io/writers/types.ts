import type { Cell } from '../../core/types.js';

/** A table writer. Output goes to a temporary file in the destination folder; `commit` renames it into place. */
export interface TableWriter {
  /** Write rows given column-major (data[c][i]); `columns` is fixed by the first call. */
  write(columns: string[], data: Cell[][], length: number): Promise<void>;
  /** Flush and atomically move the file into place. */
  commit(): Promise<void>;
  /** Remove the temporary file; the destination is left untouched. */
  abort(): Promise<void>;
}

export interface WriterOptions {
  /** Neutralise spreadsheet formulas in text cells (CSV only): prefix a `'` to text starting with = + - @ TAB CR that is not a number. */
  safeFormulas?: boolean;
  /** Told each text cell safeFormulas prefixes: its index in the rows of that write (null: a header name), its column and its text. */
  onNeutralised?: (row: number | null, column: string, old: string) => void;
  /** CSV and TSV: numbers are written with a decimal comma (`12,5`), the style of an input read with --decimal ','. */
  decimalComma?: boolean;
}
