/**
 * kNN, MICE and missForest as `dq clean --impute` strategies.
 *
 * These imputers are transductive: they complete the whole numeric matrix at once. The impute step's fitting pass
 * hands them every numeric column (rows in pass order), `fit` completes the matrix, and the apply pass fills each
 * row from its position in the completed matrix. The completed matrix lives only in this process (a cache keyed
 * by a token saved in the params), so `--apply-params` on other data cannot reuse it and says so.
 * Model summaries (OOB errors, Rubin-pooled means, exactness) are collected for the clean summary.
 */
import { UsageError } from '../../errors.js';
import { registerModelStrategy, type ModelImputer } from '../impute.js';
import { knnImpute } from './knn.js';
import { mice } from './mice.js';
import { missForest } from './missforest.js';
import type { CompletedColumns, ModelInput } from './types.js';

export interface ModelSettings {
  k: number;
  weights: 'uniform' | 'distance';
  m: number;
  iterations: number;
  method: 'pmm' | 'norm' | 'regression';
  /** Which of MICE's m completed datasets to write (1-based). */
  pick: number;
  trees: number;
  seed: number;
}

export const DEFAULT_MODEL_SETTINGS: ModelSettings = { k: 5, weights: 'uniform', m: 5, iterations: 5, method: 'pmm', pick: 1, trees: 100, seed: 42 };

const completed = new Map<string, Float64Array[]>();
/** Summaries of the models fitted in this process, for the clean summary. */
export const MODEL_SUMMARIES: { name: string; targets: string[]; summary: unknown }[] = [];
let tokens = 0;

function fromCache(token: string, targets: number[]): ModelImputer {
  const cols = completed.get(token);
  if (!cols) {
    throw new UsageError(
      'kNN, MICE and forest imputation are fitted on the data they complete: --apply-params cannot reuse them on other data; impute with the same flags instead',
    );
  }
  return {
    imputeRow(row, position) {
      for (const t of targets) if (Number.isNaN(row[t]!)) row[t] = cols[t]![position]!;
    },
    save: () => ({ token }),
  };
}

function register(name: string, run: (input: ModelInput, s: ModelSettings) => Promise<{ columns: CompletedColumns; summary: unknown }>): void {
  registerModelStrategy({
    name,
    async fit(columns, names, targets, _arg, settings) {
      const s = { ...DEFAULT_MODEL_SETTINGS, ...(settings ?? {}) };
      const input: ModelInput = { columns: columns.map((values, j) => ({ name: names[j]!, kind: 'numeric', values })) };
      const r = await run(input, s);
      const token = `${name}-${process.pid}-${++tokens}`;
      completed.set(token, r.columns.map((c) => c.values as Float64Array));
      MODEL_SUMMARIES.push({ name, targets: targets.map((t) => names[t]!), summary: r.summary });
      return fromCache(token, targets);
    },
    load: (saved, _names, targets) => fromCache((saved as { token?: string })?.token ?? '', targets),
  });
}

register('knn', (input, s) => knnImpute(input, { k: s.k, weights: s.weights, seed: s.seed }));
register('forest', (input, s) => missForest(input, { trees: s.trees, seed: s.seed }));
register('mice', async (input, s) => {
  if (s.pick < 1 || s.pick > s.m) throw new UsageError(`--pick must be between 1 and --m (${s.m}), got ${s.pick}`);
  const r = mice(input, { m: s.m, iterations: s.iterations, method: s.method, seed: s.seed });
  return { columns: r.datasets[s.pick - 1]!, summary: { ...r.summary, picked: s.pick } };
});
