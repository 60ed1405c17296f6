/**
 * Parquet writer (hyparquet-writer): rows are buffered up to a row group (64k rows by default) and written
 * one row group at a time, so memory holds one row group of cells plus its encoded bytes.
 *
 * Column types are inferred from the cells of the first row group, every column nullable (OPTIONAL):
 * - only booleans -> BOOLEAN
 * - only integers (numbers that are safe integers, or bigints) -> INT64
 * - only numbers (some not integers) -> DOUBLE (numbers and bigints that convert exactly)
 * - anything else (strings, mixed kinds, or no value at all) -> STRING (UTF8 BYTE_ARRAY)
 * Later row groups must fit the types chosen: a STRING column takes any cell (numbers, bigints and booleans
 * as their canonical text), INT64 takes integers, DOUBLE takes numbers (and bigints that are exact as a
 * double), BOOLEAN takes booleans; any other cell fails the write with an error naming the column and row.
 *
 * Output goes to a `.dq-tmp-<pid>-<random>-<name>` temporary in the destination folder (atomic.ts: exclusive
 * creation, removed on SIGINT/SIGTERM); `commit` writes the footer, syncs and renames it into place, `abort`
 * removes it and leaves the destination untouched.
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { Cell } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import { createTempFor, type TempFile } from './atomic.js';
import type { TableWriter } from './types.js';

export interface ParquetWriterOptions {
  /** Rows per row group (default 65536). */
  rowGroupSize?: number;
  /** Compression codec: SNAPPY (default) or UNCOMPRESSED. */
  codec?: 'SNAPPY' | 'UNCOMPRESSED';
}

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

type ColType = 'BOOLEAN' | 'INT64' | 'DOUBLE' | 'STRING';

export const DEFAULT_ROW_GROUP_SIZE = 65536;

/** Infer a column type from cells (see the file comment). */
export function inferParquetType(cells: readonly Cell[]): ColType {
  let bools = 0;
  let ints = 0;
  let floats = 0;
  let bigs = 0;
  let other = 0;
  for (const v of cells) {
    if (v === null || v === undefined) continue;
    switch (typeof v) {
      case 'boolean':
        bools++;
        break;
      case 'number':
        if (Number.isSafeInteger(v)) ints++;
        else floats++;
        break;
      case 'bigint':
        bigs++;
        break;
      default:
        other++;
    }
  }
  if (other) return 'STRING';
  if (bools) return ints || floats || bigs ? 'STRING' : 'BOOLEAN';
  if (floats) return bigs ? 'STRING' : 'DOUBLE';
  if (ints || bigs) return 'INT64';
  return 'STRING';
}

function textOf(v: Exclude<Cell, null>): string {
  return typeof v === 'string' ? v : String(v);
}

/** A hyparquet-writer Writer that sends its bytes to a file handle at each flush. */
class HandleWriter extends ByteWriter {
  constructor(private readonly fh: FileHandle) {
    super(1 << 20);
  }

