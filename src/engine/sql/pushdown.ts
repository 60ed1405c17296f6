/**
 * The pushdown compiler: the checker plan as a few wide aggregate queries per dialect.
 *
 *   cells   SELECT text of every column, kind code (classify.ts), number, epoch      (a subquery, never stored)
 *   phase 1 per column: counts by kind, codes, control characters, exact distinct parts, moments, min/max
 *   phase 2 per numeric column: exact order statistics around the quartiles and the median, histogram bins;
 *           per date column: the text of the earliest/latest value
 *   phase 3 outlier counts (Tukey, z-score) and the order statistics of |x - median| (MAD, raw and log)
 *   phase 4 counts outside the MAD fence and the accuracy scoring fence
 *   then    top values, duplicates (GROUP BY every column), missingness patterns, rules, examples
 *
 * Rows become the same ColumnProfile/ColumnDetail the streaming profile produces, and the real checkers'
 * finalize functions (missingness, noise, outliers, rules) turn them into findings, tallies and metrics, so
 * messages and scores are computed by the same code as the streaming audit.
 */
import { Kind, type AuditOptions, type ColumnProfile, type ColumnType, type Example } from '../../core/types.js';
import { fitsKinds, typeFromCounts, type ColumnDetail } from '../../checks/profile.js';
import { cellArray, cellNumber, type Cell, type SqlClient } from './clients.js';
import { classifier, classOfType, type Classifier, type ColumnClass } from './classify.js';

const HIST_BINS = 20;
const TWO53 = 2 ** 53;

export interface Col {
  name: string;
  sqlType: string;
  cls: ColumnClass;
  /** Aliases in the cells subquery. */
  v: string;
  k: string;
  n: string;
  /** Epoch ms (the parser's reading), the other reading of ambiguous slash dates, slash-date evidence (1 day-first only, 2 month-first only, 3 ambiguous). */
  e: string;
  e2: string;
  ev: string;
}

export interface Ctx {
  client: SqlClient;
  c: Classifier;
  cols: Col[];
  /** SELECT ... FROM relation with v_i, k_i, n_i, e_i. */
  cells: string;
  /** ORDER BY for deterministic examples. */
  orderBy: string;
  rows: number;
  queries: number;
}

