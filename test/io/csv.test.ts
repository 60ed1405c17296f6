import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readCsv, readTsv } from '../../src/io/readers/csv.js';
import { IssueLog } from '../../src/core/issues.js';
import { DEFAULT_READER_OPTIONS } from '../../src/io/readers/types.js';
import {
  CSV_DIR,
  chunkedInput,
  fileInput,
  finding,
  issueSummary,
  objects,
  readAll,
  splitEvery,
} from '../fixtures-csv/helpers.js';

const SPECTRUM = join(CSV_DIR, 'csv-spectrum');
const EDGE = join(CSV_DIR, 'edge');

const read = (text: string | Buffer, opts = {}, chunk = 1 << 20) =>
  readAll(chunkedInput(splitEvery(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), chunk)), opts);

async function expectInputError(p: Promise<unknown>, pattern: RegExp): Promise<InputError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).message).toMatch(pattern);
  expect((err as InputError).exitCode).toBe(3);
  return err as InputError;
}

describe('csv-spectrum: rows equal the JSON', () => {
  const files = readdirSync(join(SPECTRUM, 'csvs')).filter((f) => f.endsWith('.csv'));
  it('has the 12 files', () => expect(files.length).toBe(12));
  for (const file of files) {
    for (const chunk of [1 << 20, 7, 1]) {
      it(`${file} (chunks of ${chunk})`, async () => {
        const expected = JSON.parse(readFileSync(join(SPECTRUM, 'json', file.replace(/\.csv$/, '.json')), 'utf8'));
        const r = await readAll(fileInput(join(SPECTRUM, 'csvs', file), chunk));
        const want = Array.isArray(expected) ? expected : [expected];
        if (file === 'location_coordinates.csv') {
          // upstream inconsistency: the CSV has phone 2095257564, the JSON 1234567890 (csv-spectrum 2.0.0)
          want[0]['Contact Phone Number'] = '2095257564';
        }
        expect(objects(r)).toEqual(want);
        // nothing in csv-spectrum is malformed
        expect(r.findings.map((f) => f.id)).toEqual([]);
      });
    }
  }
  it('CRLF files report CRLF, a CRLF inside quotes does not count', async () => {
    expect((await readAll(fileInput(join(SPECTRUM, 'csvs', 'newlines_crlf.csv')))).meta.lineTerminator).toBe('CRLF');
    expect((await readAll(fileInput(join(SPECTRUM, 'csvs', 'newlines.csv')))).meta.lineTerminator).toBe('LF');
  });
  it('newlines inside quotes count as lines', async () => {
    for (const f of ['newlines_crlf.csv', 'newlines.csv']) {
      const r = await readAll(fileInput(join(SPECTRUM, 'csvs', f), 5));
      expect(r.lines).toEqual([2, 3, 5]);
    }
  });
});

