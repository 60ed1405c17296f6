/**
 * Parquet reader and writer tests, against the conformance corpus (apache/parquet-testing, see
 * <repo>/../shared/corpus/README.md) and against files generated here with hyparquet-writer.
 *
 * Corpus outcome table (every file is listed in CORPUS below, which the tests iterate):
 *   read        - read completely; the row count is checked for every file, values for a sample
 *   unsupported - UnsupportedError `unsupported: FEATURE (file)` (exit 3)
 *   rejected    - InputError `corrupt or invalid Parquet: ...` naming row group/column (exit 3)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { inputFor, writeParquet } from '../helpers.js';
import { IssueLog } from '../../src/core/issues.js';
import type { Cell } from '../../src/core/types.js';
import { DqError, InputError, UnsupportedError } from '../../src/errors.js';
import { readParquet, decimalText, timestampText, dateText, toJsonText, snappyFast } from '../../src/io/readers/parquet.js';
import { snappyUncompress } from 'hyparquet/src/snappy.js';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { DEFAULT_READER_OPTIONS, type ReaderOptions } from '../../src/io/readers/types.js';
import { createParquetWriter, inferParquetType } from '../../src/io/writers/parquet.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/parquet', import.meta.url));
const DATA = join(CORPUS, 'data');
const BAD = join(CORPUS, 'bad_data');
const TMP = mkdtempSync(join(tmpdir(), 'dq-parquet-test-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

type Outcome = 'read' | 'unsupported' | 'rejected';

/** file -> expected outcome (rows for files that read). */
const CORPUS_TABLE: { file: string; outcome: Outcome; rows?: number; note?: string }[] = [
  { file: 'alltypes_dictionary.parquet', outcome: 'read', rows: 2 },
  { file: 'alltypes_plain.parquet', outcome: 'read', rows: 8 },
  { file: 'alltypes_plain.snappy.parquet', outcome: 'read', rows: 2 },
  { file: 'alltypes_tiny_pages.parquet', outcome: 'read', rows: 7300, note: 'dictionary pages with index bit width 0 (Impala)' },
  { file: 'binary.parquet', outcome: 'read', rows: 12, note: 'unannotated binary -> 0x hex' },
  { file: 'byte_array_decimal.parquet', outcome: 'read', rows: 24 },
  { file: 'byte_stream_split.zstd.parquet', outcome: 'read', rows: 300 },
  { file: 'byte_stream_split_extended.gzip.parquet', outcome: 'read', rows: 200 },
  { file: 'column_chunk_key_value_metadata.parquet', outcome: 'read', rows: 0 },
  { file: 'concatenated_gzip_members.parquet', outcome: 'read', rows: 513 },
  { file: 'datapage_v1-corrupt-checksum.parquet', outcome: 'rejected', note: 'page CRC mismatch (column a, page 0)' },
  { file: 'datapage_v1-snappy-compressed-checksum.parquet', outcome: 'read', rows: 5120 },
  { file: 'datapage_v2.snappy.parquet', outcome: 'read', rows: 5 },
  { file: 'datapage_v2_empty_datapage.snappy.parquet', outcome: 'read', rows: 1 },
  { file: 'delta_binary_packed.parquet', outcome: 'read', rows: 200 },
  { file: 'delta_byte_array.parquet', outcome: 'read', rows: 1000 },
  { file: 'delta_encoding_optional_column.parquet', outcome: 'read', rows: 100 },
  { file: 'delta_encoding_required_column.parquet', outcome: 'read', rows: 100 },
  { file: 'delta_length_byte_array.parquet', outcome: 'read', rows: 1000 },
  { file: 'dict-page-offset-zero.parquet', outcome: 'read', rows: 39 },
  { file: 'fixed_length_byte_array.parquet', outcome: 'read', rows: 1000 },
  { file: 'fixed_length_decimal.parquet', outcome: 'read', rows: 24 },
  { file: 'fixed_length_decimal_legacy.parquet', outcome: 'read', rows: 24 },
  { file: 'float16_nonzeros_and_nans.parquet', outcome: 'read', rows: 8 },
  { file: 'float16_zeros_and_nans.parquet', outcome: 'read', rows: 3 },
  { file: 'hadoop_lz4_compressed.parquet', outcome: 'read', rows: 4 },
  { file: 'hadoop_lz4_compressed_larger.parquet', outcome: 'read', rows: 10000 },
  { file: 'incorrect_map_schema.parquet', outcome: 'read', rows: 1 },
  { file: 'int32_decimal.parquet', outcome: 'read', rows: 24 },
  { file: 'int32_with_null_pages.parquet', outcome: 'read', rows: 1000 },
  { file: 'int64_decimal.parquet', outcome: 'read', rows: 24 },
  { file: 'int96_from_spark.parquet', outcome: 'read', rows: 6 },
  { file: 'large_string_map.brotli.parquet', outcome: 'unsupported', note: '1 GiB page: pages over 256 MiB uncompressed' },
  { file: 'list_columns.parquet', outcome: 'read', rows: 3 },
  { file: 'lz4_raw_compressed.parquet', outcome: 'read', rows: 4 },
  { file: 'lz4_raw_compressed_larger.parquet', outcome: 'read', rows: 10000 },
  { file: 'map_no_value.parquet', outcome: 'read', rows: 3 },
  { file: 'nan_in_stats.parquet', outcome: 'read', rows: 2 },
  { file: 'nation.dict-malformed.parquet', outcome: 'rejected', note: 'malformed dictionary (column name)' },
  { file: 'nested_lists.snappy.parquet', outcome: 'read', rows: 3 },
  { file: 'nested_maps.snappy.parquet', outcome: 'read', rows: 6 },
  { file: 'nested_structs.rust.parquet', outcome: 'read', rows: 1 },
  { file: 'non_hadoop_lz4_compressed.parquet', outcome: 'read', rows: 4 },
  { file: 'nonnullable.impala.parquet', outcome: 'read', rows: 1 },
  { file: 'null_list.parquet', outcome: 'read', rows: 1 },
  { file: 'nullable.impala.parquet', outcome: 'read', rows: 7 },
  { file: 'nulls.snappy.parquet', outcome: 'read', rows: 8 },
  { file: 'old_list_structure.parquet', outcome: 'read', rows: 1 },
  { file: 'overflow_i16_page_cnt.parquet', outcome: 'read', rows: 40000 },
  { file: 'page_v2_empty_compressed.parquet', outcome: 'read', rows: 10 },
  { file: 'plain-dict-uncompressed-checksum.parquet', outcome: 'read', rows: 1000 },
  { file: 'repeated_no_annotation.parquet', outcome: 'read', rows: 6, note: 'footer says 0 rows: row-count-mismatch issue' },
  { file: 'repeated_primitive_no_list.parquet', outcome: 'read', rows: 4 },
  { file: 'rle-dict-snappy-checksum.parquet', outcome: 'read', rows: 1000 },
  { file: 'rle-dict-uncompressed-corrupt-checksum.parquet', outcome: 'rejected', note: 'dictionary page CRC mismatch' },
  { file: 'rle_boolean_encoding.parquet', outcome: 'read', rows: 68 },
  { file: 'single_nan.parquet', outcome: 'read', rows: 1 },
  { file: 'sort_columns.parquet', outcome: 'read', rows: 6 },
  { file: 'unknown-logical-type.parquet', outcome: 'read', rows: 3, note: 'unknown-logical-type issue' },
  { file: 'uniform_encryption.parquet.encrypted', outcome: 'unsupported', note: 'encrypted Parquet' },
];

