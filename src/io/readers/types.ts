import type { IssueLog } from '../../core/issues.js';
import type { Batch } from '../../core/types.js';
import type { ByteRange, Input } from '../source.js';

export type Encoding = 'utf-8' | 'utf-16' | 'utf-16le' | 'utf-16be' | 'latin1' | 'windows-1252';

export interface ReaderOptions {
  /** null: sniff among , ; TAB | */
  delimiter: string | null;
  header: boolean;
  /** null: UTF-8, or UTF-16 when a BOM says so. */
  encoding: Encoding | null;
  /** Records per batch. */
  batchSize: number;
  /** Largest field in bytes before the input is rejected (exit 3). */
  maxFieldBytes: number;
  /** Opt-in: reject a compressed input that decompresses to more bytes than this (no ratio rule). */
  maxDecompressedBytes?: number;
  /** Most columns before the input is rejected (exit 3). */
  maxColumns: number;
  /** Read only a part of the input (parallel audits); absent: the whole input. */
  range?: ReadRange | null;
}

/**
 * A part of an uncompressed file split at a record (CSV, JSON Lines) or row-group (Parquet) boundary.
 * Rows and lines of the part are numbered as in a whole-file read: `rowsBefore` data rows and
 * `linesBefore` physical lines come before `start`.
 */
export interface ReadRange extends ByteRange {
  /** (start, end, endAt: byte offsets [start, end) for text formats, see ByteRange; ignored by Parquet.) */
  rowsBefore: number;
  linesBefore: number;
  /** Column names (after de-duplication) when the part starts after the header; null for the first part. */
  header: string[] | null;
  /** The delimiter found for the whole file (CSV parts after the first). */
  delimiter: string | null;
  /** The byte mode of the whole file (CSV parts after the first). */
  encoding: Encoding | null;
  /** Parquet: row groups [firstGroup, endGroup). */
  firstGroup?: number;
  endGroup?: number;
  /**
   * JSON Lines parts after the first: the columns among `header` (the columns seen before the part, in
   * first-seen order) that already held a non-null leaf value (an object found at such a path is kept as
   * JSON text, not flattened).
   */
  leafColumns?: string[];
  /**
   * JSON Lines, the first part, on the main thread only (a function: never sent to a worker). Called once
   * every line before `end` has been read, with the reader's state there: true ends the read at `end` (a
   * worker reads on from there); false reads on to the end of the file, exactly as a whole-file read would.
   */
  handoff?: (at: RangeHandoff) => boolean | Promise<boolean>;
}

/** The state of a JSON Lines read at the end of its first part (see ReadRange.handoff). */
export interface RangeHandoff {
  rows: number;
  lines: number;
  columns: string[];
  leafColumns: string[];
}

/**
 * Ids of the reader findings for lines that hold data but are in no row (JSON Lines: invalid JSON, not an object,
 * cut off): the engine scores them as invalid records.
 */
export const LOST_RECORD_IDS = ['invalid-json', 'not-object', 'truncated-line'] as const;

export const DEFAULT_READER_OPTIONS: ReaderOptions = {
  delimiter: null,
  header: true,
  encoding: null,
  batchSize: 4096,
  maxFieldBytes: 64 * 1024 * 1024,
  maxColumns: 100_000,
};

/**
 * A reader turns an Input into batches. Problems that do not stop reading (ragged rows, invalid lines,
 * blank lines, duplicate header names, invalid UTF-8) go to `issues` with line numbers; problems that
 * make the input unreadable throw InputError (exit 3). `meta` receives details for the report
 * (delimiter, encoding, header, Parquet metadata...).
 */
export type Reader = (
  input: Input,
  opts: ReaderOptions,
  issues: IssueLog,
  meta: Record<string, unknown>,
) => AsyncGenerator<Batch, void, undefined>;
