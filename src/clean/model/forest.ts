/**
 * A compact random forest on pre-binned features (histogram splits), for missForest.
 *
 * Features are Uint8 bin codes per row: numeric features are quantile-binned (ordered bins, split
 * "bin <= threshold"), categorical features have one bin per level (at most 32; rarer levels share
 * the last bin) and are split by a subset of bins (left mask), found by ordering the bins by the
 * node's mean response (regression; optimal, Breiman) or by the share of the node's majority class
 * (classification; exact for two classes, a heuristic beyond). Regression trees minimise the sum of
 * squares, classification trees the Gini impurity. A node is split only when it has more than
 * `minNode` rows (randomForest's nodesize: 5 regression, 1 classification) and is not pure; trees are
 * grown on bootstrap samples with `mtry` features tried per node (drawn without replacement).
 */
import type { Rng } from './random.js';

export interface BinnedFeatures {
  n: number;
  /** bins[f][i] = bin of row i in feature f. */
  bins: Uint8Array[];
  nBins: number[];
  categorical: boolean[];
}

export interface Tree {
  feat: Int32Array; // -1 = leaf
  split: Int32Array; // threshold bin (numeric) or left-bin mask (categorical)
  left: Int32Array; // left child; right child = left + 1
  value: Float64Array; // leaf value (mean or class code)
}

export interface TreeParams {
  features: number[]; // usable feature indices
  mtry: number;
  minNode: number;
  /** Number of classes (0 = regression). */
  classes: number;
}

