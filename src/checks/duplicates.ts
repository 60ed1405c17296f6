/**
 * duplicates: surplus rows (every repeat after the first occurrence), comparing parsed values:
 * a missing cell equals a missing cell, 35 equals 35.0 where both parse as numbers.
 * - rows: exact duplicate rows;
 * - keyRows: surplus rows on the key columns (--key), when given;
 * - nearRows: further surplus rows equal only after trimming, collapsing inner whitespace and
 *   case-folding text (exact duplicates are not counted again).
 *
 * Rows are keyed by two 64-bit hashes: of the row as is (its exact key) and of the row after folding (its near
 * key), a function of its values, so one exact key has one near key. The first row of each near key is its head,
 * in a table by near key; every further exact key of a near key is a near duplicate (a variant), in a table by
 * exact key: nearRows = variants, rows = rows - heads - variants, and the near-duplicate examples are the lowest
 * variants. Memory: 20 bytes a slot (two keys and the first row, uint32), 24-35 bytes per distinct row (see
 * MAX_LOAD). Hash collisions make two different rows look equal with probability about n^2 / 2^65 (1e-7 for 4M
 * rows): documented as the only inexactness.
 * Examples are the lowest repeat rows; merging states of consecutive row ranges keeps them exact.
 *
 * Memory budget: when the tables would grow past 4 x --exact-budget (32 MiB by default: about 1M distinct rows),
 * the state spills (stats/spill.ts): the tables' entries and from then on every row go to 256 temporary files by
 * the top bits of their near key (20 bytes a row; key columns 12), and finalize counts each file alone with the
 * same tables, its records sorted by row. Near variants of a row share its near key, so they share its file, and
 * the counts and examples are the same as in memory.
 */
import { addExample, mergeExamples } from '../core/issues.js';
import { Kind, defineChecker, type BatchView, type CheckResult, type Example, type Finding } from '../core/types.js';
import { HASH_OUT, blk1, blk2, combine, finish, hashFloat64, hashFoldedAscii, hashString, rowHashInit } from '../stats/hash.js';
import { PARTS, sortRecords, spDispose, spMerge, spNew, spRead, spSlot, type Spill } from '../stats/spill.js';
import { MISSING_HI, MISSING_LO } from './profile.js';

/**
 * Open-addressing table (linear probing) of keys with the first row each was seen at (rows start at 1 and are
 * below 2^32; row 0 marks an empty slot), in one Uint32Array of `w`-word slots whose first `k` words are the key
 * and last word the first row. A slot's home comes from its first two words. Slots are only added, never removed.
 * - heads: w = 5, k = 2: near key, exact key, first row;
 * - variants: w = 5, k = 4: exact key, near key, first row;
 * - --key: w = 3, k = 2: key, first row.
 */
interface RowMap {
  t: Uint32Array;
  w: 3 | 5;
  k: 2 | 4;
  slots: number;
  used: number;
}

/**
 * Tables grow 1.5-fold past a load of 0.85, so they run at 0.57-0.85 (24-35 bytes per distinct row with 5-word
 * slots). Keys are 64-bit hashes, so probe runs stay within a few cache lines at that load; and a smaller table
 * misses the cache less: at 1M rows the table at load 0.5 was both larger and slower.
 */
const MAX_LOAD = 0.85;
const GROWTH = 1.5;

function rmNew(w: 3 | 5, k: 2 | 4, slots = 1 << 12): RowMap {
  return { t: new Uint32Array(slots * w), w, k, slots, used: 0 };
}

/**
 * First word of the home slot of a key starting (hi, lo): a product of the words scaled to [0, slots) (the float
 * product is below slots * 2^32, so the slot is below slots).
 */
function home(m: RowMap, hi: number, lo: number): number {
  return Math.floor((Math.imul(hi ^ lo, 0x9e3779b1) >>> 0) * m.slots * 2.3283064365386963e-10) * m.w;
}

