/**
 * The command line (each case failed before its fix): report, history and config outputs that name the input
 * (the input was overwritten or appended to), folders that cannot be listed (silently left out of the dataset, or
 * "holds no data files"), a file in such a folder ("no such file"), an unknown --timezone (accepted).
 * Runs the built CLI (`npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CORPUS, tempDir } from '../helpers.js';
import { audit, dq, expectError, report } from './robust-helpers.js';

describe('the input is never overwritten by the report, the history or a config', () => {
  it('-o, --report, --history and dq init -o naming the input: exit 2 before reading, input unchanged', () => {
    const dir = tempDir();
    const f = join(dir, 'in.csv');
    const content = 'a,b\n1,2\n3,4\n';
    writeFileSync(f, content);
    mkdirSync(join(dir, 'sub'));
    const same = [f, join(dir, 'sub', '..', 'in.csv')];
    for (const dest of same) {
      expectError(dq(['audit', f, '--no-config', '-o', dest]), 2, /is the input/);
      expectError(dq(['audit', f, '--no-config', '--report', `json=${dest}`]), 2, /is the input/);
      expectError(dq(['audit', f, '--no-config', '--history', dest]), 2, /is the input/);
      expectError(dq(['init', f, '-o', dest, '--force']), 2, /is the input/);
    }
    expect(readFileSync(f, 'utf8')).toBe(content);
    expect(readdirSync(dir).sort()).toEqual(['in.csv', 'sub']);
  });
});

describe('stdin', () => {
  it('errors about spooled stdin name stdin, not the temporary copy (dq clean, and dq audit --invalid-rows)', () => {
    const whole = gzipSync(Buffer.from('a,b\n' + Array.from({ length: 5000 }, (_, i) => `${i},${(i * 7919) % 10007}\n`).join('')));
    const bad = whole.subarray(0, whole.length >> 1);
    const dir = tempDir();
    expectError(dq(['clean', '-', '-o', join(dir, 'out.csv')], { input: bad }), 3, /^dq: stdin: corrupt or truncated gzip/);
    writeFileSync(join(dir, 'dq.yml'), 'columns:\n  a: {required: true}\n');
    expectError(dq(['audit', '-', '--config', join(dir, 'dq.yml'), '--invalid-rows', join(dir, 'bad.csv')], { input: bad }), 3, /^dq: stdin: corrupt or truncated gzip/);
    expect(readdirSync(dir)).toEqual(['dq.yml']);
  });
});

describe('--baseline that is not a report', () => {
  it('JSON that is not a dq report is exit 2 saying what is missing (it was an internal error, or ignored for null)', () => {
    const dir = tempDir();
    const f = join(dir, 'in.csv');
    writeFileSync(f, 'a,b\n1,2\n3,4\n');
    const cases: [string, RegExp][] = [
      ['{}', /no scoring\.version/],
      ['{"scoring":{"version":"1"}}', /no scores/],
      ['null', /not a JSON object/],
      ['[{"a":1}]', /not a JSON object/],
      ['{"scoring":{"version":"1"},"scores":{},"rows":2,"columns":[{"name":"a"}]}', /columns\[0\]/],
    ];
    for (const [text, why] of cases) {
      writeFileSync(join(dir, 'base.json'), text);
      expectError(dq(['audit', f, '--no-config', '--baseline', join(dir, 'base.json')]), 2, /--baseline .*base\.json: not a dq JSON report/, why);
    }
    expectError(dq(['audit', f, '--no-config', '--baseline', dir]), 2, /is a folder/);
    const base = dq(['audit', f, '--no-config', '--format', 'json']);
    writeFileSync(join(dir, 'base.json'), base.stdout);
    expect(dq(['audit', f, '--no-config', '--baseline', join(dir, 'base.json'), '-q']).code).toBe(0);
  });
});

describe('config', () => {
  it('dq audit checks the clean: section too (a typo there passed dq check and failed only dq clean)', () => {
    const dir = tempDir();
    const f = join(dir, 'in.csv');
    writeFileSync(f, 'a,b\n1,2\n3,4\n');
    writeFileSync(join(dir, 'bad.yml'), 'min_scores:\n  overall: 10\nclean:\n  imptue: median\n');
    expectError(dq(['audit', f, '--config', join(dir, 'bad.yml')]), 2, /bad\.yml:3:1: .*clean\.imptue: unknown setting/);
    writeFileSync(join(dir, 'bad.yml'), 'clean:\n  impute: bogus\n');
    expectError(dq(['check', f, '--config', join(dir, 'bad.yml')]), 2, /unknown strategy 'bogus'/);
    writeFileSync(join(dir, 'ok.yml'), 'min_scores:\n  overall: 10\nclean:\n  impute: median\n');
    expect(dq(['audit', f, '--config', join(dir, 'ok.yml'), '-q']).code).toBe(0);
  });
});

describe('usage values', () => {
  it('an unknown --timezone is a usage error (exit 2)', () => {
    const f = join(tempDir(), 't.csv');
    writeFileSync(f, 'ts,v\n2024-01-01 10:00,1\n');
    expectError(audit(f, '--timezone', 'Mars/Olympus'), 2, /--timezone 'Mars\/Olympus'/, /IANA/);
    expect(report(audit(f, '--timezone', 'Europe/Berlin')).rows).toBe(1);
  });
});

// Root reads files and folders whatever their permissions: run dq as nobody through setpriv to test them.
const isRoot = process.getuid?.() === 0;
const canDrop = isRoot && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0;
describe.skipIf(!(canDrop || (!isRoot && process.platform !== 'win32')))('files and folders dq may not read', () => {
  it('a folder that cannot be listed is exit 3 naming it, never left out of the dataset; a file in it is not "missing"', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    copyFileSync(join(CORPUS, 'csv/csv-spectrum/csvs/simple.csv'), join(dir, 'a.csv'));
    mkdirSync(join(dir, 'locked'));
    copyFileSync(join(CORPUS, 'csv/csv-spectrum/csvs/simple.csv'), join(dir, 'locked', 'b.csv'));
    writeFileSync(join(dir, 'c.csv'), 'a,b\n1,2\n');
    chmodSync(join(dir, 'locked'), 0o000);
    chmodSync(join(dir, 'c.csv'), 0o000);
    const opts = { cwd: dir, asNobody: canDrop };
    try {
      expectError(dq(['audit', '.', '--no-config', '--format', 'json'], opts), 3, /cannot list the folder/, /permission denied/);
      expectError(dq(['audit', 'locked', '--no-config'], opts), 3, /^dq: locked: cannot list the folder/);
      expectError(dq(['audit', '**/*.csv', '--no-config'], opts), 3, /locked: cannot list the folder/);
      expectError(dq(['audit', 'locked/b.csv', '--no-config'], opts), 3, /locked\/b\.csv: permission denied/);
      expectError(dq(['audit', 'c.csv', '--no-config'], opts), 3, /c\.csv: permission denied/);
      expectError(dq(['clean', 'c.csv', '-o', 'out.csv'], opts), 3, /c\.csv: permission denied/);
    } finally {
      chmodSync(join(dir, 'locked'), 0o755);
      chmodSync(join(dir, 'c.csv'), 0o644);
    }
  });
});