describe('csv/edge', () => {
  const cases: {
    file: string;
    opts?: Record<string, unknown>;
    columns: string[];
    rows?: (string | null)[][];
    rowCount?: number;
    issues: Record<string, (number | null)[]>;
    meta?: Record<string, unknown>;
  }[] = [
    {
      file: 'papaparse_cr_only_newlines.csv',
      columns: ['A', 'b', 'c'],
      rows: [['d', 'E', 'f']],
      issues: {},
      meta: { lineTerminator: 'CR' },
    },
    {
      file: 'papaparse_crlf_in_quoted_header_lf_rows.csv',
      columns: ['a\r\na', 'b'],
      rows: [
        ['c', 'd'],
        ['e', 'f'],
        ['g', 'h'],
        ['i', 'j'],
      ],
      issues: {},
      meta: { lineTerminator: 'LF' },
    },
    {
      file: 'papaparse_duplicate_headers.csv',
      columns: ['A', 'A.1', 'A.2', 'A.3'],
      rows: [['1', '2', '3', '4']],
      issues: { 'duplicate-header': [1] },
    },
    { file: 'papaparse_empty_file.csv', columns: [], rows: [], issues: { 'empty-file': [] } },
    { file: 'papaparse_header_only.csv', columns: ['A', 'B', 'C'], rows: [], issues: {} },
    {
      file: 'papaparse_invalid_trailing_quote.csv',
      columns: ['a', 'b"c', 'd'],
      rows: [['e', 'f', 'g']],
      issues: { 'malformed-quote': [1] },
    },
    {
      file: 'papaparse_too_many_fields.csv',
      columns: ['A', 'B', 'C'],
      rows: [
        ['a', 'b', 'c'],
        ['f', 'g', 'h'],
      ],
      issues: { 'row-too-long': [2] },
      meta: { lineTerminator: 'CRLF' },
    },
    {
      // the header's second field opens a quote that never closes: the rest of the file is that field
      file: 'papaparse_unterminated_quote.csv',
      columns: ['a', 'b,c\nd,e,f'],
      rows: [],
      issues: { 'unterminated-quote': [1] },
    },
    {
      file: 'papaparse_verylong_ragged.csv',
      columns: ['placeholder', 'meaning of life', 'TLD'],
      rowCount: 2000,
      issues: { 'row-too-short': [500, 1000, 1500, 2000] },
    },
    {
      file: 'nodecsv_365_utf8_bom_crlf.csv',
      columns: ['a', 'b', 'c'],
      rows: [['1', '2', '3']],
      issues: {},
      meta: { encoding: 'utf-8', bom: true, lineTerminator: 'CRLF' },
    },
    {
      file: 'nodecsv_365_utf16le_bom_crlf.csv',
      columns: ['a', 'b', 'c'],
      rows: [['1', '2', '3']],
      issues: {},
      meta: { encoding: 'utf-16le', bom: true, lineTerminator: 'CRLF' },
    },
    {
      file: 'nodecsv_411_bom_trailing_delimiter.csv',
      columns: ['id', 'first_name', 'last_name', 'email', 'modified_at'],
      rowCount: 3,
      issues: { 'row-too-long': [3] },
    },
    {
      file: 'csvw_test003_surrounding_spaces.csv',
      columns: ['Surname', 'FamilyName'],
      rowCount: 8,
      issues: {},
    },
    {
      file: 'csvw_test091_ragged_rows.csv',
      columns: ['col1', 'col2', 'col3'],
      rows: [
        ['1', '2', '3'],
        ['1', '2', null],
        ['1', null, null],
      ],
      issues: { 'row-too-short': [3, 4] },
    },
    {
      file: 'csvw_test248_unicode_not_normalized.csv',
      columns: ['characters', 'codepoints', 'nfc', 'description'],
      rows: [
        ['\u212B', '212B', '00C5', 'a-with-ring'],
        ['\u1E0B\u0323', '1E0B 0323', '1E0D 0307', 'combining marks'],
      ],
      issues: {},
    },
    {
      file: 'csvw_tree-ops.tsv',
      columns: ['GID', 'On Street', 'Species', 'Trim Cycle', 'Inventory Date'],
      rows: [
        ['1', 'ADDISON AV', 'Celtis australis', 'Large Tree Routine Prune', '10/18/2010'],
        ['2', 'EMERSON ST', 'Liquidambar styraciflua', 'Large Tree Routine Prune', '6/2/2010'],
      ],
      issues: {},
      meta: { delimiter: '\t' },
    },
    {
      file: 'rfc4180_examples.csv',
      columns: ['field_name', 'field_name.1', 'field_name.2'],
      rows: [
        ['aaa', 'bbb', 'ccc'],
        ['aaa', 'b\r\nbb', 'ccc'],
        ['aaa', 'b"bb', 'ccc'],
        ['zzz', 'yyy', 'xxx'],
      ],
      issues: { 'duplicate-header': [1] },
      meta: { lineTerminator: 'CRLF' },
    },
    {
      file: 'spectrum_latin1.csv',
      opts: { encoding: 'latin1' },
      columns: ['a', 'b', 'c'],
      rows: [
        ['1', '2', '3'],
        ['4', '5', '©'],
      ],
      issues: {},
      meta: { encoding: 'latin1' },
    },
    {
      file: 'spectrum_latin1.csv',
      columns: ['a', 'b', 'c'],
      rows: [
        ['1', '2', '3'],
        ['4', '5', '\uFFFD'],
      ],
      issues: { 'invalid-utf8': [3] },
    },
    {
      file: 'generated_long_field.csv',
      columns: ['id', 'payload', 'tail'],
      rowCount: 2,
      issues: {},
    },
  ];
  const files = new Set(readdirSync(EDGE).filter((f) => !f.endsWith('.json')));
  it('covers every file in csv/edge', () => {
    for (const c of cases) files.delete(c.file);
    expect([...files]).toEqual([]);
  });
  for (const c of cases) {
    for (const chunk of [1 << 20, 1000, 3, 1]) {
      if (chunk === 1 && c.file === 'generated_long_field.csv') continue; // 600k one-byte chunks: slow, covered by 3
      it(`${c.file}${c.opts ? ' ' + JSON.stringify(c.opts) : ''} (chunks of ${chunk})`, async () => {
        const r = await readAll(fileInput(join(EDGE, c.file), chunk), c.opts ?? {});
        expect(r.columns).toEqual(c.columns);
        expect(r.meta.columns).toEqual(c.columns);
        if (c.rows) expect(r.rows).toEqual(c.rows);
        if (c.rowCount !== undefined) expect(r.rows.length).toBe(c.rowCount);
        const got = issueSummary(r);
        expect(Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v.lines]))).toEqual(c.issues);
        if (c.meta) expect(r.meta).toMatchObject(c.meta);
      });
    }
  }

  it('papaparse_verylong_ragged: TLD is null on the short rows', async () => {
    const r = await readAll(fileInput(join(EDGE, 'papaparse_verylong_ragged.csv'), 4096));
    const shortRows = r.rows.map((row, i) => [row[2], r.lines[i]] as const).filter(([tld]) => tld === null);
    expect(shortRows.map(([, line]) => line)).toEqual([500, 1000, 1500, 2000]);
    const f = finding(r, 'row-too-short')!;
    expect(f.examples.map((e) => e.row)).toEqual([499, 999, 1499, 1999]);
    expect(f.message).toContain('line 500');
    expect(f.dimension).toBe('validity');
    expect(f.severity).toBe('warn');
  });

  it('generated_long_field: row 2 starts on line 37,453 and the payload is exact', async () => {
    for (const chunk of [1 << 20, 65536, 4093]) {
      const r = await readAll(fileInput(join(EDGE, 'generated_long_field.csv'), chunk));
      expect(r.lines).toEqual([2, 37453]);
      const payload = r.rows[0]![1] as string;
      expect(payload.length).toBe(524300);
      expect(payload.split('\n').length - 1).toBe(37450);
      expect(payload.split('"').length - 1).toBe(74900);
      expect(r.rows[1]).toEqual(['2', 'short', 'end']);
    }
  });

  it('papaparse_too_many_fields: the extra values are the example', async () => {
    const r = await readAll(fileInput(join(EDGE, 'papaparse_too_many_fields.csv')));
    const f = finding(r, 'row-too-long')!;
    expect(f.examples[0]).toEqual({ row: 1, line: 2, value: 'd,e' });
    expect(f.message).toContain('line 2: expected 3 fields, got 5');
  });

  it('duplicate header: data lists the renamed columns', async () => {
    const r = await readAll(fileInput(join(EDGE, 'papaparse_duplicate_headers.csv')));
    const f = finding(r, 'duplicate-header')!;
    expect(f.column).toBe('A');
    expect(f.data).toEqual({ renamed: ['A.1', 'A.2', 'A.3'] });
  });

  it('empty file: message and columns', async () => {
    const r = await readAll(fileInput(join(EDGE, 'papaparse_empty_file.csv')));
    expect(r.batches).toEqual([]);
    expect(finding(r, 'empty-file')!.message).toBe('file is empty');
    expect(r.meta.columns).toEqual([]);
  });

  it('unterminated quote: the message names the opening line and says the rest of the file is one field', async () => {
    const r = await read('a,b\n1,2\n3,"x\n4,5\n6,7\n');
    expect(r.rows).toEqual([
      ['1', '2'],
      ['3', 'x\n4,5\n6,7\n'],
    ]);
    const f = finding(r, 'unterminated-quote')!;
    expect(f.examples[0]).toMatchObject({ line: 3, row: 2 });
    expect(f.message).toMatch(/line 3/);
    expect(f.message).toMatch(/rest of the file/);
  });

  it('invalid UTF-8 message suggests --encoding latin1', async () => {
    const r = await readAll(fileInput(join(EDGE, 'spectrum_latin1.csv')));
    const f = finding(r, 'invalid-utf8')!;
    expect(f.message).toBe('line 3 is not valid UTF-8; if the file is Latin-1 or Windows-1252, pass --encoding latin1');
    expect(f.examples[0]).toMatchObject({ line: 3, row: 2 });
    expect(f.severity).toBe('warn');
    expect(f.dimension).toBe('validity');
  });
});

