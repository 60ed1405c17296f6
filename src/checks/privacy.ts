/**
 * privacy: re-identification risk over a set of quasi-identifiers (not run by default).
 *
 * Options (`options.checks.privacy`; without `quasiIdentifiers` the checker reports `privacy-not-configured`):
 * - `quasiIdentifiers: string[]`  the columns an attacker may know (age, postcode, sex, ...);
 * - `k: number`                   the k of k-anonymity (default 5);
 * - `sensitive?: string`          the sensitive column, for l-diversity;
 * - `l?: number`                  the l below which classes are reported (default 2: a class whose members all
 *                                 share one sensitive value discloses it).
 *
 * Equivalence classes: rows with equal quasi-identifier values, compared as text exactly as read (canonical text
 * for typed sources: 35 and 35.0 are different values, 'F' and 'f' too). A missing value is a value of its own:
 * rows missing the postcode form classes with each other, not with any postcode.
 * - kAnonymity: the smallest class size (null without rows);
 * - rowsBelowK: rows in classes smaller than k; classesBelowK: the number of such classes;
 * - lDiversity: the smallest number of distinct sensitive values in a class (a missing sensitive value counts as
 *   one value). Exact per class up to L_CAP = 64 distinct values, beyond which the class is only known to have
 *   >= 64: when every class does, lDiversity is 64 and lDiversityCapped is true (read ">= 64");
 * - score = 100 * (1 - rowsBelowK / rows): the share of rows that are k-anonymous (null without rows). It is
 *   reported separately (report.privacy / scores.privacy), never part of the overall quality score.
 *
 * Memory: one entry per class, keyed by a 53-bit hash of the class's values (a JS Map keyed by numbers) with its
 * size, its lowest row and, with `sensitive`, a set of 53-bit hashes of its sensitive values (at most 64, then
 * dropped for a flag). Two different classes share a key with probability about classes^2 / 2^54 (1e-4 for
 * 1e6 classes), the only inexactness. States merge by adding sizes and uniting the capped sets.
 *
 * Findings (dimension null): `k-anonymity` (warn; count = rowsBelowK; examples = the first row of the classes
 * below k with the lowest first rows, value `class of N rows`), `l-diversity` (warn; count = rows in classes with
 * fewer than l distinct sensitive values), `quasi-identifier-not-found` (error), `privacy-not-configured` (info).
 * Metrics: { kAnonymity, rowsBelowK, classesBelowK, lDiversity, lDiversityCapped, rowsBelowL, score,
 *            quasiIdentifiers, k, l, sensitive, classes, rows }.
 */
import { Kind, defineChecker, type BatchView, type CheckResult, type Finding } from '../core/types.js';
import { HASH_OUT, combine, hashString, rowHashInit } from '../stats/hash.js';

export const L_CAP = 64;

interface Cls {
  n: number;
  first: number;
  sens: Set<number> | null;
  /** >= L_CAP distinct sensitive values (sens dropped). */
  full: boolean;
}

interface State {
  qi: string[];
  k: number;
  l: number;
  sensitive: string | null;
  rows: number;
  classes: Map<number, Cls>;
}

export interface PrivacyOptions {
  quasiIdentifiers: string[];
  k?: number;
  sensitive?: string;
  l?: number;
}

const MISSING_HI = 0x6d697373;
const MISSING_LO = 0x696e6721;
const row = new Uint32Array(2);

const to53 = (hi: number, lo: number) => (hi >>> 0) * 2097152 + (lo >>> 11);

function cellHash(v: BatchView['views'][number] | undefined, i: number, seed: number): Uint32Array {
  if (!v || v.kind[i] === Kind.MISSING) {
    HASH_OUT[0] = MISSING_HI ^ seed;
    HASH_OUT[1] = MISSING_LO;
    return HASH_OUT;
  }
  return hashString(v.text[i]!, seed);
}

function posInt(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : dflt;
}

function addSens(c: Cls, h: number): void {
  if (c.full) return;
  c.sens!.add(h);
  if (c.sens!.size >= L_CAP) {
    c.full = true;
    c.sens = null;
  }
}

