/**
 * The column profile: the core stage every audit runs, and the one other checkers read in finalize.
 *
 * Per column it keeps, mergeably: counts by kind (missing, integer, float, boolean, date, datetime, text),
 * moments of the numeric values, the numeric values themselves in row order while they fit the budget
 * (exact quantiles, outlier counts and outlier rows), distinct counts, top values, date ranges under both
 * day/month readings, lexicographic text min/max, and the first examples of every kind.
 *
 * Type inference (finalize): see `inferType`. The profile also computes the outlier counts of the report
 * (`outliers: {iqr, zscore, mad}`); the `outliers` checker turns them into findings and accuracy tallies.
 */
import { addExample, mergeExamples } from '../core/issues.js';
import {
  Kind,
  type AuditOptions,
  type BatchView,
  type ColumnProfile,
  type ColumnType,
  type Example,
} from '../core/types.js';
import { hashFloat64, hashString } from '../stats/hash.js';
import { flat } from '../stats/strings.js';
import { momAddArray, momMerge, momNew, std as momStd, type Moments } from '../stats/moments.js';
import { dcAdd, dcCount, dcExact, dcMerge, dcNew, type DistinctState } from '../stats/distinct.js';
import { tkApproximate, tkBump, tkFind, tkInsert, tkMerge, tkNew, tkTop, type TopKState } from '../stats/topk.js';
import { countOutside, kllAdd, kllMerge, kllNew, kllQuantile as kllQ, kllSorted, type KllSorted, type KllState } from '../stats/quantiles.js';
import {
  CHUNK,
  medianSorted,
  quantileSorted,
  vsAppend,
  vsBytes,
  vsChunk,
  vsConcat,
  vsEach,
  vsNew,
  vsPad,
  vsSorted,
  type ValuesStore,
} from '../stats/values-store.js';

const KINDS = 7;

function kllFromSorted(values: Float64Array): KllState {
  const sk = kllNew();
  for (let i = 0; i < values.length; i++) kllAdd(sk, values[i]!);
  return sk;
}

const kllCache = new WeakMap<KllState, KllSorted>();
function kllQuantile(sk: KllState, p: number): number {
  let sorted = kllCache.get(sk);
  if (!sorted) kllCache.set(sk, (sorted = kllSorted(sk)));
  return kllQ(sk, sorted, p);
}
const TOP_CAP = 10_000;
const TOP_N = 10;
const TOP_SAMPLE = 8;
const HIST_BINS = 20;
// Control characters other than TAB, LF, CR: C0, DEL and C1.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** CONTROL_RE.test(t); short texts by a loop (cheaper than a regular expression call). */
function hasControl(t: string): boolean {
  const n = t.length;
  if (n > 32) return CONTROL_RE.test(t);
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c < 32 ? c !== 9 && c !== 10 && c !== 13 : c >= 0x7f && c <= 0x9f) return true;
  }
  return false;
}

export interface ColumnState {
  name: string;
  /** 1-based row where this column state starts (columns can appear late in JSON Lines). */
  start: number;
  rows: number;
  kinds: number[];
  kindExamples: Example[][];
  /** Integer-looking text with a leading zero (0150): codes. */
  codes: number;
  moments: Moments;
  values: ValuesStore | null;
  /** Set when values outgrew the budget: quantiles come from this sketch. */
  sketch: KllState | null;
  /** The column had non-numeric values so often that keeping numbers stopped (see `updateColumn`). */
  dropped: boolean;
  distinct: DistinctState;
  /**
   * While true, numeric cells within +-2^53 (hashed as hashFloat64(value)) are not added to `distinct`: they are all
   * in `values`, and `materializeDistinct` adds them before `values` is dropped, sketched or merged away; the final
   * count comes from the sorted values (`columnDistinct`). Saves the exact set's memory for numeric columns.
   */
  deferNum: boolean;
  top: TopKState;
  /** Date ranges: A = `num`, B = the other reading of ambiguous slash dates. */
  dMinA: number;
  dMaxA: number;
  dMinB: number;
  dMaxB: number;
  dMinTextA: string | null;
  dMaxTextA: string | null;
  dMinTextB: string | null;
  dMaxTextB: string | null;
  dayEv: number;
  monthEv: number;
  ambiguousDates: number;
  tMin: string | null;
  tMax: string | null;
  control: number;
  controlExamples: Example[];
}

export interface ProfileState {
  budgetPerColumn: number;
  /**
   * Bytes of numeric values kept per column before switching to a sketch (default budgetPerColumn). A part of
   * a parallel audit whose whole input is known to exceed the budget uses a share of it: the merged column would
   * be sketched anyway, and the parts together then hold no more than one budget.
   */
  valuesBudget?: number;
  /** Share of non-missing values that must be numbers for a numeric column (AuditOptions.numericThreshold). */
  numericThreshold: number;
  /** Columns forced to integer or float (--type): their numbers are kept whatever else they hold. */
  forcedNumeric: string[];
  cols: ColumnState[];
  byName: Map<string, number>;
  rows: number;
}

