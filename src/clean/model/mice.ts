/**
 * Multivariate imputation by chained equations (after R's mice, van Buuren & Groothuis-Oudshoorn).
 *
 * - Every incomplete column is modelled from all other usable columns, visited left to right
 *   (mice's "roman" visit sequence), `iterations` times, in m independent chains; each chain starts
 *   from random draws of the column's observed values (mice.impute.sample).
 * - Predictors: numeric columns (standardised internally by their observed mean / sd, which changes
 *   nothing but conditioning) and categorical columns dummy-coded against their first (sorted) level.
 *   Removed as predictors up front (reported in summary.removedPredictors): constant columns (<= 1
 *   distinct observed value), identifier columns (categorical with every observed value distinct and
 *   > 20 values; numeric complete, integer, all distinct and consecutive), categorical columns with
 *   more than maxLevels levels, and collinear numeric columns (|r| >= 0.999 with an earlier kept
 *   column, as mice's find.collinear). Per fit, as mice's remove.lindep: predictors with variance
 *   <= 1e-4 among the target's observed rows or |cor| >= 0.99 with the observed target are dropped.
 * - Numeric targets:
 *   'pmm' (default): Bayesian linear regression as mice's .norm.draw: beta_hat = (X'X + ridge
 *     diag(X'X))^-1 X'y, sigma* = sqrt(RSS / chisq(n_obs - q)), beta* = beta_hat + sigma* L^-T z
 *     with L L' = X'X + ridge diag(X'X), z ~ N(0, I); then type-1 matching: observed rows are
 *     predicted with beta_hat, missing rows with beta*, and each missing cell takes the observed
 *     value of a donor drawn uniformly among the `donors` nearest predictions (sorted predictions +
 *     binary search + two-pointer expansion, O(n log n)); so pmm only imputes observed values.
 *   'norm': X_mis beta* + sigma* N(0, 1).
 *   'regression': X_mis beta_hat with ordinary least squares (the ridge is added only when X'X is
 *     numerically singular; mice's norm.predict always adds it, which biases exact fits by ~1e-5).
 * - Binary categorical targets: logistic regression by Newton/IRLS with an L2 penalty of
 *   1e-4 * n_obs on the non-intercept coefficients (a simplification replacing mice's data
 *   augmentation against separation), then, as mice's logreg, beta* ~ N(beta_hat, H^-1) and
 *   Bernoulli draws. Nominal targets (> 2 levels): multinomial logit fitted by block-coordinate
 *   Newton (same penalty), categories drawn from the predicted probabilities (as mice's polyreg,
 *   which does not draw the coefficients). With method 'regression', categorical targets take the
 *   most probable category (deterministic).
 * - Columns with no observed value are left missing (noted); constant columns take the constant.
 * - PRNG: xoshiro128** (random.ts); chain c uses seed + 7919 * (c + 1), so results are reproducible.
 * - Memory: m completed copies of the data (m * n * columns * 8 bytes for numeric columns) plus
 *   O(n) scratch; time O(m * iterations * columns * n * q^2).
 */
import { cholesky, cholSolve, factorWithRidge, solveLt } from './linalg.js';
import { rubinPool, type PooledEstimate } from './rubin.js';
import { Rng, resolveSeed } from './random.js';
import {
  assertObservedUnchanged,
  encodeCategorical,
  ModelInputError,
  rowCount,
  type CompletedColumns,
  type EncodedCategorical,
  type ModelInput,
} from './types.js';

export type MiceMethod = 'pmm' | 'norm' | 'regression';

export interface MiceOptions {
  /** Number of completed datasets (default 5). */
  m?: number;
  /** Iterations per chain (default 5). */
  iterations?: number;
  /** Method for numeric columns (default 'pmm'). */
  method?: MiceMethod;
  seed?: number;
  /** PMM donor pool size (default 5). */
  donors?: number;
  /** Ridge factor (default 1e-5). */
  ridge?: number;
  /** Categorical columns with more levels are imputed by random draws and not used as predictors (default 50). */
  maxLevels?: number;
}

export type MiceModel = 'pmm' | 'norm' | 'regression' | 'logreg' | 'polyreg' | 'sample' | 'constant' | 'empty';

