/**
 * k-nearest-neighbour imputation with the semantics of scikit-learn's KNNImputer
 * (metric = 'nan_euclidean', fit and transform on the same data).
 *
 * - Features: the numeric columns, unscaled. Distance between rows a and b:
 *   sqrt(p / |P| * sum over P of (a_c - b_c)^2), P = numeric columns present in both, p = number of
 *   numeric columns; NaN (not a donor) when P is empty.
 * - For each column c and each row a missing c (receiver), the potential donors are the rows with c
 *   observed (original values only: imputed values are never used, neither as donor values nor as
 *   coordinates). The k nearest donors with a finite distance are taken (fewer if fewer exist);
 *   ties in distance go to the lower row index (sklearn's argpartition leaves ties unspecified).
 * - Numeric value: mean of the donors' values (uniform) or the inverse-distance weighted mean
 *   ('distance'); if any chosen donor is at distance 0, the zero-distance donors share the weight
 *   equally and the others get none (sklearn's _get_weights).
 * - No donor with a finite distance (the receiver shares no observed numeric coordinate with any
 *   donor, or has no numeric value at all): the column mean of the observed values (sklearn).
 * - Categorical columns (an extension; sklearn's KNNImputer is numeric-only): the same k nearest
 *   donors by the numeric features only (categorical columns are not features), majority vote,
 *   weighted by inverse distance with 'distance' (zero-distance rule as above); a tie in votes goes
 *   to the level that is most frequent over the whole column, then to the lexicographically
 *   smallest. Fallback without donors: the column mode.
 * - Exactness: results equal sklearn's up to floating rounding (sklearn computes distances via the
 *   |x|^2 - 2x.y + |y|^2 expansion, which can differ in the last digits and so can reorder exact or
 *   near ties). Beyond `maxDonors` rows (default 200,000) the donor pool is a seeded uniform sample
 *   of maxDonors rows (receivers are still all rows) and the summary says exact: false.
 * - Parallelism: knnImpute() splits the receivers over worker_threads (default min(2, cores)) when
 *   the work (receivers x rows) exceeds 2e7 and the compiled worker file exists beside this module
 *   (i.e. running from dist/*.js). Under vitest / ts sources (import.meta.url ends in .ts), or when
 *   Worker creation fails, it runs single-threaded; knnImputeSync() always does.
 * - Memory: about n * p * 16 bytes (features + presence) + n * T bytes (donor flags) + cells * k * 12.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { columnsByVariance, knnSearchChunk, type KnnChunk, type KnnChunkResult, type KnnKernelData } from './knn-kernel.js';
import { Rng, resolveSeed } from './random.js';
import {
  assertObservedUnchanged,
  copyColumn,
  encodeCategorical,
  ModelInputError,
  rowCount,
  type CompletedColumns,
  type EncodedCategorical,
  type ModelInput,
  compiledWorkerAvailable,
} from './types.js';

export interface KnnOptions {
  /** Number of neighbours (default 5). */
  k?: number;
  /** 'uniform' (default) or 'distance' (inverse-distance weights). */
  weights?: 'uniform' | 'distance';
  /** Above this many rows the donor pool is a seeded sample of this size (default 200,000). */
  maxDonors?: number;
  /** Seed of the donor sample (only used beyond maxDonors). */
  seed?: number;
  /** Worker threads for knnImpute (default min(2, available cores)); 0 or 1 = single thread. */
  workers?: number;
}

export interface KnnColumnSummary {
  name: string;
  kind: 'numeric' | 'categorical';
  missing: number;
  imputed: number;
  /** Cells filled with the column mean / mode because no donor shared a coordinate. */
  fallback: number;
}

export interface KnnSummary {
  method: 'knn';
  k: number;
  weights: 'uniform' | 'distance';
  rows: number;
  features: string[];
  /** False when the donor pool was sampled (rows > maxDonors). */
  exact: boolean;
  donorPool: number;
  workers: number;
  columns: KnnColumnSummary[];
  notes: string[];
}

export interface KnnResult {
  columns: CompletedColumns;
  summary: KnnSummary;
}

