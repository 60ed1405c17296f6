/**
 * The extension point for model-based imputation (src/clean/model/) and stdin input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { registerModelStrategy, type ModelImputer } from '../../src/clean/impute.js';
import { FIX, clean, closeTo, nums, tmpDir } from './helpers.js';

/** A stand-in "knn": fills a target with the mean of the other features of the row (row-wise model). */
function rowMeanModel(targets: number[]): ModelImputer {
  return {
    imputeRow(row) {
      for (const t of targets) {
        if (!Number.isNaN(row[t]!)) continue;
        const others = [...row].filter((v, j) => j !== t && !Number.isNaN(v));
        row[t] = others.length ? others.reduce((a, b) => a + b, 0) / others.length : NaN;
      }
    },
    save: () => ({ kind: 'row-mean' }),
  };
}

afterEach(() => vi.restoreAllMocks());

describe('model strategy registry', () => {
  test('a registered strategy gets the numeric matrix and fills rows; params round trip', async () => {
    // the pipeline registers the real kNN, MICE and forest when it loads: load it first, then replace knn
    await import('../../src/clean/pipeline.js');
    let seen: { names: string[]; rows: number } | null = null;
    registerModelStrategy({
      name: 'knn',
      fit(columns, names, targets) {
        seen = { names, rows: columns[0]!.length };
        return rowMeanModel(targets);
      },
      load: (_saved, _names, targets) => rowMeanModel(targets),
    });
    const dir = tmpDir();
    // scale.csv: a = 1,2,3,4,10; b = 5 x5; c = 2,_,4,8,16 -> row 2 c = mean(2, 5) = 3.5
    const out = await clean(join(FIX, 'scale.csv'), { impute: ['c=knn'], saveParams: join(dir, 'p.json'), output: join(dir, 'o.csv') });
    expect(seen).toEqual({ names: ['a', 'b', 'c'], rows: 5 });
    closeTo(nums(out, 'c'), [2, 3.5, 4, 8, 16], 0);
    const p = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8'));
    expect(p.steps.impute.models).toEqual([{ name: 'knn', arg: null, features: ['a', 'b', 'c'], targets: ['c'], saved: { kind: 'row-mean' } }]);
    const again = await clean(join(FIX, 'scale.csv'), { applyParams: join(dir, 'p.json'), output: join(dir, 'o2.csv') });
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });
});

describe('stdin', () => {
  test('- is spooled once and read in every pass', async () => {
    vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([Buffer.from('v\n1\nNA\n3\n100\n')]) as never);
    const out = await clean('-', { impute: ['median'], normalize: ['minmax'] });
    // v = 1, NA, 3, 100: median 3 fills row 2, then minmax over 1..100
    closeTo(nums(out, 'v'), [0, 2 / 99, 2 / 99, 1], 1e-12);
  });
});