const BAD_TABLE: { file: string; outcome: Outcome; note: string }[] = [
  { file: 'ARROW-GH-41317.parquet', outcome: 'rejected', note: 'column chunk path differs from the schema' },
  { file: 'ARROW-GH-41321.parquet', outcome: 'rejected', note: 'definition levels shorter than num_values' },
  { file: 'ARROW-GH-43605.parquet', outcome: 'read', note: 'GAP: width-0 indices into a 1-entry dictionary decode as all 0; see reader comment' },
  { file: 'ARROW-GH-45185.parquet', outcome: 'rejected', note: 'repetition levels start with 1' },
  { file: 'ARROW-GH-47662.parquet', outcome: 'rejected', note: 'REQUIRED column with 105 nulls' },
  { file: 'ARROW-RS-GH-6229-DICTHEADER.parquet', outcome: 'rejected', note: 'column chunk outside the file' },
  { file: 'ARROW-RS-GH-6229-LEVELS.parquet', outcome: 'rejected', note: 'repetition levels run out' },
  { file: 'PARQUET-1481.parquet', outcome: 'rejected', note: 'corrupt schema thrift' },
];


interface ReadResult {
  columns: string[];
  rows: Cell[][];
  meta: Record<string, any>;
  issues: IssueLog;
  batches: number;
}

async function readAll(file: string, opts: Partial<ReaderOptions> = {}): Promise<ReadResult> {
  const issues = new IssueLog();
  const meta: Record<string, any> = {};
  const rows: Cell[][] = [];
  let columns: string[] = [];
  let batches = 0;
  let expectedFirst = 1;
  for await (const b of readParquet(inputFor(file), { ...DEFAULT_READER_OPTIONS, ...opts }, issues, meta)) {
    batches++;
    columns = b.columns;
    expect(b.firstRow).toBe(expectedFirst);
    expect(b.lines).toBeNull();
    expect(b.data.length).toBe(b.columns.length);
    for (const col of b.data) expect(col.length).toBe(b.length);
    expectedFirst += b.length;
    for (let i = 0; i < b.length; i++) rows.push(b.data.map((c) => c[i]!));
  }
  return { columns: columns.length ? columns : (meta.columns as string[]), rows, meta, issues, batches };
}