export default defineChecker<State>({
  meta: {
    id: 'privacy',
    dimension: null,
    description: 'Re-identification risk: k-anonymity and l-diversity over quasi-identifiers (--quasi-identifiers).',
    default: false,
  },
  init: (ctx) => {
    const o = (ctx.options.checks?.privacy ?? {}) as Record<string, unknown>;
    const qi = Array.isArray(o.quasiIdentifiers) ? (o.quasiIdentifiers as unknown[]).map(String) : [];
    return {
      qi,
      k: posInt(o.k, 5),
      l: posInt(o.l, 2),
      sensitive: typeof o.sensitive === 'string' && o.sensitive ? o.sensitive : null,
      rows: 0,
      classes: new Map(),
    };
  },
  update(s, b) {
    if (!s.qi.length) return;
    const views = s.qi.map((q) => {
      const c = b.columns.indexOf(q);
      return c < 0 ? undefined : b.views[c];
    });
    const sc = s.sensitive === null ? -1 : b.columns.indexOf(s.sensitive);
    const sv = sc < 0 ? undefined : b.views[sc];
    const withSens = s.sensitive !== null;
    const map = s.classes;
    for (let i = 0; i < b.length; i++) {
      rowHashInit(0x51, row);
      for (let q = 0; q < views.length; q++) {
        const h = cellHash(views[q], i, 0);
        combine(row, h[0]!, h[1]!);
      }
      const key = to53(row[0]!, row[1]!);
      let c = map.get(key);
      const r = b.firstRow + i;
      if (!c) {
        c = { n: 0, first: r, sens: withSens ? new Set() : null, full: false };
        map.set(key, c);
      } else if (r < c.first) c.first = r;
      c.n++;
      if (withSens) {
        const h = cellHash(sv, i, 0x5e);
        addSens(c, to53(h[0]!, h[1]!));
      }
    }
    s.rows += b.length;
  },
  merge(a, b) {
    for (const [key, cb] of b.classes) {
      const ca = a.classes.get(key);
      if (!ca) {
        a.classes.set(key, cb);
        continue;
      }
      ca.n += cb.n;
      if (cb.first < ca.first) ca.first = cb.first;
      if (ca.full) continue;
      if (cb.full) {
        ca.full = true;
        ca.sens = null;
        continue;
      }
      if (cb.sens) for (const h of cb.sens) addSens(ca, h);
    }
    a.rows += b.rows;
    return a;
  },
  finalize(s, ctx): CheckResult {
    const findings: Finding[] = [];
    const base = { check: 'privacy', dimension: null, examples: [] };
    if (!s.qi.length) {
      findings.push({
        ...base,
        id: 'privacy-not-configured',
        severity: 'info',
        column: null,
        message: 'privacy: no quasi-identifiers given (--quasi-identifiers COLS), nothing assessed',
        count: 0,
      });
      return { findings };
    }
    const names = new Set(ctx.columns.map((c) => c.name));
    const missing = [...s.qi, ...(s.sensitive ? [s.sensitive] : [])].filter((q) => !names.has(q));
    const metrics: Record<string, unknown> = {
      kAnonymity: null,
      rowsBelowK: 0,
      classesBelowK: 0,
      lDiversity: null,
      lDiversityCapped: false,
      rowsBelowL: 0,
      score: null,
      quasiIdentifiers: s.qi,
      k: s.k,
      l: s.l,
      sensitive: s.sensitive,
      classes: 0,
      rows: s.rows,
    };
    if (missing.length) {
      findings.push({
        ...base,
        id: 'quasi-identifier-not-found',
        severity: 'error',
        column: missing[0]!,
        message: `privacy: column(s) not found: ${missing.join(', ')}`,
        count: missing.length,
      });
      return { findings, metrics };
    }
    let kMin = Infinity;
    let rowsBelowK = 0;
    let classesBelowK = 0;
    let lMin = Infinity;
    let rowsBelowL = 0;
    const small: { first: number; n: number }[] = [];
    for (const c of s.classes.values()) {
      if (c.n < kMin) kMin = c.n;
      if (c.n < s.k) {
        rowsBelowK += c.n;
        classesBelowK++;
        small.push({ first: c.first, n: c.n });
      }
      if (s.sensitive) {
        const l = c.full ? L_CAP : c.sens!.size;
        if (l < lMin) lMin = l;
        if (l < s.l) rowsBelowL += c.n;
      }
    }
    const rows = s.rows;
    Object.assign(metrics, {
      kAnonymity: rows ? kMin : null,
      rowsBelowK,
      classesBelowK,
      lDiversity: s.sensitive && rows ? lMin : null,
      lDiversityCapped: Boolean(s.sensitive && rows && lMin >= L_CAP),
      rowsBelowL,
      score: rows ? 100 * (1 - rowsBelowK / rows) : null,
      classes: s.classes.size,
    });
    const qiText = s.qi.join(', ');
    if (rowsBelowK > 0) {
      small.sort((x, y) => x.first - y.first);
      findings.push({
        ...base,
        id: 'k-anonymity',
        severity: 'warn',
        column: s.qi.join(','),
        message: `${rowsBelowK} of ${rows} rows are in ${classesBelowK} groups smaller than k = ${s.k} on (${qiText}); the smallest has ${kMin} row${kMin === 1 ? '' : 's'}`,
        count: rowsBelowK,
        examples: small.slice(0, 5).map((c) => ({ row: c.first, line: ctx.lineOf(c.first), value: `class of ${c.n} row${c.n === 1 ? '' : 's'}` })),
        data: { k: s.k, kAnonymity: kMin, classesBelowK, quasiIdentifiers: s.qi },
      });
    }
    if (s.sensitive && rowsBelowL > 0) {
      findings.push({
        ...base,
        id: 'l-diversity',
        severity: 'warn',
        column: s.sensitive,
        message: `${rowsBelowL} rows are in groups on (${qiText}) with fewer than ${s.l} distinct values of ${s.sensitive} (smallest: ${lMin})`,
        count: rowsBelowL,
        data: { l: s.l, lDiversity: lMin, sensitive: s.sensitive, quasiIdentifiers: s.qi },
      });
    }
    return { findings, metrics };
  },
});