/** First word of the slot holding the key (hi, lo[, x, y]), or of the empty slot where it would go. */
function rmFind(m: RowMap, hi: number, lo: number, x: number, y: number): number {
  const t = m.t;
  const w = m.w;
  const end = m.slots * w;
  let p = home(m, hi, lo);
  while (t[p + w - 1] !== 0 && !(t[p] === hi && t[p + 1] === lo && (m.k === 2 || (t[p + 2] === x && t[p + 3] === y)))) {
    p += w;
    if (p === end) p = 0;
  }
  return p;
}

/** rmFind for an insert: grows the table first when one more key would pass MAX_LOAD. */
function rmSlot(m: RowMap, hi: number, lo: number, x: number, y: number): number {
  if (m.used >= m.slots * MAX_LOAD) rmGrow(m);
  return rmFind(m, hi, lo, x, y);
}

/**
 * Insert the slot words (hi, lo[, x, y]) first seen at `row`; returns the first row if the key was present
 * (keeping the lower), else 0.
 */
function rmPut(m: RowMap, hi: number, lo: number, x: number, y: number, row: number): number {
  const p = rmSlot(m, hi, lo, x, y);
  const t = m.t;
  const r = p + m.w - 1;
  const first = t[r]!;
  if (first === 0) {
    t[p] = hi;
    t[p + 1] = lo;
    if (m.w === 5) {
      t[p + 2] = x;
      t[p + 3] = y;
    }
    t[r] = row;
    m.used++;
  } else if (row < first) t[r] = row;
  return first;
}

/** Grow the slots by GROWTH; the keys are distinct, so each goes to the first free slot from its home. */
function rmGrow(m: RowMap): void {
  const old = m.t;
  const w = m.w;
  m.slots = Math.ceil(m.slots * GROWTH);
  const t = (m.t = new Uint32Array(m.slots * w));
  const end = m.slots * w;
  for (let q = 0; q < old.length; q += w) {
    if (old[q + w - 1] === 0) continue;
    let p = home(m, old[q]!, old[q + 1]!);
    while (t[p + w - 1] !== 0) {
      p += w;
      if (p === end) p = 0;
    }
    for (let j = 0; j < w; j++) t[p + j] = old[q + j]!;
  }
}

interface Tables {
  heads: RowMap;
  variants: RowMap;
}

interface State extends Tables {
  rows: number;
  /** Bytes the tables may take before the state spills. */
  budget: number;
  /** Set once spilled: rows as (near key, exact key, row) and, with --key, keys as (key, row); the tables are then empty. */
  rowSpill: Spill | null;
  keySpill: Spill | null;
  /** Lowest row seen (0: none): merges add the later part's keys to the earlier part's tables. */
  low: number;
  exactExamples: Example[];
  key: string[] | null;
  keyMap: RowMap | null;
  keyExamples: Example[];
}

/**
 * Add a row with near key (nHi, nLo) and exact key (eHi, eLo) first seen at `row`: a new near key makes it a
 * head, a known one with another exact key a variant. Returns the first row of the exact key if it was present
 * (keeping the lower), else 0. Heads keep the lowest row of their near key as long as keys are added in the
 * order of their rows, which update and merge (see there) do.
 */
function putRow(s: Tables, nHi: number, nLo: number, eHi: number, eLo: number, row: number): number {
  const h = s.heads;
  const p = rmSlot(h, nHi, nLo, 0, 0);
  const t = h.t;
  const first = t[p + 4]!;
  if (first === 0) {
    t[p] = nHi;
    t[p + 1] = nLo;
    t[p + 2] = eHi;
    t[p + 3] = eLo;
    t[p + 4] = row;
    h.used++;
    return 0;
  }
  if (t[p + 2] === eHi && t[p + 3] === eLo) {
    if (row < first) t[p + 4] = row;
    return first;
  }
  return rmPut(s.variants, eHi, eLo, nHi, nLo, row);
}

/** The first row of a row key (0 if absent). */
function firstRow(s: Tables, nHi: number, nLo: number, eHi: number, eLo: number): number {
  const t = s.heads.t;
  const p = rmFind(s.heads, nHi, nLo, 0, 0);
  if (t[p + 4] !== 0 && t[p + 2] === eHi && t[p + 3] === eLo) return t[p + 4]!;
  const v = s.variants;
  return v.t[rmFind(v, eHi, eLo, nHi, nLo) + 4]!;
}

