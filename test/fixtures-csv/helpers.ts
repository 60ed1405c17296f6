/** Helpers for the CSV reader tests: in-memory inputs split into given chunks, and collecting a read. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IssueLog } from '../../src/core/issues.js';
import type { Batch, Cell, Finding } from '../../src/core/types.js';
import { readCsv } from '../../src/io/readers/csv.js';
import { DEFAULT_READER_OPTIONS, type ReaderOptions } from '../../src/io/readers/types.js';
import type { Format, Input } from '../../src/io/source.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const CORPUS = resolve(REPO, '../shared/corpus');
export const CSV_DIR = resolve(CORPUS, 'csv');

/** An Input whose stream() yields exactly the given chunks (copies, so the reader cannot alias them). */
export function chunkedInput(chunks: (Buffer | string)[], opts: { path?: string; format?: Format } = {}): Input {
  const bufs = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c));
  const bytes = bufs.reduce((n, b) => n + b.length, 0);
  return {
    path: opts.path ?? 'test.csv',
    file: null,
    bytes,
    gzip: false,
    format: opts.format ?? 'csv',
    sha256: () => null,
    close: async () => {},
    async *stream() {
      for (const b of bufs) yield Buffer.from(b);
    },
  };
}

/** Splits `data` at the given cut points (sorted, deduplicated, within range). */
export function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < data.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of points) {
    out.push(data.subarray(prev, c));
    prev = c;
  }
  out.push(data.subarray(prev));
  return out;
}

/** Splits into pieces of `size` bytes. */
export function splitEvery(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, Math.min(data.length, i + size)));
  if (out.length === 0) out.push(Buffer.alloc(0));
  return out;
}

export function fileInput(path: string, chunkSize = 1 << 20): Input {
  const data = readFileSync(path);
  return chunkedInput(splitEvery(data, chunkSize), { path, format: path.endsWith('.tsv') ? 'tsv' : 'csv' });
}

export interface ReadResult {
  columns: string[];
  /** Rows as arrays of cells. */
  rows: Cell[][];
  lines: number[];
  batches: Batch[];
  issues: IssueLog;
  findings: Finding[];
  meta: Record<string, unknown>;
}

export async function readAll(input: Input, opts: Partial<ReaderOptions> = {}): Promise<ReadResult> {
  const issues = new IssueLog();
  const meta: Record<string, unknown> = {};
  const rows: Cell[][] = [];
  const lines: number[] = [];
  const batches: Batch[] = [];
  let columns: string[] = [];
  for await (const b of readCsv(input, { ...DEFAULT_READER_OPTIONS, ...opts }, issues, meta)) {
    batches.push(b);
    columns = b.columns;
    for (let i = 0; i < b.length; i++) {
      rows.push(b.data.map((col) => col[i]!));
      lines.push(b.lines![i]!);
    }
  }
  if (batches.length === 0) columns = (meta.columns as string[] | undefined) ?? [];
  return { columns, rows, lines, batches, issues, findings: issues.findings(), meta };
}

/** Rows as objects keyed by column name. */
export function objects(r: ReadResult): Record<string, Cell>[] {
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]!])));
}

export function finding(r: ReadResult, id: string): Finding | undefined {
  return r.findings.find((f) => f.id === id);
}

/** Ids with their counts and example lines, for compact assertions. */
export function issueSummary(r: ReadResult): Record<string, { count: number; lines: (number | null)[] }> {
  const out: Record<string, { count: number; lines: (number | null)[] }> = {};
  for (const f of r.findings) {
    const prev = out[f.id];
    const lines = f.examples.map((e) => e.line);
    out[f.id] = prev ? { count: prev.count + f.count, lines: [...prev.lines, ...lines] } : { count: f.count, lines };
  }
  return out;
}
