/**
 * duplicates: surplus rows (every repeat after the first occurrence), comparing parsed values:
 * a missing cell equals a missing cell, 35 equals 35.0 where both parse as numbers.
 * - rows: exact duplicate rows;
 * - keyRows: surplus rows on the key columns (--key), when given;
 * - nearRows: further surplus rows equal only after trimming, collapsing inner whitespace and
 *   case-folding text (exact duplicates are not counted again).
 *
 * Memory: a 64-bit hash per distinct row in an open-addressing table with the row's first number
 * (uint32; 12 bytes a slot, load <= 0.5: 24-48 bytes per distinct row, 32 on average), plus a second such table
 * for near duplicates (24-48 bytes per distinct folded row; its first rows keep near-duplicate examples exact when
 * states of parts are merged). Hash collisions make two different rows look equal
 * with probability about n^2 / 2^65 (1e-7 for 4M rows): documented as the only inexactness.
 * Examples are the lowest repeat rows; merging states of consecutive row ranges keeps them exact.
 */
import { addExample, mergeExamples } from '../core/issues.js';
import { Kind, defineChecker, type BatchView, type CheckResult, type Example, type Finding } from '../core/types.js';
import { HASH_OUT, blk1, blk2, combine, finish, hashFloat64, hashString, rowHashInit } from '../stats/hash.js';
import { MISSING_HI, MISSING_LO } from './profile.js';

/** Hash table of 64-bit keys with the first row each was seen at. */
interface RowMap {
  keys: Uint32Array;
  /** First row of each key (rows are below 2^32). */
  rows: Uint32Array;
  slots: number;
  used: number;
}

function rmNew(slots = 1 << 12): RowMap {
  return { keys: new Uint32Array(slots * 2), rows: new Uint32Array(slots), slots, used: 0 };
}

/** Insert; returns the first row if the key was present (and keeps the lower row), else 0. */
function rmPut(m: RowMap, hi: number, lo: number, row: number): number {
  if ((hi | lo) === 0) lo = 1; // (0,0) marks empty slots
  if (m.used * 2 >= m.slots) rmGrow(m);
  const mask = m.slots - 1;
  let i = (Math.imul(hi ^ lo, 0x9e3779b1) >>> 0) & mask;
  const keys = m.keys;
  for (;;) {
    const h = keys[2 * i]!;
    const l = keys[2 * i + 1]!;
    if ((h | l) === 0) {
      keys[2 * i] = hi;
      keys[2 * i + 1] = lo;
      m.rows[i] = row;
      m.used++;
      return 0;
    }
    if (h === hi && l === lo) {
      const first = m.rows[i]!;
      if (row < first) {
        m.rows[i] = row;
        return first;
      }
      return first;
    }
    i = (i + 1) & mask;
  }
}

/** The first row recorded for a key (0 if absent). */
function rmGet(m: RowMap, hi: number, lo: number): number {
  if ((hi | lo) === 0) lo = 1;
  const mask = m.slots - 1;
  let i = (Math.imul(hi ^ lo, 0x9e3779b1) >>> 0) & mask;
  for (;;) {
    const h = m.keys[2 * i]!;
    const l = m.keys[2 * i + 1]!;
    if ((h | l) === 0) return 0;
    if (h === hi && l === lo) return m.rows[i]!;
    i = (i + 1) & mask;
  }
}

function rmGrow(m: RowMap): void {
  const old = { ...m };
  m.slots *= 2;
  m.keys = new Uint32Array(m.slots * 2);
  m.rows = new Uint32Array(m.slots);
  m.used = 0;
  for (let i = 0; i < old.slots; i++) {
    const h = old.keys[2 * i]!;
    const l = old.keys[2 * i + 1]!;
    if ((h | l) !== 0) rmPut(m, h, l, old.rows[i]!);
  }
}

interface State {
  rows: number;
  exact: RowMap;
  exactExamples: Example[];
  /** Near-duplicate keys with their first row (the rows make near-duplicate examples exact across merged parts). */
  near: RowMap;
  nearExamples: Example[];
  key: string[] | null;
  keyMap: RowMap | null;
  keyExamples: Example[];
}

const NEEDS_FOLD = /^\s|\s$|\s\s|[A-Z]|[^\x00-\x7f]|[\t\n\r]/;