/**
 * Texts that folding (trim, collapse inner whitespace, lower-case) can change; the others are compared as they
 * are, including those whose only change would be a lone inner \v or \f becoming a space.
 */
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

/**
 * Per-batch arrays of the columns: the cells' shared hashes and their folded hashes, which are the shared hashes
 * themselves (the same array) for a column none of whose texts changes by folding in this batch.
 */
interface Cols {
  n: number;
  hash: Uint32Array[];
  fold: Uint32Array[];
}

function colsOf(b: BatchView): Cols {
  const n = b.columns.length;
  const hash: Uint32Array[] = [];
  const fold: Uint32Array[] = [];
  for (let c = 0; c < n; c++) {
    const v = b.views[c]!;
    const hs = v.hash ?? sharedHashes(v, b.length);
    hash.push(hs);
    fold.push(foldColumn(v, hs, b.length));
  }
  return { n, hash, fold };
}

/** The folded hashes of a column's cells (see Cols). */
function foldColumn(view: BatchView['views'][number], hs: Uint32Array, length: number): Uint32Array {
  const { kind, text } = view;
  let out = hs;
  for (let i = 0; i < length; i++) {
    if (kind[i] !== Kind.TEXT) continue;
    const a = hs[2 * i]!;
    const b = hs[2 * i + 1]!;
    foldWord(a, b, text[i]!);
    if (foldH[0] === a && foldH[1] === b) continue;
    if (out === hs) out = hs.slice(0, 2 * length);
    out[2 * i] = foldH[0]!;
    out[2 * i + 1] = foldH[1]!;
  }
  return out;
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

/**
 * Direct-mapped cache of folded hashes, keyed by the shared hash of a text cell, which is hashString of its text:
 * [key hi, key lo, folded hi, folded lo] per entry. A text's folded hash depends on the text alone, so entries
 * hold for every column, batch and part; categories and other repeated texts are folded once.
 */
const FOLD_BITS = 12;
const foldCache = new Uint32Array(4 << FOLD_BITS);
/** The folded hash of the last foldWord call. */
const foldH = new Uint32Array(2);

/**
 * The hash of text t (whose shared hash is (a, b)) after folding, into foldH: (a, b) itself when NEEDS_FOLD says
 * folding cannot change t, so a row whose texts need no folding has a near key equal to its exact key. (The
 * regular expression scans the long unique texts of a free-text column faster than a charCodeAt loop.)
 */
function foldWord(a: number, b: number, t: string): void {
  const j = (b & ((1 << FOLD_BITS) - 1)) << 2;
  // (0, 0) is an empty entry's key: a text hashing to it is folded every time
  if (foldCache[j] === a && foldCache[j + 1] === b && (a | b) !== 0) {
    foldH[0] = foldCache[j + 2]!;
    foldH[1] = foldCache[j + 3]!;
    return;
  }
  if (!NEEDS_FOLD.test(t)) {
    foldH[0] = a;
    foldH[1] = b;
  } else if (!hashFoldedAscii(t, foldH)) hashString(t.trim().replace(/\s+/g, ' ').toLowerCase(), 0, foldH);
  foldCache[j] = a;
  foldCache[j + 1] = b;
  foldCache[j + 2] = foldH[0]!;
  foldCache[j + 3] = foldH[1]!;
}

/**
 * The exact row hash (into rowH) and the near-duplicate row hash (into nearH) of row i in one pass over the
 * cells' shared 64-bit hashes: a two-lane murmur3 body over the (hi, lo) words of the cells, finalised once per
 * row. The near hash uses the folded hash of text cells and is otherwise the same stream: it equals the exact
 * hash whenever no text of the row changes by folding.
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
    const fs = k.fold[c]!;
    const f0 = fs[2 * i]!;
    const f1 = fs[2 * i + 1]!;
    if (!diverged && (f0 !== a || f1 !== b)) {
      n1 = e1;
      n2 = e2;
      diverged = true;
    }
    if (diverged) {
      n1 = blk1(blk1(n1, f0), f1);
      n2 = blk2(blk2(n2, f1), f0);
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

/** Bytes of a table once it holds `more` further keys. */
function grownBytes(m: RowMap, more: number): number {
  let slots = m.slots;
  while (m.used + more >= slots * MAX_LOAD) slots = Math.ceil(slots * GROWTH);
  return slots * m.w * 4;
}

/** Whether the tables would pass the budget with `rows` more distinct rows, `variants` of them near variants. */
function outgrows(s: State, rows: number, variants: number): boolean {
  const keys = s.keyMap ? grownBytes(s.keyMap, rows) : 0;
  return grownBytes(s.heads, rows) + grownBytes(s.variants, variants) + keys > s.budget;
}

/** Move the tables' entries to a spill (see the top of the file); the tables are replaced by empty ones. */
function spill(s: State): void {
  const rs = (s.rowSpill = spNew(5));
  eachSlot(s.heads, (t, q) => putRecord(rs, t[q]!, t[q + 1]!, t[q + 2]!, t[q + 3]!, t[q + 4]!));
  eachSlot(s.variants, (t, q) => putRecord(rs, t[q + 2]!, t[q + 3]!, t[q]!, t[q + 1]!, t[q + 4]!));
  s.heads = rmNew(5, 2, 1);
  s.variants = rmNew(5, 4, 1);
  if (s.keyMap) {
    const ks = (s.keySpill = spNew(3));
    eachSlot(s.keyMap, (t, q) => putRecord(ks, t[q]!, t[q + 1]!, t[q + 2]!, 0, 0));
    s.keyMap = rmNew(3, 2, 1);
  }
}

/** Append the record (a, b, c[, d, e]) to a spill of 5- or 3-word records. */
function putRecord(sp: Spill, a: number, b: number, c: number, d: number, e: number): void {
  const o = spSlot(sp);
  const r = sp.pending;
  r[o] = a;
  r[o + 1] = b;
  r[o + 2] = c;
  if (sp.w === 5) {
    r[o + 3] = d;
    r[o + 4] = e;
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
    budget: 4 * ctx.options.exactBudgetBytes,
    rowSpill: null,
    keySpill: null,
    low: 0,
    heads: rmNew(5, 2),
    variants: rmNew(5, 4, 1 << 8),
    exactExamples: [],
    key: ctx.options.keyColumns,
    keyMap: ctx.options.keyColumns ? rmNew(3, 2) : null,
    keyExamples: [],
  }),
  update(s, b) {
    if (b.length === 0) return;
    if (!s.rowSpill && outgrows(s, b.length, b.length)) spill(s);
    const cols = colsOf(b);
    let keyCols: number[] | null = null;
    if (s.key) {
      keyCols = s.key.map((k) => b.columns.indexOf(k));
      if (keyCols.some((c) => c < 0)) keyCols = null; // reported in finalize
    }
    const { rowSpill, keySpill } = s;
    for (let i = 0; i < b.length; i++) {
      const row = b.firstRow + i;
      const line = b.lines ? b.lines[i]! : null;
      rowHashes(cols, i);
      if (rowSpill) putRecord(rowSpill, nearH[0]!, nearH[1]!, rowH[0]!, rowH[1]!, row);
      else {
        const first = putRow(s, nearH[0]!, nearH[1]!, rowH[0]!, rowH[1]!, row);
        if (first !== 0 && s.exactExamples.length < 5)
          addExample(s.exactExamples, { row, line, value: keyText(nearH[0]!, nearH[1]!, rowH[0]!, rowH[1]!) });
      }
      if (keyCols && s.keyMap) {
        const kh = rowHash(b, keyCols, i, false, 2);
        if (keySpill) putRecord(keySpill, kh[0]!, kh[1]!, row, 0, 0);
        else {
          const kf = rmPut(s.keyMap, kh[0]!, kh[1]!, 0, 0, row);
          if (kf !== 0 && s.keyExamples.length < 5) addExample(s.keyExamples, { row, line, value: keyText(kh[0]!, kh[1]!) });
        }
      }
    }
    s.low = s.low === 0 ? b.firstRow : Math.min(s.low, b.firstRow);
    s.rows += b.length;
  },
  merge(x, y) {
    // parts are consecutive row ranges: the later part's keys go into the earlier part's tables, heads first,
    // so that heads stay the lowest rows of their near keys
    const [a, b] = y.low !== 0 && (x.low === 0 || y.low < x.low) ? [y, x] : [x, y];
    a.exactExamples = mergeExamples(a.exactExamples, b.exactExamples);
    a.keyExamples = mergeExamples(a.keyExamples, b.keyExamples);
    if (a.rowSpill || b.rowSpill || outgrows(a, b.heads.used + b.variants.used, b.variants.used)) {
      if (!a.rowSpill) spill(a);
      if (!b.rowSpill) spill(b);
      spMerge(a.rowSpill!, b.rowSpill!);
      if (a.keySpill && b.keySpill) spMerge(a.keySpill, b.keySpill);
    } else mergeTables(a, b);
    a.low = a.low === 0 ? b.low : a.low;
    a.rows += b.rows;
    return a;
  },
  finalize(s, ctx): CheckResult {
    const c = s.rowSpill ? countSpilled(s) : countTables(s);
    const lines = (ex: Example[]) => ex.map((e) => ({ ...e, line: e.line ?? (e.row !== null ? ctx.lineOf(e.row) : null) }));
    return duplicateResult({
      rows: s.rows,
      dupRows: s.rows - c.distinct,
      nearRows: c.nearRows,
      key: s.key,
      keyRows: s.key ? s.rows - c.keys : null,
      keyMissing: s.key ? s.key.filter((k) => !ctx.columns.some((col) => col.name === k)) : [],
      examples: { exact: lines(c.exact), near: lines(c.near), key: lines(c.key) },
    });
  },
});