export function newColumnState(name: string, start: number, budget: number): ColumnState {
  return {
    name,
    start,
    rows: 0,
    kinds: new Array(KINDS).fill(0),
    kindExamples: Array.from({ length: KINDS }, () => []),
    codes: 0,
    moments: momNew(),
    values: null,
    sketch: null,
    dropped: false,
    distinct: dcNew(budget * 2.5),
    deferNum: true,
    top: tkNew(TOP_CAP),
    dMinA: Infinity,
    dMaxA: -Infinity,
    dMinB: Infinity,
    dMaxB: -Infinity,
    dMinTextA: null,
    dMaxTextA: null,
    dMinTextB: null,
    dMaxTextB: null,
    dayEv: 0,
    monthEv: 0,
    ambiguousDates: 0,
    tMin: null,
    tMax: null,
    control: 0,
    controlExamples: [],
  };
}

const TWO53 = 2 ** 53;
/** The hash every missing cell gets in ColumnView.hash. */
export const MISSING_HI = 0x6d697373;
export const MISSING_LO = 0x696e6721;
let numScratch = new Float64Array(0);

function isDigitCode(s: string): boolean {
  if (s.length < 2 || s.charCodeAt(0) !== 48) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Whether a float cell's text is already the canonical key String(v): '-'? ('0' | [1-9][0-9]*) '.' [0-9]*[1-9] with
 * at most 15 significant digits, an integer part below 1e21 and a magnitude of at least 1e-6 (no exponent form).
 * A decimal of at most 15 significant digits is the shortest text that round-trips its double, and no other
 * decimal of that length does, so String(v) prints exactly these digits. Anything else: false (caller calls String).
 */
function canonicalFloat(t: string): boolean {
  const n = t.length;
  let i = t.charCodeAt(0) === 45 ? 1 : 0;
  if (i >= n) return false;
  let sig = 0;
  const c0 = t.charCodeAt(i);
  if (c0 === 48) {
    i++;
  } else {
    if (c0 < 49 || c0 > 57) return false;
    for (; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c < 48 || c > 57) break;
      sig++;
    }
    if (sig > 15) return false;
  }
  if (i >= n || t.charCodeAt(i) !== 46) return false;
  i++;
  const fracStart = i;
  let lead = 0;
  if (sig === 0) {
    while (i < n && t.charCodeAt(i) === 48) i++;
    lead = i - fracStart;
    if (lead > 5) return false; // below 1e-6: exponent form
  }
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (n === fracStart || t.charCodeAt(n - 1) === 48) return false;
  return sig + (n - fracStart - lead) <= 15;
}

/** Whether an integer cell's text is already the canonical key String(v) (no spaces, no '+', not '-0'). */
function canonicalInt(t: string): boolean {
  const c = t.charCodeAt(0);
  const last = t.charCodeAt(t.length - 1);
  if (last < 48 || last > 57) return false;
  if (c >= 48 && c <= 57) return true;
  return c === 45 && t !== '-0';
}