interface Prepared {
  n: number;
  data: KnnKernelData;
  chunk: KnnChunk;
  targets: { col: number; kind: 'numeric' | 'categorical'; enc?: EncodedCategorical }[];
  exact: boolean;
  donorPool: number;
  k: number;
  weights: 'uniform' | 'distance';
  features: string[];
}

function prepare(input: ModelInput, opts: KnnOptions, shared: boolean): Prepared {
  const n = rowCount(input);
  const k = opts.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new ModelInputError('knn: k must be an integer >= 1');
  const weights = opts.weights ?? 'uniform';
  if (weights !== 'uniform' && weights !== 'distance') throw new ModelInputError("knn: weights must be 'uniform' or 'distance'");
  const maxDonors = opts.maxDonors ?? 200_000;
  const featCols = input.columns.map((c, j) => (c.kind === 'numeric' ? j : -1)).filter((j) => j >= 0);
  const p = featCols.length;
  const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer =>
    shared ? new SharedArrayBuffer(Math.max(bytes, 8)) : new ArrayBuffer(Math.max(bytes, 8));
  const X = new Float64Array(alloc(n * p * 8), 0, n * p);
  const M = new Float64Array(alloc(n * p * 8), 0, n * p);
  for (let f = 0; f < p; f++) {
    const v = input.columns[featCols[f]!]!.values as Float64Array;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (x === x) { X[i * p + f] = x; M[i * p + f] = 1; }
    }
  }
  // Targets: every column with at least one missing cell.
  const targets: Prepared['targets'] = [];
  input.columns.forEach((c, j) => {
    let miss = false;
    if (c.kind === 'numeric') { const v = c.values as Float64Array; for (let i = 0; i < n && !miss; i++) miss = v[i] !== v[i]; }
    else { const v = c.values as (string | null)[]; for (let i = 0; i < n && !miss; i++) miss = v[i] == null; }
    if (miss) targets.push({ col: j, kind: c.kind, enc: c.kind === 'categorical' ? encodeCategorical(c.values as (string | null)[]) : undefined });
  });
  const T = targets.length;
  // Donor pool.
  let pool: Uint8Array | null = null;
  let exact = true;
  let donorPool = n;
  if (n > maxDonors) {
    exact = false;
    donorPool = maxDonors;
    const rng = new Rng(resolveSeed(opts.seed));
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    for (let i = 0; i < maxDonors; i++) { const j = i + rng.int(n - i); const t = idx[i]!; idx[i] = idx[j]!; idx[j] = t; }
    pool = new Uint8Array(n);
    for (let i = 0; i < maxDonors; i++) pool[idx[i]!] = 1;
  }
  const O = new Uint8Array(alloc(n * T), 0, n * T);
  const rowCells: number[][] = [];
  for (let t = 0; t < T; t++) {
    const c = input.columns[targets[t]!.col]!;
    for (let i = 0; i < n; i++) {
      const missing = c.kind === 'numeric' ? (c.values as Float64Array)[i] !== (c.values as Float64Array)[i] : (c.values as (string | null)[])[i] == null;
      if (missing) (rowCells[i] ??= []).push(t);
      else if (!pool || pool[i]) O[i * T + t] = 1;
    }
  }
  // Projection column (largest variance): donors sorted by it; receivers ordered by it too (those
  // missing it last) so that a block of receivers shares one window of near donors.
  const colOrder = columnsByVariance(X, M, n, p);
  const pc = p > 0 ? colOrder[0]! : -1;
  const withP: number[] = [];
  const restRows: number[] = [];
  for (let i = 0; i < n; i++) (pc >= 0 && M[i * p + pc] === 1 ? withP : restRows).push(i);
  withP.sort((a, b) => X[a * p + pc]! - X[b * p + pc]! || a - b);
  const sortedRows = new Int32Array(alloc(withP.length * 4), 0, withP.length);
  const sortedVal = new Float64Array(alloc(withP.length * 8), 0, withP.length);
  withP.forEach((i, r) => { sortedRows[r] = i; sortedVal[r] = X[i * p + pc]!; });
  const recvRows: number[] = [];
  for (const i of withP) if (rowCells[i]) recvRows.push(i);
  for (const i of restRows) if (rowCells[i]) recvRows.push(i);
  const recv: number[] = [];
  const starts: number[] = [0];
  const cellT: number[] = [];
  for (const i of recvRows) {
    recv.push(i);
    for (const t of rowCells[i]!) cellT.push(t);
    starts.push(cellT.length);
  }
  return {
    n,
    data: { n, p, X, M, T, O, k, colOrder, sortedRows, sortedVal, restRows: Int32Array.from(restRows) },
    chunk: { receivers: Int32Array.from(recv), cellStart: Int32Array.from(starts), cellTargets: Int32Array.from(cellT) },
    targets,
    exact,
    donorPool,
    k,
    weights,
    features: featCols.map((j) => input.columns[j]!.name),
  };
}

