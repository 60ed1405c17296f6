/** dq clean --mask and --k-anonymity: no original value of a protected column in the output or the change log. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDq, tempDir } from '../helpers.js';

const ROWS = [
  ['name', 'email', 'age', 'zip', 'diag'],
  ['Ann Lee', 'ann@example.com', '34', '90210', 'flu'],
  ['Bob Ray', 'bob@example.org', '35', '90211', 'cold'],
  ['Cyd Poe', 'cy@example.net', '51', '10001', 'flu'],
  ['Dia Ng', 'di@example.com', '52', '10002', 'hiv'],
  ['Eda Yu', ' ed@example.com', '36', '90213', 'flu'],
  ['Fay Oz', 'fay@example.com', '', '90213', 'flu'],
];

function setup() {
  const dir = tempDir('dq-mask-');
  const input = join(dir, 'people.csv');
  writeFileSync(input, ROWS.map((r) => r.join(',')).join('\n') + '\n');
  return { dir, input };
}

const parse = (s: string) => s.trim().split('\n').map((l) => l.split(','));

describe('clean --mask', () => {
  it('hashes with a key from the environment, stably, and keeps originals out of output and log', () => {
    const { dir, input } = setup();
    const run = (key: string, out: string) =>
      runDq(['clean', input, '-o', join(dir, out), '--mask', 'email:hash', '--mask', 'name:partial', '--log', join(dir, out + '.log'), '-q'], { env: { DQ_MASK_KEY: key } });
    expect(run('k1', 'a.csv').code).toBe(0);
    expect(run('k1', 'b.csv').code).toBe(0);
    expect(run('k2', 'c.csv').code).toBe(0);
    const a = readFileSync(join(dir, 'a.csv'), 'utf8');
    expect(a).toBe(readFileSync(join(dir, 'b.csv'), 'utf8'));
    expect(a).not.toBe(readFileSync(join(dir, 'c.csv'), 'utf8'));
    const log = readFileSync(join(dir, 'a.csv.log'), 'utf8');
    for (const r of ROWS.slice(1)) {
      for (const v of [r[0]!, r[1]!.trim()]) {
        expect(a).not.toContain(v);
        expect(log).not.toContain(v);
      }
    }
    // the same input value hashes to the same output: joins still work
    const rows = parse(a);
    expect(rows[1]![1]).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[1]![3]).toBe('90210');
  });

  it('refuses hash masking without a key and leaves no output', () => {
    const { dir, input } = setup();
    const r = runDq(['clean', input, '-o', join(dir, 'x.csv'), '--mask', 'email:hash'], { env: { DQ_MASK_KEY: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DQ_MASK_KEY|--mask-key-file/);
  });
});

describe('clean --k-anonymity', () => {
  it('generalises quasi-identifiers so every class has at least k rows', () => {
    const { dir, input } = setup();
    const out = join(dir, 'k.csv');
    const r = runDq(['clean', input, '-o', out, '--k-anonymity', '2', '--quasi-identifiers', 'age,zip', '--log', join(dir, 'k.log'), '-q']);
    expect(r.code).toBe(0);
    const rows = parse(readFileSync(out, 'utf8')).slice(1);
    const classes = new Map<string, number>();
    for (const row of rows) classes.set(`${row[2]}|${row[3]}`, (classes.get(`${row[2]}|${row[3]}`) ?? 0) + 1);
    for (const n of classes.values()) expect(n).toBeGreaterThanOrEqual(2);
    const log = readFileSync(join(dir, 'k.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const dropped = log.filter((e) => e.action === 'drop').length;
    expect(rows.length + dropped).toBe(ROWS.length - 1);
    for (const e of log.filter((x) => x.step === 'anonymize' && x.old !== undefined)) expect(e.old).toBe('***');
  });
});