describe('quoting', () => {
  it('a malformed quote does not swallow later lines', async () => {
    const r = await read('h1,h2,h3\na,"b"c,d\ne,f,g\n"x"y"z",2,3\n');
    expect(r.rows).toEqual([
      ['a', 'b"c', 'd'],
      ['e', 'f', 'g'],
      ['x"y"z"', '2', '3'],
    ]);
    expect(issueSummary(r)['malformed-quote']).toEqual({ count: 2, lines: [2, 4] });
    expect(finding(r, 'malformed-quote')!.examples.map((e) => e.row)).toEqual([1, 3]);
  });
  it('bare quotes inside unquoted fields are literal', async () => {
    const r = await read('a,b\n37°36\'37.8"N,x"y"\n');
    expect(r.rows).toEqual([['37°36\'37.8"N', 'x"y"']]);
    expect(r.findings).toEqual([]);
  });
  it('quoted delimiters, escaped quotes, CRLF and CR inside quotes; lines count them', async () => {
    const r = await read('a,b\r\n"1,2","say ""hi"""\r\n"x\r\ny","p\rq"\r\n"last\nline",z\r\nend,0');
    expect(r.rows).toEqual([
      ['1,2', 'say "hi"'],
      ['x\r\ny', 'p\rq'],
      ['last\nline', 'z'],
      ['end', '0'],
    ]);
    expect(r.lines).toEqual([2, 3, 6, 8]);
    expect(r.meta.lineTerminator).toBe('CRLF');
  });
  it('escaped quotes next to multi-byte characters, and more escaped quotes than the scanner notes', async () => {
    const many = Array.from({ length: 23 }, (_, i) => `é${i}""`).join('');
    const r = await read(`a,b\n"""€""𝄞"""" x ""é","${many}"\n"""",""""""""\n`);
    expect(r.rows).toEqual([
      ['"€"𝄞"" x "é', many.replaceAll('""', '"')],
      ['"', '"""'],
    ]);
  });
  it('empty quoted fields and a quoted field at end of file', async () => {
    expect((await read('a,b\n"",""')).rows).toEqual([['', '']]);
    expect((await read('a,b\n1,"x"')).rows).toEqual([['1', 'x']]);
    expect((await read('a,b\n1,"x"""')).rows).toEqual([['1', 'x"']]);
  });
});