/** Add b's table entries to a's tables (both in memory), recording the rows that turn out to be repeats. */
function mergeTables(a: State, b: State): void {
  const repeat = (row: number, key: string) => addExample(a.exactExamples, { row, line: null, value: key });
  eachSlotScrambled(b.heads, (t, q) => {
    const first = putRow(a, t[q]!, t[q + 1]!, t[q + 2]!, t[q + 3]!, t[q + 4]!);
    if (first !== 0) repeat(Math.max(first, t[q + 4]!), keyText(t[q]!, t[q + 1]!, t[q + 2]!, t[q + 3]!));
  });
  eachSlotScrambled(b.variants, (t, q) => {
    const first = putRow(a, t[q + 2]!, t[q + 3]!, t[q]!, t[q + 1]!, t[q + 4]!);
    if (first !== 0) repeat(Math.max(first, t[q + 4]!), keyText(t[q + 2]!, t[q + 3]!, t[q]!, t[q + 1]!));
  });
  if (a.keyMap && b.keyMap) {
    const km = a.keyMap;
    eachSlotScrambled(b.keyMap, (t, q) => {
      const first = rmPut(km, t[q]!, t[q + 1]!, 0, 0, t[q + 2]!);
      if (first !== 0) addExample(a.keyExamples, { row: Math.max(first, t[q + 2]!), line: null, value: keyText(t[q]!, t[q + 1]!) });
    });
  }
}