export function cellHash(view: BatchView['views'][number], i: number, fold: boolean): Uint32Array {
  const k = view.kind[i]!;
  const shared = view.hash;
  if (shared && !(fold && k === Kind.TEXT && NEEDS_FOLD.test(view.text[i]!))) {
    HASH_OUT[0] = shared[2 * i]!;
    HASH_OUT[1] = shared[2 * i + 1]!;
    return HASH_OUT;
  }
  switch (k) {
    case Kind.MISSING:
      HASH_OUT[0] = MISSING_HI;
      HASH_OUT[1] = MISSING_LO;
      return HASH_OUT;
    case Kind.INT:
    case Kind.FLOAT: {
      const v = view.num[i]!;
      return Math.abs(v) > 2 ** 53 ? hashString(view.text[i]!, 11) : hashFloat64(v);
    }
    case Kind.BOOL:
      return hashFloat64(view.num[i]!, 5);
    default: {
      const t = view.text[i]!;
      if (fold && NEEDS_FOLD.test(t)) return hashString(t.trim().replace(/\s+/g, ' ').toLowerCase());
      return hashString(t);
    }
  }
}

const rowH = new Uint32Array(2);
const nearH = new Uint32Array(2);

function rowHash(b: BatchView, cols: number[], i: number, fold: boolean, seed: number): Uint32Array {
  rowHashInit(seed, rowH);
  for (const c of cols) {
    const h = cellHash(b.views[c]!, i, fold);
    combine(rowH, h[0]!, h[1]!);
  }
  return rowH;
}

/** Whether folding (trim, collapse inner whitespace, lower-case) can change a text: NEEDS_FOLD without a regular expression. */
function needsFold(t: string): boolean {
  const n = t.length;
  if (n === 0) return false;
  let prevSpace = false;
  for (let j = 0; j < n; j++) {
    const c = t.charCodeAt(j);
    if (c >= 128) return true; // non-ASCII (also every non-ASCII space)
    if (c >= 65 && c <= 90) return true;
    const sp = c === 32 || (c >= 9 && c <= 13);
    if (sp) {
      if (c !== 32 && c !== 11 && c !== 12) return true; // \t \n \r
      if (prevSpace || j === 0 || j === n - 1) return true;
    }
    prevSpace = sp;
  }
  return false;
}

/** Per-batch arrays of the columns, read once per batch instead of once per cell. */
interface Cols {
  n: number;
  hash: Uint32Array[];
  kind: Uint8Array[];
  text: (string | null)[][];
  /** Per column: folded-text hash of short texts that need folding (null: needs none), for this batch. */
  fold: Map<string, Uint32Array | null>[];
}

function colsOf(b: BatchView): Cols {
  const n = b.columns.length;
  const hash: Uint32Array[] = [];
  const kind: Uint8Array[] = [];
  const text: (string | null)[][] = [];
  const fold: Map<string, Uint32Array | null>[] = [];
  for (let c = 0; c < n; c++) {
    const v = b.views[c]!;
    hash.push(v.hash ?? sharedHashes(v, b.length));
    kind.push(v.kind);
    text.push(v.text);
    fold.push(new Map());
  }
  return { n, hash, kind, text, fold };
}

/** The shared per-cell hashes when the profile has not filled them (checkers used without the profile). */
function sharedHashes(view: BatchView['views'][number], length: number): Uint32Array {
  const out = new Uint32Array(2 * length);
  const saved = view.hash;
  view.hash = undefined;
  for (let i = 0; i < length; i++) {
    const h = cellHash(view, i, false);
    out[2 * i] = h[0]!;
    out[2 * i + 1] = h[1]!;
  }
  view.hash = saved;
  return out;
}

/** Hash of a text after folding, or null when folding does not change it; cached per batch for short texts. */
function foldHash(cache: Map<string, Uint32Array | null>, t: string): Uint32Array | null {
  if (t.length > 40) return needsFold(t) ? hashString(t.trim().replace(/\s+/g, ' ').toLowerCase(), 0, foldScratch) : null;
  let h = cache.get(t);
  if (h === undefined) {
    h = needsFold(t) ? hashString(t.trim().replace(/\s+/g, ' ').toLowerCase(), 0, new Uint32Array(2)) : null;
    if (cache.size < 4096) cache.set(t, h);
  }
  return h;
}
const foldScratch = new Uint32Array(2);

/**
 * The exact row hash (into rowH) and the near-duplicate row hash (into nearH) of row i in one pass over the
 * cells' shared 64-bit hashes: a two-lane murmur3 body over the (hi, lo) words of the cells, finalised once per
 * row. The near hash uses the folded text of cells that need folding and is otherwise the same stream: it
 * equals the exact hash whenever no cell of the row needs folding (the two hashes live in separate sets).
 */