describe('lines, blank lines, terminators', () => {
  it('blank lines are skipped and counted; a line of delimiters is a row', async () => {
    const r = await read('\na,b\n\n1,2\n\r\n,\n\n\n3,4');
    expect(r.rows).toEqual([
      ['1', '2'],
      ['', ''],
      ['3', '4'],
    ]);
    expect(r.lines).toEqual([4, 6, 9]);
    expect(issueSummary(r)['blank-line']).toEqual({ count: 5, lines: [1, 3, 5, 7, 8] });
    expect(finding(r, 'blank-line')!.message).toMatch(/skipped/);
    expect(r.meta.lineTerminator).toBe('mixed');
  });
  it('CR-only, LF, CRLF each count one line', async () => {
    const r = await read('a\rb\nc\r\nd\r\re');
    expect(r.rows.map((x) => x[0])).toEqual(['b', 'c', 'd', 'e']);
    expect(r.lines).toEqual([2, 3, 4, 6]);
  });
  it('CRLF split across chunks is one line break', async () => {
    const data = Buffer.from('a,b\r\n1,2\r\n3,4\r\n');
    for (let cut = 1; cut < data.length; cut++) {
      const r = await readAll(chunkedInput([data.subarray(0, cut), data.subarray(cut)]));
      expect(r.rows).toEqual([
        ['1', '2'],
        ['3', '4'],
      ]);
      expect(r.lines).toEqual([2, 3]);
      expect(r.findings).toEqual([]);
      expect(r.meta.lineTerminator).toBe('CRLF');
    }
  });
  it('only blank lines is an empty file', async () => {
    const r = await read('\n\n\r\n');
    expect(r.meta.columns).toEqual([]);
    expect(finding(r, 'empty-file')).toBeDefined();
  });
});

