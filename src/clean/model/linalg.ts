/**
 * Small dense linear algebra on row-major Float64Arrays (p x p symmetric positive definite).
 */

/**
 * In-place Cholesky factorisation A = L L' (lower triangle of `a` overwritten by L; the upper
 * triangle is left untouched). Returns false when a pivot is <= tol * max(diag) (numerically
 * not positive definite).
 */
export function cholesky(a: Float64Array, p: number, relTol = 1e-12): boolean {
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * p + i]!));
  const tol = relTol * (maxDiag || 1);
  for (let j = 0; j < p; j++) {
    let s = a[j * p + j]!;
    for (let k = 0; k < j; k++) s -= a[j * p + k]! * a[j * p + k]!;
    if (!(s > tol)) return false;
    const d = Math.sqrt(s);
    a[j * p + j] = d;
    for (let i = j + 1; i < p; i++) {
      let t = a[i * p + j]!;
      for (let k = 0; k < j; k++) t -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = t / d;
    }
  }
  return true;
}

/** Solve L L' x = b given the Cholesky factor (lower triangle of l). Returns a new array. */
export function cholSolve(l: Float64Array, p: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * p + k]! * y[k]!;
    y[i] = s / l[i * p + i]!;
  }
  return solveLt(l, p, y);
}

/** Solve L' x = y (back substitution with the transpose of the lower factor), in place on a copy. */
export function solveLt(l: Float64Array, p: number, y: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(y as ArrayLike<number>);
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * x[k]!;
    x[i] = s / l[i * p + i]!;
  }
  return x;
}

/**
 * Factor A + ridge * diag(A) (ridge added only if needed when `ridgeOnlyIfSingular`).
 * Returns the factor and the ridge actually used, or null if even the ridged matrix fails.
 */
export function factorWithRidge(
  a: Float64Array,
  p: number,
  ridge: number,
  ridgeOnlyIfSingular: boolean,
): { l: Float64Array; ridgeUsed: number } | null {
  const tries = ridgeOnlyIfSingular ? [0, ridge, 1e-8, 1e-6, 1e-4, 1e-2] : [ridge, 1e-6, 1e-4, 1e-2];
  for (const r of tries) {
    if (ridgeOnlyIfSingular && r > 0 && r < ridge) continue;
    const l = new Float64Array(a);
    for (let i = 0; i < p; i++) l[i * p + i] = a[i * p + i]! * (1 + r) + (a[i * p + i] === 0 ? r : 0);
    if (cholesky(l, p)) return { l, ridgeUsed: r };
  }
  return null;
}
