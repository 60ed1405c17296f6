/** The command line as a user meets it: exit codes, output formats, errors as one line. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ROOT, runDq, tmpFile } from '../helpers.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'schema/report.schema.json'), 'utf8'));
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

describe('dq audit', () => {
  it('audits the bundled example, exit 0, with visible problems', () => {
    const r = runDq(['audit', 'fixtures/penguins.csv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Overall \d+(\.\d)?\/100/);
    expect(r.stdout).toMatch(/missing-values/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // not a TTY: no colours
  });

  it.each([
    ['fixtures/penguins.csv', 344, 'csv'],
    ['fixtures/cars.jsonl', 406, 'jsonl'],
    ['fixtures/seattle-weather.csv', 1461, 'csv'],
  ])('--format json for %s is valid against the schema', (file, rows, format) => {
    const r = runDq(['audit', file, '--format', 'json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    const ok = validate(rep);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(rep.rows).toBe(rows);
    expect(rep.source.format).toBe(format);
    expect(rep.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads stdin with -', () => {
    const r = runDq(['audit', '-', '--format', 'json'], { input: 'a,b\n1,2\n3,\n' });
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.rows).toBe(2);
    expect(rep.columns[1].missing).toBe(1);
  });

  it('--no-examples leaves data values out of every output', () => {
    const secret = 'S3CRET-VALUE';
    const p = tmpFile('s.csv', `id,v\n1,${secret}\n2,${secret}\n1,${secret}\n3,x\n`);
    for (const fmt of ['json', 'terminal']) {
      const r = runDq(['audit', p, '--format', fmt, '--no-examples']);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(secret);
    }
  });

  it('never writes control characters from data to the terminal', () => {
    const p = tmpFile('c.csv', 'a\n"\x1b]0;pwned\x07x"\n"\x1b[31mred"\n');
    const r = runDq(['audit', p]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b/);
  });

  it('writes the report atomically with --output and extra --report files', () => {
    const dir = tmpFile('x', '');
    const out = dir + '.json';
    const md = dir + '.txt';
    const r = runDq(['audit', 'fixtures/penguins.csv', '--format', 'json', '--output', out, '--report', `terminal=${md}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).rows).toBe(344);
    expect(readFileSync(md, 'utf8')).toMatch(/Overall/);
  });

  it.each([
    [['audit'], 2, /missing required argument/],
    [['audit', 'fixtures/penguins.csv', '--bogus'], 2, /unknown option/],
    [['audit', 'fixtures/penguins.csv', '--type', 'x=nope'], 2, /unknown type 'nope'/],
    [['audit', 'fixtures/penguins.csv', '--checks', 'nope'], 2, /unknown check 'nope'/],
    [['audit', 'fixtures/penguins.csv', '--encoding', 'ebcdic'], 2, /--encoding/],
    [['audit', 'fixtures/penguins.csv', '--max-age', '3 parsecs'], 2, /--max-age/],
    [['audit', 'no/such/file.csv'], 3, /no\/such\/file.csv: no such file/],
    [['audit', 'fixtures'], 3, /is a folder/],
  ])('%j exits %i with one clear line', (args, code, msg) => {
    const r = runDq(args as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a truncated gzip exits 3 naming the file', () => {
    const { gzipSync } = require('node:zlib') as typeof import('node:zlib');
    const gz = gzipSync(Buffer.from('a,b\n' + '1,2\n'.repeat(50000)));
    const p = tmpFile('t.csv.gz', gz.subarray(0, gz.length >> 1));
    const r = runDq(['audit', p]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/t\.csv\.gz.*(gzip|truncated|unexpected end)/i);
  });

  it('reads gzip by magic bytes whatever the name', () => {
    const { gzipSync } = require('node:zlib') as typeof import('node:zlib');
    const p = tmpFile('data.bin', gzipSync(Buffer.from('a,b\n1,2\n3,4\n')));
    const r = runDq(['audit', p, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBe(2);
  });

  it('dq --help is fast and exits 0', () => {
    const t = Date.now();
    const r = runDq(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/audit/);
    expect(Date.now() - t).toBeLessThan(3000);
  });
});
