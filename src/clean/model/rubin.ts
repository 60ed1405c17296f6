/**
 * Rubin's rules for pooling m completed-data estimates of a scalar, as mice's pool().
 *
 * estimates[j] = Q_j (e.g. the mean of a column in completed dataset j), variances[j] = U_j its
 * complete-data sampling variance (for a mean: s_j^2 / n), n = complete-data sample size
 * (complete-data degrees of freedom nu_com = n - 1).
 *
 *   Q_bar = mean(Q_j);  U_bar = mean(U_j);  B = var(Q_j) (denominator m - 1);
 *   T = U_bar + (1 + 1/m) B;  r = (1 + 1/m) B / U_bar;  lambda = (1 + 1/m) B / T;
 *   Barnard-Rubin: nu_old = (m - 1) / lambda^2;  nu_obs = (nu_com + 1)/(nu_com + 3) nu_com (1 - lambda);
 *   nu = nu_old nu_obs / (nu_old + nu_obs);  fmi = (r + 2/(nu + 3)) / (r + 1).
 * As in mice (barnard.rubin), lambda is floored at 1e-4 before computing nu, so nu stays finite
 * when B = 0.
 */
export interface PooledEstimate {
  m: number;
  /** Pooled estimate Q_bar. */
  estimate: number;
  /** Within-imputation variance U_bar. */
  ubar: number;
  /** Between-imputation variance B. */
  b: number;
  /** Total variance T. */
  t: number;
  /** Standard error sqrt(T). */
  se: number;
  /** Barnard-Rubin degrees of freedom. */
  df: number;
  /** Relative increase in variance due to nonresponse r. */
  riv: number;
  /** Proportion of the total variance due to missingness lambda (unfloored). */
  lambda: number;
  /** Fraction of missing information. */
  fmi: number;
}

export function rubinPool(estimates: ArrayLike<number>, variances: ArrayLike<number>, n: number): PooledEstimate {
  const m = estimates.length;
  if (m < 2) throw new RangeError('rubinPool: pooling needs at least 2 imputations (m >= 2)');
  if (variances.length !== m) throw new RangeError('rubinPool: estimates and variances differ in length');
  if (!(n >= 2)) throw new RangeError('rubinPool: n must be >= 2');
  let qbar = 0;
  let ubar = 0;
  for (let j = 0; j < m; j++) { qbar += estimates[j]!; ubar += variances[j]!; }
  qbar /= m;
  ubar /= m;
  let b = 0;
  for (let j = 0; j < m; j++) b += (estimates[j]! - qbar) ** 2;
  b /= m - 1;
  const t = ubar + (1 + 1 / m) * b;
  const riv = b === 0 ? 0 : ((1 + 1 / m) * b) / ubar;
  const lambda = t === 0 ? 0 : ((1 + 1 / m) * b) / t;
  const dfcom = n - 1;
  const lam = Math.max(lambda, 1e-4);
  const dfold = (m - 1) / (lam * lam);
  const dfobs = ((dfcom + 1) / (dfcom + 3)) * dfcom * (1 - lam);
  const df = (dfold * dfobs) / (dfold + dfobs);
  const fmi = (riv + 2 / (df + 3)) / (riv + 1);
  return { m, estimate: qbar, ubar, b, t, se: Math.sqrt(t), df, riv, lambda, fmi };
}