/** Whether an integer cell's text is String(v) itself: '-'? ('0' | [1-9][0-9]*), no '-0'. */
function plainInt(t: string): boolean {
  const n = t.length;
  let i = t.charCodeAt(0) === 45 ? 1 : 0;
  if (i >= n) return false;
  if (t.charCodeAt(i) === 48) return n === 1;
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Seed of the top-value key of integers kept in their own spelling (1.234 with decimal commas): a domain of its own. */
const INT_TEXT_SEED = 0x696e74;

/**
 * Count a number within +-2^53 in the top values. Its key text is String(v), except for integers written
 * canonically in another spelling (1.234 with decimal commas, kept as written); the 64-bit key must stand for
 * that text one to one: the number's hash (hi, lo) when the text is String(v), else a hash of the text in its
 * own domain. The text itself is only needed for a new entry.
 */
function countNumber(top: TopKState, hi: number, lo: number, k: number, t: string, v: number, w: number): void {
  const own = k === Kind.INT && !plainInt(t) && canonicalInt(t);
  if (own) {
    const h = hashString(t, INT_TEXT_SEED);
    hi = h[0]!;
    lo = h[1]!;
  }
  const e = tkFind(top, hi, lo);
  if (e >= 0) tkBump(top, e, w);
  else tkInsert(top, hi, lo, own || (k === Kind.INT ? plainInt(t) : canonicalFloat(t)) ? t : String(v), w);
}

/** Add the deferred numeric hashes (see `deferNum`) to the distinct state; afterwards every cell is added directly. */
function materializeDistinct(st: ColumnState): void {
  if (!st.deferNum) return;
  st.deferNum = false;
  const vs = st.values;
  if (!vs) return;
  const dist = st.distinct;
  for (let c = 0; c < vs.chunks.length; c++) {
    const ch = vsChunk(vs, c);
    const m = Math.min(CHUNK, vs.length - c * CHUNK);
    for (let i = 0; i < m; i++) {
      const v = ch[i]!;
      if (v !== v || v > TWO53 || v < -TWO53) continue; // no number, or hashed by its text when it was seen
      const h = hashFloat64(v);
      dcAdd(dist, h[0]!, h[1]!);
    }
  }
}

/**
 * The column's distinct count, as dcCount would give it had every hash been added. With deferred numbers the
 * exact set would hold its hashes plus one per distinct number (-0 = 0, beyond +-2^53 already in the set): exact
 * while that total stays within the set's limit; otherwise the numbers are added for real (the same sketch).
 */
function columnDistinct(st: ColumnState, sorted: Float64Array | null): { count: number; approximate: boolean } {
  let r: { count: number; approximate: boolean } | null = null;
  const exact = st.deferNum && st.values ? dcExact(st.distinct) : null;
  if (exact !== null && st.values) {
    const sv = sorted ?? vsSorted(st.values);
    let nums = 0;
    let prev = NaN;
    for (let i = 0; i < sv.length; i++) {
      const v = sv[i]!;
      if (v > TWO53 || v < -TWO53) continue;
      if (v !== prev) nums++;
      prev = v;
    }
    if (exact + nums <= st.distinct.limit) r = { count: exact + nums, approximate: false };
  }
  if (!r) {
    materializeDistinct(st);
    r = dcCount(st.distinct);
  }
  return r;
}

/**
 * Code units i, i+1, i+2 of t as one number ordered like those three characters (each code unit + 1 in 17 bits,
 * 0 past the end, so a shorter text comes first): < 2^51, exact.
 */
function key3(t: string, i: number): number {
  const n = t.length;
  return (
    (i < n ? t.charCodeAt(i) + 1 : 0) * 17179869184 + (i + 1 < n ? t.charCodeAt(i + 1) + 1 : 0) * 131072 + (i + 2 < n ? t.charCodeAt(i + 2) + 1 : 0)
  );
}

/** The sign of t - u in string order, given key3(u, 0) and key3(u, 3): the first six characters decide unless they are equal. */
function textCompare(t: string, u: string, uA: number, uB: number): number {
  const a = key3(t, 0);
  if (a !== uA) return a - uA;
  const b = key3(t, 3);
  if (b !== uB) return b - uB;
  return t < u ? -1 : t > u ? 1 : 0;
}

/**
 * `textLimit`: how many non-numeric values a column may hold before its numbers are given up when most of its values
 * are text (see below); Infinity keeps them.
 */
export function updateColumn(st: ColumnState, b: BatchView, c: number, budget: number, textLimit = Infinity): void {
  const view = b.views[c]!;
  const n = b.length;
  const { kind, num, text, alt } = view;
  const lines = b.lines;
  const first = b.firstRow;
  if (numScratch.length < n) numScratch = new Float64Array(n);
  const numOnly = numScratch;
  let anyNum = false;
  const kinds = st.kinds;
  const ex = st.kindExamples;
  // kinds still short of 5 examples, as bits
  let needEx = 0;
  for (let k = 0; k < KINDS; k++) if (ex[k]!.length < 5) needEx |= 1 << k;
  const dist = st.distinct;
  const top = st.top;
  const hashes = (view.hash = new Uint32Array(2 * n));
  let sampleTop = tkApproximate(top);
  // see deferNum: values keep every number of this batch (appended below) unless dropped or sketched, which materialize
  const defer = st.deferNum;
  let tMin = st.tMin;
  let tMax = st.tMax;
  // text min/max: a first character above the minimum's (below the maximum's) decides without comparing strings
  let tMinC = tMin === null ? 0x10000 : tMin.length ? tMin.charCodeAt(0) : -1;
  let tMaxC = tMax === null || tMax.length === 0 ? -1 : tMax.charCodeAt(0);
  // on a tie of first characters, the next five decide most comparisons without comparing strings (see textCompare)
  let mnA = tMin === null ? 0 : key3(tMin, 0);
  let mnB = tMin === null ? 0 : key3(tMin, 3);
  let mxA = tMax === null ? 0 : key3(tMax, 0);
  let mxB = tMax === null ? 0 : key3(tMax, 3);
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    kinds[k]!++;
    if (k === Kind.MISSING) {
      numOnly[i] = NaN;
      hashes[2 * i] = MISSING_HI;
      hashes[2 * i + 1] = MISSING_LO;
      continue;
    }
    const t = text[i]!;
    if ((needEx & (1 << k)) !== 0) {
      addExample(ex[k]!, { row: first + i, line: lines ? lines[i]! : null, value: t });
      if (ex[k]!.length >= 5) needEx &= ~(1 << k);
    }
    let h: Uint32Array;
    // past 10,000 distinct values top counts are already a Misra-Gries estimate: feed it every 8th row (weight 8)
    const wantKey = !sampleTop || (first + i) % TOP_SAMPLE === 0;
    let topNumber = false;
    // a deferred number (see deferNum) has its hash and top count here; its distinct count comes with the values
    let deferred = false;
    if (k === Kind.INT || k === Kind.FLOAT) {
      const v = num[i]!;
      numOnly[i] = v;
      anyNum = true;
      if (v > TWO53 || v < -TWO53) {
        h = hashString(t, 11);
      } else {
        h = hashFloat64(v);
        if (defer && v === v) {
          hashes[2 * i] = h[0]!;
          hashes[2 * i + 1] = h[1]!;
          if (wantKey) {
            countNumber(top, h[0]!, h[1]!, k, t, v, sampleTop ? TOP_SAMPLE : 1);
            sampleTop ||= tkApproximate(top);
          }
          deferred = true;
        } else topNumber = true;
      }
    } else {
      numOnly[i] = NaN;
      if (k === Kind.BOOL) {
        h = hashFloat64(num[i]!, 5);
      } else {
        h = hashString(t);
        if (k === Kind.TEXT) {
          if (isDigitCode(t)) st.codes++;
          if (hasControl(t)) {
            st.control++;
            if (st.controlExamples.length < 5)
              addExample(st.controlExamples, { row: first + i, line: lines ? lines[i]! : null, value: t });
          }
        } else {
          // DATE / DATETIME
          const a = num[i]!;
          const bAlt = alt ? alt[i]! : NaN;
          const bv = bAlt === bAlt ? bAlt : a;
          if (bAlt === bAlt) st.ambiguousDates++;
          if (a < st.dMinA) (st.dMinA = a), (st.dMinTextA = flat(t));
          if (a > st.dMaxA) (st.dMaxA = a), (st.dMaxTextA = flat(t));
          if (bv < st.dMinB) (st.dMinB = bv), (st.dMinTextB = flat(t));
          if (bv > st.dMaxB) (st.dMaxB = bv), (st.dMaxTextB = flat(t));
        }
      }
    }
    if (!deferred) {
      const h0 = h[0]!;
      const h1 = h[1]!;
      hashes[2 * i] = h0;
      hashes[2 * i + 1] = h1;
      dcAdd(dist, h0, h1);
      if (wantKey) {
        const w = sampleTop ? TOP_SAMPLE : 1;
        if (topNumber) countNumber(top, h0, h1, k, t, num[i]!, w);
        else {
          const e = tkFind(top, h0, h1);
          if (e >= 0) tkBump(top, e, w);
          else tkInsert(top, h0, h1, k === Kind.BOOL ? (num[i] === 1 ? 'true' : 'false') : t, w);
        }
        sampleTop ||= tkApproximate(top);
      }
    }
    const c0 = t.length ? t.charCodeAt(0) : -1;
    if (c0 <= tMinC && (tMin === null || c0 < tMinC || textCompare(t, tMin, mnA, mnB) < 0)) {
      tMin = flat(t);
      tMinC = c0;
      mnA = key3(t, 0);
      mnB = key3(t, 3);
    }
    if (c0 >= tMaxC && (tMax === null || c0 > tMaxC || textCompare(t, tMax, mxA, mxB) > 0)) {
      tMax = flat(t);
      tMaxC = c0;
      mxA = key3(t, 0);
      mxB = key3(t, 3);
    }
  }
  st.tMin = tMin;
  st.tMax = tMax;
  st.dayEv += view.dayFirstEvidence;
  st.monthEv += view.monthFirstEvidence;
  if (anyNum) momAddArray(st.moments, numOnly, null, 0, n);
  // numeric values in row order
  if (!st.dropped) {
    if (st.sketch) {
      if (anyNum) for (let i = 0; i < n; i++) if (numOnly[i] === numOnly[i]) kllAdd(st.sketch, numOnly[i]!);
    } else if (st.values || anyNum) {
      if (!st.values) {
        st.values = vsNew(st.start);
        vsPad(st.values, st.rows);
      }
      vsAppend(st.values, numOnly, 0, n);
      if (vsBytes(st.values) > budget) toSketch(st);
    }
    // Keeping numbers of a column that is mostly text is waste: stop once under half its values are numbers, but only
    // when it has more non-numeric values than a numeric column that fits the exact budget can hold (textLimit). A
    // column whose text comes first (a run of '-' or 'n.a.' before years of numbers) can still end numeric, and its
    // quantiles must then be exact, as they are when the same values come in another order or on another thread.
    const nonMissing = st.rows + n - st.kinds[Kind.MISSING]!;
    const numeric = st.kinds[Kind.INT]! + st.kinds[Kind.FLOAT]!;
    if (nonMissing >= 1000 && numeric * 2 < nonMissing && nonMissing - numeric > textLimit && (st.values || st.sketch)) {
      materializeDistinct(st);
      st.values = null;
      st.sketch = null;
      st.dropped = true;
    }
  }
  st.rows += n;
}