/** Weights of a donor list per sklearn's _get_weights (uniform / distance with the zero rule). */
function donorWeights(dist: Float64Array, o: number, cnt: number, weights: 'uniform' | 'distance', w: Float64Array): void {
  if (weights === 'uniform') { for (let i = 0; i < cnt; i++) w[i] = 1; return; }
  let zero = false;
  for (let i = 0; i < cnt; i++) if (dist[o + i] === 0) zero = true;
  for (let i = 0; i < cnt; i++) w[i] = zero ? (dist[o + i] === 0 ? 1 : 0) : 1 / dist[o + i]!;
}

function finish(input: ModelInput, prep: Prepared, res: KnnChunkResult, workers: number): KnnResult {
  const { n, k, weights, targets, chunk } = prep;
  const out = input.columns.map(copyColumn);
  const summaries: KnnColumnSummary[] = input.columns.map((c) => ({ name: c.name, kind: c.kind, missing: 0, imputed: 0, fallback: 0 }));
  const fallbackVal = targets.map((t) => {
    const c = input.columns[t.col]!;
    if (c.kind === 'numeric') {
      const v = c.values as Float64Array;
      let s = 0, m = 0;
      for (let i = 0; i < n; i++) if (v[i] === v[i]) { s += v[i]!; m++; }
      return m ? s / m : NaN;
    }
    return -1;
  });
  const w = new Float64Array(k);
  const notes: string[] = [];
  for (let r = 0; r < chunk.receivers.length; r++) {
    const row = chunk.receivers[r]!;
    for (let cix = chunk.cellStart[r]!; cix < chunk.cellStart[r + 1]!; cix++) {
      const t = targets[chunk.cellTargets[cix]!]!;
      const col = input.columns[t.col]!;
      const sum = summaries[t.col]!;
      sum.missing++;
      const o = cix * k;
      let cnt = 0;
      while (cnt < k && res.idx[o + cnt]! >= 0) cnt++;
      if (t.kind === 'numeric') {
        const src = col.values as Float64Array;
        const dst = out[t.col]!.values as Float64Array;
        if (cnt === 0) {
          dst[row] = fallbackVal[chunk.cellTargets[cix]!]!;
          sum.fallback++;
        } else {
          donorWeights(res.dist, o, cnt, weights, w);
          let sw = 0, sx = 0;
          for (let i = 0; i < cnt; i++) { sw += w[i]!; sx += w[i]! * src[res.idx[o + i]!]!; }
          dst[row] = sx / sw;
        }
        if (dst[row] === dst[row]) sum.imputed++;
      } else {
        const enc = t.enc!;
        const dst = out[t.col]!.values as (string | null)[];
        let code: number;
        if (cnt === 0) {
          code = bestLevel(enc.counts, enc.counts);
          sum.fallback++;
        } else {
          donorWeights(res.dist, o, cnt, weights, w);
          const votes = new Float64Array(enc.levels.length);
          for (let i = 0; i < cnt; i++) votes[enc.codes[res.idx[o + i]!]!]! += w[i]!;
          code = bestLevel(votes, enc.counts);
        }
        if (code >= 0) { dst[row] = enc.levels[code]!; sum.imputed++; }
      }
    }
  }
  for (const s of summaries) if (s.missing > s.imputed) notes.push(`${s.name}: ${s.missing - s.imputed} cells left missing (column has no observed value)`);
  if (!prep.exact) notes.push(`donor pool sampled: ${prep.donorPool} of ${n} rows (seeded); result is an approximation of exact kNN`);
  assertObservedUnchanged(input, out);
  return {
    columns: out,
    summary: {
      method: 'knn',
      k,
      weights,
      rows: n,
      features: prep.features,
      exact: prep.exact,
      donorPool: prep.donorPool,
      workers,
      columns: summaries.filter((s) => s.missing > 0),
      notes,
    },
  };
}