/** Grow one tree on `rows` (may repeat, e.g. a bootstrap sample). y: response (class codes as numbers). */
export function growTree(X: BinnedFeatures, y: Float64Array, rows: Int32Array, params: TreeParams, rng: Rng): Tree {
  const { features, minNode, classes: K } = params;
  const mtry = Math.max(1, Math.min(params.mtry, features.length));
  const idx = Int32Array.from(rows);
  // Responses carried alongside idx (sequential access in the histogram loops).
  const ys = new Float64Array(idx.length);
  for (let r = 0; r < idx.length; r++) ys[r] = y[idx[r]!]!;
  const cap = 2 * idx.length + 1;
  const feat = new Int32Array(cap).fill(-1);
  const split = new Int32Array(cap);
  const left = new Int32Array(cap);
  const value = new Float64Array(cap);
  let nodes = 1;
  const maxB = Math.max(1, ...features.map((f) => X.nBins[f]!));
  const cnt = new Float64Array(maxB);
  const sum = new Float64Array(maxB);
  const ccnt = new Float64Array(K > 0 ? maxB * K : 1);
  const tot = new Float64Array(Math.max(K, 1));
  const cl = new Float64Array(Math.max(K, 1));
  const order = new Int32Array(maxB);
  const key = new Float64Array(maxB);
  const goesLeft = new Uint8Array(maxB);
  const fpool = Int32Array.from(features);
  const resetBins = (nz: number): void => {
    for (let u = 0; u < nz; u++) {
      const b = order[u]!;
      cnt[b] = 0;
      if (K === 0) sum[b] = 0;
      else for (let k = 0; k < K; k++) ccnt[b * K + k] = 0;
    }
  };
  // Explicit stack of (node, start, end).
  const stack: number[] = [0, 0, idx.length];
  while (stack.length) {
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    const m = end - start;
    // Node statistics.
    let s = 0;
    let pure = true;
    if (K > 0) {
      tot.fill(0);
      for (let r = start; r < end; r++) tot[ys[r]!]!++;
      let best = 0;
      for (let k = 1; k < K; k++) if (tot[k]! > tot[best]!) best = k;
      value[node] = best;
      pure = tot[best] === m;
    } else {
      const y0 = ys[start]!;
      for (let r = start; r < end; r++) { const v = ys[r]!; s += v; if (v !== y0) pure = false; }
      value[node] = s / m;
    }
    if (m <= minNode || pure) continue;
    // Parent score.
    let parent: number;
    if (K > 0) { parent = 0; for (let k = 0; k < K; k++) parent += tot[k]! * tot[k]!; parent /= m; }
    else parent = (s * s) / m;
    let bestGain = 1e-12 * Math.abs(parent);
    let bestF = -1;
    let bestSplit = 0;
    // Partial Fisher-Yates for mtry features.
    for (let t = 0; t < mtry; t++) {
      const j = t + rng.int(fpool.length - t);
      const tmp = fpool[t]!; fpool[t] = fpool[j]!; fpool[j] = tmp;
      const f = fpool[t]!;
      const bins = X.bins[f]!;
      const isCat = X.categorical[f]!;
      // Histogram over the bins present in the node only (cnt/sum/ccnt are all-zero between uses).
      let nz = 0;
      if (K === 0) {
        for (let r = start; r < end; r++) { const b = bins[idx[r]!]!; if (cnt[b] === 0) order[nz++] = b; cnt[b]++; sum[b] += ys[r]!; }
      } else {
        for (let r = start; r < end; r++) { const b = bins[idx[r]!]!; if (cnt[b] === 0) order[nz++] = b; cnt[b]++; ccnt[b * K + ys[r]!]!++; }
      }
      if (nz < 2) { resetBins(nz); continue; }
      if (!isCat) {
        if (nz < 24) {
          for (let u = 1; u < nz; u++) { const v = order[u]!; let w = u - 1; while (w >= 0 && order[w]! > v) { order[w + 1] = order[w]!; w--; } order[w + 1] = v; }
        } else order.subarray(0, nz).sort();
      }
      if (isCat) {
        if (K === 0) for (let u = 0; u < nz; u++) key[order[u]!] = sum[order[u]!]! / cnt[order[u]!]!;
        else {
          let maj = 0;
          for (let k = 1; k < K; k++) if (tot[k]! > tot[maj]!) maj = k;
          const target = K === 2 ? 1 : maj;
          for (let u = 0; u < nz; u++) key[order[u]!] = ccnt[order[u]! * K + target]! / cnt[order[u]!]!;
        }
        const sub = Array.from(order.subarray(0, nz)).sort((a, b) => key[a]! - key[b]! || a - b);
        for (let u = 0; u < nz; u++) order[u] = sub[u]!;
      }
      let nl = 0;
      let sl = 0;
      if (K > 0) cl.fill(0);
      for (let u = 0; u < nz - 1; u++) {
        const b = order[u]!;
        nl += cnt[b]!;
        let score: number;
        if (K === 0) {
          sl += sum[b]!;
          const nr = m - nl;
          score = (sl * sl) / nl + ((s - sl) * (s - sl)) / nr;
        } else {
          let gl = 0, gr = 0;
          for (let k = 0; k < K; k++) { cl[k] += ccnt[b * K + k]!; const a = cl[k]!; const c = tot[k]! - a; gl += a * a; gr += c * c; }
          score = gl / nl + gr / (m - nl);
        }
        const gain = score - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          if (isCat) { let mask = 0; for (let v = 0; v <= u; v++) mask |= 1 << order[v]!; bestSplit = mask; }
          else bestSplit = b;
        }
      }
      resetBins(nz);
    }
    if (bestF < 0) continue;
    // Partition.
    const bins = X.bins[bestF]!;
    const isCat = X.categorical[bestF]!;
    if (isCat) for (let b = 0; b < 32; b++) goesLeft[b] = (bestSplit >>> b) & 1;
    let i = start, j = end - 1;
    while (i <= j) {
      const b = bins[idx[i]!]!;
      const l = isCat ? goesLeft[b] === 1 : b <= bestSplit;
      if (l) i++;
      else { const t = idx[i]!; idx[i] = idx[j]!; idx[j] = t; const u = ys[i]!; ys[i] = ys[j]!; ys[j] = u; j--; }
    }
    if (i === start || i === end) continue;
    feat[node] = bestF;
    split[node] = bestSplit;
    left[node] = nodes;
    stack.push(nodes, start, i, nodes + 1, i, end);
    nodes += 2;
  }
  return { feat: feat.slice(0, nodes), split: split.slice(0, nodes), left: left.slice(0, nodes), value: value.slice(0, nodes) };
}

