/** --impute knn|mice|forest through dq clean: the pipeline hands the numeric matrix to src/clean/model. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knnImputeSync } from '../../src/clean/model/knn.js';
import { rng, runDq, tempDir } from '../helpers.js';

function data(seed: number) {
  const r = rng(seed);
  const rows: (number | null)[][] = [];
  for (let i = 0; i < 120; i++) {
    const x = r() * 10;
    const y = 2 * x + r();
    const z = x - y + r() / 10;
    rows.push([x, y, z].map((v, j) => (r() < 0.12 && j < 2 ? null : Math.round(v * 1e4) / 1e4)));
  }
  return rows;
}

function write(rows: (number | null)[][]) {
  const dir = tempDir('dq-model-');
  const input = join(dir, 'in.csv');
  writeFileSync(input, 'x,y,z\n' + rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(',')).join('\n') + '\n');
  return { dir, input };
}

const read = (p: string) => readFileSync(p, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));

describe('clean --impute with models', () => {
  it('knn equals the kNN imputer on the same matrix, and observed values are unchanged', () => {
    const rows = data(3);
    const { dir, input } = write(rows);
    const out = join(dir, 'knn.csv');
    expect(runDq(['clean', input, '-o', out, '--impute', 'knn', '--k', '3', '-q']).code).toBe(0);
    const got = read(out);
    const ref = knnImputeSync({ columns: ['x', 'y', 'z'].map((name, j) => ({ name, kind: 'numeric' as const, values: Float64Array.from(rows.map((r) => r[j] ?? NaN)) })) }, { k: 3 });
    rows.forEach((r, i) =>
      r.forEach((v, j) => {
        if (v !== null) expect(got[i]![j]).toBe(v);
        else expect(Math.abs(got[i]![j]! - (ref.columns[j]!.values as Float64Array)[i]!)).toBeLessThan(1e-9);
      }),
    );
  });

  it('mice is reproducible with a seed and prints pooled means; forest fills every cell', () => {
    const { dir, input } = write(data(5));
    const a = runDq(['clean', input, '-o', join(dir, 'a.csv'), '--impute', 'mice', '--seed', '9']);
    const b = runDq(['clean', input, '-o', join(dir, 'b.csv'), '--impute', 'mice', '--seed', '9', '-q']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe(readFileSync(join(dir, 'b.csv'), 'utf8'));
    expect(a.stderr).toMatch(/pooled means \(Rubin/);
    const f = runDq(['clean', input, '-o', join(dir, 'f.csv'), '--impute', 'forest', '--trees', '20', '-q']);
    expect(f.code).toBe(0);
    for (const row of read(join(dir, 'f.csv'))) for (const v of row) expect(Number.isFinite(v)).toBe(true);
  });

  it('--apply-params cannot reuse a transductive model on other data', () => {
    const { dir, input } = write(data(8));
    expect(runDq(['clean', input, '-o', join(dir, 'o.csv'), '--impute', 'knn', '--save-params', join(dir, 'p.json'), '-q']).code).toBe(0);
    const r = runDq(['clean', input, '-o', join(dir, 'o2.csv'), '--apply-params', join(dir, 'p.json'), '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reuse/);
  });
});