function toSketch(st: ColumnState): void {
  if (!st.values) return;
  materializeDistinct(st);
  st.sketch = kllFromSorted(vsSorted(st.values));
  st.values = null;
}

export function initProfile(options: AuditOptions): ProfileState {
  const types = options.types ?? {};
  return {
    budgetPerColumn: options.exactBudgetBytes,
    numericThreshold: options.numericThreshold ?? 0.95,
    forcedNumeric: Object.keys(types).filter((k) => types[k] === 'integer' || types[k] === 'float'),
    cols: [],
    byName: new Map(),
    rows: 0,
  };
}

/**
 * The most non-numeric values a column can hold and still be numeric while its values fit `budget` (rows of
 * budget / 8 bytes, at most a 1 - numericThreshold share of them text). A column with more is either not numeric
 * or past the budget (sketched) anyway, so dropping its numbers cannot turn exact quantiles into none.
 */
function textLimitFor(state: ProfileState, name: string, budget: number): number {
  if (state.forcedNumeric.length > 0 && state.forcedNumeric.includes(name)) return Infinity;
  return Math.max(0, 1 - state.numericThreshold) * (budget / 8) + 1;
}

/** The profile state of one part of a parallel audit, with `valuesBudget` bytes per column for numeric values. */
export function initPartProfile(options: AuditOptions, valuesBudget: number): ProfileState {
  return { ...initProfile(options), valuesBudget };
}