export interface MiceColumnSummary {
  name: string;
  kind: 'numeric' | 'categorical';
  missing: number;
  model: MiceModel | null;
  /** Predictor columns offered to this column's model (before the per-fit remove.lindep step). */
  predictors: string[];
}

export interface MiceSummary {
  method: 'mice';
  m: number;
  iterations: number;
  imputationMethod: MiceMethod;
  seed: number;
  prng: 'xoshiro128**';
  rows: number;
  columns: MiceColumnSummary[];
  removedPredictors: { name: string; reason: string }[];
  /** Per numeric incomplete column: chainMeans[name][chain][iteration] = mean of its imputed cells. */
  chainMeans: Record<string, number[][]>;
  /** Rubin-pooled means of the numeric columns (null when m < 2 or method = 'regression'). */
  pooled: (PooledEstimate & { column: string })[] | null;
  poolingNote?: string;
  notes: string[];
}

export interface MiceResult {
  /** m completed datasets, each in the input's column order. */
  datasets: CompletedColumns[];
  summary: MiceSummary;
}

interface ColInfo {
  name: string;
  kind: 'numeric' | 'categorical';
  num?: Float64Array;
  enc?: EncodedCategorical;
  obs: Int32Array;
  mis: Int32Array;
  predictor: boolean;
  mu: number;
  sd: number;
}

const LINDEP_EPS = 1e-4;
const LINDEP_MAXCOR = 0.99;

function analyse(input: ModelInput, maxLevels: number, removed: MiceSummary['removedPredictors']): ColInfo[] {
  const n = rowCount(input);
  const infos: ColInfo[] = input.columns.map((c) => {
    const obs: number[] = [];
    const mis: number[] = [];
    let num: Float64Array | undefined;
    let enc: EncodedCategorical | undefined;
    if (c.kind === 'numeric') {
      num = c.values as Float64Array;
      for (let i = 0; i < n; i++) (num[i] === num[i] ? obs : mis).push(i);
    } else {
      enc = encodeCategorical(c.values as (string | null)[]);
      for (let i = 0; i < n; i++) (enc.codes[i]! >= 0 ? obs : mis).push(i);
    }
    let mu = 0, sd = 1;
    if (num) {
      let s = 0;
      for (const i of obs) s += num[i]!;
      mu = obs.length ? s / obs.length : 0;
      let v = 0;
      for (const i of obs) v += (num[i]! - mu) ** 2;
      sd = obs.length > 1 ? Math.sqrt(v / (obs.length - 1)) : 0;
    }
    return { name: c.name, kind: c.kind, num, enc, obs: Int32Array.from(obs), mis: Int32Array.from(mis), predictor: true, mu, sd: sd > 0 ? sd : 1 };
  });
  for (const c of infos) {
    if (c.kind === 'numeric') {
      const v = c.num!;
      let lo = Infinity, hi = -Infinity;
      for (const i of c.obs) { lo = Math.min(lo, v[i]!); hi = Math.max(hi, v[i]!); }
      if (!(hi > lo)) { c.predictor = false; removed.push({ name: c.name, reason: 'constant' }); continue; }
      if (c.mis.length === 0 && n > 2 && hi - lo === n - 1) {
        let integer = true;
        for (let i = 0; i < n && integer; i++) integer = Number.isInteger(v[i]!);
        if (integer) {
          const seen = new Uint8Array(n);
          let distinct = true;
          for (let i = 0; i < n && distinct; i++) { const k = v[i]! - lo; if (seen[k]) distinct = false; seen[k] = 1; }
          if (distinct) { c.predictor = false; removed.push({ name: c.name, reason: 'identifier' }); }
        }
      }
    } else {
      const L = c.enc!.levels.length;
      if (L <= 1) { c.predictor = false; removed.push({ name: c.name, reason: 'constant' }); }
      else if (L === c.obs.length && L > 20) { c.predictor = false; removed.push({ name: c.name, reason: 'identifier' }); }
      else if (L > maxLevels) { c.predictor = false; removed.push({ name: c.name, reason: `more than ${maxLevels} levels` }); }
    }
  }
  // Collinearity among numeric predictors (pairwise-complete correlation).
  const nums = infos.filter((c) => c.kind === 'numeric' && c.predictor);
  for (let b = 0; b < nums.length; b++) {
    for (let a = 0; a < b; a++) {
      if (!nums[a]!.predictor) continue;
      const x = nums[a]!.num!, y = nums[b]!.num!;
      let k = 0, sx = 0, sy = 0;
      for (let i = 0; i < n; i++) if (x[i] === x[i] && y[i] === y[i]) { k++; sx += x[i]!; sy += y[i]!; }
      if (k < 3) continue;
      const mx = sx / k, my = sy / k;
      let sxx = 0, syy = 0, sxy = 0;
      for (let i = 0; i < n; i++) if (x[i] === x[i] && y[i] === y[i]) { const dx = x[i]! - mx, dy = y[i]! - my; sxx += dx * dx; syy += dy * dy; sxy += dx * dy; }
      if (sxx > 0 && syy > 0 && Math.abs(sxy / Math.sqrt(sxx * syy)) >= 0.999) {
        nums[b]!.predictor = false;
        removed.push({ name: nums[b]!.name, reason: `collinear with ${nums[a]!.name}` });
        break;
      }
    }
  }
  return infos;
}