export function buildCtx(client: SqlClient, described: { name: string; type: string }[], options: AuditOptions): Ctx {
  const c = classifier(client.engine);
  const d = c.d;
  const cols: Col[] = described.map((x, i) => ({ name: x.name, sqlType: x.type, cls: classOfType(x.type), v: `v${i}`, k: `k${i}`, n: `n${i}`, e: `e${i}`, e2: `g${i}`, ev: `w${i}` }));
  const na = [...options.naValues];
  const text = (col: Col) => col.cls === 'text';
  const raw = (col: Col) => (col.cls === 'number' ? `r${col.v}, ` : '');
  const l0 = cols.map((col) => {
    const r = d.ident(col.name);
    return col.cls === 'text' && /^(VARCHAR|TEXT|STRING|NULLABLE\(STRING\)|CHARACTER VARYING.*)$/i.test(col.sqlType)
      ? `${r} AS ${col.v}`
      : `${d.toText(r)} AS ${col.v}, ${r} AS r${col.v}`;
  });
  // date parts of text columns: raw numbers, then month/day, then the kind, then numbers and epochs
  const dp = (col: Col) => ({ f: `f${col.v}`, y: `y${col.v}`, p: `p${col.v}`, q: `q${col.v}` });
  const l1 = cols.map((col) => {
    if (!text(col)) return `${col.v}, ${raw(col)}${col.cls === 'bool' ? `r${col.v}` : ''}`.replace(/, $/, '');
    const r = c.dateRaw(col.v);
    return `${col.v}, ${r.f} AS f${col.v}, ${r.y} AS y${col.v}, ${r.a1} AS a1${col.v}, ${r.a2} AS a2${col.v}, ${r.a3} AS a3${col.v}, ${r.mo} AS mo${col.v}`;
  });
  const l2 = cols.map((col) => {
    if (!text(col)) return `${col.v}, ${raw(col)}${col.cls === 'bool' ? `r${col.v}` : ''}`.replace(/, $/, '');
    const { p, q } = c.datePQ(`f${col.v}`, `a1${col.v}`, `a2${col.v}`, `a3${col.v}`, `mo${col.v}`);
    return `${col.v}, f${col.v}, y${col.v}, ${p} AS p${col.v}, ${q} AS q${col.v}`;
  });
  const l3 = cols.map((col) => {
    let kind: string;
    if (col.cls === 'text') kind = c.kind(col.v, na, dp(col));
    else if (col.cls === 'bool') kind = `(CASE WHEN r${col.v} IS NULL THEN 0 ELSE 3 END)`;
    else {
      const r = d.toDouble(`r${col.v}`);
      // NaN is missing; integer-valued numbers are integers (as Number.isInteger in the value parser)
      kind = `(CASE WHEN r${col.v} IS NULL THEN 0 WHEN NOT (${r} = ${r}) THEN 0 WHEN ${r} = floor(${r}) AND abs(${r}) < ${d.num(Infinity)} THEN 1 ELSE 2 END)`;
    }
    if (!text(col)) return `${col.v}, ${raw(col)}${kind} AS ${col.k}`;
    const rd = c.readable(dp(col));
    return `${col.v}, f${col.v}, y${col.v}, p${col.v}, q${col.v}, ${rd.mf} AS mf${col.v}, ${rd.df} AS df${col.v}, ${kind} AS ${col.k}`;
  });
  const l4 = cols.map((col) => {
    const num = col.cls === 'number' ? d.toDouble(`r${col.v}`) : c.number(col.v);
    const n = `(CASE WHEN ${col.k} IN (1, 2) THEN ${num} END)`;
    if (!text(col)) return `${col.v}, ${col.k}, ${n} AS ${col.n}`;
    const r = c.dates(col.v, col.k, dp(col), options.dayFirst, { mf: `mf${col.v}`, df: `df${col.v}` });
    return `${col.v}, ${col.k}, ${n} AS ${col.n}, y${col.v}, ${r.m1} AS m1${col.v}, ${r.d1} AS d1${col.v}, ${r.m2} AS m2${col.v}, ${r.d2} AS d2${col.v}, ${r.tm} AS t${col.v}, ${r.ev} AS ${col.ev}`;
  });
  const l5 = cols.map((col) => {
    if (!text(col)) return `${col.v}, ${col.k}, ${col.n}, ${c.x.nullDouble} AS ${col.e}, ${c.x.nullDouble} AS ${col.e2}, 0 AS ${col.ev}`;
    const y = `y${col.v}`;
    const t = `t${col.v}`;
    return `${col.v}, ${col.k}, ${col.n}, ${c.epoch(col.k, y, `m1${col.v}`, `d1${col.v}`, t)} AS ${col.e}, ${c.epoch(col.k, y, `m2${col.v}`, `d2${col.v}`, t)} AS ${col.e2}, ${col.ev}`;
  });
  // PostgreSQL would pull the layers up into one expression, repeating each alias's SQL at every use: OFFSET 0 keeps them apart
  const fence = client.engine === 'postgres' ? ' OFFSET 0' : '';
  const cells =
    `SELECT ${l5.join(', ')} FROM (SELECT ${l4.join(', ')} FROM (SELECT ${l3.join(', ')} FROM (SELECT ${l2.join(', ')} FROM (SELECT ${l1.join(', ')} FROM (SELECT ${l0.join(', ')} FROM ${client.relation}${fence}) AS s0${fence}) AS s1${fence}) AS s2${fence}) AS s3${fence}) AS s4`;
  const keyCols = options.keyColumns?.length ? cols.filter((x) => options.keyColumns!.includes(x.name)) : [];
  const order = (keyCols.length ? keyCols : cols).map((x) => d.collate(x.v));
  return { client, c, cols, cells, orderBy: order.join(', '), rows: 0, queries: 0 };
}