export function updateProfile(state: ProfileState, b: BatchView): void {
  // columns can appear late (JSON Lines): their state starts padded at this batch's first row
  for (let c = state.cols.length; c < b.columns.length; c++) {
    const st = newColumnState(b.columns[c]!, b.firstRow - state.rows, state.budgetPerColumn);
    // rows of this state before the column appeared are missing for it
    st.kinds[Kind.MISSING] = state.rows;
    st.rows = state.rows;
    state.byName.set(st.name, c);
    state.cols.push(st);
  }
  const budget = state.valuesBudget ?? state.budgetPerColumn;
  for (let c = 0; c < b.columns.length; c++) {
    const st = state.cols[c]!;
    updateColumn(st, b, c, budget, textLimitFor(state, st.name, budget));
  }
  state.rows += b.length;
}

function mergeColumn(a: ColumnState, b: ColumnState, budget: number): ColumnState {
  const [x, y] = a.start <= b.start ? [a, b] : [b, a];
  for (let k = 0; k < KINDS; k++) {
    x.kinds[k]! += y.kinds[k]!;
    x.kindExamples[k] = mergeExamples(x.kindExamples[k]!, y.kindExamples[k]!);
  }
  x.codes += y.codes;
  x.moments = momMerge(x.moments, y.moments);
  // deferred numbers stay deferred only while both sides keep their values (concatenated below)
  if (!(x.deferNum && y.deferNum && !x.dropped && !y.dropped && !x.sketch && !y.sketch)) {
    materializeDistinct(x);
    materializeDistinct(y);
  }
  if (x.dropped || y.dropped) {
    x.values = null;
    x.sketch = null;
    x.dropped = true;
  } else if (x.sketch || y.sketch) {
    const sx = x.sketch ?? (x.values ? kllFromSorted(vsSorted(x.values)) : null);
    const sy = y.sketch ?? (y.values ? kllFromSorted(vsSorted(y.values)) : null);
    x.sketch = sx && sy ? kllMerge(sx, sy) : (sx ?? sy);
    x.values = null;
  } else if (x.values || y.values) {
    const vx = x.values ?? vsNew(x.start);
    if (!x.values) vsPad(vx, x.rows);
    const vy = y.values ?? vsNew(y.start);
    if (!y.values) vsPad(vy, y.rows);
    x.values = vsConcat(vx, vy);
    if (vsBytes(x.values) > budget) toSketch(x);
  }
  x.distinct = dcMerge(x.distinct, y.distinct);
  x.top = tkMerge(x.top, y.top);
  if (y.dMinA < x.dMinA) (x.dMinA = y.dMinA), (x.dMinTextA = y.dMinTextA);
  if (y.dMaxA > x.dMaxA) (x.dMaxA = y.dMaxA), (x.dMaxTextA = y.dMaxTextA);
  if (y.dMinB < x.dMinB) (x.dMinB = y.dMinB), (x.dMinTextB = y.dMinTextB);
  if (y.dMaxB > x.dMaxB) (x.dMaxB = y.dMaxB), (x.dMaxTextB = y.dMaxTextB);
  x.dayEv += y.dayEv;
  x.monthEv += y.monthEv;
  x.ambiguousDates += y.ambiguousDates;
  if (y.tMin !== null && (x.tMin === null || y.tMin < x.tMin)) x.tMin = y.tMin;
  if (y.tMax !== null && (x.tMax === null || y.tMax > x.tMax)) x.tMax = y.tMax;
  x.control += y.control;
  x.controlExamples = mergeExamples(x.controlExamples, y.controlExamples);
  x.rows += y.rows;
  return x;
}

/** Merge two profile states over consecutive (or any disjoint) row ranges. */
export function mergeProfile(a: ProfileState, b: ProfileState): ProfileState {
  const [x, y] = firstRowOf(a) <= firstRowOf(b) ? [a, b] : [b, a];
  for (const cy of y.cols) {
    const i = x.byName.get(cy.name);
    if (i === undefined) {
      // column only in y: rows of x are missing for it
      const pad = newColumnState(cy.name, firstRowOf(x), x.budgetPerColumn);
      pad.kinds[Kind.MISSING] = x.rows;
      pad.rows = x.rows;
      x.byName.set(cy.name, x.cols.length);
      x.cols.push(mergeColumn(pad, cy, x.budgetPerColumn));
    } else {
      x.cols[i] = mergeColumn(x.cols[i]!, cy, x.budgetPerColumn);
    }
  }
  // columns only in x: y's rows are missing for them
  for (const cx of x.cols) {
    if (!y.byName.has(cx.name)) {
      cx.kinds[Kind.MISSING]! += y.rows;
      if (cx.values) vsPad(cx.values, y.rows);
      cx.rows += y.rows;
    }
  }
  x.rows += y.rows;
  return x;
}

function firstRowOf(s: ProfileState): number {
  let m = Infinity;
  for (const c of s.cols) if (c.start < m) m = c.start;
  return m;
}

// ---------------------------------------------------------------------------------------------
// finalize