/** What finalize reports: distinct rows and keys, near variants, and examples with their values resolved. */
interface Counts {
  distinct: number;
  nearRows: number;
  keys: number;
  exact: Example[];
  near: Example[];
  key: Example[];
}

/** Examples carry their key until finalize: the words of their row key (near, exact) or of their key. */
const keyWords = (e: Example): number[] => (e.value ?? '').split(':').map(Number);
const sameRow = (e: Example, first: number): Example => ({ ...e, value: `same as row ${first}` });
const sameKey = (e: Example, first: number): Example => ({ ...e, value: `same key as row ${first}` });

function countTables(s: State): Counts {
  const near: Example[] = [];
  eachSlot(s.variants, (t, q) => addExample(near, { row: t[q + 4]!, line: null, value: null }));
  const km = s.keyMap;
  return {
    distinct: s.heads.used + s.variants.used,
    nearRows: s.variants.used,
    keys: km ? km.used : 0,
    exact: s.exactExamples.map((e) => sameRow(e, firstRow(s, ...(keyWords(e) as [number, number, number, number])))),
    near,
    key: km ? s.keyExamples.map((e) => sameKey(e, firstKey(km, keyWords(e)))) : [],
  };
}

/**
 * Counts of a spilled state, one partition at a time: its records in row order go into fresh tables (sized
 * for them), as rows go into the tables in memory. Examples found before the spill are resolved in their
 * partition. The spill's files are removed.
 */