/** A predictor feature: numeric column (standardised) or a dummy for one level of a categorical. */
interface Feature { col: number; level: number }

/** Current completed state of one chain. */
interface Chain {
  z: (Float64Array | null)[]; // standardised numeric values
  num: (Float64Array | null)[];
  codes: (Int32Array | null)[];
}

function fillRow(ch: Chain, feats: Feature[], i: number, x: Float64Array): void {
  x[0] = 1;
  for (let f = 0; f < feats.length; f++) {
    const ft = feats[f]!;
    x[f + 1] = ft.level < 0 ? ch.z[ft.col]![i]! : ch.codes[ft.col]![i] === ft.level ? 1 : 0;
  }
}

/** Accumulate X'X (full symmetric), X'y, sum y, sum y^2 over rows. */
function crossprod(ch: Chain, feats: Feature[], rows: Int32Array, y: ((i: number) => number) | null, w: Float64Array | null) {
  const q = feats.length + 1;
  const A = new Float64Array(q * q);
  const b = new Float64Array(q);
  const x = new Float64Array(q);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    fillRow(ch, feats, i, x);
    const wi = w ? w[r]! : 1;
    for (let a = 0; a < q; a++) {
      const xa = x[a]! * wi;
      if (xa === 0) continue;
      const off = a * q;
      for (let c = 0; c <= a; c++) A[off + c] += xa * x[c]!;
    }
    if (y) { const yi = y(i); for (let a = 0; a < q; a++) b[a] += x[a]! * yi; }
  }
  for (let a = 0; a < q; a++) for (let c = 0; c < a; c++) A[c * q + a] = A[a * q + c]!;
  return { A, b, q };
}

/** mice's remove.lindep on the accumulated moments (row 0 = intercept). Returns kept feature indices. */
function lindep(A: Float64Array, b: Float64Array, q: number, nObs: number, yss: number): number[] {
  const keep: number[] = [];
  if (nObs < 2) return keep;
  const my = b[0]! / nObs;
  const vy = (yss - nObs * my * my) / (nObs - 1);
  if (!(vy > 1e-12)) return keep;
  for (let f = 1; f < q; f++) {
    const mx = A[f]! / nObs;
    const vx = (A[f * q + f]! - nObs * mx * mx) / (nObs - 1);
    if (!(vx > LINDEP_EPS)) continue;
    const cxy = (b[f]! - nObs * mx * my) / (nObs - 1);
    if (Math.abs(cxy / Math.sqrt(vx * vy)) >= LINDEP_MAXCOR) continue;
    keep.push(f - 1);
  }
  return keep;
}

function dot(x: Float64Array, beta: Float64Array, q: number): number {
  let s = 0;
  for (let a = 0; a < q; a++) s += x[a]! * beta[a]!;
  return s;
}