/** What other checkers may read about a column after profiling. */
export interface ColumnDetail {
  name: string;
  index: number;
  type: ColumnType;
  kinds: number[];
  kindExamples: Example[][];
  /** Cells whose kind does not fit the column's type (type noise). */
  noise: number;
  noiseKinds: number[];
  identifierLike: boolean;
  /** Exact sorted numeric values; null when approximate or not numeric. */
  sorted: Float64Array | null;
  /** Numeric values in row order (exact mode), for outlier rows. */
  values: ValuesStore | null;
  sketch: KllState | null;
  /** For slash dates: true when day-first, false month-first, null ambiguous or not applicable. */
  dayFirst: boolean | null;
  dateOrder: 'day-first' | 'month-first' | 'mixed' | 'ambiguous' | null;
  control: number;
  controlExamples: Example[];
  /** Fences used for outlier counts. */
  fences: { iqr: [number, number] | null; zscore: [number, number] | null; mad: [number, number] | null };
  /** Robust rule on log scale for positive, right-skewed columns (accuracy scoring). */
  scoringFence: { lo: number; hi: number; log: boolean } | null;
  scoringOutliers: number | null;
}

const NUMERIC_KINDS = [Kind.INT, Kind.FLOAT];

export function inferType(st: ColumnState, o: AuditOptions): ColumnType {
  return typeFromCounts(st.name, st.kinds, st.rows, st.codes, () => columnDistinct(st, null).count, o);
}

/**
 * The type rules from counts by kind (shared with the SQL pushdown): `kinds` indexed by Kind, `codes` the
 * leading-zero integer codes, `distinct` asked only when the column might be categorical.
 */
export function typeFromCounts(name: string, k: readonly number[], rows: number, codes: number, distinct: () => number, o: AuditOptions): ColumnType {
  const forced = o.types[name];
  if (forced) return forced;
  const nonMissing = rows - k[Kind.MISSING]!;
  if (nonMissing === 0) return 'empty';
  const th = o.numericThreshold;
  const ints = k[Kind.INT]!;
  const floats = k[Kind.FLOAT]!;
  // leading-zero codes make an integer-looking column a string column
  if (codes > 0 && (ints + codes) / nonMissing >= th) return 'string';
  if ((ints + floats) / nonMissing >= th) return floats > 0 ? 'float' : 'integer';
  if (k[Kind.BOOL]! / nonMissing >= th) return 'boolean';
  const dates = k[Kind.DATE]! + k[Kind.DATETIME]!;
  if (dates / nonMissing >= th) return k[Kind.DATETIME]! > 0 ? 'datetime' : 'date';
  if (distinct() <= Math.max(2, Math.min(50, nonMissing / 10))) return 'categorical';
  return 'string';
}

/** Kinds that fit a type; other non-missing kinds are type noise. */
export function fitsKinds(type: ColumnType): number[] {
  switch (type) {
    case 'integer':
      return [Kind.INT];
    case 'float':
      return NUMERIC_KINDS;
    case 'boolean':
      return [Kind.BOOL];
    case 'date':
      return [Kind.DATE];
    case 'datetime':
      return [Kind.DATE, Kind.DATETIME];
    default:
      return [Kind.INT, Kind.FLOAT, Kind.BOOL, Kind.DATE, Kind.DATETIME, Kind.TEXT];
  }
}

/**
 * Unscaled median absolute deviation around `med`, exact, in O(log^2 n) without allocating: the deviations
 * left and right of the median are two sorted sequences, and their median is found by bisection.
 * `f` (monotone increasing) transforms values first (log for the scoring rule on skewed columns).
 */
function madSorted(sorted: Float64Array, med: number, f: (x: number) => number = (x) => x): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  // p: first index whose transformed value is >= med
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (f(sorted[m]!) < med) lo = m + 1;
    else hi = m;
  }
  const p = lo;
  const na = p; // left deviations, increasing: med - f(sorted[p-1-j])
  const nb = n - p; // right deviations, increasing: f(sorted[p+j]) - med
  const a = (j: number) => med - f(sorted[p - 1 - j]!);
  const b = (j: number) => f(sorted[p + j]!) - med;
  const kth = (k: number): number => {
    // the k-th smallest (0-based) of the union: take i from a and k+1-i from b
    let l = Math.max(0, k + 1 - nb);
    let h = Math.min(k + 1, na);
    while (l < h) {
      const i = (l + h) >>> 1;
      // too few from a when a[i] < b[k-i]
      if (i < na && k - i >= 0 && k - i < nb && a(i) < b(k - i)) l = i + 1;
      else h = i;
    }
    const i = l;
    const fromA = i > 0 ? a(i - 1) : -Infinity;
    const fromB = k - i >= 0 && k + 1 - i > 0 ? b(k - i) : -Infinity;
    return Math.max(fromA, fromB);
  };
  if (n % 2 === 1) return kth((n - 1) / 2);
  return (kth(n / 2 - 1) + kth(n / 2)) / 2;
}

function histogram(sorted: Float64Array): { edges: number[]; counts: number[] } | null {
  const n = sorted.length;
  if (n === 0) return null;
  const lo = sorted[0]!;
  const hi = sorted[n - 1]!;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  if (lo === hi) return { edges: [lo, hi], counts: [n] };
  const bins = HIST_BINS;
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array(bins).fill(0);
  for (let i = 0; i < n; i++) {
    let b = Math.floor((sorted[i]! - lo) / width);
    if (b >= bins) b = bins - 1;
    counts[b]++;
  }
  return { edges, counts };
}