function rowHashes(k: Cols, i: number): void {
  let e1 = 0x3c6ef372;
  let e2 = 0x254ff53a;
  let n1 = 0;
  let n2 = 0;
  let diverged = false;
  const nc = k.n;
  for (let c = 0; c < nc; c++) {
    const hs = k.hash[c]!;
    const a = hs[2 * i]!;
    const b = hs[2 * i + 1]!;
    const fh = k.kind[c]![i] === Kind.TEXT ? foldHash(k.fold[c]!, k.text[c]![i]!) : null;
    if (fh !== null) {
      if (!diverged) {
        n1 = e1;
        n2 = e2;
        diverged = true;
      }
      const f0 = fh[0]!;
      const f1 = fh[1]!;
      n1 = blk1(blk1(n1, f0), f1);
      n2 = blk2(blk2(n2, f1), f0);
    } else if (diverged) {
      n1 = blk1(blk1(n1, a), b);
      n2 = blk2(blk2(n2, b), a);
    }
    e1 = blk1(blk1(e1, a), b);
    e2 = blk2(blk2(e2, b), a);
  }
  finish(e1 ^ nc, e2 ^ nc, rowH);
  if (diverged) finish(n1 ^ nc, n2 ^ nc, nearH);
  else {
    nearH[0] = rowH[0]!;
    nearH[1] = rowH[1]!;
  }
}

export default defineChecker<State>({
  meta: {
    id: 'duplicates',
    dimension: 'uniqueness',
    description: 'Exact, key and near-duplicate rows.',
    default: true,
  },
  init: (ctx) => ({
    rows: 0,
    exact: rmNew(),
    exactExamples: [],
    near: rmNew(),
    nearExamples: [],
    key: ctx.options.keyColumns,
    keyMap: ctx.options.keyColumns ? rmNew() : null,
    keyExamples: [],
  }),
  update(s, b) {
    const cols = colsOf(b);
    let keyCols: number[] | null = null;
    if (s.key) {
      keyCols = s.key.map((k) => b.columns.indexOf(k));
      if (keyCols.some((c) => c < 0)) keyCols = null; // reported in finalize
    }
    for (let i = 0; i < b.length; i++) {
      const row = b.firstRow + i;
      const line = b.lines ? b.lines[i]! : null;
      rowHashes(cols, i);
      const h = rowH;
      const first = rmPut(s.exact, h[0]!, h[1]!, row);
      if (first !== 0) {
        if (s.exactExamples.length < 5) addExample(s.exactExamples, { row, line, value: keyText(h) });
      }
      const isNew = rmPut(s.near, nearH[0]!, nearH[1]!, row) === 0;
      if (!isNew && first === 0 && s.nearExamples.length < 5) addExample(s.nearExamples, { row, line, value: null });
      if (keyCols && s.keyMap) {
        const kh = rowHash(b, keyCols, i, false, 2);
        const kf = rmPut(s.keyMap, kh[0]!, kh[1]!, row);
        if (kf !== 0 && s.keyExamples.length < 5) addExample(s.keyExamples, { row, line, value: keyText(kh) });
      }
    }
    s.rows += b.length;
  },
  merge(a, b) {
    nearExamplesAcross(a, b);
    mergeRowMap(a.exact, b.exact, (row, key) => addExample(a.exactExamples, { row, line: null, value: key }));
    a.exactExamples = mergeExamples(a.exactExamples, b.exactExamples);
    mergeRowMap(a.near, b.near, () => {});
    a.nearExamples = mergeExamples(a.nearExamples, b.nearExamples);
    if (a.keyMap && b.keyMap) {
      mergeRowMap(a.keyMap, b.keyMap, (row, key) => addExample(a.keyExamples, { row, line: null, value: key }));
      a.keyExamples = mergeExamples(a.keyExamples, b.keyExamples);
    }
    a.rows += b.rows;
    return a;
  },
  finalize(s, ctx): CheckResult {
    const rows = s.rows - s.exact.used;
    const nearRows = s.rows - s.near.used - rows;
    const keyRows = s.keyMap ? s.rows - s.keyMap.used : null;
    // examples carry the row hash until now; the first occurrence is the lowest row recorded for it
    const fix = (ex: Example[], map: RowMap | null, label: string) =>
      ex.map((e) => {
        const [hi, lo] = (e.value ?? '0:0').split(':').map(Number) as [number, number];
        return { row: e.row, line: e.line ?? (e.row !== null ? ctx.lineOf(e.row) : null), value: map ? `${label} ${rmGet(map, hi, lo)}` : null };
      });
    return duplicateResult({
      rows: s.rows,
      dupRows: rows,
      nearRows,
      key: s.key,
      keyRows,
      keyMissing: s.key ? s.key.filter((k) => !ctx.columns.some((c) => c.name === k)) : [],
      examples: {
        exact: fix(s.exactExamples, s.exact, 'same as row'),
        near: fix(s.nearExamples, null, ''),
        key: fix(s.keyExamples, s.keyMap, 'same key as row'),
      },
    });
  },
});

