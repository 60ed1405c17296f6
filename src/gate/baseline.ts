/**
 * Comparing a report with a baseline report (`--baseline old.json`).
 *
 * Rules (ids):
 * - baseline.score.<overall|dimension>: a score may drop at most `maxScoreDrop` points (default 5);
 * - baseline.rows: the row count may drop at most `maxRowDrop` of the baseline's (default 10%);
 * - baseline.<column>.vanished (error), baseline.<column>.new (warn): columns removed / added;
 * - baseline.<column>.type: the inferred type changed (error);
 * - baseline.<column>.missing: the missing rate rose more than `maxMissingRise` (default 5 points);
 * - baseline.<column>.drift: distribution drift by the population stability index,
 *   PSI = Σ (p − q)·ln(p / q) over bins (proportions floored at 1e-4). Numeric columns use the baseline's
 *   histogram edges (the current histogram is re-binned onto them, assuming values spread evenly within a bin,
 *   plus one bin below and one above the baseline's range); other columns use `top` values (categories known
 *   on both sides, everything else in one "other" bin). PSI > 0.2 fails, > 0.1 warns (the usual reading:
 *   < 0.1 no significant change, 0.1–0.2 moderate, > 0.2 significant). The Kolmogorov–Smirnov statistic
 *   (largest gap between the two cumulative distributions on the same bins) is reported alongside and judged
 *   only when ksWarn / ksFail are set.
 * A baseline scored with another `scoring.version` is refused (ConfigError, exit 2): scores would not compare.
 */
import { DIMENSIONS, type ColumnProfile, type Report, type RuleResult } from '../core/types.js';
import { ConfigError } from '../errors.js';
import { DEFAULT_TOLERANCES, type BaselineTolerances } from '../config/types.js';

const EPS = 1e-4;

