import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IssueLog } from '../../src/core/issues.js';
import type { Batch, Cell, Finding } from '../../src/core/types.js';
import { InputError } from '../../src/errors.js';
import { lateLeafColumns, mergeJsonlPart, parseJsonExact, planJsonlSplit, readJsonl, stringifyExact, type JsonlSplit } from '../../src/io/readers/jsonl.js';
import { DEFAULT_READER_OPTIONS, type RangeHandoff, type ReaderOptions } from '../../src/io/readers/types.js';
import type { Input } from '../../src/io/source.js';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = resolve(here, '../..', '../shared/corpus/jsonl');

function inputOf(chunks: Buffer[] | Buffer, path = 'test.jsonl'): Input {
  const list = Array.isArray(chunks) ? chunks : [chunks];
  return {
    path,
    file: null,
    bytes: null,
    gzip: false,
    format: 'jsonl',
    async *stream() {
      for (const c of list) yield c;
    },
    sha256: () => null,
    close: async () => {},
  };
}

interface Result {
  batches: Batch[];
  /** Rows as objects (only non-null cells), keyed by physical line. */
  byLine: Map<number, Record<string, Cell>>;
  rows: Record<string, Cell>[];
  lines: number[];
  findings: Finding[];
  meta: Record<string, unknown>;
  issues: IssueLog;
}

async function read(chunks: Buffer[] | Buffer, opts: Partial<ReaderOptions> = {}): Promise<Result> {
  const issues = new IssueLog();
  const meta: Record<string, unknown> = {};
  const batches: Batch[] = [];
  for await (const b of readJsonl(inputOf(chunks), { ...DEFAULT_READER_OPTIONS, ...opts }, issues, meta)) batches.push(b);
  const byLine = new Map<number, Record<string, Cell>>();
  const rows: Record<string, Cell>[] = [];
  const lines: number[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const o: Record<string, Cell> = {};
      b.columns.forEach((c, j) => {
        const v = b.data[j]![i]!;
        if (v !== null) o[c] = v;
      });
      rows.push(o);
      lines.push(b.lines![i]!);
      byLine.set(b.lines![i]!, o);
    }
  }
  return { batches, byLine, rows, lines, findings: issues.findings(), meta, issues };
}

const readFile = (name: string, opts: Partial<ReaderOptions> = {}) => read(readFileSync(join(CORPUS, name)), opts);
const expected = (name: string) => JSON.parse(readFileSync(join(CORPUS, name), 'utf8'));
const finding = (r: Result, id: string) => r.findings.find((f) => f.id === id);
const linesOf = (r: Result, id: string) => ((finding(r, id)?.data?.lines as number[] | undefined) ?? []).slice().sort((a, b) => a - b);

/** Every batch is rectangular and its columns are a prefix-extension of the previous ones. */
function checkShape(r: Result): void {
  let prev: string[] = [];
  let row = 1;
  for (const b of r.batches) {
    expect(b.columns.slice(0, prev.length)).toEqual(prev);
    expect(b.data.length).toBe(b.columns.length);
    for (const col of b.data) expect(col.length).toBe(b.length);
    expect(b.lines!.length).toBe(b.length);
    expect(b.firstRow).toBe(row);
    row += b.length;
    prev = b.columns;
  }
}

