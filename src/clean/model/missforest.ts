/**
 * missForest (Stekhoven & Buehlmann 2012) on a compact histogram random forest (forest.ts).
 *
 * - Start: numeric cells by the column mean, categorical cells by the mode.
 * - Each iteration visits the incomplete columns in order of increasing missingness and fits a
 *   forest (regression or classification) on the column's observed rows with all other columns as
 *   features (current imputed values included), then replaces the column's missing cells with the
 *   forest's prediction (immediately visible to the next column, as missForest).
 * - Stopping rule as missForest: after each iteration the change
 *   numeric: sum over numeric columns of (new - old)^2 / sum of new^2; categorical: changed missing
 *   categorical cells / missing categorical cells; the loop stops the first time the change
 *   increases (both types increase when both are present), returning the PREVIOUS iteration's
 *   imputation and out-of-bag errors; or after maxIterations, returning the last one.
 * - Out-of-bag error per column: NRMSE = sqrt(mean((y - oob)^2) / var(y)) for numeric columns,
 *   proportion falsely classified (PFC) for categorical columns.
 * - Forest: `trees` trees (default 100), bootstrap samples, mtry = floor(sqrt(p)) for
 *   classification and max(floor(p/3), 1) for regression (p = number of other columns) unless given,
 *   node size 5 (regression) / 1 (classification), numeric features in <= 64 quantile bins
 *   (re-binned after each column update).
 * - Large data rule: each tree is grown on a bootstrap sample of min(n_obs, maxSamples = 20,000)
 *   rows, and the OOB error is estimated on at most 10,000 observed rows; whenever a column has
 *   more than maxSamples observed rows the result is an approximation of missForest and
 *   summary.exact is false. (With n_obs <= maxSamples every tree sees a full bootstrap sample.)
 * - Memory: n bytes per column (bins) + the completed columns + per-tree nodes (<= 2 * sample).
 * - Parallelism: every forest is grown as two fixed blocks of trees (each tree has its own seeded
 *   stream), run on two worker_threads by missForest() when the compiled forest-worker.js exists
 *   beside this module and n * trees >= 2e6, else in turn on the main thread (missForestSync(), and
 *   under vitest / .ts sources). Both give identical results for the same seed.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { binValues, quantileEdges, runForestJob, type BinnedFeatures, type ForestJob, type ForestJobResult, type TreeParams } from './forest.js';
import { Rng, resolveSeed } from './random.js';
import {
  assertObservedUnchanged,
  encodeCategorical,
  ModelInputError,
  rowCount,
  type CompletedColumns,
  type EncodedCategorical,
  type ModelInput,
  compiledWorkerAvailable,
} from './types.js';

export interface MissForestOptions {
  trees?: number;
  maxIterations?: number;
  seed?: number;
  /** Features tried per split (default: floor(sqrt(p)) classification, max(floor(p/3), 1) regression). */
  mtry?: number;
  /** Bootstrap sample size cap per tree (default 20,000). */
  maxSamples?: number;
  /** Quantile bins for numeric features (default 64, at most 255). */
  maxBins?: number;
  /** Worker threads for missForest() (default min(2, cores)); 0 or 1 = main thread only. */
  workers?: number;
}

export interface MissForestColumnSummary {
  name: string;
  kind: 'numeric' | 'categorical';
  missing: number;
  /** OOB error of the returned iteration: NRMSE (numeric) or PFC (categorical); null if not fitted. */
  oobError: number | null;
  oobMetric: 'NRMSE' | 'PFC';
}

export interface MissForestSummary {
  method: 'missForest';
  trees: number;
  maxIterations: number;
  /** Iterations run. */
  iterations: number;
  /** Iteration whose imputation is returned (iterations - 1 when the stopping rule fired). */
  returnedIteration: number;
  stoppedBy: 'convergence' | 'maxIterations' | 'nothing to impute';
  convergence: { iteration: number; numeric: number | null; categorical: number | null }[];
  seed: number;
  sampleSize: number;
  exact: boolean;
  columns: MissForestColumnSummary[];
  notes: string[];
}

export interface MissForestResult {
  columns: CompletedColumns;
  summary: MissForestSummary;
}

const CAT_BINS = 32;

/** Trees of each forest are grown in this many fixed blocks (one per worker). */
const BLOCKS = 2;