async function failure(file: string, path = file): Promise<Error> {
  try {
    for await (const _ of readParquet(inputFor(file, path), DEFAULT_READER_OPTIONS, new IssueLog(), {})) {
      // drain
    }
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${file} was read without error`);
}

function col(r: ReadResult, name: string): Cell[] {
  const i = r.columns.indexOf(name);
  if (i < 0) throw new Error(`no column ${name} in ${r.columns.join(', ')}`);
  return r.rows.map((row) => row[i]!);
}

/** Minimal CSV parser for the *_expect.csv files (quotes, no embedded newlines needed). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const row: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let v = '';
        i++;
        for (;;) {
          if (line[i] === '"' && line[i + 1] === '"') {
            v += '"';
            i += 2;
          } else if (line[i] === '"') {
            i++;
            break;
          } else v += line[i++];
        }
        row.push(v);
        i++;
      } else {
        const j = line.indexOf(',', i);
        const end = j === -1 ? line.length : j;
        row.push(line.slice(i, end));
        i = end + 1;
      }
    }
    out.push(row);
  }
  return out;
}

function cellText(v: Cell): string {
  return v === null ? '' : String(v);
}

describe('corpus table covers the folder', () => {
  it('lists every file of parquet/data and parquet/bad_data', () => {
    const data = readdirSync(DATA).filter((f) => !f.endsWith('_expect.csv')).sort();
    expect(CORPUS_TABLE.map((t) => t.file).sort()).toEqual(data);
    expect(BAD_TABLE.map((t) => t.file).sort()).toEqual(readdirSync(BAD).sort());
  });
});

describe('corpus parquet/data: outcome of every file', () => {
  for (const t of CORPUS_TABLE) {
    it(`${t.file}: ${t.outcome}${t.rows !== undefined ? ` (${t.rows} rows)` : ''}`, async () => {
      const path = join(DATA, t.file);
      const t0 = Date.now();
      if (t.outcome === 'read') {
        const r = await readAll(path);
        expect(r.rows.length).toBe(t.rows);
        expect(r.meta.parquet.rows).toBe(t.rows);
      } else {
        const e = await failure(path);
        if (t.outcome === 'unsupported') {
          expect(e).toBeInstanceOf(UnsupportedError);
          expect(e.message).toMatch(/^unsupported: .+ \(.+\)$/);
          expect(e.message).toContain(path);
        } else {
          expect(e).toBeInstanceOf(InputError);
          expect(e.message).toContain('corrupt or invalid Parquet');
          expect(e.message).toMatch(/row group \d+, column \S+/);
        }
        expect((e as DqError).exitCode).toBe(3);
      }
      expect(Date.now() - t0).toBeLessThan(5000);
    });
  }
});

describe('corpus parquet/bad_data', () => {
  for (const t of BAD_TABLE) {
    it(`${t.file}: ${t.outcome} (${t.note})`, async () => {
      const path = join(BAD, t.file);
      const t0 = Date.now();
      if (t.outcome === 'read') {
        const r = await readAll(path);
        expect(r.rows.length).toBe(21186);
        expect(new Set(col(r, 'min_fl'))).toEqual(new Set([0]));
      } else {
        const e = await failure(path);
        expect(e).toBeInstanceOf(InputError);
        expect(e.message).toContain(path);
        expect(e.message).toContain('corrupt or invalid Parquet');
        expect(e.message).toContain('the file may be truncated or written by a faulty engine');
      }
      expect(Date.now() - t0).toBeLessThan(2000);
    });
  }

  it('names the column where it can', async () => {
    expect((await failure(join(BAD, 'ARROW-GH-47662.parquet'))).message).toContain('row group 0, column flba_field');
    expect((await failure(join(BAD, 'ARROW-GH-45185.parquet'))).message).toMatch(/column x\.list\.element/);
    expect((await failure(join(DATA, 'datapage_v1-corrupt-checksum.parquet'))).message).toMatch(/column a\b.*|page 0 checksum/);
    expect((await failure(join(DATA, 'nation.dict-malformed.parquet'))).message).toContain('column name');
  });
});

describe('values', () => {
  it('alltypes_plain: every column typed', async () => {
    const r = await readAll(join(DATA, 'alltypes_plain.parquet'));
    expect(r.columns).toEqual(['id', 'bool_col', 'tinyint_col', 'smallint_col', 'int_col', 'bigint_col', 'float_col', 'double_col', 'date_string_col', 'string_col', 'timestamp_col']);
    expect(r.rows[0]).toEqual([4, true, 0, 0, 0, 0, 0, 0, '03/01/09', '0', '2009-03-01T00:00:00Z']);
    expect(r.rows[1]).toEqual([5, false, 1, 1, 1, 10, 1.1, 10.1, '03/01/09', '1', '2009-03-01T00:01:00Z']);
    expect(col(r, 'id')).toEqual([4, 5, 6, 7, 2, 3, 0, 1]);
    const meta = r.meta.parquet;
    expect(meta.rowGroups).toBe(1);
    expect(meta.createdBy).toMatch(/impala/i);
    expect(meta.compression).toEqual(['UNCOMPRESSED']);
    expect(meta.columns.find((c: any) => c.name === 'timestamp_col').physicalType).toBe('INT96');
    expect(JSON.parse(JSON.stringify(r.meta))).toEqual(r.meta); // JSON-safe
  });

  it('alltypes_plain.snappy and alltypes_dictionary', async () => {
    expect(col(await readAll(join(DATA, 'alltypes_plain.snappy.parquet')), 'id')).toEqual([6, 7]);
    const d = await readAll(join(DATA, 'alltypes_dictionary.parquet'));
    expect(col(d, 'id')).toEqual([0, 1]);
    expect(col(d, 'string_col')).toEqual(['0', '1']);
  });

  for (const name of ['delta_binary_packed', 'delta_byte_array', 'delta_encoding_optional_column', 'delta_encoding_required_column']) {
    it(`${name} equals ${name}_expect.csv`, async () => {
      const r = await readAll(join(DATA, `${name}.parquet`));
      const exp = parseCsv(readFileSync(join(DATA, `${name}_expect.csv`), 'utf8'));
      const header = exp.shift()!;
      expect(r.columns.length).toBe(header.length);
      expect(r.rows.length).toBe(exp.length);
      for (let i = 0; i < exp.length; i++) {
        expect(r.rows[i]!.map(cellText), `row ${i + 1}`).toEqual(exp[i]);
      }
    });
  }

  it('delta_binary_packed keeps 64-bit integers exact (bigint beyond 2^53)', async () => {
    const r = await readAll(join(DATA, 'delta_binary_packed.parquet'));
    expect(r.rows[0]![0]).toBe(6374628540732951412n);
    expect(typeof r.rows[1]![1]).toBe('number');
  });

  for (const f of ['byte_array_decimal', 'fixed_length_decimal', 'fixed_length_decimal_legacy', 'int32_decimal', 'int64_decimal']) {
    it(`${f}: decimals 1..24 as exact text with the scale`, async () => {
      const r = await readAll(join(DATA, `${f}.parquet`));
      expect(r.meta.parquet.columns[0].logicalType).toMatch(/^DECIMAL\(\d+,2\)$/);
      expect(col(r, 'value')).toEqual(Array.from({ length: 24 }, (_, i) => `${i + 1}.00`));
    });
  }

  it('int96_from_spark: micro precision, year 9999 and 290000 without wrapping', async () => {
    const r = await readAll(join(DATA, 'int96_from_spark.parquet'));
    // upstream micros: 1704141296123456, 1704070800000000, 253402225200000000, 1735599600000000, null, 9089380393200000000
    const micros = [1704141296123456n, 1704070800000000n, 253402225200000000n, 1735599600000000n, null, 9089380393200000000n];
    expect(col(r, 'a')).toEqual(micros.map((m) => (m === null ? null : timestampText(m, 'MICROS'))));
    expect(col(r, 'a')).toEqual([
      '2024-01-01T20:34:56.123456Z',
      '2024-01-01T01:00:00Z',
      '9999-12-31T03:00:00Z',
      '2024-12-30T23:00:00Z',
      null,
      '+290000-12-30T23:00:00Z',
    ]);
    expect(r.issues.has('int96-out-of-range')).toBe(true);
  });

  it('float16 files', async () => {
    const a = col(await readAll(join(DATA, 'float16_zeros_and_nans.parquet')), 'x');
    expect(a[0]).toBeNull();
    expect(Object.is(a[1], 0)).toBe(true);
    expect(Number.isNaN(a[2])).toBe(true);
    const b = col(await readAll(join(DATA, 'float16_nonzeros_and_nans.parquet')), 'x');
    expect(b.length).toBe(8);
    const exp = [null, 1, -2, NaN, 0, -1, -0, 2];
    b.forEach((v, i) => expect(Object.is(v, exp[i]), `value ${i}: ${String(v)}`).toBe(true));
  });

  it('nested structures as JSON text, structs flattened', async () => {
    const nl = await readAll(join(DATA, 'nested_lists.snappy.parquet'));
    expect(nl.columns).toEqual(['a', 'b']);
    expect(JSON.parse(nl.rows[0]![0] as string)).toEqual([[['a', 'b'], ['c']], [null, ['d']]]);
    expect(nl.rows[0]![1]).toBe(1);

    const lc = await readAll(join(DATA, 'list_columns.parquet'));
    expect(lc.rows).toEqual([
      ['[1,2,3]', '["abc","efg","hij"]'],
      ['[null,1]', null],
      ['[4]', '["efg",null,"hij","xyz"]'],
    ]);

    const nm = await readAll(join(DATA, 'nested_maps.snappy.parquet'));
    expect(JSON.parse(nm.rows[0]![0] as string)).toEqual({ a: { '1': true, '2': false } });

    expect((await readAll(join(DATA, 'old_list_structure.parquet'))).rows).toEqual([['[[1,2],[3,4]]']]);
    expect((await readAll(join(DATA, 'null_list.parquet'))).rows).toEqual([['[]']]);
    const im = await readAll(join(DATA, 'incorrect_map_schema.parquet'));
    expect(JSON.parse(im.rows[0]![0] as string)).toEqual({ name: 'report', parent: 'another' });

    const ni = await readAll(join(DATA, 'nullable.impala.parquet'));
    expect(ni.columns).toEqual(['id', 'int_array', 'int_array_Array', 'int_map', 'int_Map_Array', 'nested_struct.A', 'nested_struct.b', 'nested_struct.C.d', 'nested_struct.g']);
    expect(ni.rows[0]!.slice(0, 6)).toEqual([1, '[1,2,3]', '[[1,2],[3,4]]', '{"k1":1,"k2":100}', '[{"k1":1}]', 1]);
    expect(ni.rows[5]).toEqual([6, null, null, null, null, null, null, null, null]);

    const nn = await readAll(join(DATA, 'nonnullable.impala.parquet'));
    expect(nn.rows[0]!.slice(0, 3)).toEqual([8, '[-1]', '[[-1,-2],[]]']);

    const rp = await readAll(join(DATA, 'repeated_primitive_no_list.parquet'));
    expect(rp.rows[0]![0]).toBe('[0,1,2,3]');
    expect(rp.rows[1]![0]).toBe('[]');

    const rn = await readAll(join(DATA, 'repeated_no_annotation.parquet'));
    expect(rn.columns).toEqual(['id', 'phoneNumbers.phone']);
    expect(col(rn, 'id')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(JSON.parse(col(rn, 'phoneNumbers.phone')[4] as string)).toEqual([{ number: 1111111111, kind: 'home' }]);
    expect(rn.issues.has('row-count-mismatch')).toBe(true);

    const ns = await readAll(join(DATA, 'nested_structs.rust.parquet'));
    expect(ns.columns.length).toBeGreaterThan(10);
    expect(ns.columns.every((c) => !c.includes('..'))).toBe(true);
  });

  it('nulls and NaN', async () => {
    const n = await readAll(join(DATA, 'nulls.snappy.parquet'));
    expect(n.columns).toEqual(['b_struct.b_c_int']);
    expect(col(n, 'b_struct.b_c_int')).toEqual(Array(8).fill(null));
    expect((await readAll(join(DATA, 'single_nan.parquet'))).rows).toEqual([[null]]);
    const nan = col(await readAll(join(DATA, 'nan_in_stats.parquet')), 'x');
    expect(nan[0]).toBe(1);
    expect(Number.isNaN(nan[1])).toBe(true);
    const p = await readAll(join(DATA, 'int32_with_null_pages.parquet'));
    expect(col(p, 'int32_field').filter((v) => v === null).length).toBe(275);
    const dv2 = await readAll(join(DATA, 'datapage_v2_empty_datapage.snappy.parquet'));
    expect(dv2.rows).toEqual([[null]]);
    expect((await readAll(join(DATA, 'page_v2_empty_compressed.parquet'))).rows.every((r) => r.every((v) => v === null))).toBe(true);
  });

  it('binary without a string annotation becomes 0x hex (with an issue)', async () => {
    const r = await readAll(join(DATA, 'binary.parquet'));
    expect(col(r, 'foo').slice(0, 3)).toEqual(['0x00', '0x01', '0x02']);
    expect(r.issues.has('binary-as-hex')).toBe(true);
    const f = await readAll(join(DATA, 'fixed_length_byte_array.parquet'));
    const vals = col(f, 'flba_field');
    expect(vals.filter((v) => v === null).length).toBe(105);
    const nonNull = vals.filter((v) => v !== null).map((v) => parseInt((v as string).slice(2), 16));
    expect(nonNull[0]).toBe(1000);
    expect(nonNull.at(-1)).toBe(1);
    for (let i = 1; i < nonNull.length; i++) expect(nonNull[i]).toBeLessThan(nonNull[i - 1]!);
  });

  it('codecs: gzip members, lz4 framings, zstd, byte stream split', async () => {
    expect(col(await readAll(join(DATA, 'concatenated_gzip_members.parquet')), 'long_col')).toEqual(Array.from({ length: 513 }, (_, i) => i + 1));
    const h = await readAll(join(DATA, 'hadoop_lz4_compressed.parquet'));
    expect((await readAll(join(DATA, 'non_hadoop_lz4_compressed.parquet'))).rows).toEqual(h.rows);
    expect((await readAll(join(DATA, 'lz4_raw_compressed.parquet'))).rows).toEqual(h.rows);
    expect(h.rows[0]).toEqual([1593604800, 'abc', 42]);
    const hl = await readAll(join(DATA, 'hadoop_lz4_compressed_larger.parquet'));
    expect((await readAll(join(DATA, 'lz4_raw_compressed_larger.parquet'))).rows).toEqual(hl.rows);
    expect(hl.rows[0]![0]).toMatch(/^[0-9a-f-]{36}$/);

    const bss = await readAll(join(DATA, 'byte_stream_split_extended.gzip.parquet'));
    for (const c of bss.columns.filter((c) => c.endsWith('_plain'))) {
      const twin = c.replace(/_plain$/, '_byte_stream_split');
      expect(col(bss, twin), twin).toEqual(col(bss, c));
    }
    const z = await readAll(join(DATA, 'byte_stream_split.zstd.parquet'));
    expect(z.rows.flat().every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  });

  it('other corpus details', async () => {
    const k = await readAll(join(DATA, 'column_chunk_key_value_metadata.parquet'));
    expect(k.rows).toEqual([]);
    expect(k.meta.columns.length).toBe(2);
    const u = await readAll(join(DATA, 'unknown-logical-type.parquet'));
    expect(col(u, 'column with unknown type')).toEqual(['unknown string 1', 'unknown string 2', 'unknown string 3']);
    expect(u.issues.has('unknown-logical-type')).toBe(true);
    const s = await readAll(join(DATA, 'sort_columns.parquet'));
    expect(s.meta.parquet.rowGroups).toBe(2);
    expect(new Set(col(await readAll(join(DATA, 'dict-page-offset-zero.parquet')), 'l_partkey').map((v) => typeof v))).toEqual(new Set(['number']));
    const d = await readAll(join(DATA, 'delta_length_byte_array.parquet'));
    expect(d.rows[0]![0]).toBe('apple_banana_mango0');
    const nanStats = await readAll(join(DATA, 'nan_in_stats.parquet'));
    expect(nanStats.meta.parquet.columns[0].statistics.max ?? null).not.toBeNaN();
  });

  it('batches of batchSize rows', async () => {
    const r = await readAll(join(DATA, 'overflow_i16_page_cnt.parquet'), { batchSize: 1000 });
    expect(r.batches).toBe(40);
    expect(r.rows.length).toBe(40000);
  });
});

// ---------------------------------------------------------------------------------------------
// corrupted copies

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GOOD_SAMPLE = [
  'alltypes_plain.parquet',
  'alltypes_tiny_pages.parquet',
  'datapage_v2.snappy.parquet',
  'delta_byte_array.parquet',
  'delta_binary_packed.parquet',
  'int96_from_spark.parquet',
  'nullable.impala.parquet',
  'nested_maps.snappy.parquet',
  'lz4_raw_compressed_larger.parquet',
  'byte_stream_split_extended.gzip.parquet',
  'fixed_length_decimal.parquet',
  'rle_boolean_encoding.parquet',
];

async function outcomeOf(path: string): Promise<'ok' | 'dq'> {
  try {
    for await (const _ of readParquet(inputFor(path), DEFAULT_READER_OPTIONS, new IssueLog(), {})) {
      // drain
    }
    return 'ok';
  } catch (e) {
    if (!(e instanceof DqError)) throw new Error(`${path}: non-dq error escaped: ${(e as Error).stack}`);
    expect(e.exitCode).toBe(3);
    return 'dq';
  }
}

describe('truncated and corrupted copies of good files', () => {
  for (const f of GOOD_SAMPLE) {
    it(`${f}: truncations are rejected quickly`, async () => {
      const bytes = readFileSync(join(DATA, f));
      const n = bytes.length;
      const cuts = [...new Set([0, 3, 4, 8, 11, 12, Math.floor(n / 4), Math.floor(n / 2), n - 9, n - 8, n - 5, n - 4, n - 1].filter((c) => c >= 0 && c < n))];
      for (const cut of cuts) {
        const p = join(TMP, `trunc-${cut}-${f}`);
        writeFileSync(p, bytes.subarray(0, cut));
        const t0 = Date.now();
        const e = await failure(p);
        expect(e, `cut at ${cut}`).toBeInstanceOf(InputError);
        expect(e.message).toContain('corrupt or invalid Parquet');
        expect(Date.now() - t0).toBeLessThan(2000);
        rmSync(p);
      }
    });

    it(`${f}: data cut out but footer kept is rejected`, async () => {
      const bytes = readFileSync(join(DATA, f));
      const footerLen = bytes.readUInt32LE(bytes.length - 8) + 8;
      const dataLen = bytes.length - footerLen;
      for (const keep of [4, Math.floor(dataLen / 2), dataLen - 1]) {
        if (keep >= dataLen || keep < 4) continue;
        const p = join(TMP, `cut-${keep}-${f}`);
        writeFileSync(p, Buffer.concat([bytes.subarray(0, keep), bytes.subarray(dataLen)]));
        if (keep === dataLen - 1) {
          // the last data byte may lie outside every column chunk (index, padding): either outcome, but only dq errors
          await outcomeOf(p);
        } else {
          const e = await failure(p);
          expect(e, `kept ${keep} data bytes`).toBeInstanceOf(InputError);
        }
        rmSync(p);
      }
    });

    it(`${f}: random bit flips never escape as TypeError/RangeError or hang`, async () => {
      const bytes = readFileSync(join(DATA, f));
      const rnd = mulberry32(bytes.length);
      const footerLen = bytes.readUInt32LE(bytes.length - 8) + 8;
      for (let k = 0; k < 40; k++) {
        const copy = Buffer.from(bytes);
        const flips = 1 + Math.floor(rnd() * 4);
        for (let j = 0; j < flips; j++) {
          // half of the flips hit the footer, half the data
          const inFooter = rnd() < 0.5;
          const pos = inFooter ? bytes.length - footerLen + Math.floor(rnd() * (footerLen - 8)) : 4 + Math.floor(rnd() * (bytes.length - footerLen - 4));
          copy[pos]! ^= 1 << Math.floor(rnd() * 8);
        }
        const p = join(TMP, `flip-${k}-${f}`);
        writeFileSync(p, copy);
        const t0 = Date.now();
        await outcomeOf(p);
        expect(Date.now() - t0, `flip copy ${k}`).toBeLessThan(3000);
        rmSync(p);
      }
    });
  }

  it('gzip-compressed Parquet is unsupported', async () => {
    const path = join(DATA, 'alltypes_plain.parquet');
    const input = { ...inputFor(path), gzip: true };
    await expect(async () => {
      for await (const _ of readParquet(input, DEFAULT_READER_OPTIONS, new IssueLog(), {})) {
        // drain
      }
    }).rejects.toThrow(/unsupported: gzip-compressed Parquet/);
  });

  it('a value over maxFieldBytes is unsupported', async () => {
    const path = join(DATA, 'delta_length_byte_array.parquet');
    await expect(readAll(path, { maxFieldBytes: 5 })).rejects.toThrow(/^unsupported: values over 5 bytes/);
  });
});

// ---------------------------------------------------------------------------------------------
// generated files: types the corpus does not cover well

const writeFile = (name: string, columnData: any[], schema: any[], extra: Record<string, unknown> = {}) =>
  writeParquet(join(TMP, name), columnData, schema, extra);

describe('generated files', () => {
  it('INT64 within and beyond 2^53, unsigned, decimals, dates, timestamps, times', async () => {
    const big = [9007199254740991n, 9007199254740992n, -9007199254740991n, -9007199254740992n, 9223372036854775807n, 0n];
    const p = writeFile(
      'types.parquet',
      [
        { name: 'i64', data: big },
        { name: 'u64', data: [18446744073709551615n, 1n, 2n, 3n, 4n, 5n] },
        { name: 'dec', data: [12345n, -12345n, 5n, -5n, 0n, 100n] },
        { name: 'd', data: [0, 19000, -1, 2932896, -719528, 1] },
        { name: 'ts_us', data: [1704141296123456n, -1n, 0n, 1000000n, 1704141296123000n, 1n] },
        { name: 'ts_ns', data: [1704141296123456789n, -1n, 0n, 1n, 1000n, 1000000n] },
        { name: 'ts_local', data: [0n, 1n, 2n, 3n, 4n, 5n] },
        { name: 't_ms', data: [0, 1, 3723004, 86399999, 5, 6] },
        { name: 'f32', data: new Float32Array([1.1, 0.1, -2.5, 3, 1e-7, 123456.789]) },
        { name: 's', data: ['a', 'é', '', null, 'x,y', '"q"'] },
      ],
      [
        { name: 'root', num_children: 10 },
        { name: 'i64', type: 'INT64', repetition_type: 'REQUIRED' },
        { name: 'u64', type: 'INT64', repetition_type: 'REQUIRED', converted_type: 'UINT_64' },
        { name: 'dec', type: 'INT64', repetition_type: 'REQUIRED', converted_type: 'DECIMAL', scale: 2, precision: 18 },
        { name: 'd', type: 'INT32', repetition_type: 'REQUIRED', converted_type: 'DATE' },
        { name: 'ts_us', type: 'INT64', repetition_type: 'REQUIRED', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } },
        { name: 'ts_ns', type: 'INT64', repetition_type: 'REQUIRED', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' } },
        { name: 'ts_local', type: 'INT64', repetition_type: 'REQUIRED', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MILLIS' } },
        { name: 't_ms', type: 'INT32', repetition_type: 'REQUIRED', converted_type: 'TIME_MILLIS' },
        { name: 'f32', type: 'FLOAT', repetition_type: 'REQUIRED' },
        { name: 's', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
      ],
      { codec: 'UNCOMPRESSED' },
    );
    const r = await readAll(p);
    expect(col(r, 'i64')).toEqual([9007199254740991, 9007199254740992n, -9007199254740991, -9007199254740992n, 9223372036854775807n, 0]);
    expect(col(r, 'u64')).toEqual([18446744073709551615n, 1, 2, 3, 4, 5]);
    expect(col(r, 'dec')).toEqual(['123.45', '-123.45', '0.05', '-0.05', '0.00', '1.00']);
    expect(col(r, 'd')).toEqual(['1970-01-01', '2022-01-08', '1969-12-31', '9999-12-31', '0000-01-01', '1970-01-02']);
    expect(col(r, 'ts_us')).toEqual(['2024-01-01T20:34:56.123456Z', '1969-12-31T23:59:59.999999Z', '1970-01-01T00:00:00Z', '1970-01-01T00:00:01Z', '2024-01-01T20:34:56.123Z', '1970-01-01T00:00:00.000001Z']);
    expect(col(r, 'ts_ns')[0]).toBe('2024-01-01T20:34:56.123456789Z');
    expect(col(r, 'ts_ns')[1]).toBe('1969-12-31T23:59:59.999999999Z');
    expect(col(r, 'ts_local')[1]).toBe('1970-01-01T00:00:00.001');
    expect(col(r, 't_ms').slice(0, 4)).toEqual(['00:00:00', '00:00:00.001', '01:02:03.004', '23:59:59.999']);
    expect(col(r, 'f32')).toEqual([1.1, 0.1, -2.5, 3, 1e-7, 123456.79]);
    expect(col(r, 's')).toEqual(['a', 'é', '', null, 'x,y', '"q"']);
    const meta = r.meta.parquet.columns;
    expect(meta.find((c: any) => c.name === 'i64').statistics.max).toBe('9223372036854775807');
    expect(meta.find((c: any) => c.name === 'ts_us').logicalType).toBe('TIMESTAMP(MICROS,UTC)');
  });

  it('one large row group is streamed in batches (1 row group of 100k rows)', async () => {
    const n = 100_000;
    const ids = Array.from({ length: n }, (_, i) => i);
    const p = writeFile(
      'big.parquet',
      [
        { name: 'id', data: ids },
        { name: 's', data: ids.map((i) => (i % 7 === 0 ? null : `v${i % 1000}`)) },
      ],
      [
        { name: 'root', num_children: 2 },
        { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
        { name: 's', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
      { rowGroupSize: n, pageSize: 16384 },
    );
    const r = await readAll(p, { batchSize: 4096 });
    expect(r.meta.parquet.rowGroups).toBe(1);
    expect(r.batches).toBe(Math.ceil(n / 4096));
    expect(col(r, 'id')).toEqual(ids);
    expect(col(r, 's')[7]).toBeNull();
    expect(col(r, 's')[1002]).toBe('v2');
  });
});

// ---------------------------------------------------------------------------------------------
// fast paths against plain reference implementations (random values, fixed seeds)

/** The first implementation of the timestamp text, all in BigInt: the reference for the number-based one. */
function referenceTimestamp(v: bigint, unit: 'MILLIS' | 'MICROS' | 'NANOS', utc: boolean): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const per = { MILLIS: 1000n, MICROS: 1000000n, NANOS: 1000000000n }[unit];
  let secs = v / per;
  let frac = v % per;
  if (frac < 0n) {
    frac += per;
    secs -= 1n;
  }
  let days = secs / 86400n;
  let sod = secs % 86400n;
  if (sod < 0n) {
    sod += 86400n;
    days -= 1n;
  }
  const z = Number(days) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? '-' : '+') + pad(Math.abs(y), 6);
  const s = Number(sod);
  let f = frac === 0n ? '' : frac.toString().padStart({ MILLIS: 3, MICROS: 6, NANOS: 9 }[unit], '0');
  while (f.length > 3 && f.endsWith('000')) f = f.slice(0, -3);
  return `${year}-${pad(m, 2)}-${pad(d, 2)}T${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor((s % 3600) / 60), 2)}:${pad(s % 60, 2)}${f ? '.' + f : ''}${utc ? 'Z' : ''}`;
}

function randomInt64(rnd: () => number): bigint {
  const k = rnd();
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  if (k < 0.05) return [0n, 1n, -1n, -(1n << 63n), (1n << 63n) - 1n, 1n << 53n, -(1n << 53n), (1n << 53n) - 1n, 1n - (1n << 53n)][int(0, 8)]!;
  if (k < 0.35) return BigInt.asIntN(64, (BigInt(int(0, 0xffffffff)) << 32n) | BigInt(int(0, 0xffffffff)));
  if (k < 0.6) return BigInt(Math.floor((rnd() - 0.5) * 2 ** int(1, 63)));
  // whole seconds, milliseconds or microseconds, around 1970-2100 and beyond
  return BigInt(int(-4e9, 4e9)) * [1n, 1000n, 1000000n, 1000000000n][int(0, 3)]! + BigInt(int(-2, 2));
}

describe('fast paths equal the reference', () => {
  it('timestamps of every unit, UTC and local, plain and delta, with nulls', async () => {
    const rnd = mulberry32(42);
    const n = 5000;
    const cols = ['MILLIS', 'MICROS', 'NANOS'] as const;
    const data = cols.map(() => Array.from({ length: n }, () => (rnd() < 0.1 ? null : randomInt64(rnd))));
    for (const encoding of ['PLAIN', 'DELTA_BINARY_PACKED']) {
      for (const utc of [true, false]) {
        const p = writeFile(
          `ts-${encoding}-${utc}.parquet`,
          cols.map((u, i) => ({ name: u, data: data[i], encoding })),
          [{ name: 'root', num_children: 3 }, ...cols.map((unit) => ({ name: unit, type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: utc, unit } }))],
          { pageSize: 8192 },
        );
        const r = await readAll(p, { batchSize: 1000 });
        cols.forEach((unit, i) => {
          const exp = data[i]!.map((v) => (v === null ? null : referenceTimestamp(v, unit, utc)));
          expect(col(r, unit), `${encoding} ${unit} utc=${utc}`).toEqual(exp);
        });
      }
    }
    for (const unit of cols) for (let k = 0; k < 2000; k++) {
      const v = randomInt64(rnd);
      expect(timestampText(v, unit, k % 2 === 0)).toBe(referenceTimestamp(v, unit, k % 2 === 0));
    }
  });

  it('dates of any day', () => {
    const rnd = mulberry32(7);
    for (let k = 0; k < 20000; k++) {
      const days = k < 10000 ? Math.floor((rnd() - 0.5) * 2 ** 32) : Math.floor(rnd() * 3653000) - 719528;
      expect(dateText(days)).toBe(referenceTimestamp(BigInt(days) * 86400000n, 'MILLIS', false).slice(0, -9));
    }
  });

  it('64-bit integers, unsigned and decimal, with nulls, in batches of any size', async () => {
    const rnd = mulberry32(9);
    const n = 3000;
    const i64 = Array.from({ length: n }, () => (rnd() < 0.2 ? null : randomInt64(rnd)));
    const u64 = i64.map((v) => (v === null ? null : BigInt.asUintN(64, v)));
    const p = writeFile(
      'int64s.parquet',
      [
        { name: 'i64', data: i64 },
        { name: 'u64', data: u64 },
        { name: 'dec', data: i64 },
      ],
      [
        { name: 'root', num_children: 3 },
        { name: 'i64', type: 'INT64', repetition_type: 'OPTIONAL' },
        { name: 'u64', type: 'INT64', repetition_type: 'OPTIONAL', converted_type: 'UINT_64' },
        { name: 'dec', type: 'INT64', repetition_type: 'OPTIONAL', converted_type: 'DECIMAL', scale: 3, precision: 18 },
      ],
      { pageSize: 4096 },
    );
    const cell = (v: bigint | null) => (v === null ? null : v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v);
    for (const batchSize of [1, 7, 4096]) {
      const r = await readAll(p, { batchSize });
      expect(col(r, 'i64')).toEqual(i64.map(cell));
      expect(col(r, 'u64')).toEqual(u64.map(cell));
      expect(col(r, 'dec')).toEqual(i64.map((v) => (v === null ? null : decimalText(v, 3))));
    }
  });

  it('text and binary values: ASCII, other UTF-8, invalid UTF-8, control characters', async () => {
    const rnd = mulberry32(11);
    const pieces = [[0x61], [0x20], [0x7e], [0x09], [0x0a], [0x0d], [0x00], [0x1f], [0x7f], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xef, 0xbb, 0xbf], [0xff], [0xc3], [0x80]];
    const values = Array.from({ length: 4000 }, () => {
      if (rnd() < 0.1) return null;
      const bytes: number[] = [];
      const len = Math.floor(rnd() * 8);
      // mostly ASCII letters, as real text is
      for (let i = 0; i < len; i++) bytes.push(...(rnd() < 0.7 ? [0x61 + Math.floor(rnd() * 26)] : pieces[Math.floor(rnd() * pieces.length)]!));
      return new Uint8Array(bytes);
    });
    const p = writeFile(
      'bytes.parquet',
      [
        { name: 'text', data: values },
        { name: 'bin', data: values },
      ],
      [
        { name: 'root', num_children: 2 },
        { name: 'text', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
        { name: 'bin', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      ],
      { pageSize: 2048 },
    );
    const r = await readAll(p, { batchSize: 333 });
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const text = (b: Uint8Array) => {
      try {
        return fatal.decode(b);
      } catch {
        return new TextDecoder().decode(b);
      }
    };
    const bin = (b: Uint8Array) => {
      try {
        const s = fatal.decode(b);
        if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s)) return s;
      } catch {
        // hex
      }
      return '0x' + Buffer.from(b).toString('hex');
    };
    expect(col(r, 'text')).toEqual(values.map((v) => (v === null ? null : text(v))));
    expect(col(r, 'bin')).toEqual(values.map((v) => (v === null ? null : bin(v))));
    expect(r.issues.has('invalid-utf8')).toBe(true);
    expect(r.issues.has('binary-as-hex')).toBe(true);
  });

  it('page buffers reused across pages and row groups: every page, codec and batch size reads its own values', async () => {
    const rnd = mulberry32(3);
    const n = 6000;
    const maybe = <T>(f: () => T) => (rnd() < 0.15 ? null : f());
    const data = {
      i32: Array.from({ length: n }, () => maybe(() => Math.floor((rnd() - 0.5) * 2 ** 32))),
      f64: Array.from({ length: n }, () => maybe(() => (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12))),
      i64: Array.from({ length: n }, () => maybe(() => BigInt(Math.floor((rnd() - 0.5) * 2 ** 40)))),
      few: Array.from({ length: n }, () => maybe(() => ['red', 'green', 'blue', 'é'][Math.floor(rnd() * 4)]!)),
      many: Array.from({ length: n }, (_, i) => maybe(() => `value ${i} ${'x'.repeat(Math.floor(rnd() * 40))}`)),
      flag: Array.from({ length: n }, () => maybe(() => rnd() < 0.5)),
    };
    const schema = [
      { name: 'root', num_children: 6 },
      { name: 'i32', type: 'INT32', repetition_type: 'OPTIONAL' },
      { name: 'f64', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      { name: 'i64', type: 'INT64', repetition_type: 'OPTIONAL' },
      { name: 'few', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
      { name: 'many', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
      { name: 'flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
    ];
    const columns = Object.entries(data).map(([name, d]) => ({ name, data: d }));
    const expected = Object.fromEntries(Object.entries(data).map(([k, d]) => [k, (d as unknown[]).map((v) => (typeof v === 'bigint' ? Number(v) : v))]));
    for (const codec of ['SNAPPY', 'UNCOMPRESSED']) {
      // pages of a few hundred rows, row groups of different sizes (the buffers grow and shrink in use)
      const p = writeFile(`reuse-${codec}.parquet`, columns, schema, { codec, pageSize: 1500, rowGroupSize: [2000, 2500, 500, 1000] });
      for (const batchSize of [1, 7, 4096]) {
        const r = await readAll(p, { batchSize });
        expect(r.meta.parquet.rowGroups).toBeGreaterThan(2);
        for (const name of Object.keys(data)) expect(col(r, name), `${codec} batch ${batchSize} ${name}`).toEqual(expected[name]);
      }
    }
  });

  it('snappy: the fast decoder gives the same bytes, or hands over to hyparquet whose error is reported', () => {
    const rnd = mulberry32(5);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const outcome = (decode: (input: Uint8Array, out: Uint8Array) => void, input: Uint8Array, size: number) => {
      const out = new Uint8Array(size);
      try {
        decode(input, out);
        return Buffer.from(out).toString('base64');
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    };
    const dq = (input: Uint8Array, out: Uint8Array) => {
      if (!snappyFast(input, out)) snappyUncompress(input, out);
    };
    const streams: [Uint8Array, number][] = [];
    // compressed data: random, repetitive, text-like
    for (let k = 0; k < 300; k++) {
      const data = new Uint8Array(int(0, k % 20 === 0 ? 70000 : 3000));
      const mode = k % 3;
      for (let i = 0; i < data.length; i++) data[i] = mode === 0 ? int(0, 255) : mode === 1 ? int(97, 100) : i > 8 && rnd() < 0.8 ? data[i - int(1, i)]! : int(0, 255);
      streams.push([snappyCompress(data), data.length]);
    }
    // hand-made streams: every tag, literal lengths in every form, overlapping copies, 4-byte offsets
    for (let k = 0; k < 300; k++) {
      const body: number[] = [];
      let size = 0;
      for (let o = int(1, 30); o > 0; o--) {
        const tag = size === 0 ? 0 : int(0, 3);
        if (tag === 0) {
          const len = rnd() < 0.2 ? int(61, 2000) : int(1, 60);
          const lengthBytes = len > 60 || rnd() < 0.3 ? int(len > 256 ? 2 : 1, 4) : 0;
          if (lengthBytes === 0) body.push((len - 1) << 2);
          else {
            body.push((59 + lengthBytes) << 2);
            for (let i = 0, v = len - 1; i < lengthBytes; i++, v = Math.floor(v / 256)) body.push(v & 255);
          }
          for (let i = 0; i < len; i++) body.push(int(0, 255));
          size += len;
        } else {
          const len = tag === 1 ? int(4, 11) : int(1, 64);
          const offset = int(1, Math.min(size, tag === 1 ? 2047 : tag === 2 ? 65535 : size));
          if (tag === 1) body.push(1 | ((len - 4) << 2) | ((offset >> 8) << 5), offset & 255);
          else if (tag === 2) body.push(2 | ((len - 1) << 2), offset & 255, offset >> 8);
          else body.push(3 | ((len - 1) << 2), offset & 255, (offset >> 8) & 255, (offset >> 16) & 255, offset >>> 24);
          size += len;
        }
      }
      const head: number[] = [];
      for (let v = size; ; v = Math.floor(v / 128)) {
        head.push((v & 127) | (v >= 128 ? 128 : 0));
        if (v < 128) break;
      }
      streams.push([new Uint8Array([...head, ...body]), size]);
    }
    let decoded = 0;
    for (const [input, size] of streams) {
      const good = outcome(snappyUncompress, input, size);
      expect(outcome(dq, input, size)).toBe(good);
      if (!good.startsWith('error')) decoded++;
      // damaged copies: flipped bits, cut short, another expected size
      for (let c = 0; c < 4; c++) {
        const bad = Uint8Array.from(input);
        let n = size;
        let cut = bad;
        if (c === 0 && bad.length) bad[int(0, bad.length - 1)]! ^= 1 << int(0, 7);
        else if (c === 1) cut = bad.subarray(0, int(0, bad.length));
        else if (c === 2) n = Math.max(0, size + int(-3, 3));
        else if (bad.length) bad[int(0, bad.length - 1)] = int(0, 255);
        expect(outcome(dq, cut, n)).toBe(outcome(snappyUncompress, cut, n));
      }
    }
    expect(decoded).toBeGreaterThan(550);
  });
});

describe('text helpers', () => {
  it('decimalText / dateText / timestampText / toJsonText', () => {
    expect(decimalText(-5n, 3)).toBe('-0.005');
    expect(decimalText(123n, 0)).toBe('123');
    expect(decimalText(7n, -2)).toBe('700');
    expect(dateText(-1)).toBe('1969-12-31');
    expect(timestampText(-1n, 'MILLIS')).toBe('1969-12-31T23:59:59.999Z');
    expect(toJsonText({ a: [1n, NaN, null, 'x'] })).toBe('{"a":[1,"NaN",null,"x"]}');
  });
});

// ---------------------------------------------------------------------------------------------
// writer

describe('createParquetWriter', () => {
  it('infers types', () => {
    expect(inferParquetType([1, 2, null])).toBe('INT64');
    expect(inferParquetType([1, 2.5])).toBe('DOUBLE');
    expect(inferParquetType([1n, 2])).toBe('INT64');
    expect(inferParquetType([true, null])).toBe('BOOLEAN');
    expect(inferParquetType([true, 1])).toBe('STRING');
    expect(inferParquetType(['a', 1])).toBe('STRING');
    expect(inferParquetType([null, null])).toBe('STRING');
  });

  it('round trip through the reader, several row groups', async () => {
    const dest = join(TMP, 'out.parquet');
    const w = createParquetWriter(dest, { rowGroupSize: 3 });
    const cols = ['id', 'x', 'flag', 'name', 'big', 'empty'];
    await w.write(cols, [[1, 2], [1.5, null], [true, false], ['a', 'é'], [1n, 9007199254740993n], [null, null]], 2);
    await w.write(cols, [[3, 4, 5], [2, -0.25, 1e300], [null, true, false], [null, 'x,y', ''], [3, null, -5n], [null, 7, 'z']], 3);
    // not yet in place: only a temporary in the folder
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(TMP).some((n) => /^\.dq-tmp-\d+-[0-9a-f]+-out\.parquet$/.test(n))).toBe(true);
    await w.commit();
    expect(readdirSync(TMP).some((n) => n.startsWith('.dq-tmp-'))).toBe(false);
    const r = await readAll(dest);
    expect(r.columns).toEqual(cols);
    expect(r.meta.parquet.rowGroups).toBe(2);
    expect(r.meta.parquet.columns.map((c: any) => c.physicalType)).toEqual(['INT64', 'DOUBLE', 'BOOLEAN', 'BYTE_ARRAY', 'INT64', 'BYTE_ARRAY']);
    expect(r.rows).toEqual([
      [1, 1.5, true, 'a', 1, null],
      [2, null, false, 'é', 9007199254740993n, null],
      [3, 2, null, null, 3, null],
      [4, -0.25, true, 'x,y', null, '7'],
      [5, 1e300, false, '', -5, 'z'],
    ]);
  });

  it('empty output keeps its columns', async () => {
    const dest = join(TMP, 'empty.parquet');
    const w = createParquetWriter(dest);
    await w.write(['a', 'b'], [[], []], 0);
    await w.commit();
    const r = await readAll(dest);
    expect(r.rows).toEqual([]);
    expect(r.meta.columns).toEqual(['a', 'b']);
  });

  it('abort removes the temporary and leaves the destination', async () => {
    const dest = join(TMP, 'keep.parquet');
    writeFileSync(dest, 'old');
    const w = createParquetWriter(dest, { rowGroupSize: 1 });
    await w.write(['a'], [[1, 2, 3]], 3);
    await w.abort();
    expect(readFileSync(dest, 'utf8')).toBe('old');
    expect(readdirSync(TMP).some((n) => n.startsWith('.dq-tmp-'))).toBe(false);
  });

  it('a later cell that does not fit the inferred type fails and cleans up', async () => {
    const dest = join(TMP, 'conflict.parquet');
    const w = createParquetWriter(dest, { rowGroupSize: 2 });
    await w.write(['n'], [[1, 2]], 2);
    await expect(w.write(['n'], [['three', 4]], 2)).rejects.toThrow(/column n was written as INT64 but row 3/);
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(TMP).some((n) => n.startsWith('.dq-tmp-'))).toBe(false);
  });
});