describe('readJsonl on the corpus', () => {
  it('valid.jsonl: 34 records, no parse errors, values as JSON.parse gives them', async () => {
    const exp = expected('valid.expected.json');
    const r = await readFile('valid.jsonl', { batchSize: 5 });
    checkShape(r);
    expect(r.rows.length).toBe(exp.records);
    expect(r.lines).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
    for (const id of ['invalid-json', 'not-object', 'truncated-line', 'invalid-utf8', 'blank-line']) expect(finding(r, id)).toBeUndefined();
    expect(r.byLine.get(1)).toEqual({ asd: 'sdf', dfg: 'fgh' });
    expect(r.byLine.get(3)).toEqual({ a: 'c' }); // last wins
    expect(linesOf(r, 'duplicate-key')).toEqual([3, 4]); // the welcome warning
    expect(r.byLine.get(5)).toEqual({}); // {} is a row with every column missing
    expect(r.byLine.get(6)).toEqual({ '': 0 });
    expect(r.byLine.get(7)).toEqual({ 'foo\u0000bar': 42 });
    expect(r.byLine.get(8)).toEqual({ min: -1e28, max: 1e28 });
    expect(r.byLine.get(11)!.title).toBe('Полтора Землекопа');
    expect(r.byLine.get(15)!.v).toBe('[1.23e+67]');
    expect(r.byLine.get(19)!.v).toBe('[-1e-78]');
    expect(r.byLine.get(24)!.v).toBe('["\u2028"]');
    expect(r.byLine.get(25)!.v).toBe('["\u2029"]');
    expect(r.byLine.get(26)!.v).toBe('["\u007f"]');
    expect(r.byLine.get(31)).toEqual({}); // {"v": null}
    expect(r.byLine.get(32)).toEqual({ v: true });
    expect(r.byLine.get(33)).toEqual({ v: '' });
    expect(r.meta.columns).toEqual(['asd', 'dfg', 'a', '', 'foo\u0000bar', 'min', 'max', 'x', 'id', 'title', 'v']);
  });

  it('invalid_lines.jsonl: 17 records, the 10 invalid lines reported by number', async () => {
    const exp = expected('invalid_lines.expected.json');
    const r = await readFile('invalid_lines.jsonl');
    checkShape(r);
    expect(r.rows.length).toBe(exp.records);
    expect(linesOf(r, 'invalid-json')).toEqual(exp.invalid_lines);
    expect(finding(r, 'invalid-json')!.count).toBe(10);
    expect(finding(r, 'invalid-json')!.message).toMatch(/^line 3: invalid JSON \(.+\)/);
    expect(finding(r, 'invalid-json')!.examples.map((e) => e.line)).toEqual([3, 6, 8, 11, 14]);
    const valid = Array.from({ length: 27 }, (_, i) => i + 1).filter((l) => !exp.invalid_lines.includes(l));
    expect(r.lines).toEqual(valid);
    for (const l of valid) expect(r.byLine.get(l)!.id).toBe(l);
    expect(r.meta.columns).toEqual(['id', 'name', 'score']);
    // line 22: invalid UTF-8 and invalid JSON -> one finding (invalid-json), not two
    expect(finding(r, 'invalid-utf8')).toBeUndefined();
  });

  it('invalid_lines.jsonl line 22 alone: invalid-json naming the line, mentioning the invalid UTF-8', async () => {
    const all = readFileSync(join(CORPUS, 'invalid_lines.jsonl'));
    const lines = all.toString('latin1').split('\n');
    const r = await read(Buffer.from(lines[21] + '\n', 'latin1'));
    const f = finding(r, 'invalid-json')!;
    expect(f.message).toMatch(/^line 1: invalid JSON .*invalid UTF-8/);
    expect(r.rows.length).toBe(0);
  });

  it('trailing_partial.jsonl: 5 records and a truncated line 6, no hang', async () => {
    const exp = expected('trailing_partial.expected.json');
    const r = await readFile('trailing_partial.jsonl');
    expect(r.rows.length).toBe(exp.records);
    expect(linesOf(r, 'truncated-line')).toEqual(exp.invalid_lines);
    expect(finding(r, 'truncated-line')!.message).toBe('line 6 truncated (unexpected end of input)');
    expect(finding(r, 'invalid-json')).toBeUndefined();
    expect(r.byLine.get(2)).toEqual({ id: 2, name: 'bob', tags: '["a","b"]', ok: true });
  });

  it('blank_lines.jsonl: CRLF, blank lines skipped and counted, physical line numbers kept', async () => {
    const exp = expected('blank_lines.expected.json');
    const r = await readFile('blank_lines.jsonl');
    expect(r.rows).toEqual(exp.rows);
    expect(r.lines).toEqual([1, 3, 6, 9]);
    expect(linesOf(r, 'blank-line')).toEqual(exp.blank_lines);
    expect(finding(r, 'blank-line')!.severity).toBe('info');
    expect(r.meta.blankLines).toBe(6);
    for (const row of r.rows) for (const v of Object.values(row)) if (typeof v === 'string') expect(v).not.toMatch(/\r/);
  });

  it('nested.jsonl: dotted columns in first-seen order, arrays as JSON text, {} gives no column, collision warned', async () => {
    const exp = expected('nested.expected.json');
    const r = await readFile('nested.jsonl', { batchSize: 2 });
    checkShape(r);
    expect(r.rows.length).toBe(exp.records);
    expect(r.meta.columns).toEqual(exp.columns_first_seen_order);
    expect(r.batches.at(-1)!.columns).toEqual(exp.columns_first_seen_order);
    // rows 1-5 as expected, arrays as JSON text, nulls are simply missing cells
    const asCells = (o: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(o)
          .filter(([k, v]) => v !== null && !k.startsWith('_'))
          .map(([k, v]) => [k, Array.isArray(v) ? JSON.stringify(v) : v]),
      );
    for (let i = 0; i < 5; i++) expect(r.rows[i]).toEqual(asCells(exp.rows_flattened[i]));
    expect(r.byLine.get(1)!['user.address.zip']).toBe('0150');
    // line 4: "user": {} adds nothing
    expect(Object.keys(r.byLine.get(4)!)).toEqual(['id', 'orders']);
    // line 6: literal "user.name" comes first in the line and is kept; the nested one is reported
    expect(r.byLine.get(6)).toEqual({ id: 6, 'user.name': 'dotted-key' });
    const f = finding(r, 'key-collision')!;
    expect(f.column).toBe('user.name');
    expect(f.examples[0]!.line).toBe(6);
    expect(f.message).toMatch(/line 6/);
  });

  it('heterogeneous.jsonl: union of keys in first-seen order, types per line', async () => {
    const exp = expected('heterogeneous.expected.json');
    const r = await readFile('heterogeneous.jsonl', { batchSize: 3 });
    checkShape(r);
    expect(r.rows.length).toBe(exp.records);
    expect(r.meta.columns).toEqual(exp.columns_first_seen_order);
    const typeOf = (v: Cell | undefined, present: boolean): string => {
      if (!present) return 'missing';
      if (v === null || v === undefined) return 'null'; // present in the line, null in the data
      if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
      if (typeof v === 'boolean') return 'boolean';
      if (typeof v === 'string' && /^[[{]/.test(v)) return v.startsWith('[') ? 'array' : 'object'; // kept as JSON text
      return 'string';
    };
    // key presence from the raw lines (absent key = missing, explicit null = null)
    const raw = readFileSync(join(CORPUS, 'heterogeneous.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    for (const [col, types] of Object.entries(exp.types_by_line as Record<string, Record<string, number[]>>)) {
      for (const [type, lines] of Object.entries(types)) {
        for (const line of lines) {
          const present = col in raw[line - 1];
          expect(typeOf(r.byLine.get(line)![col], present), `${col} on line ${line}`).toBe(type);
        }
      }
    }
    expect(r.byLine.get(6)!.zip).toBe('{"code":10179}');
    expect(r.findings).toEqual([]);
  });
});

describe('readJsonl values', () => {
  it('keeps integers beyond 2^53 exact as bigint, everywhere', async () => {
    const line =
      '{"a": 12345678901234567890, "b": -9007199254740993, "c": 9007199254740991, "d": 1e22, "e": [12345678901234567890, 1.5], "f": {"g": 90071992547409930}, "h": 9007199254740992, "i": "12345678901234567890"}\n';
    const r = await read(Buffer.from(line));
    expect(r.rows[0]).toEqual({
      a: 12345678901234567890n,
      b: -9007199254740993n,
      c: 9007199254740991,
      d: 1e22,
      e: '[12345678901234567890,1.5]',
      'f.g': 90071992547409930n,
      h: 9007199254740992n,
      i: '12345678901234567890',
    });
  });

  it('keeps source key order for integer-like keys', async () => {
    const r = await read(Buffer.from('{"b": 1, "10": 2, "a": {"2": 3, "z": 4}}\n'));
    expect(r.meta.columns).toEqual(['b', '10', 'a.2', 'a.z']);
  });

  it('reports values that are not objects, and reads the lines around them', async () => {
    const r = await read(Buffer.from('[1,2]\n"x"\n5\nnull\n{"a":1}\ntrue\n'));
    expect(r.rows).toEqual([{ a: 1 }]);
    expect(r.lines).toEqual([5]);
    expect(linesOf(r, 'not-object')).toEqual([1, 2, 3, 4, 6]);
    expect(r.batches[0]!.firstRow).toBe(1);
  });

  it('invalid UTF-8 in a line that parses: a row plus invalid-utf8', async () => {
    const buf = Buffer.concat([Buffer.from('{"a":"x'), Buffer.from([0xff, 0xc3]), Buffer.from('y"}\n{"a":"ok"}\n')]);
    const r = await read(buf);
    expect(r.rows).toEqual([{ a: 'x\ufffd\ufffdy' }, { a: 'ok' }]);
    const f = finding(r, 'invalid-utf8')!;
    expect(f.count).toBe(1);
    expect(f.examples[0]).toMatchObject({ line: 1, row: 1 });
    expect(finding(r, 'invalid-json')).toBeUndefined();
  });

  it('a key collision keeps the first value in key order', async () => {
    const r = await read(Buffer.from('{"user": {"name": "a"}, "user.name": "b"}\n'));
    expect(r.rows[0]).toEqual({ 'user.name': 'a' });
    expect(finding(r, 'key-collision')!.count).toBe(1);
  });

  it('an object at a path that held scalars stays JSON text; at a null-only path it is flattened', async () => {
    const r = await read(Buffer.from('{"z": 1, "n": null}\n{"z": {"c": 2}, "n": {"c": 3}}\n{"z": {}}\n'));
    expect(r.meta.columns).toEqual(['z', 'n', 'n.c']);
    expect(r.rows).toEqual([{ z: 1 }, { z: '{"c":2}', 'n.c': 3 }, { z: '{}' }]);
  });

  it('duplicate keys: last wins, warned; no false alarm for strings starting with a colon or spaced keys', async () => {
    const r = await read(Buffer.from('{"a": ":x", "b" : 1, "c": {"d" :"e"}}\n{"a":1,"o":{"x":1,"x":2}}\n{"q":[{"k":1,"k":2}]}\n'));
    expect(r.rows[0]).toEqual({ a: ':x', b: 1, 'c.d': 'e' });
    expect(r.rows[1]).toEqual({ a: 1, 'o.x': 2 });
    expect(r.rows[2]).toEqual({ q: '[{"k":2}]' });
    expect(linesOf(r, 'duplicate-key')).toEqual([2, 3]);
  });

  it('a final line without newline that parses is a record', async () => {
    const r = await read(Buffer.from('{"a":1}\n{"a":2}'));
    expect(r.rows).toEqual([{ a: 1 }, { a: 2 }]);
    expect(r.findings).toEqual([]);
  });

  it('a final line without newline that is garbage is truncated-line, not invalid-json', async () => {
    const r = await read(Buffer.from('{"a":1}\n{"a":2} x'));
    expect(r.rows).toEqual([{ a: 1 }]);
    expect(linesOf(r, 'truncated-line')).toEqual([2]);
  });

  it('strips a UTF-8 BOM, even when split across chunks', async () => {
    const bytes = Buffer.from('\ufeff{"id":1}\n{"id":2}\n');
    const one = await read(bytes);
    expect(one.meta.columns).toEqual(['id']);
    expect(one.meta.bom).toBe(true);
    const split = await read([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2, 5), bytes.subarray(5)]);
    expect(split.rows).toEqual(one.rows);
    expect(split.meta.columns).toEqual(['id']);
  });

  it('tiny inputs (held back to look for a BOM) still split into lines', async () => {
    const a = await read(Buffer.from('{}\n'));
    expect(a.rows).toEqual([{}]);
    expect(a.meta.lines).toBe(1);
    const b = await read(Buffer.from('\n\n'));
    expect(linesOf(b, 'blank-line')).toEqual([1, 2]);
    const c = await read([Buffer.from('1'), Buffer.from('\n2')]);
    expect(linesOf(c, 'not-object')).toEqual([1, 2]);
    const d = await read(Buffer.from('\ufeff{}'));
    expect(d.rows).toEqual([{}]);
    expect(d.meta.bom).toBe(true);
  });

  it('a UTF-16 file is refused clearly', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}\n', 'utf16le')]);
    await expect(read(bytes)).rejects.toThrow(/UTF-16/);
  });

  it('empty input: no batches, no findings', async () => {
    const r = await read(Buffer.alloc(0));
    expect(r.batches).toEqual([]);
    expect(r.meta.columns).toEqual([]);
    expect(r.meta.records).toBe(0);
  });

  it('lines longer than maxFieldBytes: InputError naming the line (with and without newline)', async () => {
    const long = '{"a":"' + 'x'.repeat(200) + '"}';
    for (const text of [`{"a":1}\n${long}\n{"a":2}\n`, `{"a":1}\n${long}`]) {
      const bytes = Buffer.from(text);
      for (const chunks of [[bytes], Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7))]) {
        const err = await read(chunks, { maxFieldBytes: 100 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InputError);
        expect((err as Error).message).toMatch(/line 2/);
      }
    }
    // exactly at the limit is fine
    const ok = await read(Buffer.from('{"a":"' + 'x'.repeat(92) + '"}\n'), { maxFieldBytes: 100 });
    expect(ok.rows.length).toBe(1);
  });

  it('too many columns: InputError', async () => {
    await expect(read(Buffer.from('{"a":1,"b":2}\n{"c":3}\n'), { maxColumns: 2 })).rejects.toThrow(/line 2/);
  });

  it('deeply nested lines are reported, never crash', async () => {
    const deep = '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    const deepObj = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const r = await read(Buffer.from(`${deep}\n${deepObj}\n{"ok":1}\n`));
    expect(r.rows).toEqual([{ ok: 1 }]);
    expect(linesOf(r, 'invalid-json')).toEqual([1, 2]);
    expect(finding(r, 'invalid-json')!.message).toMatch(/too deeply nested|nested too deeply/);
  });

  it('batches: firstRow, lines and growing columns; every column has length entries', async () => {
    const text = '{"a":1}\n\n{"a":2,"b":"x"}\n{"a":3}\n{"c":true}\n{"a":5}\n';
    const r = await read(Buffer.from(text), { batchSize: 2 });
    checkShape(r);
    expect(r.batches.map((b) => [b.firstRow, b.length, [...b.lines!], b.columns])).toEqual([
      [1, 2, [1, 3], ['a', 'b']],
      [3, 2, [4, 5], ['a', 'b', 'c']],
      [5, 1, [6], ['a', 'b', 'c']],
    ]);
    expect(r.batches[0]!.data).toEqual([
      [1, 2],
      [null, 'x'],
    ]);
    expect(r.batches[1]!.data).toEqual([
      [3, null],
      [null, null],
      [null, true],
    ]);
  });

  it('exact parser agrees with JSON.parse on ordinary documents and rejects what it rejects', () => {
    const ok = ['{"a":[1,-0.5e3,"\\u00e9\\n",true,false,null,{}],"b":{"c":""}}', ' { } ', '{"x":"\\ud834\\udd1e"}'];
    for (const s of ok) {
      const v = parseJsonExact(s).value;
      expect(JSON.parse(stringifyExact(v))).toEqual(JSON.parse(s));
    }
    for (const bad of ['{"a":1,}', "{'a':0}", '{"a":[NaN]}', '{"a":"\t"}', '{"a":1} x', '{"a":', '{"a":01}', '{"a":1.}', '{"a":-}', '{"a":tru}']) {
      expect(() => JSON.parse(bad)).toThrow();
      expect(() => parseJsonExact(bad)).toThrow();
    }
  });
});