  async flush(): Promise<void> {
    const bytes = new Uint8Array(this.buffer, 0, this.index);
    let off = 0;
    while (off < bytes.length) {
      const { bytesWritten } = await this.fh.write(bytes, off, bytes.length - off);
      off += bytesWritten;
    }
    this.index = 0;
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

export function createParquetWriter(dest: string, opts: ParquetWriterOptions = {}): TableWriter {
  const groupSize = Math.max(1, Math.floor(opts.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE));
  const codec = opts.codec ?? 'SNAPPY';
  let temp: TempFile | null = null;
  let fh: FileHandle | null = null;
  let writer: HandleWriter | null = null;
  let pw: ParquetWriter | null = null;
  let columns: string[] | null = null;
  let types: ColType[] = [];
  let buf: Cell[][] = [];
  let buffered = 0;
  let rowsWritten = 0;
  let state: 'open' | 'committed' | 'aborted' | 'failed' = 'open';

  const open = async () => {
    if (temp) return;
    temp = await createTempFor(dest);
    try {
      fh = await fsp.open(temp.path, 'r+');
    } catch (e) {
      await temp.abort();
      throw new UsageError(`cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    writer = new HandleWriter(fh);
  };

  const convert = (c: number, cells: Cell[]): unknown[] => {
    const t = types[c]!;
    const name = columns![c]!;
    const out = new Array<unknown>(cells.length);
    const fail = (i: number, v: Cell) => {
      throw new Error(`cannot write ${dest}: column ${name} was written as ${t} but row ${rowsWritten + i + 1} holds ${typeof v} ${JSON.stringify(textOf(v as never))}`);
    };
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i];
      if (v === null || v === undefined) {
        out[i] = null;
        continue;
      }
      switch (t) {
        case 'STRING':
          out[i] = textOf(v);
          break;
        case 'BOOLEAN':
          if (typeof v !== 'boolean') fail(i, v);
          out[i] = v;
          break;
        case 'INT64':
          if (typeof v === 'bigint') out[i] = v;
          else if (typeof v === 'number' && Number.isSafeInteger(v)) out[i] = BigInt(v);
          else fail(i, v);
          break;
        case 'DOUBLE':
          if (typeof v === 'number') out[i] = v;
          else if (typeof v === 'bigint' && BigInt(Number(v)) === v) out[i] = Number(v);
          else fail(i, v);
          break;
      }
    }
    return out;
  };

  const flushGroup = async () => {
    if (buffered === 0 && pw) return;
    await open();
    if (!pw) {
      types = buf.map((cells) => inferParquetType(cells));
      const schema: SchemaElement[] = [{ name: 'schema', num_children: columns!.length }];
      columns!.forEach((name, c) => {
        const t = types[c]!;
        schema.push(
          t === 'STRING'
            ? { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }
            : { name, type: t, repetition_type: 'OPTIONAL' },
        );
      });
      pw = new ParquetWriter({ writer: writer!, schema, codec, createdBy: 'dq' });
    }
    if (buffered === 0) return;
    const columnData = columns!.map((name, c) => ({ name, data: convert(c, buf[c]!) }));
    await pw.write({ columnData, rowGroupSize: buffered });
    rowsWritten += buffered;
    buf = columns!.map(() => []);
    buffered = 0;
  };

  const guard = async <T>(f: () => Promise<T>): Promise<T> => {
    if (state !== 'open') throw new Error(`cannot write ${dest}: output is ${state}`);
    try {
      return await f();
    } catch (e) {
      state = 'failed';
      await cleanup();
      throw e;
    }
  };

  const cleanup = async () => {
    if (fh) {
      const h = fh;
      fh = null;
      await h.close().catch(() => {});
    }
    if (temp) await temp.abort();
  };

  return {
    write(cols: string[], data: Cell[][], length: number): Promise<void> {
      return guard(async () => {
        if (!columns) {
          if (new Set(cols).size !== cols.length) throw new UsageError(`cannot write ${dest}: duplicate column names`);
          columns = cols.slice();
          buf = columns.map(() => []);
        } else if (cols.length !== columns.length) {
          throw new Error(`cannot write ${dest}: ${cols.length} columns given, the file has ${columns.length}`);
        }
        let off = 0;
        while (off < length) {
          const n = Math.min(length - off, groupSize - buffered);
          for (let c = 0; c < columns.length; c++) {
            const src = data[c];
            const dst = buf[c]!;
            for (let i = 0; i < n; i++) dst.push(src ? (src[off + i] ?? null) : null);
          }
          buffered += n;
          off += n;
          if (buffered >= groupSize) await flushGroup();
        }
      });
    },
    commit(): Promise<void> {
      return guard(async () => {
        if (!columns) {
          columns = [];
          buf = [];
        }
        await flushGroup();
        await pw!.finish();
        const h = fh!;
        fh = null;
        await h.sync();
        await h.close();
        await temp!.commit();
        state = 'committed';
      });
    },
    async abort(): Promise<void> {
      if (state === 'committed') return;
      state = 'aborted';
      await cleanup();
    },
  };
}