describe('header', () => {
  it('pandas-style renaming, also when name.1 already exists', async () => {
    const r = await read('a,a,a.1,a,,b,\n1,2,3,4,5,6,7\n');
    expect(r.columns).toEqual(['a', 'a.1', 'a.1.1', 'a.2', 'Unnamed: 4', 'b', 'Unnamed: 6']);
    expect(finding(r, 'duplicate-header')!.data).toEqual({ renamed: ['a.1', 'a.2'] });
    expect(issueSummary(r)['unnamed-column']!.count).toBe(2);
  });
  it('header: false names columns column_N and keeps the first record', async () => {
    const r = await read('1,2\n3,4,5\n', { header: false });
    expect(r.columns).toEqual(['column_1', 'column_2']);
    expect(r.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(r.lines).toEqual([1, 2]);
    expect(r.batches[0]!.firstRow).toBe(1);
    expect(finding(r, 'row-too-long')!.examples[0]).toEqual({ row: 2, line: 2, value: '5' });
  });
  it('header only: no batches, meta.columns set', async () => {
    const r = await read('x,y\n');
    expect(r.batches).toEqual([]);
    expect(r.meta.columns).toEqual(['x', 'y']);
  });
});

describe('ragged rows', () => {
  it('short rows pad with null; the example is the raw record', async () => {
    const r = await read('a,b,c\n1\n"x,y",2\n');
    expect(r.rows).toEqual([
      ['1', null, null],
      ['x,y', '2', null],
    ]);
    const f = finding(r, 'row-too-short')!;
    expect(f.examples).toEqual([
      { row: 1, line: 2, value: '1' },
      { row: 2, line: 3, value: '"x,y",2' },
    ]);
    expect(f.message).toBe('line 2: expected 3 fields, got 1');
  });
  it('the raw record example is truncated to 200 characters', async () => {
    const long = 'x'.repeat(500);
    const r = await read(`a,b\n${long}\n`);
    expect((finding(r, 'row-too-short')!.examples[0]!.value as string).length).toBeLessThanOrEqual(201);
  });
});

describe('batches', () => {
  it('firstRow and lines per batch', async () => {
    const text = 'n\n' + Array.from({ length: 10 }, (_, i) => `${i + 1}`).join('\n') + '\n';
    const r = await read(text, { batchSize: 3 });
    expect(r.batches.map((b) => [b.firstRow, b.length, [...b.lines!]])).toEqual([
      [1, 3, [2, 3, 4]],
      [4, 3, [5, 6, 7]],
      [7, 3, [8, 9, 10]],
      [10, 1, [11]],
    ]);
    for (const b of r.batches) for (const col of b.data) expect(col.length).toBe(b.length);
  });
  it('batches larger than the preallocated arrays', async () => {
    const n = 70_000;
    const text = 'n,m\n' + Array.from({ length: n }, (_, i) => `${i},x`).join('\n');
    const r = await read(text, { batchSize: 100_000 }, 65536);
    expect(r.batches.length).toBe(1);
    expect(r.batches[0]!.data[0]!.length).toBe(n);
    expect(r.rows[n - 1]).toEqual([String(n - 1), 'x']);
    expect(r.lines[n - 1]).toBe(n + 1);
  });
});

describe('encodings', () => {
  it('UTF-16 LE and BE with BOM, split into odd chunks', async () => {
    const text = 'a,b\r\né,"x\r\n€"\r\n𝄞,3';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const [buf, enc] of [
      [le, 'utf-16le'],
      [be, 'utf-16be'],
    ] as const) {
      for (const chunk of [1 << 20, 3, 1]) {
        const r = await readAll(chunkedInput(splitEvery(buf, chunk)));
        expect(r.columns).toEqual(['a', 'b']);
        expect(r.rows).toEqual([
          ['é', 'x\r\n€'],
          ['𝄞', '3'],
        ]);
        expect(r.lines).toEqual([2, 4]);
        expect(r.meta.encoding).toBe(enc);
      }
    }
  });
  it('explicit utf-16 without BOM', async () => {
    const r = await readAll(chunkedInput([Buffer.from('a,b\n1,2\n', 'utf16le')]), { encoding: 'utf-16le' });
    expect(r.rows).toEqual([['1', '2']]);
  });
  it('windows-1252 maps 0x80-0x9F; latin1 does not', async () => {
    const bytes = Buffer.from([0x61, 0x0a, 0x80, 0x93, 0x78, 0x94, 0xe9, 0x0a]);
    expect((await readAll(chunkedInput([bytes]), { encoding: 'windows-1252' })).rows).toEqual([['€“x”é']]);
    expect((await readAll(chunkedInput([bytes]), { encoding: 'latin1' })).rows).toEqual([['\x80\x93x\x94é']]);
  });
  it('U+FFFD really in the file is not invalid UTF-8; a split multi-byte character is fine', async () => {
    const text = 'a,b\n\uFFFD,é€𝄞\n';
    for (const chunk of [1 << 20, 1, 2, 3]) {
      const r = await read(text, {}, chunk);
      expect(r.rows).toEqual([['\uFFFD', 'é€𝄞']]);
      expect(r.findings).toEqual([]);
    }
  });
  it('invalid UTF-8 is reported once per record, with U+FFFD in the value', async () => {
    const bytes = Buffer.concat([
      Buffer.from('a,b\n1,ok\n2,'),
      Buffer.from([0xe9, 0x2c, 0xff]),
      Buffer.from('\n3,"x\n'),
      Buffer.from([0xc3]),
      Buffer.from('"\n4,é\n'),
    ]);
    for (const chunk of [1 << 20, 5, 1]) {
      const r = await readAll(chunkedInput(splitEvery(bytes, chunk)));
      expect(r.rows).toEqual([
        ['1', 'ok'],
        ['2', '\uFFFD'],
        ['3', 'x\n\uFFFD'],
        ['4', 'é'],
      ]);
      expect(finding(r, 'row-too-long')!.examples[0]!.value).toBe('\uFFFD');
      expect(issueSummary(r)['invalid-utf8']).toEqual({ count: 2, lines: [3, 4] });
    }
  });
  it('UTF-8 BOM alone is an empty file; a BOM split over chunks is stripped', async () => {
    expect(finding(await readAll(chunkedInput([Buffer.from([0xef, 0xbb, 0xbf])])), 'empty-file')).toBeDefined();
    const r = await readAll(chunkedInput([Buffer.from([0xef]), Buffer.from([0xbb]), Buffer.from([0xbf, 0x61, 0x0a, 0x31])]));
    expect(r.columns).toEqual(['a']);
    expect(r.rows).toEqual([['1']]);
  });
  it('binary data is rejected', async () => {
    const bin = Buffer.alloc(4096);
    bin.write('PK\x03\x04', 0, 'latin1');
    bin[100] = 0x41;
    const e = await expectInputError(readAll(chunkedInput([bin], { path: 'x.csv' })), /looks like binary data/);
    expect(e.message).toMatch(/NUL bytes at byte 4/);
    expect(e.message).toMatch(/^x\.csv/);
  });
  it('a stray NUL in text is kept', async () => {
    const r = await read('a,b\n1,x\u0000y\n' + 'z,z\n'.repeat(100));
    expect(r.rows[0]).toEqual(['1', 'x\u0000y']);
  });
});