function imputeNumeric(ch: Chain, info: ColInfo, j: number, allFeats: Feature[], method: MiceMethod, ridge: number, donors: number, rng: Rng): Float64Array {
  const y = ch.num[j]!;
  const obs = info.obs;
  const nObs = obs.length;
  const yOf = (i: number): number => y[i]!;
  // Moments with all features, then remove.lindep, then the reduced system.
  const full = crossprod(ch, allFeats, obs, yOf, null);
  let yss = 0;
  for (let r = 0; r < nObs; r++) yss += y[obs[r]!]! ** 2;
  const keep = lindep(full.A, full.b, full.q, nObs, yss);
  const feats = keep.map((f) => allFeats[f]!);
  const q = feats.length + 1;
  const A = new Float64Array(q * q);
  const bv = new Float64Array(q);
  const map = [0, ...keep.map((f) => f + 1)];
  for (let a = 0; a < q; a++) { bv[a] = full.b[map[a]!]!; for (let c = 0; c < q; c++) A[a * q + c] = full.A[map[a]! * full.q + map[c]!]!; }
  const fac = factorWithRidge(A, q, ridge, method === 'regression');
  if (!fac) throw new Error(`mice: cannot factor the normal equations of ${info.name}`);
  const beta = cholSolve(fac.l, q, bv);
  const x = new Float64Array(q);
  const mis = info.mis;
  const out = new Float64Array(mis.length);
  if (method === 'regression') {
    for (let r = 0; r < mis.length; r++) { fillRow(ch, feats, mis[r]!, x); out[r] = dot(x, beta, q); }
    return out;
  }
  // Bayesian draw (.norm.draw).
  const yhatObs = new Float64Array(nObs);
  let rss = 0;
  for (let r = 0; r < nObs; r++) {
    fillRow(ch, feats, obs[r]!, x);
    const yh = dot(x, beta, q);
    yhatObs[r] = yh;
    rss += (y[obs[r]!]! - yh) ** 2;
  }
  const df = Math.max(nObs - q, 1);
  const sigmaStar = Math.sqrt(rss / rng.chisq(df));
  const zv = new Float64Array(q);
  for (let a = 0; a < q; a++) zv[a] = rng.normal();
  const dev = solveLt(fac.l, q, zv);
  const betaStar = new Float64Array(q);
  for (let a = 0; a < q; a++) betaStar[a] = beta[a]! + sigmaStar * dev[a]!;
  if (method === 'norm') {
    for (let r = 0; r < mis.length; r++) { fillRow(ch, feats, mis[r]!, x); out[r] = dot(x, betaStar, q) + sigmaStar * rng.normal(); }
    return out;
  }
  // pmm, type-1 matching.
  const order = new Int32Array(nObs);
  for (let r = 0; r < nObs; r++) order[r] = r;
  order.sort((a, b) => yhatObs[a]! - yhatObs[b]! || a - b);
  const sorted = new Float64Array(nObs);
  for (let r = 0; r < nObs; r++) sorted[r] = yhatObs[order[r]!]!;
  const d = Math.min(donors, nObs);
  for (let r = 0; r < mis.length; r++) {
    fillRow(ch, feats, mis[r]!, x);
    const t = dot(x, betaStar, q);
    // first index with sorted >= t
    let lo = 0, hi = nObs;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! < t) lo = mid + 1; else hi = mid; }
    let L = lo - 1, R = lo;
    const pick = rng.int(d);
    let chosen = -1;
    for (let c = 0; c <= pick; c++) {
      if (R >= nObs || (L >= 0 && t - sorted[L]! <= sorted[R]! - t)) chosen = L--;
      else chosen = R++;
    }
    out[r] = y[obs[order[chosen]!]!]!;
  }
  return out;
}

function sigmoid(t: number): number { return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)); }