/** Highest vote; ties -> highest overall frequency -> lowest code (lexicographically smallest level). */
function bestLevel(votes: ArrayLike<number>, counts: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < votes.length; i++) {
    if (!(votes[i]! > 0) && votes !== counts) continue;
    if (best < 0 || votes[i]! > votes[best]! || (votes[i] === votes[best] && counts[i]! > counts[best]!)) best = i;
  }
  if (best < 0) {
    // all weights zero cannot happen (a chosen donor has a finite distance); keep the mode
    for (let i = 0; i < counts.length; i++) if (best < 0 || counts[i]! > counts[best]!) best = i;
  }
  return best;
}

/** Single-threaded kNN imputation (same result as knnImpute). */
export function knnImputeSync(input: ModelInput, opts: KnnOptions = {}): KnnResult {
  const prep = prepare(input, opts, false);
  return finish(input, prep, knnSearchChunk(prep.data, prep.chunk), 1);
}

const WORKER_URL = new URL('./knn-worker.js', import.meta.url);

/**
 * True when the compiled worker file exists next to this module (running from dist/*.js); false
 * under vitest or any loader running the .ts sources.
 */
export function knnWorkersAvailable(): boolean {
  return compiledWorkerAvailable(import.meta.url, WORKER_URL);
}

/** kNN imputation, parallel over receiver chunks when worthwhile (see the module comment). */
export async function knnImpute(input: ModelInput, opts: KnnOptions = {}): Promise<KnnResult> {
  let workers = opts.workers ?? Math.min(2, availableParallelism());
  const useWorkers = workers > 1 && knnWorkersAvailable();
  const prep = prepare(input, opts, useWorkers);
  const work = prep.chunk.receivers.length * prep.n;
  if (!useWorkers || work < 2e7 || prep.chunk.receivers.length < workers) {
    return finish(input, prep, knnSearchChunk(prep.data, prep.chunk), 1);
  }
  const { receivers, cellStart, cellTargets } = prep.chunk;
  const R = receivers.length;
  const chunks: KnnChunk[] = [];
  for (let w = 0; w < workers; w++) {
    const a = Math.floor((w * R) / workers);
    const b = Math.floor(((w + 1) * R) / workers);
    chunks.push({
      receivers: receivers.slice(a, b),
      cellStart: cellStart.slice(a, b + 1),
      cellTargets: cellTargets.slice(cellStart[a]!, cellStart[b]!),
    });
  }
  let results: KnnChunkResult[];
  try {
    results = await Promise.all(
      chunks.map(
        (chunk) =>
          new Promise<KnnChunkResult>((resolve, reject) => {
            const wk = new Worker(WORKER_URL, { workerData: { data: prep.data, chunk } });
            wk.once('message', (m: KnnChunkResult) => { resolve(m); void wk.terminate(); });
            wk.once('error', reject);
            wk.once('exit', (code) => { if (code !== 0) reject(new Error(`knn worker exited with ${code}`)); });
          }),
      ),
    );
  } catch {
    // Workers unavailable (sandbox, loader): fall back to one thread.
    workers = 1;
    results = [knnSearchChunk(prep.data, prep.chunk)];
  }
  const total = results.reduce((s, r) => s + r.idx.length, 0);
  const idx = new Int32Array(total);
  const dist = new Float64Array(total);
  let off = 0;
  for (const r of results) { idx.set(r.idx, off); dist.set(r.dist, off); off += r.idx.length; }
  return finish(input, prep, { idx, dist }, results.length > 1 ? workers : 1);
}