function countSpilled(s: State): Counts {
  const out: Counts = { distinct: 0, nearRows: 0, keys: 0, exact: [], near: [], key: [] };
  const part = (e: Example) => keyWords(e)[0]! >>> 24;
  eachPartition(s.rowSpill!, (r, p) => {
    const t = { heads: rmNew(5, 2, Math.ceil(r.length / 5 / MAX_LOAD) + 1), variants: rmNew(5, 4, 1 << 8) };
    for (let o = 0; o < r.length; o += 5) {
      const first = putRow(t, r[o]!, r[o + 1]!, r[o + 2]!, r[o + 3]!, r[o + 4]!);
      if (first !== 0) addExample(out.exact, sameRow({ row: r[o + 4]!, line: null, value: null }, first));
    }
    out.distinct += t.heads.used + t.variants.used;
    out.nearRows += t.variants.used;
    eachSlot(t.variants, (v, q) => addExample(out.near, { row: v[q + 4]!, line: null, value: null }));
    for (const e of s.exactExamples)
      if (part(e) === p) addExample(out.exact, sameRow(e, firstRow(t, ...(keyWords(e) as [number, number, number, number]))));
  });
  if (s.keySpill)
    eachPartition(s.keySpill, (r, p) => {
      const km = rmNew(3, 2, Math.ceil(r.length / 3 / MAX_LOAD) + 1);
      for (let o = 0; o < r.length; o += 3) {
        const first = rmPut(km, r[o]!, r[o + 1]!, 0, 0, r[o + 2]!);
        if (first !== 0) addExample(out.key, sameKey({ row: r[o + 2]!, line: null, value: null }, first));
      }
      out.keys += km.used;
      for (const e of s.keyExamples) if (part(e) === p) addExample(out.key, sameKey(e, firstKey(km, keyWords(e))));
    });
  return out;
}

/** Each non-empty partition of a spill with its records in row order (the row is the last word), then the spill removed. */
function eachPartition(sp: Spill, fn: (records: Uint32Array, p: number) => void): void {
  for (let p = 0; p < PARTS; p++) {
    const r = sortRecords(spRead(sp, p), sp.w, sp.w - 1);
    if (r.length > 0) fn(r, p);
  }
  spDispose(sp);
}

function firstKey(km: RowMap, k: number[]): number {
  return km.t[rmFind(km, k[0]!, k[1]!, 0, 0) + 2]!;
}

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

/** An example's key until finalize: the words of its row key (near, exact) or of its key. */
function keyText(...words: number[]): string {
  return words.join(':');
}

/** Call f(t, q) for the first word q of every occupied slot of m. */
function eachSlot(m: RowMap, f: (t: Uint32Array, q: number) => void): void {
  const t = m.t;
  const w = m.w;
  for (let q = 0; q < t.length; q += w) if (t[q + w - 1] !== 0) f(t, q);
}

/**
 * eachSlot in a scrambled order (slot i * STRIDE mod slots), for inserting into another table: a home slot grows
 * with the hash, so slots in table order are keys sorted by home, and inserting sorted keys into a partly filled
 * table of the same placement builds one ever longer probe run (quadratic: 23 s to merge two halves of 1M rows).
 */
function eachSlotScrambled(m: RowMap, f: (t: Uint32Array, q: number) => void): void {
  const t = m.t;
  const w = m.w;
  const n = m.slots;
  let stride = 0x9e3779b1 % n || 1;
  while (gcd(stride, n) !== 1) stride++;
  for (let i = 0, j = 0; i < n; i++, j = (j + stride) % n) {
    const q = j * w;
    if (t[q + w - 1] !== 0) f(t, q);
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