export async function run(ctx: Ctx, sql: string): Promise<Cell[][]> {
  ctx.queries++;
  const t0 = Date.now();
  const r = await ctx.client.query(sql);
  if (process.env.DQ_SQL_DEBUG) process.stderr.write(`-- ${ctx.client.engine} ${Date.now() - t0} ms\n${process.env.DQ_SQL_DEBUG === '2' ? sql + '\n' : sql.slice(0, 100) + '\n'}`);
  return r;
}

/** One aggregate row over the cells. */
async function aggregate(ctx: Ctx, exprs: string[]): Promise<Cell[]> {
  if (exprs.length === 0) return [];
  const rows = await run(ctx, `SELECT ${exprs.join(', ')} FROM (${ctx.cells}) AS s`);
  return rows[0] ?? [];
}

/** Phase-1 facts about one column. */
export interface ColFacts {
  kinds: number[];
  codes: number;
  control: number;
  distinct: number;
  nNum: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  tMin: string | null;
  tMax: string | null;
  eMin: number | null;
  eMax: number | null;
  /** Slash dates that can only be day-first, only month-first, and ambiguous ones with two readings. */
  dayEv: number;
  monthEv: number;
  ambiguous: number;
  /** Date range under the other reading of ambiguous slash dates (the profile's B range). */
  e2Min: number | null;
  e2Max: number | null;
}

export async function phase1(ctx: Ctx): Promise<{ rows: number; facts: ColFacts[] }> {
  const { d } = ctx.c;
  const ex: string[] = [d.agg('count', '*', null)];
  const per = 25;
  for (const col of ctx.cols) {
    for (let k = 0; k <= 6; k++) ex.push(d.agg('count', '*', `${col.k} = ${k}`));
    ex.push(d.agg('count', '*', `${col.k} = 6 AND ${d.rx(col.v, '^0[0-9]+$')}`));
    ex.push(d.agg('count', '*', `${col.k} = 6 AND ${d.rx(col.v, ctx.c.controlRx)}`));
    const num = `${col.k} IN (1, 2)`;
    const small = `abs(${col.n}) <= ${d.num(TWO53)}`;
    ex.push(
      `${d.agg('countDistinct', col.n, `${num} AND ${small}`)} + ${d.agg('countDistinct', col.v, `${num} AND NOT (${small})`)} + ` +
        `${d.agg('countDistinct', `${d.lower(col.v)} IN ('true', 'yes', '1')`, `${col.k} = 3`)} + ${d.agg('countDistinct', col.v, `${col.k} >= 4`)}`,
    );
    const fin = `${num} AND abs(${col.n}) < ${d.num(Infinity)}`;
    ex.push(d.agg('min', col.n, num), d.agg('max', col.n, num), d.agg('avg', col.n, fin), d.agg('stddev', col.n, fin));
    ex.push(d.agg('min', d.collate(col.v), `${col.k} > 0`), d.agg('max', d.collate(col.v), `${col.k} > 0`));
    ex.push(d.agg('min', col.e, `${col.k} IN (4, 5)`), d.agg('max', col.e, `${col.k} IN (4, 5)`));
    ex.push(d.agg('count', '*', `${num} AND ${col.n} = ${d.num(Infinity)}`), d.agg('count', '*', `${num} AND ${col.n} = ${d.num(-Infinity)}`));
    if (col.cls === 'text') {
      for (const ev of [1, 2, 3]) ex.push(d.agg('count', '*', `${col.ev} = ${ev}`));
      ex.push(d.agg('min', col.e2, `${col.k} IN (4, 5)`), d.agg('max', col.e2, `${col.k} IN (4, 5)`));
    } else ex.push('0', '0', '0', d.agg('min', col.e2, null), d.agg('max', col.e2, null));
  }
  const r = await aggregate(ctx, ex);
  const rows = cellNumber(r[0]) ?? 0;
  const facts = ctx.cols.map((_, i): ColFacts => {
    const o = 1 + i * per;
    const g = (j: number) => cellNumber(r[o + j]);
    const kinds = [0, 1, 2, 3, 4, 5, 6].map((k) => g(k) ?? 0);
    const nNum = kinds[1]! + kinds[2]!;
    const pinf = g(18) ?? 0;
    const ninf = g(19) ?? 0;
    // infinite values make the compensated sum, the mean and the variance NaN, as in the moments of the profile
    const mean = pinf || ninf ? NaN : g(12);
    const std = pinf || ninf ? NaN : g(13);
    return {
      kinds,
      codes: g(7) ?? 0,
      control: g(8) ?? 0,
      distinct: g(9) ?? 0,
      nNum,
      min: nNum ? g(10) : null,
      max: nNum ? g(11) : null,
      mean: nNum ? mean : null,
      std: nNum > 1 ? std : null,
      tMin: r[o + 14] ?? null,
      tMax: r[o + 15] ?? null,
      eMin: g(16),
      eMax: g(17),
      dayEv: g(20) ?? 0,
      monthEv: g(21) ?? 0,
      ambiguous: g(22) ?? 0,
      e2Min: g(23),
      e2Max: g(24),
    };
  });
  return { rows, facts };
}

