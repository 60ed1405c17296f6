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

export function knnSearchChunk(data: KnnKernelData, chunk: KnnChunk): KnnChunkResult {
  const { n, p, X, M, T, O, k } = data;
  const { receivers, cellStart, cellTargets } = chunk;
  const nCells = cellStart[receivers.length]! - cellStart[0]!;
  const base0 = cellStart[0]!;
  const outIdx = new Int32Array(nCells * k).fill(-1);
  const outDist = new Float64Array(nCells * k).fill(NaN);
  const pc = new Int32Array(p);
  const xa = new Float64Array(p);
  // Per-cell max-heaps keyed by (key, row); scratch sized for the receiver with most cells.
  let maxCells = 0;
  for (let r = 0; r < receivers.length; r++) maxCells = Math.max(maxCells, cellStart[r + 1]! - cellStart[r]!);
  const hKey = new Float64Array(maxCells * k);
  const hIdx = new Int32Array(maxCells * k);
  const hSize = new Int32Array(maxCells);
  const tOff = new Int32Array(maxCells);

  for (let r = 0; r < receivers.length; r++) {
    const a = receivers[r]!;
    const c0 = cellStart[r]!;
    const mc = cellStart[r + 1]! - c0;
    if (mc === 0) continue;
    let q = 0;
    const aOff = a * p;
    for (let c = 0; c < p; c++) if (M[aOff + c] === 1) { pc[q] = c; xa[q] = X[aOff + c]!; q++; }
    for (let j = 0; j < mc; j++) { hSize[j] = 0; tOff[j] = cellTargets[c0 - base0 + j]!; }
    if (q === 0) continue; // no shared coordinate with anybody: caller falls back to mean / mode
    for (let b = 0; b < n; b++) {
      const oOff = b * T;
      let any = 0;
      for (let j = 0; j < mc; j++) any |= O[oOff + tOff[j]!]!;
      if (any === 0) continue;
      const bOff = b * p;
      let s = 0;
      let cnt = 0;
      for (let u = 0; u < q; u++) {
        const c = pc[u]!;
        const m = M[bOff + c]!;
        const d = xa[u]! - X[bOff + c]!;
        s += m * d * d;
        cnt += m;
      }
      if (cnt === 0) continue;
      const key = (s / cnt) * p;
      for (let j = 0; j < mc; j++) {
        if (O[oOff + tOff[j]!] === 0) continue;
        const h = j * k;
        const size = hSize[j]!;
        if (size < k) {
          // sift up
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
        } else if (key < hKey[h]!) {
          // replace root, sift down
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
        }
      }
    }
    for (let j = 0; j < mc; j++) {
      const size = hSize[j]!;
      const h = j * k;
      const order: number[] = [];
      for (let i = 0; i < size; i++) order.push(i);
      order.sort((x, y) => hKey[h + x]! - hKey[h + y]! || hIdx[h + x]! - hIdx[h + y]!);
      const o = (c0 - base0 + j) * k;
      for (let i = 0; i < size; i++) {
        outIdx[o + i] = hIdx[h + order[i]!]!;
        outDist[o + i] = Math.sqrt(hKey[h + order[i]!]!);
      }
    }
  }
  return { idx: outIdx, dist: outDist };
}
