/**
 * Model-based imputation for `dq clean --impute knn|mice|forest`.
 *
 *   knnImpute(input, { k, weights, maxDonors, seed, workers })        -> Promise<KnnResult>
 *   knnImputeSync(input, opts)                                         -> KnnResult
 *   mice(input, { m, iterations, method, seed, donors, ridge })        -> MiceResult (m datasets)
 *   poolMeans(datasets, method) / rubinPool(estimates, variances, n)   -> Rubin's rules
 *   missForest(input, { trees, maxIterations, seed, mtry, ... })       -> Promise<MissForestResult>
 *   missForestSync(input, opts)                                        -> MissForestResult
 *
 * All take a ModelInput (numeric columns as Float64Array with NaN, categorical as (string|null)[]),
 * never mutate it, and return new arrays whose observed cells equal the input's, plus a
 * JSON-serialisable summary.
 */
export * from './types.js';
export { knnImpute, knnImputeSync, knnWorkersAvailable, type KnnOptions, type KnnResult, type KnnSummary, type KnnColumnSummary } from './knn.js';
export { mice, poolMeans, type MiceOptions, type MiceResult, type MiceSummary, type MiceColumnSummary, type MiceMethod, type MiceModel } from './mice.js';
export { rubinPool, type PooledEstimate } from './rubin.js';
export {
  missForest,
  missForestSync,
  forestWorkersAvailable,
  type MissForestOptions,
  type MissForestResult,
  type MissForestSummary,
  type MissForestColumnSummary,
} from './missforest.js';
export { Rng } from './random.js';
