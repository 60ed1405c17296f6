/**
 * The kNN neighbour search kernel, shared by the main thread and the worker (knn-worker.ts).
 * Pure function over typed arrays (which may be SharedArrayBuffer-backed).
 *
 * For each receiver row a and each target t that a is missing, it keeps the k donors b (rows with
 * target t observed, O[b*T+t] = 1) of smallest nan-Euclidean distance
 *     d(a, b) = sqrt( (sum over P of (x_ac - x_bc)^2) / |P| * p ),  P = features present in both,
 * skipping donors with |P| = 0 (distance NaN). Ties in distance are broken by the lower row index
 * (rows are scanned in ascending order and a donor only displaces the current k-th when strictly
 * closer). The order of operations ((s / |P|) * p, then sqrt) is the one of scikit-learn's
 * nan_euclidean_distances, but the squared differences are summed directly (sklearn expands
 * |x|^2 - 2 x.y + |y|^2, which loses digits on large offsets; the direct sum is exact to rounding).
 */

export interface KnnKernelData {
  /** Rows. */
  n: number;
  /** Numeric feature columns. */
  p: number;
  /** n * p row-major feature values, 0 where missing. */
  X: Float64Array;
  /** n * p presence flags (1 present, 0 missing). */
  M: Float64Array;
  /** Number of target columns (numeric and categorical). */
  T: number;
  /** n * T donor flags: 1 when row b may donate to target t (observed and in the donor pool). */
  O: Uint8Array;
  k: number;
  /** Feature columns in order of decreasing variance (summation order; colOrder[0] = projection). */
  colOrder: Int32Array;
  /** Rows with the projection column present, sorted by its value (then row). */
  sortedRows: Int32Array;
  sortedVal: Float64Array;
  /** Rows missing the projection column (ascending). */
  restRows: Int32Array;
}

export interface KnnChunk {
  /** Receiver rows. */
  receivers: Int32Array;
  /** Cells of receiver i are cellTargets[cellStart[i] .. cellStart[i+1]). */
  cellStart: Int32Array;
  cellTargets: Int32Array;
}

export interface KnnChunkResult {
  /** cells * k donor rows, -1 where fewer than k donors with a finite distance exist; sorted by (distance, row). */
  idx: Int32Array;
  /** cells * k distances (NaN where idx = -1). */
  dist: Float64Array;
}

/** Receivers processed together against each donor row (cache tiling: the n x p feature matrix is
 * streamed once per block instead of once per receiver). */
const BLOCK = 48;
/** Donors scanned between two stop checks of the projection scan. */
const CHUNK = 64;