/** numpy's linear interpolation from the two neighbouring order statistics (quantileSorted). */
export function lerpQuantile(at: (rank: number) => number, n: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = at(lo);
  const b = at(hi);
  const t = h - lo;
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

function quantileRanks(n: number): number[] {
  const s = new Set<number>();
  for (const p of [0.25, 0.75]) {
    const lo = Math.floor((n - 1) * p);
    s.add(lo);
    s.add(Math.min(lo + 1, n - 1));
  }
  for (const r of medianRanks(n)) s.add(r);
  return [...s].sort((a, b) => a - b);
}

function medianRanks(n: number): number[] {
  return n % 2 === 1 ? [(n - 1) / 2] : [n / 2 - 1, n / 2];
}

function medianOf(at: (r: number) => number, n: number): number {
  return n % 2 === 1 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}

/** What profile finalize would compute, from pushed-down facts. */
export interface Built {
  profiles: ColumnProfile[];
  details: ColumnDetail[];
}

const emptyScores = () => ({ overall: null, completeness: null, validity: null, accuracy: null, consistency: null, uniqueness: null, timeliness: null });

/** inferType of src/checks/profile.ts, from counts. */
export function inferTypeFrom(name: string, f: ColFacts, rows: number, o: AuditOptions): ColumnType {
  return typeFromCounts(name, f.kinds, rows, f.codes, () => f.distinct, o);
}

/** Phases 2-4 and top values: profiles and details as finalizeColumn builds them (exact mode). */
export async function buildProfiles(ctx: Ctx, rows: number, facts: ColFacts[], o: AuditOptions): Promise<Built> {
  const { d, x } = ctx.c;
  const types = ctx.cols.map((col, i) => inferTypeFrom(col.name, facts[i]!, rows, o));
  const numeric = types.map((t) => t === 'integer' || t === 'float');

  // slash-date order per date column, as finalizeColumn: which reading gives the range
  const dates = ctx.cols.map((_, i) => {
    const f = facts[i]!;
    if (types[i] !== 'date' && types[i] !== 'datetime') return { dateOrder: null, dayFirst: null, useB: false };
    let dateOrder: ColumnDetail['dateOrder'] = null;
    if (f.dayEv > 0 && f.monthEv > 0) dateOrder = 'mixed';
    else if (f.dayEv > 0) dateOrder = 'day-first';
    else if (f.monthEv > 0) dateOrder = 'month-first';
    else if (f.ambiguous > 0) dateOrder = 'ambiguous';
    const optDay = o.dayFirst === true;
    const useB = dateOrder === 'day-first' ? !optDay : dateOrder === 'month-first' ? optDay : false;
    const dayFirst = dateOrder === 'day-first' ? true : dateOrder === 'month-first' ? false : optDay ? true : null;
    return { dateOrder, dayFirst, useB };
  });

  // phase 2: order statistics, histograms, date min/max texts
  const p2: string[] = [];
  const p2map: { i: number; what: 'os' | 'hist' | 'dmin' | 'dmax'; ranks?: number[]; edges?: number[] }[] = [];
  ctx.cols.forEach((col, i) => {
    const f = facts[i]!;
    const num = `${col.k} IN (1, 2)`;
    if (numeric[i] && f.nNum > 0) {
      const ranks = quantileRanks(f.nNum);
      p2.push(d.orderStats(col.n, num, ranks, f.nNum));
      p2map.push({ i, what: 'os', ranks });
      const lo = f.min!;
      const hi = f.max!;
      if (Number.isFinite(lo) && Number.isFinite(hi) && lo !== hi) {
        const width = (hi - lo) / HIST_BINS;
        const bin = d.floor(`(${col.n} - ${d.num(lo)}) / ${d.num(width)}`);
        for (let b = 0; b < HIST_BINS; b++) p2.push(d.agg('count', '*', `${num} AND ${bin} ${b === HIST_BINS - 1 ? '>=' : '='} ${b}`));
        p2map.push({ i, what: 'hist', edges: Array.from({ length: HIST_BINS + 1 }, (_, j) => (j === HIST_BINS ? hi : lo + j * width)) });
      }
    }
    if ((types[i] === 'date' || types[i] === 'datetime') && f.eMin !== null) {
      const [e, lo, hi] = dates[i]!.useB ? [col.e2, f.e2Min!, f.e2Max!] : [col.e, f.eMin, f.eMax!];
      p2.push(d.agg('min', d.collate(col.v), `${col.k} IN (4, 5) AND ${e} = ${d.num(lo)}`));
      p2map.push({ i, what: 'dmin' });
      p2.push(d.agg('max', d.collate(col.v), `${col.k} IN (4, 5) AND ${e} = ${d.num(hi)}`));
      p2map.push({ i, what: 'dmax' });
    }
  });
  const r2 = await aggregate(ctx, p2);
  const os = new Map<number, Map<number, number>>();
  const hist = new Map<number, { edges: number[]; counts: number[] }>();
  const dminmax = new Map<number, { min: string | null; max: string | null }>();
  {
    let j = 0;
    for (const m of p2map) {
      if (m.what === 'os') {
        const vals = cellArray(r2[j++]);
        os.set(m.i, new Map(m.ranks!.map((rk, z) => [rk, vals[z] as number])));
      } else if (m.what === 'hist') {
        const counts: number[] = [];
        for (let b = 0; b < HIST_BINS; b++) counts.push(cellNumber(r2[j++]) ?? 0);
        hist.set(m.i, { edges: m.edges!, counts });
      } else {
        const cur = dminmax.get(m.i) ?? { min: null, max: null };
        cur[m.what === 'dmin' ? 'min' : 'max'] = r2[j++] ?? null;
        dminmax.set(m.i, cur);
      }
    }
  }

  // quartiles, fences
  interface NumState {
    p25: number;
    med: number;
    p75: number;
    identifierLike: boolean;
    fences: ColumnDetail['fences'];
    useLog: boolean;
    iqrCount?: number;
    zCount?: number;
    mad?: number;
    lmad?: number;
  }
  const ns = new Map<number, NumState>();
  ctx.cols.forEach((col, i) => {
    const f = facts[i]!;
    const m = os.get(i);
    if (!numeric[i] || !m) return;
    const at = (r: number) => m.get(r)!;
    const p25 = lerpQuantile(at, f.nNum, 0.25);
    const p75 = lerpQuantile(at, f.nNum, 0.75);
    const med = medianOf(at, f.nNum);
    const count = rows - f.kinds[0]!;
    const identifierLike = types[i] === 'integer' && count >= 20 && f.distinct === count;
    const fences: ColumnDetail['fences'] = { iqr: null, zscore: null, mad: null };
    let useLog = false;
    if (!identifierLike) {
      const iqr = p75 - p25;
      fences.iqr = [p25 - 1.5 * iqr, p75 + 1.5 * iqr];
      if (f.std !== null && f.std > 0 && f.mean !== null) fences.zscore = [f.mean - 3 * f.std, f.mean + 3 * f.std];
      const bowley = iqr > 0 ? (p75 + p25 - 2 * med) / iqr : 0;
      useLog = f.min! > 0 && bowley > 0.2;
    }
    ns.set(i, { p25, med, p75, identifierLike, fences, useLog });
  });

  // phase 3: Tukey and z-score counts, MAD order statistics
  const outside = (col: Col, lo: number, hi: number) => d.agg('count', '*', `${col.k} IN (1, 2) AND (${col.n} < ${d.num(lo)} OR ${col.n} > ${d.num(hi)})`);
  const p3: string[] = [];
  const p3map: { i: number; what: 'iqr' | 'z' | 'mad' | 'lmad' }[] = [];
  for (const [i, s] of ns) {
    if (s.identifierLike) continue;
    const col = ctx.cols[i]!;
    const n = facts[i]!.nNum;
    p3.push(outside(col, s.fences.iqr![0], s.fences.iqr![1]));
    p3map.push({ i, what: 'iqr' });
    if (s.fences.zscore) {
      p3.push(outside(col, s.fences.zscore[0], s.fences.zscore[1]));
      p3map.push({ i, what: 'z' });
    }
    p3.push(d.orderStats(`abs(${col.n} - ${d.num(s.med)})`, `${col.k} IN (1, 2)`, medianRanks(n), n));
    p3map.push({ i, what: 'mad' });
    if (s.useLog) {
      const lmed = Math.log(s.med);
      p3.push(d.orderStats(`abs(${x.ln(`${x.iff(`${col.n} > 0`, col.n, d.num(1))}`)} - ${d.num(lmed)})`, `${col.k} IN (1, 2)`, medianRanks(n), n));
      p3map.push({ i, what: 'lmad' });
    }
  }
  const r3 = await aggregate(ctx, p3);
  p3map.forEach((m, j) => {
    const s = ns.get(m.i)!;
    const n = facts[m.i]!.nNum;
    if (m.what === 'iqr') s.iqrCount = cellNumber(r3[j]) ?? 0;
    else if (m.what === 'z') s.zCount = cellNumber(r3[j]) ?? 0;
    else {
      const vals = cellArray(r3[j]);
      const v = n % 2 === 1 ? (vals[0] as number) : ((vals[0] as number) + (vals[1] as number)) / 2;
      if (m.what === 'mad') s.mad = v;
      else s.lmad = v;
    }
  });

  // phase 4: robust fence counts
  const p4: string[] = [];
  const p4map: { i: number; what: 'mad' | 'score' }[] = [];
  const scoring = new Map<number, { lo: number; hi: number; log: boolean }>();
  for (const [i, s] of ns) {
    if (s.identifierLike) continue;
    const col = ctx.cols[i]!;
    if (s.mad !== undefined && s.mad > 0) s.fences.mad = [s.med - (3.5 * s.mad) / 0.6745, s.med + (3.5 * s.mad) / 0.6745];
    if (s.fences.mad) {
      p4.push(outside(col, s.fences.mad[0], s.fences.mad[1]));
      p4map.push({ i, what: 'mad' });
    }
    let fence: { lo: number; hi: number; log: boolean } | null = null;
    if (s.useLog) {
      const lmed = Math.log(s.med);
      if (s.lmad !== undefined && s.lmad > 0) fence = { lo: Math.exp(lmed - (3.5 * s.lmad) / 0.6745), hi: Math.exp(lmed + (3.5 * s.lmad) / 0.6745), log: true };
    } else if (s.fences.mad) fence = { lo: s.fences.mad[0], hi: s.fences.mad[1], log: false };
    if (fence) {
      scoring.set(i, fence);
      p4.push(outside(col, fence.lo, fence.hi));
      p4map.push({ i, what: 'score' });
    }
  }
  const r4 = await aggregate(ctx, p4);
  const madCount = new Map<number, number>();
  const scoreCount = new Map<number, number>();
  p4map.forEach((m, j) => (m.what === 'mad' ? madCount : scoreCount).set(m.i, cellNumber(r4[j]) ?? 0));

  const tops = await topValues(ctx, facts);

  const profiles: ColumnProfile[] = [];
  const details: ColumnDetail[] = [];
  ctx.cols.forEach((col, i) => {
    const f = facts[i]!;
    const type = types[i]!;
    const missing = f.kinds[0]!;
    const count = rows - missing;
    const ok = new Set(fitsKinds(type));
    const noiseKinds = new Array(7).fill(0);
    let noise = 0;
    for (let k = 1; k < 7; k++)
      if (!ok.has(k)) {
        noiseKinds[k] = f.kinds[k]!;
        noise += f.kinds[k]!;
      }
    const notes: string[] = [];
    let min: number | string | null = null;
    let max: number | string | null = null;
    let outliers: ColumnProfile['outliers'] = null;
    let identifierLike = false;
    let fences: ColumnDetail['fences'] = { iqr: null, zscore: null, mad: null };
    let scoringFence: ColumnDetail['scoringFence'] = null;
    let scoringOutliers: number | null = null;
    const s = ns.get(i);
    if (numeric[i]) {
      if (f.nNum > 0) {
        min = f.min;
        max = f.max;
      }
      if (s) {
        identifierLike = s.identifierLike;
        if (identifierLike) notes.push('identifier-like (unique integers): excluded from outlier checks');
        else {
          fences = s.fences;
          outliers = { iqr: s.iqrCount ?? 0, zscore: s.fences.zscore ? (s.zCount ?? 0) : 0, mad: s.fences.mad ? (madCount.get(i) ?? 0) : null };
          if (s.mad === 0) notes.push('MAD is 0: the robust outlier rule is not assessable');
          scoringFence = scoring.get(i) ?? null;
          scoringOutliers = scoringFence ? (scoreCount.get(i) ?? 0) : null;
        }
      }
    } else if (type === 'date' || type === 'datetime') {
      const mm = dminmax.get(i);
      min = mm?.min ?? null;
      max = mm?.max ?? null;
      const dt = dates[i]!;
      if (dt.dateOrder === 'ambiguous') notes.push('slash dates are ambiguous (no day above 12): read as ' + (o.dayFirst ? 'day-first' : 'month-first'));
      if (dt.dateOrder === 'mixed') notes.push('slash dates are both day-first and month-first');
    } else if (type !== 'empty' && type !== 'boolean') {
      min = f.tMin;
      max = f.tMax;
    }
    if (!numeric[i] && type === 'string' && count >= 20 && f.distinct === count) {
      identifierLike = true;
      notes.push('identifier-like (all values distinct)');
    }
    profiles.push({
      name: col.name,
      type,
      count,
      missing,
      distinct: f.distinct,
      min,
      max,
      mean: numeric[i] ? f.mean : null,
      std: numeric[i] ? f.std : null,
      p25: s ? s.p25 : null,
      median: s ? s.med : null,
      p75: s ? s.p75 : null,
      outliers,
      approximate: false,
      top: tops[i]!,
      histogram: numeric[i] && f.nNum > 0 ? (hist.get(i) ?? (Number.isFinite(f.min!) && Number.isFinite(f.max!) ? { edges: [f.min!, f.max!], counts: [f.nNum] } : null)) : null,
      scores: emptyScores(),
      ...(notes.length ? { notes } : {}),
    });
    details.push({
      name: col.name,
      index: i,
      type,
      kinds: f.kinds.slice(),
      kindExamples: Array.from({ length: 7 }, () => [] as Example[]),
      noise,
      noiseKinds,
      identifierLike,
      sorted: null,
      values: null,
      sketch: null,
      dayFirst: dates[i]!.dayFirst,
      dateOrder: dates[i]!.dateOrder,
      control: f.control,
      controlExamples: [],
      fences,
      scoringFence,
      scoringOutliers,
    });
  });
  return { profiles, details };
}

/** Exact top values per column, keyed as the profile keys them (numbers by value, booleans as true/false). */
async function topValues(ctx: Ctx, facts: ColFacts[]): Promise<{ value: string; count: number }[][]> {
  const { d, x } = ctx.c;
  const out: { value: string; count: number }[][] = [];
  for (let i = 0; i < ctx.cols.length; i++) {
    const col = ctx.cols[i]!;
    if (facts[i]!.kinds[0] === ctx.rows) {
      out.push([]);
      continue;
    }
    const isSmallNum = `${col.k} IN (1, 2) AND abs(${col.n}) <= ${d.num(TWO53)}`;
    const nk = x.iff(isSmallNum, col.n, x.nullDouble);
    const tk = `(CASE WHEN ${isSmallNum} THEN NULL WHEN ${col.k} = 3 THEN (CASE WHEN ${d.lower(col.v)} IN ('true', 'yes', '1') THEN 'true' ELSE 'false' END) ELSE ${col.v} END)`;
    const g = `SELECT ${nk} AS nk, ${tk} AS tk, count(*) AS c FROM (${ctx.cells}) AS s WHERE ${col.k} > 0 GROUP BY ${nk}, ${tk}`;
    const first = await run(ctx, `SELECT nk, tk, c FROM (${g}) AS g ORDER BY c DESC LIMIT 10`);
    let rows = first;
    if (first.length === 10) {
      const c10 = first[9]![2]!;
      const ties = await run(ctx, `SELECT nk, tk, c FROM (${g}) AS g WHERE c = ${Number(c10)} LIMIT 10000`);
      rows = [...first.filter((r) => Number(r[2]) > Number(c10)), ...ties];
    }
    const items = rows.map((r) => ({ value: r[0] !== null ? String(cellNumber(r[0])) : (r[1] ?? ''), count: Number(r[2]) }));
    items.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    out.push(items.slice(0, 10));
  }
  return out;
}

/** Several example queries in one statement: per request up to 5 values, ordered deterministically. */
export async function fetchExamples(ctx: Ctx, reqs: { cond: string; value: string }[]): Promise<(string | null)[][]> {
  if (reqs.length === 0) return [];
  const out: (string | null)[][] = reqs.map(() => []);
  // in chunks, to keep statements reasonable
  for (let start = 0; start < reqs.length; start += 40) {
    const chunk = reqs.slice(start, start + 40);
    const parts = chunk.map(
      (r, j) =>
        `SELECT ${start + j} AS q, val, ord FROM (SELECT ${ctx.c.d.toText(r.value)} AS val, row_number() OVER (ORDER BY ${ctx.orderBy}) AS ord FROM (${ctx.cells}) AS s WHERE ${r.cond}) AS x WHERE ord <= 5`,
    );
    const sql =
      ctx.client.engine === 'clickhouse'
        ? chunk
            .map((r, j) => `SELECT ${start + j} AS q, val FROM (SELECT ${ctx.c.d.toText(r.value)} AS val FROM (${ctx.cells}) AS s WHERE ${r.cond} ORDER BY ${ctx.orderBy} LIMIT 5)`)
            .join(' UNION ALL ')
        : parts.join(' UNION ALL ') + ' ORDER BY q, ord';
    for (const row of await run(ctx, sql)) out[Number(row[0])]!.push(row[1] ?? null);
  }
  return out;
}

export type { ColumnClass };