describe('chunk-split invariance', () => {
  const lineArb = fc.oneof(
    fc.json(),
    fc.constantFrom(
      '{"a": 1, "b": {"c": "x\u2028y"}}',
      '{"n": 12345678901234567890, "m": [9007199254740993]}',
      '{"é": "ü€𝄞", "10": 1}',
      '{"a":"b","a":"c"}',
      '{"user.name": 1, "user": {"name": 2}}',
      '   ',
      '',
      '{"id":0,}',
      '{"x": {}}',
      '{"late": null, "a": "\\r"}',
    ),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)), { maxKeys: 5 }).map((o) => JSON.stringify(o)),
  );
  const docArb = fc.record({
    lines: fc.array(lineArb, { maxLength: 25 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
    badByte: fc.boolean(),
  });

  function bytesOf(d: { lines: string[]; crlf: boolean; bom: boolean; finalNewline: boolean; badByte: boolean }): Buffer {
    const eol = d.crlf ? '\r\n' : '\n';
    const text = (d.bom ? '\ufeff' : '') + d.lines.join(eol) + (d.finalNewline && d.lines.length ? eol : '');
    const buf = Buffer.from(text);
    if (!d.badByte || buf.length < 3) return buf;
    // inject an invalid byte inside the second half (may break a multibyte char: must still be invariant)
    const out = Buffer.from(buf);
    const at = Math.floor(out.length / 2);
    if (out[at] !== 0x0a && out[at] !== 0x0d) out[at] = 0xff;
    return out;
  }

  function normalise(r: Result) {
    return {
      batches: r.batches.map((b) => ({ ...b, lines: [...b.lines!] })),
      findings: r.findings,
      meta: r.meta,
    };
  }

  it('reads large chunks (decoded in pieces) as it reads small ones: long lines, UTF-8, blank lines, line limit', async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 4000; i++) {
      if (i % 97 === 0) lines.push('');
      else if (i === 1500) lines.push(JSON.stringify({ id: i, long: 'x'.repeat(150_000) })); // longer than a piece
      else lines.push(JSON.stringify({ id: i, name: i % 3 ? 'plain' : 'ünïcode €', n: i / 7 }));
    }
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const small: Buffer[] = [];
    for (let p = 0; p < bytes.length; p += 4093) small.push(bytes.subarray(p, p + 4093));
    const whole = normalise(await read(bytes, { batchSize: 1000 }));
    expect(normalise(await read(small, { batchSize: 1000 }))).toEqual(whole);
    expect(whole.batches.reduce((n, b) => n + b.length, 0)).toBe(4000 - 41);
    const limit = (chunks: Buffer[] | Buffer) => read(chunks, { maxFieldBytes: 100_000 }).then(() => '', (e: InputError) => e.message);
    expect(await limit(bytes)).toMatch(/\(line 1500\): line longer than the limit of 100000 bytes/);
    expect(await limit(small)).toBe(await limit(bytes));
  });

  it('agrees with a naive split + JSON.parse on flat documents (oracle)', async () => {
    const obj = fc.dictionary(
      fc.string({ maxLength: 5 }).filter((k) => !/^\d+$/.test(k) && !k.includes('.')),
      fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !(Number.isInteger(x) && Math.abs(x) > Number.MAX_SAFE_INTEGER)), fc.string(), fc.boolean(), fc.constant(null)),
      { maxKeys: 6 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(obj, { maxLength: 20 }), fc.integer({ min: 1, max: 5 }), async (objs, batchSize) => {
        const text = objs.map((o) => JSON.stringify(o) + '\n').join('');
        const r = await read(Buffer.from(text), { batchSize });
        const expectedRows = objs.map((o) => Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(o))).filter(([, v]) => v !== null)));
        expect(r.rows).toEqual(expectedRows);
        expect(r.lines).toEqual(objs.map((_, i) => i + 1));
        expect(r.findings).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same batches, findings and meta for any chunking of the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(docArb, fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), async (doc, cutsRaw, batchSize) => {
        const bytes = bytesOf(doc);
        const cuts = [...new Set(cutsRaw.map((c) => (bytes.length ? c % (bytes.length + 1) : 0)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const c of [...cuts, bytes.length]) {
          chunks.push(bytes.subarray(prev, c));
          prev = c;
        }
        const whole = await read(bytes, { batchSize }).then(normalise, (e: unknown) => ({ error: String(e) }));
        const split = await read(chunks, { batchSize }).then(normalise, (e: unknown) => ({ error: String(e) }));
        expect(split).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parallel parts: split plan, first part with handoff, later part', () => {
  /** A file's bytes as an Input that reads byte ranges, in chunks of `chunk` bytes. */
  function rangedInput(bytes: Buffer, chunk: number): Input {
    return {
      ...inputOf(bytes),
      bytes: bytes.length,
      async *stream(range?: { start: number; end: number }) {
        const start = range?.start ?? 0;
        const end = Math.min(range?.end ?? bytes.length, bytes.length);
        for (let p = start; p < end; p += chunk) yield bytes.subarray(p, Math.min(end, p + chunk));
      },
    };
  }

  interface Read {
    batches: Batch[];
    issues: IssueLog;
    meta: Record<string, unknown>;
  }

  async function readWith(input: Input, opts: ReaderOptions): Promise<Read> {
    const r: Read = { batches: [], issues: new IssueLog(), meta: {} };
    for await (const b of readJsonl(input, opts, r.issues, r.meta)) r.batches.push(b);
    return r;
  }

  const shown = (r: Read) => ({ batches: r.batches.map((b) => ({ ...b, lines: [...b.lines!] })), findings: r.issues.findings(), meta: r.meta });

  /**
   * Reads a file the way a parallel audit does: part 2 from the plan (as the worker), part 1 up to the split
   * with a handoff that stops there when the part ended as planned (else it reads on), then the merge.
   */
  async function readSplit(bytes: Buffer, batchSize: number, target: number, chunk: number) {
    const input = rangedInput(bytes, chunk);
    const opts: ReaderOptions = { ...DEFAULT_READER_OPTIONS, batchSize };
    const plan = await planJsonlSplit(input, opts, target);
    if (!plan) return null;
    const range2 = { start: plan.offset, end: bytes.length, rowsBefore: plan.rowsBefore, linesBefore: plan.linesBefore, header: plan.columns, leafColumns: plan.leafColumns, delimiter: null, encoding: null };
    const part2 = await readWith(input, { ...opts, range: range2 });
    let at: RangeHandoff | null = null;
    let asPlanned = false;
    const handoff = (state: RangeHandoff) => {
      at = state;
      const late = lateLeafColumns(plan, state);
      asPlanned = late !== null && !(part2.meta.nullColumnsFlattened as string[]).some((c) => late.includes(c));
      return asPlanned;
    };
    const part1 = await readWith(input, { ...opts, range: { start: 0, end: plan.offset, rowsBefore: 0, linesBefore: 0, header: null, delimiter: null, encoding: null, handoff } });
    if (asPlanned) {
      mergeJsonlPart(part1.meta, part1.issues, part2.meta, part2.issues.toData());
      part1.batches.push(...part2.batches);
    }
    return { plan, at: at as RangeHandoff | null, asPlanned, merged: shown(part1), part2 };
  }

  function checkPlan(bytes: Buffer, plan: JsonlSplit, batchSize: number, target: number): void {
    expect(plan.offset).toBeGreaterThanOrEqual(target);
    expect(plan.offset).toBeLessThan(bytes.length);
    expect(bytes[plan.offset - 1]).toBe(0x0a);
    expect(plan.rowsBefore % batchSize).toBe(0);
    let lines = 0;
    for (let i = 0; i < plan.offset; i++) if (bytes[i] === 0x0a) lines++;
    expect(plan.linesBefore).toBe(lines);
  }

  // mostly objects over a few keys (so that parts often end as planned), and every kind of trouble
  const lineArb = fc.oneof(
    fc.json(),
    fc.constantFrom(
      '{"a": 1, "b": {"c": "x"}}',
      '{"b": 5}',
      '{"b": null}',
      '{"b": {"d": 1}}',
      '{"n": 12345678901234567890}',
      '{"a":"b","a":"c"}',
      '{"user.name": 1, "user": {"name": 2}}',
      '  {"a": 2}\t',
      '   ',
      '',
      '{"id":0,}',
      '{"x": {}}',
      '{"late": null}',
      '{"late": 3}',
      '{"late": {"in": 1}}',
      '[1, 2]',
      '{"cut": tr',
    ),
    {
      weight: 6,
      arbitrary: fc
        .dictionary(fc.constantFrom('a', 'b', 'c', 'k1', 'k2'), fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.constant(null)), { maxKeys: 4 })
        .map((o) => JSON.stringify(o)),
    },
  );

  it('gives what one read gives, for any split target, batch size and chunking (both outcomes of the handoff)', async () => {
    const seen = { asPlanned: 0, readOn: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.record({ first: fc.boolean(), lines: fc.array(lineArb, { minLength: 1, maxLength: 40 }), crlf: fc.boolean(), bom: fc.boolean(), finalNewline: fc.boolean() }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 64 }),
        async (doc, batchSize, where, chunk) => {
          const eol = doc.crlf ? '\r\n' : '\n';
          // a first line with the common keys makes the first part's columns known early (as in most files)
          const lines = doc.first ? ['{"a": 0, "b": 0, "c": 0, "k1": 0, "k2": 0}', ...doc.lines] : doc.lines;
          const bytes = Buffer.from((doc.bom ? '\ufeff' : '') + lines.join(eol) + (doc.finalNewline ? eol : ''));
          const target = Math.floor((where / 100) * bytes.length);
          const whole = await read(bytes, { batchSize }).then(
            (r) => shown({ batches: r.batches, issues: r.issues, meta: r.meta }),
            () => null,
          );
          fc.pre(whole !== null);
          const split = await readSplit(bytes, batchSize, target, chunk);
          fc.pre(split !== null);
          checkPlan(bytes, split!.plan, batchSize, target);
          // the handoff is offered at the split (the parser holds back inputs under 4 bytes to look for a BOM)
          if (split!.plan.offset >= 4) expect(split!.at).not.toBeNull();
          seen[split!.asPlanned ? 'asPlanned' : 'readOn']++;
          expect(split!.merged).toEqual(whole);
          expect(JSON.stringify(split!.merged.meta)).toBe(JSON.stringify(whole!.meta)); // key order too
        },
      ),
      { numRuns: 400 },
    );
    expect(seen.asPlanned).toBeGreaterThan(50);
    expect(seen.readOn).toBeGreaterThan(50);
  });

  const rowsOf = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i + 1));

  it('predicts rows from braces: blank, truncated, non-object and indented lines, CRLF and a BOM', async () => {
    const lines = [
      '\ufeff{"id": 1}',
      '',
      '  {"id": 2}  ',
      '[1]',
      '\t',
      '{"id": 3',
      '"text"',
      '{"id": 4}',
      '{"id": 5}',
      '{"id": 6}',
      '{"id": 7}',
    ];
    const bytes = Buffer.from(lines.join('\r\n') + '\r\n');
    const plan = (await planJsonlSplit(rangedInput(bytes, 5), { ...DEFAULT_READER_OPTIONS, batchSize: 2 }, 1))!;
    expect(plan.rowsBefore).toBe(2);
    expect(plan.linesBefore).toBe(3);
    expect(plan.columns).toEqual([]); // the sample stops at the target: no complete line before byte 1
    // line 8 (row 3) starts at byte 57, line 9 (row 4) at byte 68, line 10 at byte 79
    const later = (await planJsonlSplit(rangedInput(bytes, 5), { ...DEFAULT_READER_OPTIONS, batchSize: 2 }, 58))!;
    expect(later.offset).toBe(79);
    expect(later.rowsBefore).toBe(4);
    expect(later.linesBefore).toBe(9);
    expect(later.columns).toEqual(['id']);
    const r = await readSplit(bytes, 2, 58, 7);
    expect(r!.asPlanned).toBe(true);
    expect(r!.merged).toEqual(shown(await read(bytes, { batchSize: 2 })));
  });

  it('no split: too few rows after the target, or a file without newlines', async () => {
    const bytes = Buffer.from(rowsOf(5, (i) => `{"id": ${i}}`).join('\n') + '\n');
    expect(await planJsonlSplit(rangedInput(bytes, 1024), { ...DEFAULT_READER_OPTIONS, batchSize: 5 }, 0)).toBeNull(); // the split would be at the end
    expect(await planJsonlSplit(rangedInput(Buffer.from('{"a": 1}'), 1024), { ...DEFAULT_READER_OPTIONS, batchSize: 1 }, 0)).toBeNull();
  });

  it('an invalid line predicted as a row in part 1: the first part reads on to the end, as one read', async () => {
    const lines = rowsOf(12, (i) => (i === 3 ? '{"id": 3,}' : `{"id": ${i}}`));
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const r = (await readSplit(bytes, 4, 30, 16))!;
    expect(r.plan.rowsBefore).toBe(4);
    expect(r.at!.rows).toBe(3);
    expect(r.asPlanned).toBe(false);
    expect(r.merged).toEqual(shown(await read(bytes, { batchSize: 4 })));
  });

  it('a key first seen in part 2 gets the next column, as in one read', async () => {
    const lines = rowsOf(16, (i) => (i === 14 ? `{"id": ${i}, "extra": "x"}` : `{"id": ${i}}`));
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const r = (await readSplit(bytes, 4, 60, 16))!;
    expect(r.plan.rowsBefore).toBe(8);
    expect(r.asPlanned).toBe(true);
    expect(r.part2.batches[0]!.columns).toEqual(['id']);
    expect(r.part2.batches[1]!.columns).toEqual(['id', 'extra']);
    expect(r.merged).toEqual(shown(await read(bytes, { batchSize: 4 })));
  });

  it('a key first seen in part 1 after the planned lines: not as planned, read on', async () => {
    const lines = rowsOf(16, (i) => (i === 7 ? `{"id": ${i}, "late": 1}` : `{"id": ${i}}`));
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const r = (await readSplit(bytes, 4, 60, 16))!; // target 60: the sample holds lines 1-5
    expect(r.plan.columns).toEqual(['id']);
    expect(r.at!.columns).toEqual(['id', 'late']);
    expect(r.asPlanned).toBe(false);
    expect(r.merged).toEqual(shown(await read(bytes, { batchSize: 4 })));
  });

  it('a column whose first leaf value comes after the planned lines: fine unless part 2 flattens an object there', async () => {
    const make = (line13: string) => {
      const lines = rowsOf(16, (i) => (i === 2 ? '{"id": 2, "z": null}' : i === 7 ? '{"id": 7, "z": 10115}' : i === 13 ? line13 : `{"id": ${i}}`));
      return Buffer.from(lines.join('\n') + '\n');
    };
    const flat = make('{"id": 13, "z": 5}');
    const a = (await readSplit(flat, 4, 80, 16))!;
    expect(a.plan.columns).toEqual(['id', 'z']);
    expect(a.plan.leafColumns).toEqual(['id']);
    expect(a.at!.leafColumns).toEqual(['id', 'z']);
    expect(a.part2.meta.nullColumnsFlattened).toEqual([]);
    expect(a.asPlanned).toBe(true);
    expect(a.merged).toEqual(shown(await read(flat, { batchSize: 4 })));

    const nested = make('{"id": 13, "z": {"code": 10179}}'); // one read keeps it as JSON text in z
    const b = (await readSplit(nested, 4, 80, 16))!;
    expect(b.part2.meta.nullColumnsFlattened).toEqual(['z']);
    expect(b.asPlanned).toBe(false);
    const one = await read(nested, { batchSize: 4 });
    expect(one.byLine.get(13)).toEqual({ id: 13, z: '{"code":10179}' });
    expect(b.merged).toEqual(shown(one));
  });

  it('joins the line lists of findings across parts (up to 1000 lines, as one read keeps them)', async () => {
    const lines = rowsOf(3000, (i) => (i % 2 === 0 ? '{"id": 1, "id": 2}' : i % 5 === 0 ? '' : `{"id": ${i}}`));
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const r = (await readSplit(bytes, 64, bytes.length / 2, 4096))!;
    expect(r.asPlanned).toBe(true);
    const one = shown(await read(bytes, { batchSize: 64 }));
    expect(r.merged).toEqual(one);
    const dup = one.findings.find((f) => f.id === 'duplicate-key')!;
    expect((dup.data!.lines as number[]).length).toBe(1000);
    expect(one.findings.find((f) => f.id === 'blank-line')!.count).toBe(300);
  });
});