/** Multinomial / binary logit by (block) Newton with an L2 penalty. Returns K x q coefficients (class 0 = 0). */
function fitLogit(ch: Chain, feats: Feature[], rows: Int32Array, codes: Int32Array, K: number): { B: Float64Array; H: Float64Array[] } {
  const q = feats.length + 1;
  const nObs = rows.length;
  const B = new Float64Array(K * q);
  const X = new Float64Array(nObs * q);
  const x = new Float64Array(q);
  const counts = new Float64Array(K);
  for (let r = 0; r < nObs; r++) { fillRow(ch, feats, rows[r]!, x); X.set(x, r * q); counts[codes[rows[r]!]!]!++; }
  for (let k = 1; k < K; k++) B[k * q] = Math.log((counts[k]! + 0.5) / (counts[0]! + 0.5));
  const pen = 1e-4 * nObs;
  const P = new Float64Array(nObs * K);
  const H: Float64Array[] = [];
  const probs = (): void => {
    for (let r = 0; r < nObs; r++) {
      let mx = 0;
      for (let k = 1; k < K; k++) { let e = 0; for (let a = 0; a < q; a++) e += X[r * q + a]! * B[k * q + a]!; P[r * K + k] = e; if (e > mx) mx = e; }
      let s = Math.exp(-mx);
      P[r * K] = s;
      for (let k = 1; k < K; k++) { const e = Math.exp(P[r * K + k]! - mx); P[r * K + k] = e; s += e; }
      for (let k = 0; k < K; k++) P[r * K + k]! /= s;
    }
  };
  for (let sweep = 0; sweep < 25; sweep++) {
    let maxDelta = 0;
    for (let k = 1; k < K; k++) {
      probs();
      const A = new Float64Array(q * q);
      const g = new Float64Array(q);
      for (let r = 0; r < nObs; r++) {
        const pk = P[r * K + k]!;
        const w = pk * (1 - pk);
        const resid = (codes[rows[r]!] === k ? 1 : 0) - pk;
        for (let a = 0; a < q; a++) {
          const xa = X[r * q + a]!;
          if (xa === 0) continue;
          g[a] += xa * resid;
          const wa = xa * w;
          for (let c = 0; c <= a; c++) A[a * q + c] += wa * X[r * q + c]!;
        }
      }
      for (let a = 0; a < q; a++) for (let c = 0; c < a; c++) A[c * q + a] = A[a * q + c]!;
      for (let a = 1; a < q; a++) { A[a * q + a] += pen; g[a] -= pen * B[k * q + a]!; }
      A[0] += 1e-8 * nObs;
      const l = new Float64Array(A);
      if (!cholesky(l, q, 1e-14)) { for (let a = 0; a < q; a++) l[a * q + a] = A[a * q + a]! * (1 + 1e-4) + 1e-8; if (!cholesky(l, q, 0)) continue; }
      const delta = cholSolve(l, q, g);
      for (let a = 0; a < q; a++) {
        const dlt = Math.max(-5, Math.min(5, delta[a]!));
        B[k * q + a] += dlt;
        maxDelta = Math.max(maxDelta, Math.abs(dlt));
      }
      H[k] = l;
    }
    if (maxDelta < 1e-7) break;
  }
  return { B, H };
}

function imputeCategorical(ch: Chain, info: ColInfo, feats: Feature[], j: number, method: MiceMethod, rng: Rng): Int32Array {
  const codes = ch.codes[j]!;
  const K = info.enc!.levels.length;
  const mis = info.mis;
  const out = new Int32Array(mis.length);
  const { B, H } = fitLogit(ch, feats, info.obs, codes, K);
  const q = feats.length + 1;
  if (K === 2 && method !== 'regression' && H[1]) {
    const dev = solveLt(H[1], q, Float64Array.from({ length: q }, () => rng.normal()));
    for (let a = 0; a < q; a++) B[q + a] += dev[a]!;
  }
  const x = new Float64Array(q);
  const pr = new Float64Array(K);
  for (let r = 0; r < mis.length; r++) {
    fillRow(ch, feats, mis[r]!, x);
    let mx = 0;
    pr[0] = 0;
    for (let k = 1; k < K; k++) { let e = 0; for (let a = 0; a < q; a++) e += x[a]! * B[k * q + a]!; pr[k] = e; if (e > mx) mx = e; }
    let s = 0;
    for (let k = 0; k < K; k++) { pr[k] = Math.exp(pr[k]! - mx); s += pr[k]!; }
    if (method === 'regression') {
      let best = 0;
      for (let k = 1; k < K; k++) if (pr[k]! > pr[best]!) best = k;
      out[r] = best;
    } else {
      let u = rng.uniform() * s;
      let k = 0;
      while (k < K - 1 && u >= pr[k]!) { u -= pr[k]!; k++; }
      out[r] = k;
    }
  }
  return out;
}