/**
 * Findings, tallies and metrics from duplicate counts: shared by the streaming checker and the SQL pushdown,
 * so both report duplicates in the same words and score them the same way.
 */
export function duplicateResult(a: {
  rows: number;
  dupRows: number;
  nearRows: number;
  key: string[] | null;
  keyRows: number | null;
  keyMissing: string[];
  examples: { exact: Example[]; near: Example[]; key: Example[] };
}): CheckResult {
  const { rows, dupRows, nearRows, key, keyRows } = a;
  const findings: Finding[] = [];
  if (dupRows > 0)
    findings.push({
      check: 'duplicates',
      id: 'duplicate-rows',
      dimension: 'uniqueness',
      severity: 'warn',
      column: null,
      message: `${dupRows} duplicate rows (repeats of an earlier row)`,
      count: dupRows,
      examples: a.examples.exact,
    });
  if (nearRows > 0)
    findings.push({
      check: 'duplicates',
      id: 'near-duplicate-rows',
      dimension: 'uniqueness',
      severity: 'info',
      column: null,
      message: `${nearRows} more rows repeat an earlier row after trimming, collapsing spaces and ignoring case`,
      count: nearRows,
      examples: a.examples.near,
    });
  if (key && a.keyMissing.length)
    findings.push({
      check: 'duplicates',
      id: 'key-not-found',
      dimension: null,
      severity: 'error',
      column: a.keyMissing[0]!,
      message: `key column(s) not found: ${a.keyMissing.join(', ')}`,
      count: a.keyMissing.length,
      examples: [],
    });
  else if (key && keyRows && keyRows > 0)
    findings.push({
      check: 'duplicates',
      id: 'duplicate-keys',
      dimension: 'uniqueness',
      severity: 'error',
      column: key.join(','),
      message: `${keyRows} rows repeat a key (${key.join(', ')}) seen earlier`,
      count: keyRows,
      examples: a.examples.key,
    });
  const keyBad = key && !a.keyMissing.length && keyRows !== null ? keyRows : 0;
  return {
    findings,
    tallies: rows > 0 ? { '': { uniqueness: { assessed: rows, bad: Math.max(dupRows, keyBad) } } } : {},
    metrics: { rows: dupRows, keyRows: key ? keyRows : null, nearRows, key },
  };
}

function keyText(h: Uint32Array): string {
  return `${h[0]}:${h[1]}`;
}

/**
 * Near-duplicate examples that only show when two parts (consecutive row ranges) are merged: a row that is the
 * first of its near key in its part, when the other (earlier) part has that near key too, is a near-duplicate
 * example unless it also repeats an exact key of the other part (then it is an exact duplicate). Such a row is also
 * the first of its exact key in its part, so its exact key is found in its part's exact map by its row.
 * Must run before the maps are merged.
 */
function nearExamplesAcross(a: State, b: State): void {
  const laterInA = new Set<number>();
  const laterInB = new Set<number>();
  const bn = b.near;
  for (let i = 0; i < bn.slots; i++) {
    const h = bn.keys[2 * i]!;
    const l = bn.keys[2 * i + 1]!;
    if ((h | l) === 0) continue;
    const ra = rmGet(a.near, h, l);
    if (ra === 0) continue;
    const rb = bn.rows[i]!;
    if (rb > ra) laterInB.add(rb);
    else laterInA.add(ra);
  }
  const check = (side: State, other: State, rows: Set<number>) => {
    if (rows.size === 0) return;
    const m = side.exact;
    for (let i = 0; i < m.slots; i++) {
      const h = m.keys[2 * i]!;
      const l = m.keys[2 * i + 1]!;
      if ((h | l) === 0 || !rows.has(m.rows[i]!)) continue;
      if (rmGet(other.exact, h, l) === 0) addExample(a.nearExamples, { row: m.rows[i]!, line: null, value: null });
    }
  };
  check(b, a, laterInB);
  check(a, b, laterInA);
}

/** Union b into a; rows of b (or a) that turn out to be repeats are reported with their key. */
function mergeRowMap(a: RowMap, b: RowMap, onRepeat: (row: number, key: string) => void): void {
  const k = new Uint32Array(2);
  for (let i = 0; i < b.slots; i++) {
    const h = b.keys[2 * i]!;
    const l = b.keys[2 * i + 1]!;
    if ((h | l) === 0) continue;
    const row = b.rows[i]!;
    const first = rmPut(a, h, l, row);
    k[0] = h;
    k[1] = l;
    if (first !== 0) onRepeat(Math.max(row, first), keyText(k));
  }
}