function histogramFromSketch(sk: KllState, lo: number, hi: number, n: number): { edges: number[]; counts: number[] } | null {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || n === 0) return null;
  if (lo === hi) return { edges: [lo, hi], counts: [n] };
  const bins = HIST_BINS;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + (i * (hi - lo)) / bins));
  // invert the sketch's CDF at 200 points to spread counts over bins
  const counts = new Array(bins).fill(0);
  const steps = 200;
  for (let s = 0; s < steps; s++) {
    const v = kllQuantile(sk, (s + 0.5) / steps);
    let b = Math.floor(((v - lo) / (hi - lo)) * bins);
    if (b >= bins) b = bins - 1;
    if (b < 0) b = 0;
    counts[b] += n / steps;
  }
  return { edges, counts: counts.map((c) => Math.round(c)) };
}

const emptyScores = () => ({
  overall: null,
  completeness: null,
  validity: null,
  accuracy: null,
  consistency: null,
  uniqueness: null,
  timeliness: null,
});

export function finalizeColumn(st: ColumnState, index: number, rows: number, o: AuditOptions): { profile: ColumnProfile; detail: ColumnDetail } {
  const type = inferType(st, o);
  const k = st.kinds;
  const missing = k[Kind.MISSING]! + Math.max(0, rows - st.rows);
  const count = rows - missing;
  const ok = new Set(fitsKinds(type));
  const noiseKinds = new Array(KINDS).fill(0);
  let noise = 0;
  for (let kk = 1; kk < KINDS; kk++)
    if (!ok.has(kk as Kind)) {
      noiseKinds[kk] = k[kk]!;
      noise += k[kk]!;
    }
  // codes in a string column inferred from integer-looking values: not noise
  const numeric = type === 'integer' || type === 'float';
  const presorted = numeric && st.values ? vsSorted(st.values) : null;
  const distinct = columnDistinct(st, presorted);
  const notes: string[] = [];
  let approximate = distinct.approximate || tkApproximate(st.top);

  let min: number | string | null = null;
  let max: number | string | null = null;
  let mean: number | null = null;
  let sd: number | null = null;
  let p25: number | null = null;
  let med: number | null = null;
  let p75: number | null = null;
  let hist: ColumnProfile['histogram'] = null;
  let outliers: ColumnProfile['outliers'] = null;
  let sorted: Float64Array | null = null;
  const fences: ColumnDetail['fences'] = { iqr: null, zscore: null, mad: null };
  let scoringFence: ColumnDetail['scoringFence'] = null;
  let scoringOutliers: number | null = null;
  let identifierLike = false;

  let dayFirst: boolean | null = null;
  let dateOrder: ColumnDetail['dateOrder'] = null;

  if (numeric) {
    const m = st.moments;
    if (m.n > 0) {
      min = m.min;
      max = m.max;
      mean = m.n > 0 ? (m.sum + m.sumC) / m.n : null;
      sd = m.n > 1 ? momStd(m) : null;
    }
    if (st.values) {
      sorted = presorted ?? vsSorted(st.values);
      // With every value at hand, mean and standard deviation come from the sorted values in one batch
      // (corrected two-pass): exact to rounding and independent of how rows were split over batches,
      // threads or files (streamed moments merged in another order may differ in the last digit).
      if (sorted.length > 0) {
        const exact = momNew();
        momAddArray(exact, sorted, null, 0, sorted.length);
        mean = (exact.sum + exact.sumC) / exact.n;
        sd = exact.n > 1 ? momStd(exact) : null;
      }
      p25 = quantileSorted(sorted, 0.25);
      med = medianSorted(sorted);
      p75 = quantileSorted(sorted, 0.75);
      hist = histogram(sorted);
    } else if (st.sketch) {
      approximate = true;
      p25 = kllQuantile(st.sketch, 0.25);
      med = kllQuantile(st.sketch, 0.5);
      p75 = kllQuantile(st.sketch, 0.75);
      hist = histogramFromSketch(st.sketch, m.min, m.max, m.n);
      notes.push('quantiles and outlier counts come from a KLL sketch (values exceeded the exact budget)');
    } else if (st.dropped) {
      notes.push('quantiles not computed: numbers were dropped early because most early values were text');
    }
    // identifier-like: integers, all distinct, no missing-heavy
    identifierLike = type === 'integer' && count >= 20 && distinct.count === count && !distinct.approximate;
    if (identifierLike) notes.push('identifier-like (unique integers): excluded from outlier checks');
    if (p25 !== null && p75 !== null && med !== null && !identifierLike) {
      const iqr = p75 - p25;
      fences.iqr = [p25 - 1.5 * iqr, p75 + 1.5 * iqr];
      if (sd !== null && sd > 0 && mean !== null) fences.zscore = [mean - 3 * sd, mean + 3 * sd];
      let madV: number | null = null;
      if (sorted) madV = madSorted(sorted, med);
      if (madV !== null && madV > 0) fences.mad = [med - (3.5 * madV) / 0.6745, med + (3.5 * madV) / 0.6745];
      if (sorted) {
        outliers = {
          iqr: countOutside(sorted, fences.iqr[0], fences.iqr[1]),
          zscore: fences.zscore ? countOutside(sorted, fences.zscore[0], fences.zscore[1]) : 0,
          mad: fences.mad ? countOutside(sorted, fences.mad[0], fences.mad[1]) : null,
        };
        if (madV === 0) notes.push('MAD is 0: the robust outlier rule is not assessable');
        // scoring rule: robust z on the log scale for positive right-skewed columns, else on the raw scale
        const bowley = iqr > 0 ? (p75 + p25 - 2 * med) / iqr : 0;
        const useLog = sorted[0]! > 0 && bowley > 0.2;
        if (useLog) {
          const lmed = Math.log(med);
          const lmad = madSorted(sorted, lmed, Math.log);
          if (lmad > 0) {
            const lo = Math.exp(lmed - (3.5 * lmad) / 0.6745);
            const hi = Math.exp(lmed + (3.5 * lmad) / 0.6745);
            scoringFence = { lo, hi, log: true };
          }
        } else if (fences.mad) {
          scoringFence = { lo: fences.mad[0], hi: fences.mad[1], log: false };
        }
        scoringOutliers = scoringFence ? countOutside(sorted, scoringFence.lo, scoringFence.hi) : null;
      } else if (st.sketch) {
        // counts from the sketch's rank estimates (approximate)
        const cnt = (lo: number, hi: number) => Math.round(m.n * (sketchCdf(st.sketch!, lo, true) + 1 - sketchCdf(st.sketch!, hi, false)));
        outliers = {
          iqr: cnt(fences.iqr[0], fences.iqr[1]),
          zscore: fences.zscore ? cnt(fences.zscore[0], fences.zscore[1]) : 0,
          mad: null,
        };
      }
    }
  } else if (type === 'date' || type === 'datetime') {
    if (st.dayEv > 0 && st.monthEv > 0) dateOrder = 'mixed';
    else if (st.dayEv > 0) dateOrder = 'day-first';
    else if (st.monthEv > 0) dateOrder = 'month-first';
    else if (st.ambiguousDates > 0) dateOrder = 'ambiguous';
    // num holds the month-first reading unless --dayfirst; B is the other reading
    const optDay = o.dayFirst === true;
    const useB = dateOrder === 'day-first' ? !optDay : dateOrder === 'month-first' ? optDay : false;
    dayFirst = dateOrder === 'day-first' ? true : dateOrder === 'month-first' ? false : o.dayFirst === true ? true : null;
    min = useB ? st.dMinTextB : st.dMinTextA;
    max = useB ? st.dMaxTextB : st.dMaxTextA;
    if (dateOrder === 'ambiguous') notes.push('slash dates are ambiguous (no day above 12): read as ' + (o.dayFirst ? 'day-first' : 'month-first'));
    if (dateOrder === 'mixed') notes.push('slash dates are both day-first and month-first');
  } else if (type !== 'empty') {
    min = st.tMin;
    max = st.tMax;
    if (type === 'boolean') {
      min = null;
      max = null;
    }
  }
  if (!numeric && type === 'string' && count >= 20 && distinct.count === count && !distinct.approximate) {
    identifierLike = true;
    notes.push('identifier-like (all values distinct)');
  }

  const profile: ColumnProfile = {
    name: st.name,
    type,
    count,
    missing,
    distinct: distinct.count,
    min,
    max,
    mean,
    std: sd,
    p25,
    median: med,
    p75,
    outliers,
    approximate,
    // past TOP_CAP distinct values top counts are estimates from every TOP_SAMPLE-th row: a value seen on one
    // sampled row (an estimate of at most TOP_SAMPLE) may occur only once, so such entries are not listed
    top: tkApproximate(st.top) ? tkTop(st.top, TOP_N).filter((e) => e.count > TOP_SAMPLE) : tkTop(st.top, TOP_N),
    histogram: hist,
    scores: emptyScores(),
    ...(notes.length ? { notes } : {}),
  };
  const detail: ColumnDetail = {
    name: st.name,
    index,
    type,
    kinds: k.slice(),
    kindExamples: st.kindExamples,
    noise,
    noiseKinds,
    identifierLike,
    sorted,
    values: st.values,
    sketch: st.sketch,
    dayFirst,
    dateOrder,
    control: st.control,
    controlExamples: st.controlExamples,
    fences,
    scoringFence,
    scoringOutliers,
  };
  return { profile, detail };
}