export function predictTree(t: Tree, X: BinnedFeatures, i: number): number {
  let node = 0;
  for (;;) {
    const f = t.feat[node]!;
    if (f < 0) return t.value[node]!;
    const b = X.bins[f]![i]!;
    const l = X.categorical[f] ? ((t.split[node]! >>> b) & 1) === 1 : b <= t.split[node]!;
    node = l ? t.left[node]! : t.left[node]! + 1;
  }
}

/** Quantile bin edges (upper bounds) of numeric values, at most maxBins bins. */
export function quantileEdges(values: Float64Array, maxBins: number, rng: Rng, sampleCap = 50_000): Float64Array {
  let sample: Float64Array;
  if (values.length > sampleCap) {
    sample = new Float64Array(sampleCap);
    for (let i = 0; i < sampleCap; i++) sample[i] = values[rng.int(values.length)]!;
  } else sample = Float64Array.from(values);
  sample.sort();
  const edges: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const v = sample[Math.min(sample.length - 1, Math.floor((b * sample.length) / maxBins))]!;
    if (edges.length === 0 || v > edges[edges.length - 1]!) edges.push(v);
  }
  // Bins: x < edges[0] -> 0, edges[k-1] <= x < edges[k] -> k, x >= last -> edges.length.
  return Float64Array.from(edges);
}

export function binValues(values: Float64Array, edges: Float64Array, out: Uint8Array): void {
  const E = edges.length;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    let lo = 0, hi = E;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (edges[mid]! <= x) lo = mid + 1; else hi = mid; }
    out[i] = lo;
  }
}

/** A block of trees of one forest fit (runs on the main thread or in forest-worker.ts). */
export interface ForestJob {
  nBins: number[];
  categorical: boolean[];
  /** Response for every row (class codes as numbers for classification). */
  y: Float64Array;
  /** Observed rows of the response (bootstrap population). */
  obs: Int32Array;
  /** Rows on which the out-of-bag error is estimated (a subset of obs). */
  evalRows: Int32Array;
  /** Rows to predict (the missing cells). */
  mis: Int32Array;
  params: TreeParams;
  sampleSize: number;
  seed: number;
  treeFrom: number;
  treeTo: number;
}

export interface ForestJobResult {
  /** OOB prediction sums (regression) or votes (E * K) per eval row. */
  oobSum: Float64Array;
  oobCnt: Float64Array;
  /** Prediction sums (regression) or votes (mis * K). */
  predSum: Float64Array;
}

/**
 * Grow trees treeFrom..treeTo-1 of a forest; tree t draws its bootstrap sample and split features
 * from its own stream Rng(seed + 1000003 * (t + 1)), so results do not depend on how the trees are
 * split across threads.
 */
export function runForestJob(bins: Uint8Array[], n: number, job: ForestJob, RngCtor: new (seed: number) => Rng): ForestJobResult {
  const X: BinnedFeatures = { n, bins, nBins: job.nBins, categorical: job.categorical };
  const K = job.params.classes;
  const { y, obs, evalRows, mis, sampleSize: s } = job;
  const E = evalRows.length;
  const oobSum = new Float64Array(K > 0 ? E * K : E);
  const oobCnt = new Float64Array(E);
  const predSum = new Float64Array(K > 0 ? mis.length * K : mis.length);
  const inbag = new Uint8Array(n);
  const sample = new Int32Array(s);
  for (let t = job.treeFrom; t < job.treeTo; t++) {
    const rng = new RngCtor(job.seed + 1000003 * (t + 1));
    for (let r = 0; r < s; r++) { const i = obs[rng.int(obs.length)]!; sample[r] = i; inbag[i] = 1; }
    const tree = growTree(X, y, sample, job.params, rng);
    for (let r = 0; r < E; r++) {
      const i = evalRows[r]!;
      if (inbag[i]) continue;
      const v = predictTree(tree, X, i);
      if (K > 0) oobSum[r * K + v]!++;
      else oobSum[r] += v;
      oobCnt[r]++;
    }
    for (let r = 0; r < mis.length; r++) {
      const v = predictTree(tree, X, mis[r]!);
      if (K > 0) predSum[r * K + v]!++;
      else predSum[r] += v;
    }
    for (let r = 0; r < s; r++) inbag[sample[r]!] = 0;
  }
  return { oobSum, oobCnt, predSum };
}
