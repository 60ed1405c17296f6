/**
 * Streaming an input's batches outside an audit (clean, second passes): open, pick the reader, yield batches.
 * The Input is closed when the generator finishes or is abandoned.
 */
import { IssueLog } from '../core/issues.js';
import type { Batch } from '../core/types.js';
import { openInput, type Format, type Input } from '../io/source.js';
import type { Reader, ReaderOptions } from '../io/readers/types.js';

export async function loadReader(format: Format): Promise<Reader> {
  switch (format) {
    case 'csv':
    case 'tsv':
      return (await import('../io/readers/csv.js')).readCsv;
    case 'jsonl':
      return (await import('../io/readers/jsonl.js')).readJsonl;
    case 'parquet':
      return (await import('../io/readers/parquet.js')).readParquet;
  }
}

export interface ReadHandle {
  input: Input;
  issues: IssueLog;
  meta: Record<string, unknown>;
  batches: AsyncGenerator<Batch, void, undefined>;
}

/** Open `path` and stream its batches; `issues` and `meta` fill as reading goes. */
export async function readInput(path: string, format: Format | null, opts: ReaderOptions, issues = new IssueLog()): Promise<ReadHandle> {
  const input = await openInput(path, { format, maxDecompressedBytes: opts.maxDecompressedBytes });
  const reader = await loadReader(input.format);
  const meta: Record<string, unknown> = {};
  async function* gen() {
    try {
      yield* reader(input, opts, issues, meta);
    } finally {
      await input.close();
    }
  }
  return { input, issues, meta, batches: gen() };
}