/** Share of the sketch's mass below x (strictly when `strict`), by bisection on quantiles. */
function sketchCdf(sk: KllState, x: number, strict: boolean): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    const q = kllQuantile(sk, mid);
    if (q < x || (!strict && q === x)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Finalize every column. `keepSorted: false` drops each column's sorted values once its statistics are computed
 * (8 bytes per numeric value, all columns at once otherwise): audits do not read them afterwards.
 */
export function finalizeProfile(state: ProfileState, rows: number, o: AuditOptions, columns: string[], opts: { keepSorted?: boolean } = {}) {
  const profiles: ColumnProfile[] = [];
  const details: ColumnDetail[] = [];
  for (let i = 0; i < columns.length; i++) {
    const idx = state.byName.get(columns[i]!);
    const st = idx === undefined ? newColumnState(columns[i]!, 1, 0) : state.cols[idx]!;
    const { profile, detail } = finalizeColumn(st, i, rows, o);
    if (opts.keepSorted === false) detail.sorted = null;
    profiles.push(profile);
    details.push(detail);
  }
  return { profiles, details };
}

/** Row numbers of the first values strictly outside [lo, hi] (exact mode), lowest first. */
export function firstOutside(values: ValuesStore, lo: number, hi: number, max = 5): { row: number; value: number }[] {
  const out: { row: number; value: number }[] = [];
  vsEach(values, (row, v) => {
    if (v < lo || v > hi) out.push({ row, value: v });
    return out.length < max;
  });
  return out;
}