export function mice(input: ModelInput, opts: MiceOptions = {}): MiceResult {
  const n = rowCount(input);
  const m = opts.m ?? 5;
  const iterations = opts.iterations ?? 5;
  const method = opts.method ?? 'pmm';
  const donors = opts.donors ?? 5;
  const ridge = opts.ridge ?? 1e-5;
  const maxLevels = opts.maxLevels ?? 50;
  const seed = resolveSeed(opts.seed);
  if (!Number.isInteger(m) || m < 1) throw new ModelInputError('mice: m must be an integer >= 1');
  if (!Number.isInteger(iterations) || iterations < 1) throw new ModelInputError('mice: iterations must be an integer >= 1');
  if (method !== 'pmm' && method !== 'norm' && method !== 'regression') throw new ModelInputError("mice: method must be 'pmm', 'norm' or 'regression'");
  if (!Number.isInteger(donors) || donors < 1) throw new ModelInputError('mice: donors must be an integer >= 1');
  const removed: MiceSummary['removedPredictors'] = [];
  const infos = analyse(input, maxLevels, removed);
  const notes: string[] = [];
  const colSummaries: MiceColumnSummary[] = infos.map((c) => ({ name: c.name, kind: c.kind, missing: c.mis.length, model: null, predictors: [] }));
  // Models and predictor features per incomplete column.
  const models: (MiceModel | null)[] = infos.map((c, j) => {
    if (c.mis.length === 0) return null;
    if (c.obs.length === 0) { notes.push(`${c.name}: no observed value; left missing`); return 'empty'; }
    if (c.kind === 'numeric') {
      let constant = true;
      for (const i of c.obs) if (c.num![i] !== c.num![c.obs[0]!]) { constant = false; break; }
      return constant ? 'constant' : method;
    }
    const L = c.enc!.levels.length;
    if (L === 1) return 'constant';
    if (L > maxLevels) return 'sample';
    void j;
    return L === 2 ? 'logreg' : 'polyreg';
  });
  const featsFor: Feature[][] = infos.map((_, t) => {
    const feats: Feature[] = [];
    infos.forEach((c, j) => {
      if (j === t || !c.predictor || (c.obs.length === 0)) return;
      if (c.kind === 'numeric') feats.push({ col: j, level: -1 });
      else for (let l = 1; l < c.enc!.levels.length; l++) feats.push({ col: j, level: l });
    });
    return feats;
  });
  infos.forEach((c, t) => {
    colSummaries[t]!.model = models[t]!;
    if (models[t] && models[t] !== 'empty' && models[t] !== 'constant' && models[t] !== 'sample') colSummaries[t]!.predictors = [...new Set(featsFor[t]!.map((f) => infos[f.col]!.name))];
    void c;
  });
  const chainMeans: Record<string, number[][]> = {};
  infos.forEach((c, j) => { if (c.kind === 'numeric' && models[j] && models[j] !== 'empty') chainMeans[c.name] = []; });

  const datasets: CompletedColumns[] = [];
  for (let chain = 0; chain < m; chain++) {
    const rng = new Rng(seed + 7919 * (chain + 1));
    const ch: Chain = {
      num: infos.map((c) => (c.kind === 'numeric' ? new Float64Array(c.num!) : null)),
      z: infos.map(() => null),
      codes: infos.map((c) => (c.kind === 'categorical' ? new Int32Array(c.enc!.codes) : null)),
    };
    // Initial values: random draws of observed values.
    infos.forEach((c, j) => {
      if (c.mis.length === 0 || c.obs.length === 0) return;
      for (const i of c.mis) {
        const d = c.obs[rng.int(c.obs.length)]!;
        if (c.kind === 'numeric') ch.num[j]![i] = c.num![d]!;
        else ch.codes[j]![i] = c.enc!.codes[d]!;
      }
    });
    const setZ = (j: number, rows: Int32Array | null): void => {
      const c = infos[j]!;
      if (c.kind !== 'numeric') return;
      const v = ch.num[j]!;
      let z = ch.z[j];
      if (!z) { z = new Float64Array(n); ch.z[j] = z; rows = null; }
      if (rows) for (const i of rows) z[i] = (v[i]! - c.mu) / c.sd;
      else for (let i = 0; i < n; i++) z[i] = (v[i]! - c.mu) / c.sd;
    };
    infos.forEach((_, j) => setZ(j, null));
    for (const name of Object.keys(chainMeans)) chainMeans[name]!.push([]);
    for (let it = 0; it < iterations; it++) {
      for (let j = 0; j < infos.length; j++) {
        const c = infos[j]!;
        const model = models[j];
        if (!model || model === 'empty') continue;
        if (model === 'constant') {
          for (const i of c.mis) { if (c.kind === 'numeric') ch.num[j]![i] = c.num![c.obs[0]!]!; else ch.codes[j]![i] = c.enc!.codes[c.obs[0]!]!; }
        } else if (model === 'sample') {
          for (const i of c.mis) ch.codes[j]![i] = c.enc!.codes[c.obs[rng.int(c.obs.length)]!]!;
        } else if (c.kind === 'numeric') {
          const vals = imputeNumeric(ch, c, j, featsFor[j]!, method, ridge, donors, rng);
          const v = ch.num[j]!;
          for (let r = 0; r < c.mis.length; r++) v[c.mis[r]!] = vals[r]!;
          setZ(j, c.mis);
        } else {
          const vals = imputeCategorical(ch, c, featsFor[j]!, j, method, rng);
          const v = ch.codes[j]!;
          for (let r = 0; r < c.mis.length; r++) v[c.mis[r]!] = vals[r]!;
        }
        if (c.kind === 'numeric' && chainMeans[c.name]) {
          let s = 0;
          for (const i of c.mis) s += ch.num[j]![i]!;
          chainMeans[c.name]![chain]![it] = s / c.mis.length;
        }
      }
    }
    datasets.push(
      infos.map((c, j) =>
        c.kind === 'numeric'
          ? { name: c.name, kind: 'numeric' as const, values: ch.num[j]! }
          : { name: c.name, kind: 'categorical' as const, values: Array.from(ch.codes[j]!, (k) => (k >= 0 ? c.enc!.levels[k]! : null)) },
      ),
    );
    assertObservedUnchanged(input, datasets[chain]!);
  }
  let pooled: MiceSummary['pooled'] = null;
  let poolingNote: string | undefined;
  try {
    pooled = poolMeans(datasets, method);
  } catch (e) {
    poolingNote = (e as Error).message;
  }
  return {
    datasets,
    summary: {
      method: 'mice',
      m,
      iterations,
      imputationMethod: method,
      seed,
      prng: 'xoshiro128**',
      rows: n,
      columns: colSummaries,
      removedPredictors: removed,
      chainMeans,
      pooled,
      ...(poolingNote ? { poolingNote } : {}),
      notes,
    },
  };
}

