/**
 * CSV writer (RFC 4180): fields containing the delimiter, a double quote, CR or LF are quoted and their quotes
 * doubled; null is an empty field; numbers via String(n); bigint exact; booleans `true`/`false`; rows end with
 * LF. A row whose only field is empty is written as `""` so that it does not read back as a blank line.
 *
 * With `safeFormulas`, text cells (and header names) starting with `=`, `+`, `-`, `@`, TAB or CR that are not
 * plain numbers (`-5`, `+3.2`, `1e5`, `-0,5`) get a leading `'`, so spreadsheets show them as text instead of
 * evaluating them. Number cells are never altered.
 *
 * Output goes to a `.dq-tmp-*` temporary next to `dest` (see atomic.ts); `commit` renames it into place.
 * Writes are buffered (~1 MiB) and `write` waits for the disk when the buffer is full (backpressure).
 */
import type { Cell } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import { createTempFor, lifecycle, WRITE_BUFFER, type TempFile } from './atomic.js';
import type { TableWriter, WriterOptions } from './types.js';

const NUMBER_RE = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;

/** Whether a text cell would be taken as a formula by a spreadsheet (and is not simply a number). */
export function isFormulaLike(s: string): boolean {
  if (s.length === 0) return false;
  const c = s.charCodeAt(0);
  // = + - @ TAB CR
  if (c !== 0x3d && c !== 0x2b && c !== 0x2d && c !== 0x40 && c !== 0x09 && c !== 0x0d) return false;
  return !NUMBER_RE.test(s);
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');
}

export interface CsvWriter extends TableWriter {
  /** Flush and close the temporary without renaming (used by OutputGroup.commitAll). */
  finish(): Promise<void>;
  readonly dest: string;
}

export function createCsvWriter(dest: string, opts: WriterOptions & { delimiter?: string } = {}): CsvWriter {
  const delimiter = opts.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new UsageError(`invalid CSV delimiter ${JSON.stringify(delimiter)}: use one character other than a quote or a line break`);
  }
  const safe = opts.safeFormulas === true;
  const comma = opts.decimalComma === true;
  const needsQuote = new RegExp(`[${escapeRe(delimiter)}"\\r\\n]`);
  const tempP: Promise<TempFile> = createTempFor(dest);
  tempP.catch(() => {}); // reported by the first write/commit
  let columns: string[] | null = null;
  let order: number[] | null = null; // position in the incoming data of each fixed column (null: same order)
  let lastIncoming: string[] | null = null;
  let lastLength = -1;

  const told = opts.onNeutralised;
  /** A text cell (or header name, row null) as written: neutralised (and told) with safeFormulas, quoted if needed. */
  const text = (s: string, row: number | null, column: string): string => {
    if (safe && isFormulaLike(s)) {
      told?.(row, column, s);
      s = "'" + s;
    }
    return needsQuote.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const field = (v: Cell, row: number, column: string): string => {
    if (v === null) return '';
    switch (typeof v) {
      case 'string':
        return text(v, row, column);
      case 'number': {
        if (!comma) return String(v);
        const s = String(v).replace('.', ',');
        return needsQuote.test(s) ? `"${s}"` : s;
      }
      case 'bigint':
        return v.toString();
      case 'boolean':
        return v ? 'true' : 'false';
      default:
        return text(String(v), row, column);
    }
  };
  const row = (fields: string[]): string => {
    if (fields.length === 1 && fields[0] === '') return '""\n';
    return fields.join(delimiter) + '\n';
  };

  const mapColumns = (incoming: string[]): void => {
    if (lastIncoming === incoming && lastLength === incoming.length) return;
    lastLength = incoming.length;
    lastIncoming = incoming;
    const fixed = columns!;
    if (incoming.length === fixed.length && incoming.every((c, i) => c === fixed[i])) {
      order = null;
      return;
    }
    const pos = new Map(incoming.map((c, i) => [c, i] as const));
    for (const c of incoming) {
      if (!fixed.includes(c)) throw new Error(`CSV writer: column "${c}" is not among the columns of the first write (${fixed.join(', ')})`);
    }
    order = fixed.map((c) => pos.get(c) ?? -1);
  };

  return {
    dest,
    async write(cols: string[], data: Cell[][], length: number): Promise<void> {
      const temp = await tempP;
      let out = '';
      if (columns === null) {
        columns = cols.slice();
        out += row(columns.map((c) => text(c, null, c)));
      }
      mapColumns(cols);
      const idx = order;
      const nc = columns.length;
      const fields = new Array<string>(nc);
      for (let i = 0; i < length; i++) {
        for (let c = 0; c < nc; c++) {
          const src = idx === null ? c : idx[c]!;
          fields[c] = src < 0 ? '' : field(data[src]![i] ?? null, i, columns[c]!);
        }
        out += row(fields);
        if (out.length >= WRITE_BUFFER) {
          await temp.write(out);
          out = '';
        }
      }
      if (out) await temp.write(out);
    },
    ...lifecycle(tempP),
  };
}
