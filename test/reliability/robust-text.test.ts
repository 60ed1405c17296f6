/**
 * Text inputs that are not what they claim (each case failed before its fix): binary data and UTF-16 without a
 * byte order mark given as CSV or JSON Lines, JSON documents given as JSON Lines, Excel's `sep=` first line, and
 * the field size limit's message. Runs the built CLI (`npm run build` first).
 */
import { writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { audit, dq, expectError, noise, report } from './robust-helpers.js';

describe('binary data and UTF-16 without a BOM given as text', () => {
  it('random bytes as CSV, plain or gzip-compressed, are rejected (they have few NULs)', () => {
    const dir = tempDir();
    const bin = noise(100_000);
    expect(bin.filter((c) => c === 0).length / bin.length).toBeLessThan(0.01); // under the NUL rule
    writeFileSync(join(dir, 'data.csv'), bin);
    writeFileSync(join(dir, 'data.csv.gz'), gzipSync(bin));
    for (const f of ['data.csv', 'data.csv.gz']) {
      expectError(audit(join(dir, f)), 3, /looks like binary data/, new RegExp(f.replace(/\./g, '\\.')));
      expectError(dq(['clean', join(dir, f), '-o', join(dir, 'out.csv')]), 3, /looks like binary data/);
    }
    expect(readdirSync(dir).sort()).toEqual(['data.csv', 'data.csv.gz']); // no output, no temporary
  });

  it('text with control characters in every row is still text; an explicit control-character delimiter is allowed', () => {
    const dir = tempDir();
    const f = join(dir, 'ctl.csv');
    // Hive-style nested separators (^A, ^B) in a column: 20% control bytes, but only two kinds of them
    writeFileSync(f, 'a,b\n' + Array.from({ length: 200 }, (_, i) => `${i},x\u0001y\u0002\n`).join(''));
    expect(report(audit(f)).rows).toBe(200);
    const us = join(dir, 'us.csv');
    writeFileSync(us, 'a\u001fb\n' + Array.from({ length: 200 }, (_, i) => `${i}\u001fv${i}\n`).join(''));
    const r = report(audit(us, '--delimiter', '\u001f'));
    expect(r.rows).toBe(200);
    expect(r.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('UTF-16 CSV without a BOM: the message says which --encoding reads it, and that flag does', () => {
    const dir = tempDir();
    const text = 'name,city\nZoë,Köln\nBob,Paris\n';
    const le = join(dir, 'le.csv');
    const be = join(dir, 'be.csv');
    writeFileSync(le, Buffer.from(text, 'utf16le'));
    writeFileSync(be, Buffer.from(text, 'utf16le').swap16());
    expectError(audit(le), 3, /UTF-16/, /--encoding utf-16le/);
    expectError(audit(be), 3, /UTF-16/, /--encoding utf-16be/);
    expect(report(audit(le, '--encoding', 'utf-16le')).rows).toBe(2);
    expect(report(audit(be, '--encoding', 'utf-16be')).columns.map((c) => c.name)).toEqual(['name', 'city']);
  });
});

describe('JSON documents and binary data given as JSON Lines', () => {
  const write = (name: string, content: string | Buffer) => {
    const p = join(tempDir(), name);
    writeFileSync(p, content);
    return p;
  };

  it('one JSON array on one line: exit 3 saying how to convert it (not a table of zero rows)', () => {
    expectError(audit(write('a.jsonl', '[{"a":1},{"a":2},{"a":3}]\n')), 3, /JSON array/, /jq -c/);
  });

  it('a pretty-printed JSON array or object: exit 3, even when some of its lines parse alone', () => {
    expectError(audit(write('a.json', '[\n  {"a": 1},\n  {"a": 2}\n]\n')), 3, /not JSON Lines/, /JSON array/, /jq -c '\.\[\]'/);
    expectError(audit(write('o.jsonl', '{\n  "a": 1\n}\n{\n  "a": 2\n}\n')), 3, /not JSON Lines/, /pretty-printed/);
  });

  it('a JSON array on stdin is sniffed as JSON (it was read as CSV); a CSV header in brackets stays CSV', () => {
    expectError(dq(['audit', '-', '--no-config'], { input: '[{"a":1},{"a":2}]\n' }), 3, /JSON array/);
    expectError(dq(['audit', '-', '--no-config'], { input: '[\n  {"a": 1}\n]\n' }), 3, /JSON array/);
    const csv = report(dq(['audit', '-', '--no-config', '--format', 'json'], { input: '[id],[name]\n1,2\n' }));
    expect(csv.columns.map((c) => c.name)).toEqual(['[id]', '[name]']);
  });

  it('records separated by CR alone (old Mac line ends): exit 3 saying so (it was one truncated line, 0 rows, exit 0)', () => {
    expectError(audit(write('cr.jsonl', '{"a":1}\r{"a":2}\r{"a":3}\r')), 3, /CR alone/, /tr /);
    expect(report(audit(write('crlf.jsonl', '{"a":1}\r\n{"a":2}\r\n'))).rows).toBe(2);
  });

  it('binary data and UTF-16 without a BOM', () => {
    expectError(audit(write('b.jsonl', noise(50_000, 3))), 3, /binary data/);
    expectError(audit(write('u.jsonl', Buffer.from('{"a":1}\n{"a":2}\n', 'utf16le'))), 3, /UTF-16 without a byte order mark/);
  });

  it('JSON Lines with some lines that are not objects are still read, with findings', () => {
    const r = report(audit(write('n.jsonl', '[1,2]\n{"a":1}\n42\n{"a":2}\n')));
    expect(r.rows).toBe(2);
    expect(r.findings.find((f) => f.id === 'not-object')?.count).toBe(2);
    expect(report(audit(write('m.jsonl', '1\n2\n'))).rows).toBe(0); // no document, no binary: zero rows and findings
  });
});

describe("Excel's sep= first line", () => {
  it('sets the delimiter and is not the header; line numbers count it', () => {
    const f = join(tempDir(), 'sep.csv');
    writeFileSync(f, 'sep=;\r\na;b\r\n1;2\r\n3;"x\r\ny"\r\n4;5;6\r\n');
    const r = report(audit(f));
    expect(r.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(r.rows).toBe(3);
    expect(r.source.details.delimiter).toBe(';');
    expect(r.source.details.sepLine).toBe(true);
    const long = r.findings.find((x) => x.id === 'row-too-long')!;
    expect(long.examples.map((e) => e.line)).toEqual([6]);
    // an explicit --delimiter wins
    expect(report(audit(f, '--delimiter', ',')).columns.map((c) => c.name)).toEqual(['a;b']);
  });

  it('a file read by two threads gives the same rows and lines', () => {
    const f = join(tempDir(), 'sepbig.csv');
    const rows = Array.from({ length: 700_000 }, (_, i) => `${i};n${i % 100};${i * 3}\n`).join('');
    writeFileSync(f, 'sep=;\nid;name;v\n' + rows + 'x;y\n');
    const one = report(audit(f, '--threads', '1'));
    const two = report(audit(f, '--threads', '2'));
    for (const r of [one, two]) {
      expect(r.rows).toBe(700_001);
      expect(r.columns.map((c) => c.name)).toEqual(['id', 'name', 'v']);
      expect(r.findings.find((x) => x.id === 'row-too-short')!.examples.map((e) => e.line)).toEqual([700_003]);
    }
  });
});

describe('limits', () => {
  it('the field size limit names its flag', () => {
    const f = join(tempDir(), 'f.csv');
    writeFileSync(f, 'a,b\n1,' + 'x'.repeat(5000) + '\n');
    expectError(audit(f, '--max-field-bytes', '1000'), 3, /line 2/, /--max-field-bytes/);
  });
});