export function knnSearchChunk(data: KnnKernelData, chunk: KnnChunk): KnnChunkResult {
  const { n, p, X, M, T, O, k } = data;
  const { receivers, cellStart, cellTargets } = chunk;
  const R = receivers.length;
  const base0 = cellStart[0]!;
  const nCells = cellStart[R]! - base0;
  const outIdx = new Int32Array(nCells * k).fill(-1);
  const outDist = new Float64Array(nCells * k).fill(NaN);
  // Block scratch.
  const pc = new Int32Array(BLOCK * p);
  const xa = new Float64Array(BLOCK * p);
  const qn = new Int32Array(BLOCK);
  const rb = new Float64Array(p);
  const mb = new Float64Array(p);
  let maxCells = 0;
  for (let s = 0; s < R; s += BLOCK) maxCells = Math.max(maxCells, cellStart[Math.min(R, s + BLOCK)]! - cellStart[s]!);
  const hKey = new Float64Array(maxCells * k);
  const hIdx = new Int32Array(maxCells * k);
  const hSize = new Int32Array(maxCells);
  const tOff = new Int32Array(maxCells);
  const cs = new Int32Array(BLOCK + 1);
  // Partial-distance pruning: lim[r] = thr * q / p, where thr = the largest k-th distance key over
  // the receiver's cells (Infinity while a heap is not full). Since the final key = s / cnt * p with
  // cnt <= q, a partial sum s > lim proves key > thr, so the donor cannot enter any heap. The limit
  // carries a 1e-12 relative margin so rounding can never prune a donor that would have entered.
  const lim = new Float64Array(BLOCK);
  // Columns are summed in order of decreasing variance (large terms first: earlier pruning).
  const { colOrder, sortedRows, sortedVal, restRows } = data;
  const projCol = p > 0 ? colOrder[0]! : -1;
  const allRows = new Int32Array(n);
  for (let i = 0; i < n; i++) allRows[i] = i;
  const pv = new Float64Array(BLOCK);

  for (let s0 = 0; s0 < R; s0 += BLOCK) {
    const bn = Math.min(BLOCK, R - s0);
    const blockC0 = cellStart[s0]!;
    let active = 0;
    for (let r = 0; r < bn; r++) {
      const a = receivers[s0 + r]!;
      const aOff = a * p;
      let q = 0;
      for (let cc = 0; cc < p; cc++) { const c = colOrder[cc]!; if (M[aOff + c] === 1) { pc[r * p + q] = c; xa[r * p + q] = X[aOff + c]!; q++; } }
      qn[r] = q;
      lim[r] = Infinity;
      cs[r] = cellStart[s0 + r]! - blockC0;
      if (q > 0) active++;
    }
    cs[bn] = cellStart[s0 + bn]! - blockC0;
    const mcAll = cs[bn]!;
    for (let j = 0; j < mcAll; j++) { hSize[j] = 0; tOff[j] = cellTargets[blockC0 - base0 + j]!; }
    if (active === 0) continue;
    const scan = (list: Int32Array, from: number, to: number): void => {
    for (let di = from; di < to; di++) {
      const b = list[di]!;
      const oOff = b * T;
      const bOff = b * p;
      for (let c = 0; c < p; c++) { rb[c] = X[bOff + c]!; mb[c] = M[bOff + c]!; }
      for (let r = 0; r < bn; r++) {
        const q = qn[r]!;
        if (q === 0) continue;
        const j0 = cs[r]!;
        const j1 = cs[r + 1]!;
        let any = 0;
        for (let j = j0; j < j1; j++) any |= O[oOff + tOff[j]!]!;
        if (any === 0) continue;
        const rOff = r * p;
        let sum = 0;
        let cnt = 0;
        const L = lim[r]!;
        let u = 0;
        for (; u < q; u++) {
          const c = pc[rOff + u]!;
          const m = mb[c]!;
          const d = xa[rOff + u]! - rb[c]!;
          sum += m * d * d;
          cnt += m;
          if (sum > L) break;
        }
        if (u < q || cnt === 0) continue;
        let changed = false;
        const key = (sum / cnt) * p;
        for (let j = j0; j < j1; j++) {
          if (O[oOff + tOff[j]!] === 0) continue;
          const h = j * k;
          const size = hSize[j]!;
          if (size < k) {
            let i = size;
            while (i > 0) {
              const par = (i - 1) >> 1;
              const pk = hKey[h + par]!;
              if (pk > key || (pk === key && hIdx[h + par]! > b)) break;
              hKey[h + i] = pk;
              hIdx[h + i] = hIdx[h + par]!;
              i = par;
            }
            hKey[h + i] = key;
            hIdx[h + i] = b;
            hSize[j] = size + 1;
            changed = true;
          } else if (key < hKey[h]! || (key === hKey[h] && b < hIdx[h]!)) {
            let i = 0;
            for (;;) {
              const l = 2 * i + 1;
              if (l >= k) break;
              let m = l;
              const rr = l + 1;
              if (rr < k) {
                const lk = hKey[h + l]!;
                const rk = hKey[h + rr]!;
                if (rk > lk || (rk === lk && hIdx[h + rr]! > hIdx[h + l]!)) m = rr;
              }
              const mk = hKey[h + m]!;
              if (mk < key || (mk === key && hIdx[h + m]! < b)) break;
              hKey[h + i] = mk;
              hIdx[h + i] = hIdx[h + m]!;
              i = m;
            }
            hKey[h + i] = key;
            hIdx[h + i] = b;
            changed = true;
          }
        }
        if (changed) {
          let thr = 0;
          for (let j = j0; j < j1; j++) {
            const t = hSize[j]! < k ? Infinity : hKey[j * k]!;
            if (t > thr) thr = t;
          }
          lim[r] = thr === Infinity ? Infinity : ((thr * q) / p) * (1 + 1e-12);
        }
      }
    }
    };
    // Projection mode: every receiver of the block has the projection column. Donors missing it
    // are scanned in full; the others in order of |projection difference| outwards from the block,
    // in chunks, stopping a side once (diff)^2 > lim[r] for every receiver r (then the donor's key
    // exceeds every receiver's k-th key, and so does every donor further out on that side).
    let proj = projCol >= 0;
    for (let r = 0; r < bn && proj; r++) if (M[receivers[s0 + r]! * p + projCol] !== 1) proj = false;
    if (!proj) {
      scan(allRows, 0, n);
    } else {
      for (let r = 0; r < bn; r++) pv[r] = X[receivers[s0 + r]! * p + projCol]!;
      scan(restRows, 0, restRows.length);
      const S = sortedRows.length;
      let lo = 0, hi = S;
      const v0 = pv[0]!;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (sortedVal[mid]! < v0) lo = mid + 1; else hi = mid; }
      let right = lo, left = lo; // right scans [right, S), left scans [0, left) downwards
      let rightDone = right >= S, leftDone = left <= 0;
      while (!rightDone || !leftDone) {
        if (!rightDone) {
          const to = Math.min(S, right + CHUNK);
          scan(sortedRows, right, to);
          right = to;
          if (right >= S) rightDone = true;
          else {
            const val = sortedVal[right]!;
            let stop = true;
            for (let r = 0; r < bn && stop; r++) { const d = val - pv[r]!; if (!(d > 0 && d * d > lim[r]!)) stop = false; }
            rightDone = stop;
          }
        }
        if (!leftDone) {
          const from = Math.max(0, left - CHUNK);
          scan(sortedRows, from, left);
          left = from;
          if (left <= 0) leftDone = true;
          else {
            const val = sortedVal[left - 1]!;
            let stop = true;
            for (let r = 0; r < bn && stop; r++) { const d = pv[r]! - val; if (!(d > 0 && d * d > lim[r]!)) stop = false; }
            leftDone = stop;
          }
        }
      }
    }
    const order: number[] = [];
    for (let j = 0; j < mcAll; j++) {
      const size = hSize[j]!;
      const h = j * k;
      order.length = 0;
      for (let i = 0; i < size; i++) order.push(i);
      order.sort((x, y) => hKey[h + x]! - hKey[h + y]! || hIdx[h + x]! - hIdx[h + y]!);
      const o = (blockC0 - base0 + j) * k;
      for (let i = 0; i < size; i++) {
        outIdx[o + i] = hIdx[h + order[i]!]!;
        outDist[o + i] = Math.sqrt(hKey[h + order[i]!]!);
      }
    }
  }
  return { idx: outIdx, dist: outDist };
}

export function columnsByVariance(X: Float64Array, M: Float64Array, n: number, p: number): Int32Array {
  const v = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    let k = 0, mean = 0, m2 = 0;
    for (let i = 0; i < n; i++) {
      if (M[i * p + c] !== 1) continue;
      const x = X[i * p + c]!;
      k++;
      const d = x - mean;
      mean += d / k;
      m2 += d * (x - mean);
    }
    v[c] = k > 1 ? m2 / (k - 1) : 0;
  }
  return Int32Array.from({ length: p }, (_, c) => c).sort((a, b) => v[b]! - v[a]! || a - b);
}