describe('delimiter', () => {
  const cases: [string, string, string | null][] = [
    ['a;b;c\n1;2,5;3\n4;5;6\n', ';', null],
    ['a|b\n1|2\n', '|', null],
    ['a\tb\n1\t2\n', '\t', null],
    ['a,b\n"x;y;z",2\n"p;q",3\n', ',', null],
    ['single\nvalue\n', ',', null],
    ['a;b\n1,5;2\n', ';', null],
    ['a,b;c\n1,2;3\n', ';', ';'],
  ];
  for (const [text, expected, given] of cases) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(expected)}`, async () => {
      const r = await read(text, { delimiter: given });
      expect(r.meta.delimiter).toBe(expected);
    });
  }
  it('tsv defaults to TAB when nothing can be sniffed', async () => {
    const input = chunkedInput(['single\nvalue\n'], { format: 'tsv', path: 'x.tsv' });
    const r = await readAll(input);
    expect(r.meta.delimiter).toBe('\t');
    const issues = new IssueLog();
    const meta: Record<string, unknown> = {};
    for await (const _ of readTsv(chunkedInput(['x\n1\n']), DEFAULT_READER_OPTIONS, issues, meta)) void _;
    expect(meta.delimiter).toBe('\t');
  });
  it('explicit tab spellings', async () => {
    expect((await read('a\tb\n1\t2\n', { delimiter: '\\t' })).rows).toEqual([['1', '2']]);
  });
  it('a bad delimiter is an InputError', async () => {
    await expectInputError(read('a,b\n', { delimiter: ',,' }), /delimiter/);
  });
});

describe('limits and errors', () => {
  it('a field over maxFieldBytes is an InputError naming the line', async () => {
    const e = await expectInputError(read('a,b\n1,2\n3,' + 'x'.repeat(100) + '\n', { maxFieldBytes: 50 }), /longer than 50 bytes/);
    expect(e.where).toBe('line 3');
  });
  it('a quoted field over maxFieldBytes across many chunks (accumulation path)', async () => {
    const text = 'a,b\n1,"' + 'y\n'.repeat(1_500_000) + '"\n';
    const e = await expectInputError(read(text, { maxFieldBytes: 2_000_000 }, 65536), /longer than 2000000 bytes/);
    expect(e.where).toBe('line 2');
  });
  it('too many columns', async () => {
    await expectInputError(read('a,b,c,d\n', { maxColumns: 3 }), /more than 3|limit of 3/);
    await expectInputError(read('a\n' + '1,'.repeat(10) + '\n', { maxColumns: 5, delimiter: ',' }), /limit of 5/);
  });
  it('a record longer than a chunk many times over is parsed once (accumulation), lines exact', async () => {
    const big = 'z'.repeat(3_000_000);
    const text = `a,b,c\n1,"${big}\n${big}",x\n2,${big},y\n3,4,5\n`;
    const r = await read(text, {}, 65536);
    expect(r.rows.length).toBe(3);
    expect((r.rows[0]![1] as string).length).toBe(6_000_001);
    expect((r.rows[1]![1] as string).length).toBe(3_000_000);
    expect(r.rows[2]).toEqual(['3', '4', '5']);
    expect(r.lines).toEqual([2, 4, 5]);
  });
  it('errors from the input stream are not TypeErrors', async () => {
    const input = chunkedInput(['a,b\n']);
    input.stream = async function* () {
      yield Buffer.from('a,b\n1,2\n');
      throw new TypeError('boom');
    };
    await expectInputError(readAll(input), /boom/);
  });
  it('unterminated quote: the example line is where the quote opened', async () => {
    const r = await read('a,b\n"multi\nline","open\nrest\n');
    expect(r.lines).toEqual([2]);
    expect(finding(r, 'unterminated-quote')!.examples[0]).toMatchObject({ line: 3, row: 1 });
  });
  it('stopping early closes the input stream', async () => {
    let closed = false;
    const input = chunkedInput([]);
    input.stream = async function* () {
      try {
        for (let i = 0; i < 1000; i++) yield Buffer.from(i === 0 ? 'a\n' : `${i}\n`.repeat(100));
      } finally {
        closed = true;
      }
    };
    for await (const b of readCsv(input, { ...DEFAULT_READER_OPTIONS, batchSize: 10 }, new IssueLog(), {})) {
      expect(b.length).toBe(10);
      break;
    }
    expect(closed).toBe(true);
  });
  it('readCsv is a Reader', () => {
    expect(typeof readCsv).toBe('function');
  });
});