function* core(input: ModelInput, opts: MissForestOptions, binsBuffer: ArrayBufferLike): Generator<ForestJob[], MissForestResult, ForestJobResult[]> {
  const n = rowCount(input);
  const trees = opts.trees ?? 100;
  const maxIterations = opts.maxIterations ?? 10;
  const maxSamples = opts.maxSamples ?? 20_000;
  const maxBins = Math.min(255, Math.max(2, opts.maxBins ?? 64));
  const seed = resolveSeed(opts.seed);
  if (!Number.isInteger(trees) || trees < 1) throw new ModelInputError('missForest: trees must be an integer >= 1');
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new ModelInputError('missForest: maxIterations must be an integer >= 1');
  const rng = new Rng(seed);
  const P = input.columns.length;
  const notes: string[] = [];
  // Current state.
  const num: (Float64Array | null)[] = [];
  const enc: (EncodedCategorical | null)[] = [];
  const codes: (Int32Array | null)[] = [];
  const mis: Int32Array[] = [];
  const obs: Int32Array[] = [];
  const X: BinnedFeatures = { n, bins: [], nBins: [], categorical: [] };
  const catBinOf: (Int32Array | null)[] = [];
  input.columns.forEach((c, j) => {
    const o: number[] = [], m: number[] = [];
    if (c.kind === 'numeric') {
      const v = new Float64Array(c.values as Float64Array);
      let s = 0;
      for (let i = 0; i < n; i++) if (v[i] === v[i]) { o.push(i); s += v[i]!; } else m.push(i);
      const mean = o.length ? s / o.length : NaN;
      for (const i of m) v[i] = mean;
      num.push(v); enc.push(null); codes.push(null); catBinOf.push(null);
    } else {
      const e = encodeCategorical(c.values as (string | null)[]);
      const cd = new Int32Array(e.codes);
      for (let i = 0; i < n; i++) (cd[i]! >= 0 ? o : m).push(i);
      let mode = 0;
      for (let k = 1; k < e.levels.length; k++) if (e.counts[k]! > e.counts[mode]!) mode = k;
      for (const i of m) cd[i] = e.levels.length ? mode : -1;
      // Level -> bin: the 31 most frequent levels get their own bin, the rest share bin 31.
      const byFreq = e.levels.map((_, k) => k).sort((a, b) => e.counts[b]! - e.counts[a]! || a - b);
      const lb = new Int32Array(e.levels.length);
      byFreq.forEach((k, r) => { lb[k] = Math.min(r, CAT_BINS - 1); });
      num.push(null); enc.push(e); codes.push(cd); catBinOf.push(lb);
    }
    obs.push(Int32Array.from(o)); mis.push(Int32Array.from(m));
    X.bins.push(new Uint8Array(binsBuffer, j * n, n)); X.nBins.push(1); X.categorical.push(c.kind === 'categorical');
  });
  const rebin = (j: number): void => {
    if (num[j]) {
      if (obs[j]!.length === 0) { X.nBins[j] = 1; return; }
      const edges = quantileEdges(num[j]!, maxBins, rng);
      binValues(num[j]!, edges, X.bins[j]!);
      X.nBins[j] = edges.length + 1;
    } else {
      const lb = catBinOf[j]!, cd = codes[j]!, out = X.bins[j]!;
      for (let i = 0; i < n; i++) out[i] = cd[i]! >= 0 ? lb[cd[i]!]! : 0;
      X.nBins[j] = Math.max(1, Math.min(CAT_BINS, enc[j]!.levels.length));
    }
  };
  for (let j = 0; j < P; j++) rebin(j);

  const colSummaries: MissForestColumnSummary[] = input.columns.map((c, j) => ({
    name: c.name, kind: c.kind, missing: mis[j]!.length, oobError: null, oobMetric: c.kind === 'numeric' ? 'NRMSE' : 'PFC',
  }));
  const todo = input.columns.map((_, j) => j).filter((j) => mis[j]!.length > 0 && obs[j]!.length > 0);
  for (let j = 0; j < P; j++) if (mis[j]!.length > 0 && obs[j]!.length === 0) notes.push(`${input.columns[j]!.name}: no observed value; left missing`);
  todo.sort((a, b) => mis[a]!.length - mis[b]!.length || a - b);
  let exact = true;
  const sampleSize = Math.min(maxSamples, Math.max(0, ...todo.map((j) => obs[j]!.length)));
  const numericCols = input.columns.map((c, j) => (c.kind === 'numeric' ? j : -1)).filter((j) => j >= 0);
  const catMissing = todo.filter((j) => !num[j]).reduce((s, j) => s + mis[j]!.length, 0);
  const hasNum = todo.some((j) => num[j]);
  const hasCat = catMissing > 0;

  const snapshot = (): (Float64Array | Int32Array)[] => todo.map((j) => (num[j] ? Float64Array.from(mis[j]!, (i) => num[j]![i]!) : Int32Array.from(mis[j]!, (i) => codes[j]![i]!)));
  const restore = (snap: (Float64Array | Int32Array)[]): void => {
    todo.forEach((j, t) => { const s = snap[t]!; mis[j]!.forEach((i, r) => { if (num[j]) num[j]![i] = s[r]!; else codes[j]![i] = s[r]!; }); });
  };

  const convergence: MissForestSummary['convergence'] = [];
  let oobOld: (number | null)[] = colSummaries.map(() => null);
  let oobNew: (number | null)[] = colSummaries.map(() => null);
  let convOld = [Infinity, Infinity];
  let iter = 0;
  let stoppedBy: MissForestSummary['stoppedBy'] = todo.length === 0 ? 'nothing to impute' : 'maxIterations';
  let prev: (Float64Array | Int32Array)[] | null = null;
  while (todo.length > 0 && iter < maxIterations) {
    const old = snapshot();
    oobOld = oobNew;
    oobNew = colSummaries.map(() => null);
    for (const j of todo) {
      const features = [];
      for (let f = 0; f < P; f++) if (f !== j && obs[f]!.length > 0) features.push(f);
      const isCat = !num[j];
      const K = isCat ? enc[j]!.levels.length : 0;
      const p = features.length;
      const mtry = opts.mtry ?? (isCat ? Math.max(1, Math.floor(Math.sqrt(p))) : Math.max(1, Math.floor(p / 3)));
      const params: TreeParams = { features, mtry, minNode: isCat ? 1 : 5, classes: K };
      const y = new Float64Array(n);
      if (isCat) { const cd = codes[j]!; for (let i = 0; i < n; i++) y[i] = cd[i]!; }
      else y.set(num[j]!);
      const o = obs[j]!;
      const s = Math.min(o.length, maxSamples);
      if (o.length > maxSamples) exact = false;
      // OOB evaluation rows.
      let evalRows = o;
      if (o.length > 10_000) {
        const pick = Int32Array.from(o);
        for (let r = 0; r < 10_000; r++) { const t = r + rng.int(pick.length - r); const tmp = pick[r]!; pick[r] = pick[t]!; pick[t] = tmp; }
        evalRows = pick.slice(0, 10_000);
      }
      const E = evalRows.length;
      const mj = mis[j]!;
      if (features.length === 0) {
        notes.push(`${input.columns[j]!.name}: no predictor columns; kept the mean/mode`);
        continue;
      }
      const fitSeed = rng.u32();
      const jobs: ForestJob[] = [];
      for (let b = 0; b < BLOCKS; b++) {
        const from = Math.floor((b * trees) / BLOCKS), to = Math.floor(((b + 1) * trees) / BLOCKS);
        if (to > from) jobs.push({ nBins: X.nBins.slice(), categorical: X.categorical.slice(), y, obs: o, evalRows, mis: mj, params, sampleSize: s, seed: fitSeed, treeFrom: from, treeTo: to });
      }
      const results: ForestJobResult[] = yield jobs;
      const oobSum = results[0]!.oobSum, oobCnt = results[0]!.oobCnt, predSum = results[0]!.predSum;
      for (let b = 1; b < results.length; b++) {
        const rb = results[b]!;
        for (let r = 0; r < oobSum.length; r++) oobSum[r] += rb.oobSum[r]!;
        for (let r = 0; r < oobCnt.length; r++) oobCnt[r] += rb.oobCnt[r]!;
        for (let r = 0; r < predSum.length; r++) predSum[r] += rb.predSum[r]!;
      }
      // OOB error.
      let err = 0, m = 0;
      let ys = 0;
      for (let r = 0; r < E; r++) ys += y[evalRows[r]!]!;
      const ym = ys / Math.max(E, 1);
      let yv = 0;
      for (let r = 0; r < E; r++) yv += (y[evalRows[r]!]! - ym) ** 2;
      yv /= Math.max(E - 1, 1);
      for (let r = 0; r < E; r++) {
        if (oobCnt[r] === 0) continue;
        m++;
        const yi = y[evalRows[r]!]!;
        if (isCat) { let best = 0; for (let k = 1; k < K; k++) if (oobSum[r * K + k]! > oobSum[r * K + best]!) best = k; if (best !== yi) err++; }
        else err += (yi - oobSum[r]! / oobCnt[r]!) ** 2;
      }
      oobNew[j] = m === 0 ? null : isCat ? err / m : yv > 0 ? Math.sqrt(err / m / yv) : 0;
      // Update the column.
      for (let r = 0; r < mj.length; r++) {
        if (isCat) { let best = 0; for (let k = 1; k < K; k++) if (predSum[r * K + k]! > predSum[r * K + best]!) best = k; codes[j]![mj[r]!] = best; }
        else num[j]![mj[r]!] = predSum[r]! / trees;
      }
      rebin(j);
    }
    iter++;
    // Convergence measures.
    let dNum = 0, sNum = 0, changed = 0;
    todo.forEach((j, t) => {
      const s = old[t]!;
      if (num[j]) mis[j]!.forEach((i, r) => { dNum += (num[j]![i]! - s[r]!) ** 2; });
      else mis[j]!.forEach((i, r) => { if (codes[j]![i] !== s[r]) changed++; });
    });
    for (const j of numericCols) { const v = num[j]!; for (let i = 0; i < n; i++) { const x = v[i]!; if (x === x) sNum += x * x; } }
    const convNew = [hasNum ? (sNum > 0 ? dNum / sNum : 0) : NaN, hasCat ? changed / catMissing : NaN];
    convergence.push({ iteration: iter, numeric: hasNum ? convNew[0]! : null, categorical: hasCat ? convNew[1]! : null });
    const increased = hasNum && hasCat
      ? convNew[0]! >= convOld[0]! && convNew[1]! >= convOld[1]!
      : hasNum ? convNew[0]! >= convOld[0]! : convNew[1]! >= convOld[1]!;
    prev = old;
    if (increased && iter < maxIterations) {
      stoppedBy = 'convergence';
      break;
    }
    convOld = convNew;
  }
  let returnedIteration = iter;
  let oob = oobNew;
  if (stoppedBy === 'convergence' && prev) {
    restore(prev);
    returnedIteration = iter - 1;
    oob = oobOld;
  }
  colSummaries.forEach((c, j) => { c.oobError = oob[j] ?? null; });
  if (!exact) notes.push(`trees grown on bootstrap samples of ${maxSamples} rows and OOB error on <= 10,000 rows: an approximation of missForest`);
  const columns: CompletedColumns = input.columns.map((c, j) =>
    c.kind === 'numeric'
      ? { name: c.name, kind: 'numeric' as const, values: num[j]! }
      : { name: c.name, kind: 'categorical' as const, values: Array.from(codes[j]!, (k) => (k >= 0 ? enc[j]!.levels[k]! : null)) },
  );
  assertObservedUnchanged(input, columns);
  return {
    columns,
    summary: {
      method: 'missForest', trees, maxIterations, iterations: iter, returnedIteration, stoppedBy, convergence, seed,
      sampleSize, exact, columns: colSummaries.filter((c) => c.missing > 0), notes,
    },
  };
}