function rr(id: string, column: string | null, status: RuleResult['status'], message: string, count: number | null, severity: 'warn' | 'error' = 'error'): RuleResult {
  return { id, column, status, severity, message, count, examples: [] };
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** Counts of a histogram re-binned onto `edges`: [below, bin 1..k, above]. */
export function rebin(src: { edges: number[]; counts: number[] }, edges: number[]): number[] {
  const k = edges.length - 1;
  const out = new Array<number>(k + 2).fill(0);
  const first = edges[0]!;
  const last = edges[k]!;
  const pointBin = (x: number): number => {
    if (x < first) return 0;
    if (x > last) return k + 1;
    // binary search: edges[j] <= x < edges[j+1], the last bin includes its right edge
    let lo = 0;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edges[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  for (let i = 0; i < src.counts.length; i++) {
    const n = src.counts[i]!;
    if (!n) continue;
    const a = src.edges[i]!;
    const b = src.edges[i + 1] ?? a;
    if (!(b > a)) {
      out[pointBin(a)]! += n;
      continue;
    }
    const w = b - a;
    // below, bins, above as intervals
    const lo = [-Infinity, ...edges];
    const hi = [...edges, Infinity];
    for (let j = 0; j < k + 2; j++) {
      const ov = Math.min(b, hi[j]!) - Math.max(a, lo[j]!);
      if (ov > 0) out[j]! += (n * ov) / w;
    }
  }
  return out;
}

/** PSI and KS of current counts `c` against baseline counts `b` on the same bins. */
export function psiKs(c: number[], b: number[]): { psi: number; ks: number } {
  const sc = c.reduce((s, x) => s + x, 0);
  const sb = b.reduce((s, x) => s + x, 0);
  if (sc === 0 || sb === 0) return { psi: sc === sb ? 0 : Infinity, ks: sc === sb ? 0 : 1 };
  let psi = 0;
  let ks = 0;
  let cc = 0;
  let cb = 0;
  for (let i = 0; i < c.length; i++) {
    const p = Math.max(c[i]! / sc, EPS);
    const q = Math.max(b[i]! / sb, EPS);
    if (c[i]! > 0 || b[i]! > 0) psi += (p - q) * Math.log(p / q);
    cc += c[i]! / sc;
    cb += b[i]! / sb;
    ks = Math.max(ks, Math.abs(cc - cb));
  }
  return { psi, ks };
}

function sameEdges(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Bins for a drift comparison, or a reason why there are none. */
export function driftBins(cur: ColumnProfile, base: ColumnProfile): { c: number[]; b: number[]; via: 'histogram' | 'top' } | string {
  if (base.histogram && cur.histogram && base.histogram.edges.length >= 2) {
    const b = [0, ...base.histogram.counts, 0];
    const c = sameEdges(cur.histogram.edges, base.histogram.edges) ? [0, ...cur.histogram.counts, 0] : rebin(cur.histogram, base.histogram.edges);
    return { c, b, via: 'histogram' };
  }
  if (base.top.length && cur.top.length) {
    const bMap = new Map(base.top.map((t) => [t.value, t.count]));
    const cMap = new Map(cur.top.map((t) => [t.value, t.count]));
    const bComplete = base.top.reduce((s, t) => s + t.count, 0) >= base.count;
    const cComplete = cur.top.reduce((s, t) => s + t.count, 0) >= cur.count;
    const b: number[] = [];
    const c: number[] = [];
    let bSep = 0;
    let cSep = 0;
    for (const v of new Set([...bMap.keys(), ...cMap.keys()])) {
      const bv = bMap.get(v) ?? (bComplete ? 0 : null);
      const cv = cMap.get(v) ?? (cComplete ? 0 : null);
      if (bv === null || cv === null) continue;
      b.push(bv);
      c.push(cv);
      bSep += bv;
      cSep += cv;
    }
    b.push(Math.max(0, base.count - bSep));
    c.push(Math.max(0, cur.count - cSep));
    return { c, b, via: 'top' };
  }
  return base.histogram || cur.histogram ? 'only one side has a histogram' : 'neither a histogram nor top values to compare';
}

export function compareBaseline(current: Report, baseline: Report, tolerances: Partial<BaselineTolerances> = {}, baselineFile?: string): RuleResult[] {
  const t = { ...DEFAULT_TOLERANCES, ...tolerances };
  if (current.scoring.version !== baseline.scoring.version) {
    throw new ConfigError(
      `the baseline was scored with scoring version ${baseline.scoring.version}, this dq scores with version ${current.scoring.version}; ` +
        're-create the baseline with this version of dq (scores of different versions do not compare)',
      baselineFile,
    );
  }
  const out: RuleResult[] = [];
  for (const k of ['overall', ...DIMENSIONS] as const) {
    const b = baseline.scores[k];
    const c = current.scores[k];
    if (b === null || b === undefined) continue;
    const id = `baseline.score.${k}`;
    if (c === null || c === undefined) {
      out.push(rr(id, null, 'failed', `${k} score could not be computed (baseline ${b})`, null));
      continue;
    }
    const drop = b - c;
    out.push(
      rr(id, null, drop > t.maxScoreDrop ? 'failed' : 'passed', `${k} score ${round(c, 2)} vs baseline ${round(b, 2)} (drop ${round(drop, 2)}, allowed ${t.maxScoreDrop})`, round(drop, 2)),
    );
  }
  {
    const drop = baseline.rows > 0 ? (baseline.rows - current.rows) / baseline.rows : 0;
    out.push(
      rr('baseline.rows', null, drop > t.maxRowDrop ? 'failed' : 'passed', `${current.rows} rows vs baseline ${baseline.rows} (drop ${round(drop * 100, 2)}%, allowed ${round(t.maxRowDrop * 100, 2)}%)`, current.rows),
    );
  }
  const curCols = new Map(current.columns.map((c) => [c.name, c]));
  const baseCols = new Map(baseline.columns.map((c) => [c.name, c]));
  for (const b of baseline.columns) {
    const c = curCols.get(b.name);
    const p = `baseline.${b.name}`;
    if (!c) {
      out.push(rr(`${p}.vanished`, b.name, 'failed', `column ${b.name} is in the baseline but not in the data`, null));
      continue;
    }
    out.push(rr(`${p}.type`, b.name, c.type === b.type ? 'passed' : 'failed', c.type === b.type ? `type ${c.type}` : `type changed from ${b.type} to ${c.type}`, null));
    const rate = (x: ColumnProfile) => (x.count + x.missing > 0 ? x.missing / (x.count + x.missing) : 0);
    const rise = rate(c) - rate(b);
    out.push(
      rr(`${p}.missing`, b.name, rise > t.maxMissingRise ? 'failed' : 'passed', `missing ${round(rate(c) * 100, 2)}% vs baseline ${round(rate(b) * 100, 2)}% (allowed rise ${round(t.maxMissingRise * 100, 2)} points)`, c.missing),
    );
    if (c.count === 0 && b.count === 0) {
      out.push(rr(`${p}.drift`, b.name, 'passed', 'no values on either side', 0));
      continue;
    }
    const bins = driftBins(c, b);
    if (typeof bins === 'string') {
      out.push(rr(`${p}.drift`, b.name, 'failed', `distribution drift could not be evaluated: ${bins}`, null));
      continue;
    }
    const { psi, ks } = psiKs(bins.c, bins.b);
    let status: RuleResult['status'] = psi > t.psiFail ? 'failed' : psi > t.psiWarn ? 'warned' : 'passed';
    if (t.ksFail !== null && ks > t.ksFail) status = 'failed';
    else if (t.ksWarn !== null && ks > t.ksWarn && status === 'passed') status = 'warned';
    const psiText = Number.isFinite(psi) ? String(round(psi)) : 'inf';
    out.push({
      ...rr(`${p}.drift`, b.name, status, `PSI ${psiText} (warn > ${t.psiWarn}, fail > ${t.psiFail}), KS ${round(ks)} on ${bins.via}`, Number.isFinite(psi) ? round(psi) : null),
      severity: status === 'warned' ? 'warn' : 'error',
    });
  }
  for (const c of current.columns) {
    if (!baseCols.has(c.name)) out.push(rr(`baseline.${c.name}.new`, c.name, 'warned', `column ${c.name} is new (not in the baseline)`, null, 'warn'));
  }
  return out;
}
