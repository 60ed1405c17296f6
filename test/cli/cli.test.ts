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
    const rows = [`id,v,city`, `1,${secret},Springfield`, `2,${secret},Springfield`, `1,${secret},Springfield`, `3,x,SPRINGFIELD`];
    for (let i = 0; i < 30; i++) rows.push(`${i + 4},y${i % 3},Springfield`);
    const p = tmpFile('s.csv', rows.join('\n') + '\n');
    const withValues = runDq(['audit', p, '--format', 'json']);
    expect(withValues.stdout).toMatch(/SPRINGFIELD/);
    for (const fmt of ['json', 'terminal', 'markdown', 'html', 'junit']) {
      const r = runDq(['audit', p, '--format', fmt, '--no-examples']);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(secret);
      expect(r.stdout.toLowerCase()).not.toContain('springfield');
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
    [['audit', 'fixtures/nothing-*.csv'], 2, /no (file|match)/i],
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

describe('gate', () => {
  it('dq init writes a config the same data passes; a violated rule exits 1; a broken config exits 2', () => {
    const dir = tmpFile('x', '') + '.d';
    require('node:fs').mkdirSync(dir);
    const cfg = join(dir, 'dq.yml');
    expect(runDq(['init', 'fixtures/penguins.csv', '-o', cfg]).code).toBe(0);
    const pass = runDq(['audit', 'fixtures/penguins.csv', '--config', cfg, '--format', 'json']);
    expect(pass.code).toBe(0);
    expect(JSON.parse(pass.stdout).gate.passed).toBe(true);

    const strictCfg = join(dir, 'strict.yml');
    require('node:fs').writeFileSync(strictCfg, 'columns:\n  Sex:\n    required: true\n  "Body Mass (g)":\n    max: 5000\n');
    const fail = runDq(['audit', 'fixtures/penguins.csv', '--config', strictCfg, '--format', 'json']);
    expect(fail.code).toBe(1);
    const rules = JSON.parse(fail.stdout).gate.rules as { id: string; status: string; count: number }[];
    expect(rules.find((r) => r.id === 'Sex.required')).toMatchObject({ status: 'failed', count: 10 });
    expect(rules.find((r) => r.id === 'Body Mass (g).max')?.status).toBe('failed');

    const broken = join(dir, 'broken.yml');
    require('node:fs').writeFileSync(broken, 'columns:\n  Sex:\n    requird: true\n');
    const bad = runDq(['audit', 'fixtures/penguins.csv', '--config', broken]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/broken\.yml:3:\d+.*requird.*did you mean.*required/i);
  });

  it('--fail-under and --expect-sha256 decide the exit code', () => {
    expect(runDq(['audit', 'fixtures/penguins.csv', '--fail-under', '99.9']).code).toBe(1);
    expect(runDq(['audit', 'fixtures/penguins.csv', '--fail-under', '50']).code).toBe(0);
    expect(runDq(['audit', 'fixtures/penguins.csv', '--expect-sha256', '0'.repeat(64)]).code).toBe(1);
    expect(runDq(['audit', 'fixtures/penguins.csv', '--fail-under', 'abc']).code).toBe(2);
  });

  it('writes junit and markdown reports at once', () => {
    const base = tmpFile('r', '');
    const r = runDq(['audit', 'fixtures/penguins.csv', '--fail-under', '50', '--report', `junit=${base}.xml`, '--report', `markdown=${base}.md`, '-q']);
    expect(r.code).toBe(0);
    expect(readFileSync(`${base}.xml`, 'utf8')).toMatch(/<testsuites/);
    expect(readFileSync(`${base}.md`, 'utf8')).toMatch(/\|/);
  });
});

describe('html', () => {
  it('--format html writes one self-contained page', () => {
    const out = tmpFile('r', '') + '.html';
    const r = runDq(['audit', 'fixtures/penguins.csv', '--format', 'html', '-o', out]);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/Content-Security-Policy/);
    expect(html).toMatch(/<svg/);
    expect(html).not.toMatch(/<script/i);
  });
});

describe('privacy', () => {
  it('--quasi-identifiers reports k-anonymity outside the overall score', () => {
    const base = JSON.parse(runDq(['audit', 'fixtures/penguins.csv', '--format', 'json']).stdout);
    const r = runDq(['audit', 'fixtures/penguins.csv', '--format', 'json', '--quasi-identifiers', 'Species,Island,Sex', '--k', '5']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(validate(rep)).toBe(true);
    expect(rep.privacy).toMatchObject({ kAnonymity: 1, rowsBelowK: 6, k: 5 });
    expect(rep.scores.privacy).toBeCloseTo(100 * (1 - 6 / 344), 9);
    expect(rep.scores.overall).toBe(base.scores.overall);
    expect(rep.findings.filter((f: { id: string }) => f.id === 'k-anonymity')).toHaveLength(1);
  });
});

describe('--invalid-rows', () => {
  it('writes the rows failing error-level rules with their rule ids, from a second pass (stdin too)', () => {
    const dir = tmpFile('x', '') + '.inv';
    require('node:fs').mkdirSync(dir);
    const cfg = join(dir, 'dq.yml');
    require('node:fs').writeFileSync(cfg, 'columns:\n  qty:\n    min: 1\n  sku:\n    pattern: "[A-Z]{3}-[0-9]{3}"\n    required: {value: true, severity: warn}\nrules:\n  - id: total-ok\n    expr: total = qty * price\n');
    const csv = 'sku,qty,price,total\nABC-123,2,5,10\nabc-1,2,5,10\nXYZ-999,0,5,0\n,1,4,4\nDEF-456,3,2,7\n';
    const out = join(dir, 'bad.csv');
    const r = runDq(['audit', '-', '--config', cfg, '--invalid-rows', out, '--format', 'json'], { input: csv });
    expect(r.code).toBe(1);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('sku,qty,price,total,_dq_rules');
    expect(lines.slice(1)).toEqual(['abc-1,2,5,10,sku.pattern', 'XYZ-999,0,5,0,qty.min', 'DEF-456,3,2,7,total-ok']);
    expect(JSON.parse(r.stdout).source.path).toBe('stdin');
  });

  it('names stdin stdin in the report without a second pass too', () => {
    const r = runDq(['audit', '-', '--no-config', '--format', 'json'], { input: 'a,b\n1,2\n' });
    expect(JSON.parse(r.stdout).source.path).toBe('stdin');
  });
});

describe('limits', () => {
  it('--max-decompressed-bytes rejects an input that inflates past the limit (opt-in)', () => {
    const { gzipSync } = require('node:zlib') as typeof import('node:zlib');
    const p = tmpFile('big.csv.gz', gzipSync(Buffer.from('a,b\n' + '1,2\n'.repeat(300_000))));
    const r = runDq(['audit', p, '--max-decompressed-bytes', '1MB']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/max-decompressed-bytes/);
    expect(runDq(['audit', p, '-q']).code).toBe(0);
  });
});