/** missForest on the main thread (deterministic; same result as missForest() for the same seed). */
export function missForestSync(input: ModelInput, opts: MissForestOptions = {}): MissForestResult {
  const n = rowCount(input);
  const buf = new ArrayBuffer(Math.max(8, n * input.columns.length));
  const bins = input.columns.map((_, f) => new Uint8Array(buf, f * n, n));
  const gen = core(input, opts, buf);
  let step = gen.next();
  while (!step.done) step = gen.next(step.value.map((job) => runForestJob(bins, n, job, Rng)));
  return step.value;
}

const WORKER_URL = new URL('./forest-worker.js', import.meta.url);

/** True when the compiled forest worker exists beside this module (running from dist/*.js). */
export function forestWorkersAvailable(): boolean {
  return compiledWorkerAvailable(import.meta.url, WORKER_URL);
}

/** missForest, growing each forest's two tree blocks on two worker threads when worthwhile. */
export async function missForest(input: ModelInput, opts: MissForestOptions = {}): Promise<MissForestResult> {
  const n = rowCount(input);
  const P = input.columns.length;
  const workers = Math.min(BLOCKS, opts.workers ?? Math.min(2, availableParallelism()));
  if (workers < 2 || !forestWorkersAvailable() || n * (opts.trees ?? 100) < 2e6) return missForestSync(input, opts);
  const buf = new SharedArrayBuffer(Math.max(8, n * P));
  const bins = input.columns.map((_, f) => new Uint8Array(buf, f * n, n));
  let pool: Worker[] = [];
  try {
    pool = Array.from({ length: workers }, () => new Worker(WORKER_URL, { workerData: { binsBuffer: buf, n, P } }));
  } catch {
    pool = [];
  }
  let broken = pool.length < workers;
  const run = (w: Worker | undefined, job: ForestJob): Promise<ForestJobResult> => {
    if (!w || broken) return Promise.resolve(runForestJob(bins, n, job, Rng));
    return new Promise<ForestJobResult>((resolve) => {
      const onMsg = (r: ForestJobResult): void => { w.off('error', onErr); resolve(r); };
      const onErr = (): void => { w.off('message', onMsg); broken = true; resolve(runForestJob(bins, n, job, Rng)); };
      w.once('message', onMsg);
      w.once('error', onErr);
      w.postMessage(job);
    });
  };
  try {
    const gen = core(input, opts, buf);
    let step = gen.next();
    while (!step.done) {
      const jobs = step.value;
      const results = await Promise.all(jobs.map((job, i) => run(pool[i % Math.max(pool.length, 1)], job)));
      step = gen.next(results);
    }
    return step.value;
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