describe('error messages name stdin and their line once', () => {
  it('--strict on a file and on stdin', () => {
    const f = join(tempDir(), 'short.csv');
    writeFileSync(f, 'a,b\n1,2\n3\n');
    expectError(dq(['audit', f, '--no-config', '--strict']), 3, /^dq: [^\n]*short\.csv \(line 3\): expected 2 fields, got 1 \(--strict: 1 such problem;/);
    expectError(dq(['audit', '-', '--no-config', '--strict'], { input: 'a,b\n1,2\n3\n' }), 3, /^dq: stdin \(line 3\): expected 2 fields/);
  });
});

describe('- is stdout for reports', () => {
  it('-o - and --report FMT=- print to stdout and make no file named -', () => {
    const dir = tempDir();
    const f = join(dir, 'in.csv');
    writeFileSync(f, 'a,b\n1,2\n');
    const r = dq(['audit', f, '--no-config', '-q', '-f', 'json', '-o', '-'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBe(1);
    const m = dq(['audit', f, '--no-config', '-q', '-f', 'json', '-o', join(dir, 'r.json'), '--report', 'markdown=-'], { cwd: dir });
    expect(m.stdout).toMatch(/^## dq: /);
    expect(readdirSync(dir).sort()).toEqual(['in.csv', 'r.json']);
  });
});