/**
 * Rubin-pooled mean of every numeric column over the completed datasets (estimate = column mean,
 * within variance = s^2 / n, complete-data df = n - 1). Throws when m < 2 or the method is
 * deterministic ('regression'), where pooling is meaningless.
 */
export function poolMeans(datasets: CompletedColumns[], method: MiceMethod = 'pmm'): (PooledEstimate & { column: string })[] {
  if (datasets.length < 2) throw new RangeError('pooling needs m >= 2 completed datasets');
  if (method === 'regression') throw new RangeError("pooling needs a stochastic method ('pmm' or 'norm'), not 'regression'");
  const out: (PooledEstimate & { column: string })[] = [];
  datasets[0]!.forEach((c, j) => {
    if (c.kind !== 'numeric') return;
    const est: number[] = [];
    const vars: number[] = [];
    let n = 0;
    for (const ds of datasets) {
      const v = ds[j]!.values as Float64Array;
      let s = 0, k = 0;
      for (let i = 0; i < v.length; i++) if (v[i] === v[i]) { s += v[i]!; k++; }
      const mu = s / k;
      let ss = 0;
      for (let i = 0; i < v.length; i++) if (v[i] === v[i]) ss += (v[i]! - mu) ** 2;
      est.push(mu);
      vars.push(ss / (k - 1) / k);
      n = k;
    }
    if (n >= 2) out.push({ column: c.name, ...rubinPool(est, vars, n) });
  });
  return out;
}
