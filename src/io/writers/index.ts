import type { Format } from '../source.js';
import type { TableWriter, WriterOptions } from './types.js';

/** A table writer for a format; writers load lazily. `safeFormulas` applies to CSV and TSV. */
export async function createWriter(path: string, format: Format, opts: WriterOptions = {}): Promise<TableWriter> {
  switch (format) {
    case 'csv':
      return (await import('./csv.js')).createCsvWriter(path, opts);
    case 'tsv':
      return (await import('./csv.js')).createCsvWriter(path, { ...opts, delimiter: '\t' });
    case 'jsonl':
      return (await import('./jsonl.js')).createJsonlWriter(path);
    case 'parquet':
      return (await import('./parquet.js')).createParquetWriter(path);
  }
}
