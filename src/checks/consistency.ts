/**
 * consistency: values of one column written in different ways.
 *
 * Findings (all per column):
 * - `mixed-formats`: one value family written in several formats. The family is chosen per column from the
 *   cells' kinds (boolean > date > number > digit shape, first that applies):
 *     boolean  >= 90% of cells are true/false, yes/no, y/n, t/f or 1/0 (and not only 1/0); format = spelling family;
 *     date     >= 50% of cells are dates/datetimes; format = `YYYY-MM-DD`, `DD/MM/YYYY`, `Mon D YYYY`, ... plus the
 *              time part (`THH:MM:SSZ`); fractions of seconds and 1- vs 2-digit days are not formats;
 *              ambiguous slash dates (03/04/2024) join the column's dominant day/month order;
 *     number   >= 50% of cells are numbers (incl. text such as `1,234.50` or `12,50`); formats are the four
 *              styles `1234.5`, `1,234.5`, `1234,5`, `1.234,5`. A cell counts against a style only if it cannot
 *              be written in it: `3` and `3.5` fit every style, `1.234` fits all but `1234,5`, `12,5` fits the comma styles,
 *              `1234.5` (4+ integer digits, no grouping) only `1234.5`. The dominant style is the one most cells fit;
 *              cells that cannot fit it are the minority;
 *     shape    >= 90% of cells are digits with separators (`555-1234`, `(555) 123 4567`), mostly text, and one digit
 *              shape (`ddd-dddd`) covers >= 50% of them.
 *   data: { family, dominant, formats: [{ format, count, examples }] }; count = cells in minority formats.
 * - `spelling-variants`: see `spellingClusters`. Only for string/categorical/boolean columns with at most
 *   10,000 distinct values (of at most 200 characters) whose family is not date/number/shape.
 *   data: { clusters: Cluster[] }; count = cells holding a variant. metrics.clusters[column] = Cluster[].
 * - `whitespace`: leading or trailing whitespace. data: { leading, trailing }.
 * - `mixed-types`: cells of a different type group (number, boolean, date, text) than the column's dominant
 *   group, when that group is substantial: at least 2 cells and at least 1% of the column's non-missing cells.
 * - `encoding`: U+FFFD replacement characters and mojibake (UTF-8 read as Latin-1/cp1252: `Ã©`, `â€™`).
 *   data: { replacement, mojibake, accented, mixed } where mixed = mojibake next to properly accented values.
 *
 * Scoring (tallies[column].consistency): assessed = the column's non-missing cells; bad = cells with at least
 * one problem among: leading/trailing whitespace, replacement character or mojibake, minority format, spelling
 * variant, and mixed types *only when tallied*. Each cell counts once, whatever the number of its problems.
 *
 * Decision on mixed types: a value of the wrong type in a typed column (integer, float, boolean, date, datetime)
 * is type noise and the `noise` checker counts it for validity. So `mixed-types` is always reported, but it is
 * tallied for consistency (and its finding carries dimension 'consistency') only when the column's inferred
 * type is `string` or `categorical`, where no other checker counts those cells; otherwise the finding is
 * informational (dimension null, data.tallied = false).
 *
 * Bounds: per column at most 2,000 distinct (whitespace, kind, format, encoding) combinations (cells beyond go
 * to an overflow that only whitespace/encoding can mark bad; findings then say data.capped = true) and at most
 * 10,000 distinct values for spelling (beyond: no spelling check, metrics.spellingSkipped[column] says why).
 */
import { addExample, mergeExamples } from '../core/issues.js';
import {
  Kind,
  defineChecker,
  type BatchView,
  type ColumnProfile,
  type ColumnTallies,
  type Example,
  type FinalizeContext,
  type Finding,
} from '../core/types.js';
import { parseOptionsFrom, viewColumn } from '../schema/values.js';
import { hashString } from '../stats/hash.js';
import { flat } from '../stats/strings.js';

export const MAX_DISTINCT = 10_000;
export const MAX_KEYS = 2_000;
const MAX_VALUE_LEN = 200;
const CHECK = 'consistency';

// ---------------------------------------------------------------------------------------------
// state

interface KeyStat {
  count: number;
  examples: Example[];
}

interface ValStat {
  count: number;
  row: number | null;
  line: number | null;
}

interface ColState {
  n: number;
  kinds: number[];
  /** Cells by facet key (see keyOf). */
  keys: Map<string, KeyStat>;
  overflow: number;
  /** Overflow cells with whitespace or an encoding problem. */
  overflowBad: number;
  ws: number;
  lead: number;
  trail: number;
  fffd: number;
  moji: number;
  accented: number;
  /** Distinct raw values, for spelling; null once capped. */
  values: Map<string, ValStat> | null;
  capped: string | null;
}

export interface ConsistencyState {
  cols: Map<string, ColState>;
}

function newCol(): ColState {
  return {
    n: 0,
    kinds: [0, 0, 0, 0, 0, 0, 0],
    keys: new Map(),
    overflow: 0,
    overflowBad: 0,
    ws: 0,
    lead: 0,
    trail: 0,
    fffd: 0,
    moji: 0,
    accented: 0,
    values: new Map(),
    capped: null,
  };
}

// ---------------------------------------------------------------------------------------------
// facets of one cell

interface Facets {
  /** bit 1: leading, bit 2: trailing whitespace. */
  ws: number;
  kind: number;
  /** boolean spelling family, '' if none. */
  bv: string;
  /** number class (see NUM_COMPAT), '' if not a number. */
  ns: string;
  /** date format, '' if not a date. */
  ds: string;
  /** digit shape, '' if not digit-shaped. */
  ss: string;
  /** bit 1: U+FFFD, bit 2: mojibake, bit 4: properly accented. */
  enc: number;
}

const SEP = '\u0001';

function keyOf(f: Facets): string {
  return `${f.ws}${SEP}${f.kind}${SEP}${f.bv}${SEP}${f.ns}${SEP}${f.ds}${SEP}${f.ss}${SEP}${f.enc}`;
}

function parseKey(k: string): Facets {
  const p = k.split(SEP);
  return { ws: +p[0]!, kind: +p[1]!, bv: p[2]!, ns: p[3]!, ds: p[4]!, ss: p[5]!, enc: +p[6]! };
}

/** Number styles. */
const NUM_LABELS = ['1234.5', '1,234.5', '1234,5', '1.234,5'];
/** Which styles a number class can be written in ([] = neutral: fits all). */
const NUM_COMPAT: Record<string, number[]> = {
  n: [], // integer with at most 3 digits, inf
  i: [0, 2], // 1234
  p: [0, 1], // 12.5, 1e6
  P: [0], // 1234.5
  c: [2, 3], // 12,5
  C: [2], // 1234,5
  g: [1], // 1,234.5 / 1,234,567
  d: [3], // 1.234,5 / 1.234.567
  a: [1, 2, 3], // 1,234 (thousands or decimal comma)
  b: [0, 1, 3], // 1.234 (decimal point or thousands dot)
};

const RE_INT = /^\d+$/;
const RE_POINT = /^(\d*)\.(\d*)([eE][+-]?\d+)?$/;
const RE_EXP = /^\d+[eE][+-]?\d+$/;
const RE_COMMA_GROUP = /^\d{1,3}(,\d{3})+(\.\d*)?$/;
const RE_DOT_GROUP = /^\d{1,3}(\.\d{3})+(,\d*)?$/;
const RE_COMMA_DEC = /^(\d+),(\d+)$/;

/** Number class of a trimmed text; `separatorsOnly` restricts to forms with , or . (for text cells). */
export function numClass(t: string, separatorsOnly: boolean): string {
  let s = t;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) s = s.slice(1);
  if (!separatorsOnly) {
    if (RE_INT.test(s)) return s.length <= 3 ? 'n' : 'i';
    if (RE_EXP.test(s)) return 'p';
  }
  let m = RE_POINT.exec(s);
  if (m && (m[1]!.length > 0 || m[2]!.length > 0)) {
    if (m[1]!.length >= 4) return 'P';
    if (m[2]!.length === 3 && !m[3] && m[1]!.length > 0) return 'b';
    return 'p';
  }
  if (RE_COMMA_GROUP.test(s)) return s.indexOf(',') === s.lastIndexOf(',') && !s.includes('.') ? 'a' : 'g';
  if (RE_DOT_GROUP.test(s)) return 'd';
  m = RE_COMMA_DEC.exec(s);
  if (m) return m[1]!.length >= 4 ? 'C' : 'c';
  return separatorsOnly ? '' : 'n';
}

const RE_D_ISO = /^\d{4}-\d{1,2}-\d{1,2}/;
const RE_D_ISO_SLASH = /^\d{4}\/\d{1,2}\/\d{1,2}/;
const RE_D_SLASH = /^(\d{1,2})\/(\d{1,2})\/\d{4}/;
const RE_D_DOT = /^\d{1,2}\.\d{1,2}\.\d{4}/;
const RE_D_DMONY = /^\d{1,2} [A-Za-z]+ \d{4}/;
const RE_D_DMONY_DASH = /^\d{1,2}-[A-Za-z]+-\d{4}/;
const RE_D_MONDY_COMMA = /^[A-Za-z]+\.? \d{1,2}, \d{4}/;
const RE_D_MONDY = /^[A-Za-z]+\.? \d{1,2} \d{4}/;
const RE_TIME = /^(\d{1,2}):(\d{2})(:\d{2})?([.,]\d+)?\s*(.*)$/;

/** Date format of a trimmed date/datetime text. Ambiguous slash dates get the prefix `NN/NN`. */
export function dateSig(t: string): string {
  let label: string;
  let m: RegExpExecArray | null;
  if ((m = RE_D_ISO.exec(t))) label = 'YYYY-MM-DD';
  else if ((m = RE_D_ISO_SLASH.exec(t))) label = 'YYYY/MM/DD';
  else if ((m = RE_D_SLASH.exec(t))) {
    const a = +m[1]!;
    const b = +m[2]!;
    label = a > 12 ? 'DD/MM/YYYY' : b > 12 ? 'MM/DD/YYYY' : 'NN/NN/YYYY';
  } else if ((m = RE_D_DOT.exec(t))) label = 'DD.MM.YYYY';
  else if ((m = RE_D_DMONY.exec(t))) label = 'D Mon YYYY';
  else if ((m = RE_D_DMONY_DASH.exec(t))) label = 'D-Mon-YYYY';
  else if ((m = RE_D_MONDY_COMMA.exec(t))) label = 'Mon D, YYYY';
  else if ((m = RE_D_MONDY.exec(t))) label = 'Mon D YYYY';
  else return 'other';
  let rest = t.slice(m[0].length);
  if (rest.length === 0) return label;
  let sep = ' ';
  if (rest[0] === 'T' || rest[0] === 't') {
    sep = 'T';
    rest = rest.slice(1);
  } else rest = rest.trimStart();
  const tm = RE_TIME.exec(rest);
  if (!tm) return `${label} other`;
  let time = tm[3] ? 'HH:MM:SS' : 'HH:MM';
  const zone = tm[5]!;
  if (zone === '') time += '';
  else if (zone === 'Z' || zone === 'z') time += 'Z';
  else if (/^[+-]\d{2}:\d{2}$/.test(zone)) time += '+HH:MM';
  else if (/^[+-]\d{4}$/.test(zone)) time += '+HHMM';
  else if (/^[+-]\d{2}$/.test(zone)) time += '+HH';
  else if (/^[ap]m$/i.test(zone)) time += ' AM';
  else time += ' other';
  return `${label}${sep}${time}`;
}

const RE_SHAPE = /^[\d\s\-.()+/]+$/;

function boolFamily(t: string, kind: number): string {
  if (kind === Kind.BOOL) {
    const l = t.toLowerCase();
    if (l === 'true' || l === 'false') return 'true/false';
    if (l === 'yes' || l === 'no') return 'yes/no';
    return '';
  }
  if (t.length !== 1) return '';
  const c = t.toLowerCase();
  if (kind === Kind.INT) return c === '1' || c === '0' ? '1/0' : '';
  if (kind === Kind.TEXT) {
    if (c === 'y' || c === 'n') return 'y/n';
    if (c === 't' || c === 'f') return 't/f';
  }
  return '';
}

// cp1252/Latin-1 renderings of UTF-8 continuation bytes 0x80-0xBF
const CONT = '[\\u0080-\\u00BF\\u20AC\\u201A\\u0192\\u201E\\u2026\\u2020\\u2021\\u02C6\\u2030\\u0160\\u2039\\u0152\\u017D\\u2018\\u2019\\u201C\\u201D\\u2022\\u2013\\u2014\\u02DC\\u2122\\u0161\\u203A\\u0153\\u017E\\u0178]';
const RE_MOJIBAKE = new RegExp(`[\\u00C2-\\u00DF]${CONT}|[\\u00E0-\\u00EF]${CONT}{2}`);
const RE_ACCENTED = /[\u00C0-\u024F]/;
const RE_NON_ASCII = /[^\x00-\x7f]/;
const RE_DIGIT = /\d/;
const RE_DIGIT_OR_WIDE = /[\d\u0080-\uffff]/;

export function isMojibake(s: string): boolean {
  return RE_MOJIBAKE.test(s);
}

/** The characters of the regular expression class \\s (and so of String#trim). */
function isJsSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

function facetsOf(text: string, kind: number): Facets {
  const ws = (isJsSpace(text.charCodeAt(0)) ? 1 : 0) | (isJsSpace(text.charCodeAt(text.length - 1)) ? 2 : 0);
  const t = ws ? text.trim() : text;
  let bv = '';
  let ns = '';
  let ds = '';
  let ss = '';
  let enc = 0;
  if (kind === Kind.BOOL || kind === Kind.INT || kind === Kind.TEXT) bv = boolFamily(t, kind);
  if (kind === Kind.INT || kind === Kind.FLOAT) ns = numClass(t, false);
  else if (kind === Kind.TEXT && t.length <= 40 && /\d[.,]\d/.test(t)) ns = numClass(t, true);
  if (kind === Kind.DATE || kind === Kind.DATETIME) ds = dateSig(t);
  if ((kind === Kind.TEXT || kind === Kind.INT) && t.length <= 30 && RE_SHAPE.test(t)) {
    const shape = t.replace(/\d/g, 'd');
    let digits = 0;
    for (let i = 0; i < shape.length; i++) if (shape.charCodeAt(i) === 100) digits++;
    if (digits >= 3) ss = shape;
  }
  if (kind === Kind.TEXT && RE_NON_ASCII.test(t)) enc = encOf(t);
  return { ws, kind, bv, ns, ds, ss, enc };
}

/** The facet key of a cell, computed without any cache (tests compare update's cached routes with it). */
export function facetKeyOf(text: string, kind: number): string {
  return keyOf(facetsOf(text, kind));
}

/** The encoding facet of a text with non-ASCII characters. */
function encOf(t: string): number {
  let enc = 0;
  if (t.includes('\uFFFD')) enc |= 1;
  if (RE_MOJIBAKE.test(t)) enc |= 2;
  else if (RE_ACCENTED.test(t)) enc |= 4;
  return enc;
}

// ---------------------------------------------------------------------------------------------
// update / merge

function addKey(col: ColState, key: string, count: number, examples: Example[]): void {
  const k = col.keys.get(key);
  if (k) {
    k.count += count;
    k.examples = mergeExamples(k.examples, examples);
    return;
  }
  if (col.keys.size >= MAX_KEYS) {
    col.overflow += count;
    const f = parseKey(key);
    if (f.ws || f.enc & 3) col.overflowBad += count;
    return;
  }
  col.keys.set(key, { count, examples: mergeExamples([], examples) });
}

/** Count `v` (a text that owns its characters, see flat) among the distinct values: its ValStat, or null once capped. */
function addValue(col: ColState, v: string, count: number, row: number | null, line: number | null): ValStat | null {
  if (!col.values) return null;
  let s = col.values.get(v);
  if (s) {
    s.count += count;
    if (row !== null && (s.row === null || row < s.row)) {
      s.row = row;
      s.line = line;
    }
    return s;
  }
  if (v.length > MAX_VALUE_LEN) {
    col.values = null;
    col.capped = 'long-values';
    return null;
  }
  if (col.values.size >= MAX_DISTINCT) {
    col.values = null;
    col.capped = 'too-many-distinct';
    return null;
  }
  col.values.set(v, (s = { count, row, line }));
  return s;
}

// ---------------------------------------------------------------------------------------------
// update: what a cell means, cached

/**
 * A facet key of one column as update uses it, made once per column and key. `stat` is the column's KeyStat
 * for the key once it exists: KeyStats are updated in place and never replaced or removed, so it stays valid.
 */
interface Facet {
  key: string;
  kind: number;
  ws: number;
  enc: number;
  stat: KeyStat | null;
  /** Cells of this facet in the current batch, not yet counted in the column state (see flush). */
  pending: number;
}

/** A text of one kind and shape (see byShape). */
interface ShapeEntry {
  sample: string;
  kind: number;
  facet: Facet;
  /** Texts found of this shape, until `re` is made. */
  hits: number;
  /** The shape as a regular expression, for long samples found often (see isShape). */
  re: RegExp | null;
}

/**
 * What update remembers of a column across batches. It lives beside the state (CACHES), not in it: it is not
 * merged, cloned or sent by workers, and a column state without one (a clone, a merged-in state) starts afresh.
 * Every entry is either a function of the cell's (text, kind) or a reference into the column state that stays
 * valid, so caching cannot change a result; pending counts (Facet.pending) are back to 0 when update returns.
 */
interface ColCache {
  /** Facets by key. */
  facets: Map<string, Facet>;
  /** Facets without a boolean/number/date/shape facet, by (ws, kind, enc): no key to build for them. */
  plain: (Facet | undefined)[];
  /** Facets of empty and one-character (ASCII) texts, by (kind, character). */
  short: (Facet | undefined)[];
  /** Distinct values while the column keeps them (emptied once they are capped: from then on only facets matter). */
  values: ValueTable;
  /** Shapes by hash (a later shape with the same hash replaces the entry), emptied when full. */
  shapes: Map<number, ShapeEntry>;
  /** The last shape found by (kind, length): cells of a column mostly repeat a few shapes of different lengths. */
  lastShape: (ShapeEntry | undefined)[];
  /** Facets with pending cells. */
  touched: Facet[];
}

const CACHES = new WeakMap<ColState, ColCache>();
const MAX_SHAPES = 4096;
const MAX_SHAPE_LEN = 40;

function newCache(): ColCache {
  return { facets: new Map(), plain: [], short: [], values: new ValueTable(256), shapes: new Map(), lastShape: [], touched: [] };
}

/**
 * The distinct values of a column with their facet and ValStat (updated in place, like KeyStats), in an
 * open-addressing table (parallel arrays by slot) by the profile's 64-bit cell hash. The hash only finds
 * candidates, which must have the same text and kind: numbers are hashed by value (35 and 35.0 share a hash),
 * and 64-bit collisions are harmless too. A load of at most 2/3 lets MAX_DISTINCT values fit in 16,384 slots
 * (21 bytes each).
 */
class ValueTable {
  size = 0;
  lo: Int32Array;
  hi: Int32Array;
  kind: Uint8Array;
  /** undefined (a hole): an empty slot. */
  text: (string | undefined)[];
  facet: Facet[];
  val: ValStat[];

  constructor(capacity: number) {
    this.lo = new Int32Array(capacity);
    this.hi = new Int32Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.text = new Array<string | undefined>(capacity);
    this.facet = new Array<Facet>(capacity);
    this.val = new Array<ValStat>(capacity);
  }

  /** The slot of (text, kind), -1 if absent. */
  find(lo: number, hi: number, text: string, kind: number): number {
    const mask = this.lo.length - 1;
    for (let s = lo & mask; ; s = (s + 1) & mask) {
      const t = this.text[s];
      if (t === undefined) return -1;
      if (this.lo[s] === lo && this.hi[s] === hi && this.kind[s] === kind && t === text) return s;
    }
  }

  /** Add (text, kind), absent from the table. */
  add(lo: number, hi: number, text: string, kind: number, facet: Facet, val: ValStat): void {
    if (3 * (this.size + 1) > 2 * this.lo.length) this.grow();
    this.put(lo, hi, text, kind, facet, val);
    this.size++;
  }

  private grow(): void {
    const t = new ValueTable(2 * this.lo.length);
    for (let s = 0; s < this.lo.length; s++) {
      const text = this.text[s];
      if (text !== undefined) t.put(this.lo[s]!, this.hi[s]!, text, this.kind[s]!, this.facet[s]!, this.val[s]!);
    }
    this.lo = t.lo;
    this.hi = t.hi;
    this.kind = t.kind;
    this.text = t.text;
    this.facet = t.facet;
    this.val = t.val;
  }

  private put(lo: number, hi: number, text: string, kind: number, facet: Facet, val: ValStat): void {
    const mask = this.lo.length - 1;
    let s = lo & mask;
    while (this.text[s] !== undefined) s = (s + 1) & mask;
    this.lo[s] = lo;
    this.hi[s] = hi;
    this.kind[s] = kind;
    this.text[s] = text;
    this.facet[s] = facet;
    this.val[s] = val;
  }
}

function plainFacet(cc: ColCache, ws: number, kind: number, enc: number): Facet {
  const slot = (ws * 8 + kind) * 8 + enc;
  return (cc.plain[slot] ??= { key: keyOf({ ws, kind, bv: '', ns: '', ds: '', ss: '', enc }), kind, ws, enc, stat: null, pending: 0 });
}

function internFacet(cc: ColCache, f: Facets): Facet {
  if (f.bv === '' && f.ns === '' && f.ds === '' && f.ss === '') return plainFacet(cc, f.ws, f.kind, f.enc);
  const key = keyOf(f);
  let x = cc.facets.get(key);
  if (x === undefined) cc.facets.set(key, (x = { key, kind: f.kind, ws: f.ws, enc: f.enc, stat: null, pending: 0 }));
  return x;
}

/** Whether two texts have the same shape: the same length and characters, any digit matching any digit. */
function sameShape(a: string, b: string): boolean {
  const n = a.length;
  if (b.length !== n) return false;
  for (let j = 0; j < n; j++) {
    const x = a.charCodeAt(j);
    const y = b.charCodeAt(j);
    if (x !== y && !(x >= 48 && x <= 57 && y >= 48 && y <= 57)) return false;
  }
  return true;
}

/**
 * Whether `t` has the shape of entry `e`. Texts of 13+ characters are mostly sliced strings (see flat), whose
 * characters charCodeAt reaches slowly; a regular expression unwraps the string once and scans it several times
 * faster. It is made once a shape has been found often enough to pay for its compilation.
 */
function isShape(e: ShapeEntry, t: string): boolean {
  if (e.re !== null) return e.re.test(t);
  if (!sameShape(e.sample, t)) return false;
  if (++e.hits === 16 && e.sample.length >= 13) e.re = shapeRegExp(e.sample);
  return true;
}

/** The regular expression of sameShape(sample, .): each digit any digit, every other UTF-16 unit itself. */
function shapeRegExp(sample: string): RegExp {
  let src = '^';
  for (let j = 0; j < sample.length; j++) {
    const c = sample.charCodeAt(j);
    src += c >= 48 && c <= 57 ? '[0-9]' : `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return new RegExp(`${src}$`);
}

/**
 * The facet of a text of 2-40 characters by its shape. Facets depend only on the shape (see facetsOf: lengths,
 * digit positions and the other characters), except for integers with one digit (' 1' is a 1/0 boolean once
 * trimmed, ' 7' is not) and slash dates (03/04 vs 13/04): for those, undefined. A text of the same shape as an
 * admitted sample is admitted too, so a match needs no further test.
 */
function byShape(cc: ColCache, t: string, kind: number): Facet | undefined {
  const n = t.length;
  const at = kind * (MAX_SHAPE_LEN + 1) + n;
  const last = cc.lastShape[at];
  if (last !== undefined && isShape(last, t)) return last.facet;
  let h = Math.imul(kind, 0x01000193) ^ n;
  let digits = 0;
  for (let j = 0; j < n; j++) {
    let c = t.charCodeAt(j);
    if (c >= 48 && c <= 57) {
      c = 48;
      digits++;
    } else if (c === 47 && (kind === Kind.DATE || kind === Kind.DATETIME)) return undefined;
    h = Math.imul(h ^ c, 0x01000193);
  }
  if (digits === 1 && kind === Kind.INT) return undefined;
  let e = cc.shapes.get(h);
  if (e === undefined || e.kind !== kind || !isShape(e, t)) {
    if (cc.shapes.size >= MAX_SHAPES) cc.shapes.clear();
    e = { sample: flat(t), kind, facet: internFacet(cc, facetsOf(t, kind)), hits: 0, re: null };
    cc.shapes.set(h, e);
  }
  cc.lastShape[at] = e;
  return e.facet;
}

/**
 * The facet of a TEXT cell of 2+ characters without outer whitespace when it has no digit or more than 40
 * characters: then only its encoding facet can be set (see facetsOf), found in one pass. Undefined otherwise.
 */
function plainText(cc: ColCache, t: string): Facet | undefined {
  // one regular expression scans faster than a loop of charCodeAt
  if (!RE_DIGIT_OR_WIDE.test(t)) return plainFacet(cc, 0, Kind.TEXT, 0);
  if (t.length <= MAX_SHAPE_LEN && RE_DIGIT.test(t)) return undefined;
  return plainFacet(cc, 0, Kind.TEXT, RE_NON_ASCII.test(t) ? encOf(t) : 0);
}

/** The facet of a cell, by the cheapest route that gives what facetsOf gives. */
function facetOf(cc: ColCache, t: string, kind: number): Facet {
  const n = t.length;
  if (n < 2) {
    const c = n === 0 ? 128 : t.charCodeAt(0);
    if (c <= 128) return (cc.short[kind * 129 + c] ??= internFacet(cc, facetsOf(t, kind)));
  } else {
    if (kind === Kind.TEXT && !isJsSpace(t.charCodeAt(0)) && !isJsSpace(t.charCodeAt(n - 1))) {
      const f = plainText(cc, t);
      if (f !== undefined) return f;
    }
    if (n <= MAX_SHAPE_LEN) {
      const f = byShape(cc, t, kind);
      if (f !== undefined) return f;
    }
  }
  return internFacet(cc, facetsOf(t, kind));
}

function update(state: ConsistencyState, batch: BatchView): void {
  // batch and view objects come in several hidden classes (readers, projection, the profile adding hashes): only
  // this small function reads them, so the per-cell loops do not deoptimize on a new one
  const { length, firstRow, lines } = batch;
  for (let c = 0; c < batch.columns.length; c++) {
    const name = batch.columns[c]!;
    const view = batch.views[c];
    if (!view) continue;
    let col = state.cols.get(name);
    if (!col) {
      col = newCol();
      state.cols.set(name, col);
    }
    let cc = CACHES.get(col);
    if (!cc) CACHES.set(col, (cc = newCache()));
    const start = col.values !== null ? updateValues(col, cc, view.kind, view.text, view.hash, length, firstRow, lines) : 0;
    if (start < length) updateFacets(col, cc, view.kind, view.text, start, length, firstRow, lines);
    flush(col, cc);
  }
}

/**
 * Cells of a column that keeps its distinct values, by the value table. Returns where it stopped: `length`, or
 * the cell after the one that capped the distinct values (the rest only needs facets: updateFacets).
 * `hashes` are the profile's (see ColumnView.hash), if any.
 */
function updateValues(
  col: ColState,
  cc: ColCache,
  vkind: Uint8Array,
  vtext: (string | null)[],
  hashes: Uint32Array | undefined,
  length: number,
  firstRow: number,
  lines: Int32Array | null,
): number {
  const table = cc.values;
  for (let i = 0; i < length; i++) {
    const kind = vkind[i]!;
    if (kind === Kind.MISSING) continue;
    const text = vtext[i];
    if (text === null || text === undefined) continue;
    const row = firstRow + i;
    let lo: number;
    let hi: number;
    if (hashes !== undefined) {
      hi = hashes[2 * i]! | 0;
      lo = hashes[2 * i + 1]! | 0;
    } else {
      // a checker run on its own: hashes of the text
      const h = hashString(text);
      hi = h[0]! | 0;
      lo = h[1]! | 0;
    }
    const slot = table.find(lo, hi, text, kind);
    if (slot >= 0) {
      const vs = table.val[slot]!;
      vs.count++;
      if (vs.row === null || row < vs.row) {
        vs.row = row;
        vs.line = lines ? lines[i]! : null;
      }
      tally(col, cc, table.facet[slot]!, text, row, lines, i);
      continue;
    }
    const f = facetOf(cc, text, kind);
    tally(col, cc, f, text, row, lines, i);
    const own = flat(text);
    const vs = addValue(col, own, 1, row, lines ? lines[i]! : null);
    if (vs === null) {
      // capped: free the table (an empty one rather than null keeps the field's type, and optimized code, stable)
      cc.values = new ValueTable(16);
      return i + 1;
    }
    table.add(lo, hi, own, kind, f, vs);
  }
  return length;
}

/** Cells from `start` of a column whose distinct values are capped: only their facets matter. */
function updateFacets(
  col: ColState,
  cc: ColCache,
  vkind: Uint8Array,
  vtext: (string | null)[],
  start: number,
  length: number,
  firstRow: number,
  lines: Int32Array | null,
): void {
  for (let i = start; i < length; i++) {
    const kind = vkind[i]!;
    if (kind === Kind.MISSING) continue;
    const text = vtext[i];
    if (text === null || text === undefined) continue;
    tally(col, cc, facetOf(cc, text, kind), text, firstRow + i, lines, i);
  }
}

/**
 * Count a non-missing cell of facet `f`: in `f.pending` (added to the column state by flush, once per facet and
 * batch), and among the examples of its key while they are short (rows only grow within a batch).
 */
function tally(col: ColState, cc: ColCache, f: Facet, text: string, row: number, lines: Int32Array | null, i: number): void {
  if (f.pending++ === 0) cc.touched.push(f);
  const k = f.stat;
  if (k === null || k.examples.length < 5) addCellExample(col, f, { row, line: lines ? lines[i]! : null, value: text });
}

function addCellExample(col: ColState, f: Facet, ex: Example): void {
  const k = f.stat ?? (f.stat = col.keys.get(f.key) ?? null);
  if (k !== null) {
    if (k.examples.length < 5) addExample(k.examples, ex);
    return;
  }
  addKey(col, f.key, 0, [ex]); // the count comes with flush
  f.stat = col.keys.get(f.key) ?? null;
}

/** Add the pending cells of the batch to the column state. */
function flush(col: ColState, cc: ColCache): void {
  for (const f of cc.touched) {
    const c = f.pending;
    f.pending = 0;
    col.n += c;
    col.kinds[f.kind]! += c;
    if (f.ws) {
      col.ws += c;
      if (f.ws & 1) col.lead += c;
      if (f.ws & 2) col.trail += c;
    }
    if (f.enc) {
      if (f.enc & 1) col.fffd += c;
      if (f.enc & 2) col.moji += c;
      if (f.enc & 4) col.accented += c;
    }
    if (f.stat !== null) f.stat.count += c;
    else addKey(col, f.key, c, []); // the column has MAX_KEYS keys: overflow
  }
  cc.touched.length = 0;
}

function mergeCol(a: ColState, b: ColState): ColState {
  a.n += b.n;
  for (let k = 0; k < a.kinds.length; k++) a.kinds[k]! += b.kinds[k]!;
  for (const [key, st] of b.keys) addKey(a, key, st.count, st.examples);
  a.overflow += b.overflow;
  a.overflowBad += b.overflowBad;
  a.ws += b.ws;
  a.lead += b.lead;
  a.trail += b.trail;
  a.fffd += b.fffd;
  a.moji += b.moji;
  a.accented += b.accented;
  if (!b.values) {
    a.values = null;
    a.capped ??= b.capped;
  } else if (a.values) {
    for (const [v, s] of b.values) addValue(a, v, s.count, s.row, s.line);
  }
  return a;
}

function merge(a: ConsistencyState, b: ConsistencyState): ConsistencyState {
  for (const [name, col] of b.cols) {
    const x = a.cols.get(name);
    a.cols.set(name, x ? mergeCol(x, col) : col);
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// spelling clusters

export interface ClusterVariant {
  value: string;
  count: number;
  /** 'normalized': equal after folding case, accents, punctuation and whitespace; 'edit': a near spelling. */
  match: 'normalized' | 'edit';
}

export interface Cluster {
  /** The spelling to standardize to (the most frequent one). */
  dominant: string;
  /** Cells holding the dominant spelling. */
  count: number;
  variants: ClusterVariant[];
}

const RE_DASHES = /(?<!\d)[\p{Pd}\p{Pc}/\\]|[\p{Pd}\p{Pc}/\\](?!\d)/gu;
const RE_PUNCT = /(?<!\d)[.,'"`!?:;()[\]{}\u2018\u2019\u201A\u201C\u201D\u00AB\u00BB\u00A1\u00BF*]|[.,'"`!?:;()[\]{}\u2018\u2019\u201A\u201C\u201D\u00AB\u00BB\u00A1\u00BF*](?!\d)/gu;

/** The folding key: case, accents, punctuation and whitespace removed or collapsed. */
export function foldKey(s: string): string {
  const t = s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(RE_DASHES, ' ')
    .replace(RE_PUNCT, '')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > 0 ? t : s;
}

/** Optimal string alignment distance, or max+1 when above max. */
function osaDistance(a: string, b: string, max: number): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

function hasOuterSpace(s: string): boolean {
  return /^\s|\s$/.test(s);
}

/** Order of spellings within a cluster: most frequent, then without outer whitespace, then code-point order. */
function spellingOrder(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  const wa = hasOuterSpace(a[0]) ? 1 : 0;
  const wb = hasOuterSpace(b[0]) ? 1 : 0;
  if (wa !== wb) return wa - wb;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

interface Group {
  key: string;
  /** Code points in key. */
  len: number;
  total: number;
  members: [string, number][];
  digits: string;
  root: Group | null;
  absorbed: Group[];
}

/**
 * Clusters of spellings of one category, from distinct values and their counts.
 * - Values with the same folding key (`foldKey`: case, accents, punctuation, whitespace) form one cluster.
 * - A whole cluster joins a more frequent one when both keys have at least 5 characters, contain the same digits,
 *   are within edit distance 1 (2 when the shorter key has 10+ characters; transpositions count 1), and the
 *   rare cluster is at most a tenth as frequent as the common one. Clusters that absorb others are never absorbed.
 * So short codes (CA/GA/PA), male/female, Austria/Australia and two frequent names (Paris/Parks) stay apart.
 * Returns only clusters with at least one variant, largest first. Pure and deterministic.
 */
export function spellingClusters(counts: Map<string, number>): Cluster[] {
  const byKey = new Map<string, Group>();
  for (const [v, c] of counts) {
    if (c <= 0) continue;
    const key = foldKey(v);
    let g = byKey.get(key);
    if (!g) {
      g = { key, len: [...key].length, total: 0, members: [], digits: key.replace(/\D/g, ''), root: null, absorbed: [] };
      byKey.set(key, g);
    }
    g.total += c;
    g.members.push([v, c]);
  }
  const groups = [...byKey.values()].sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const g of groups) g.members.sort(spellingOrder);
  const roots: Group[] = [];
  for (const g of groups) {
    const len = g.len;
    let best: Group | null = null;
    let bestD = Infinity;
    if (len >= 5) {
      for (const r of roots) {
        if (r.total < 10 * g.total) break; // roots are in decreasing total order
        const rlen = r.len;
        if (rlen < 5 || r.digits !== g.digits) continue;
        const max = Math.min(len, rlen) >= 10 ? 2 : 1;
        if (Math.abs(rlen - len) > max) continue;
        const d = osaDistance(g.key, r.key, max);
        if (d <= max && d < bestD) {
          best = r;
          bestD = d;
        }
      }
    }
    if (best) {
      g.root = best;
      best.absorbed.push(g);
    } else roots.push(g);
  }
  const out: Cluster[] = [];
  for (const r of roots) {
    if (r.members.length === 1 && r.absorbed.length === 0) continue;
    const [dom, domCount] = r.members[0]!;
    const variants: ClusterVariant[] = r.members.slice(1).map(([value, count]) => ({ value, count, match: 'normalized' as const }));
    for (const g of r.absorbed) for (const [value, count] of g.members) variants.push({ value, count, match: 'edit' });
    variants.sort((a, b) => spellingOrder([a.value, a.count], [b.value, b.count]));
    out.push({ dominant: dom, count: domCount, variants });
  }
  out.sort(
    (a, b) =>
      b.count + b.variants.reduce((s, v) => s + v.count, 0) - (a.count + a.variants.reduce((s, v) => s + v.count, 0)) ||
      (a.dominant < b.dominant ? -1 : a.dominant > b.dominant ? 1 : 0),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// finalize

type Family = 'boolean' | 'date' | 'number' | 'shape' | null;
type Group2 = 'number' | 'boolean' | 'date' | 'text';

function sortExamples(list: Example[]): Example[] {
  let out: Example[] = [];
  for (const e of list) addExample(out, e);
  out = out.slice(0, 5);
  return out;
}

function byCountThenName<T extends { count: number; format: string }>(a: T, b: T): number {
  return b.count - a.count || (a.format < b.format ? -1 : a.format > b.format ? 1 : 0);
}

interface ColumnAnalysis {
  family: Family;
  /** Format label of a key (in the column's family), or '' when the key has no format there. */
  formatOf: (f: Facets) => string;
  dominant: string | null;
  /** Whether a key's format is a minority. */
  formatBad: (f: Facets) => boolean;
}

function analyseFormats(entries: [Facets, KeyStat][], n: number, dayFirstOpt: boolean | null): ColumnAnalysis {
  let vocab = 0;
  let wordish = 0;
  let temporal = 0;
  let numeric = 0;
  let shaped = 0;
  let shapedText = 0;
  for (const [f, s] of entries) {
    if (f.bv) {
      vocab += s.count;
      if (f.bv !== '1/0') wordish += s.count;
    }
    if (f.ds) temporal += s.count;
    if (f.ns) numeric += s.count;
    if (f.ss) {
      shaped += s.count;
      if (f.kind === Kind.TEXT && !f.ns) shapedText += s.count;
    }
  }
  let family: Family = null;
  if (n > 0 && vocab >= 0.9 * n && wordish > 0) family = 'boolean';
  else if (n > 0 && temporal >= 0.5 * n) family = 'date';
  else if (n > 0 && numeric >= 0.5 * n) family = 'number';
  else if (n > 0 && shaped >= 0.9 * n && shapedText >= 0.5 * shaped) family = 'shape';

  const none: ColumnAnalysis = { family, formatOf: () => '', dominant: null, formatBad: () => false };
  if (family === 'boolean' || family === 'shape') {
    const field = family === 'boolean' ? 'bv' : 'ss';
    const counts = new Map<string, number>();
    for (const [f, s] of entries) if (f[field]) counts.set(f[field], (counts.get(f[field]) ?? 0) + s.count);
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const dom = sorted[0]?.[0] ?? null;
    if (!dom) return none;
    if (family === 'shape' && sorted[0]![1] < 0.5 * shaped) return { ...none, family: null };
    return { family, dominant: dom, formatOf: (f) => f[field], formatBad: (f) => f[field] !== '' && f[field] !== dom };
  }
  if (family === 'date') {
    let dd = 0;
    let mm = 0;
    for (const [f, s] of entries) {
      if (f.ds.startsWith('DD/MM')) dd += s.count;
      else if (f.ds.startsWith('MM/DD')) mm += s.count;
    }
    const order = dd > mm ? 'DD/MM' : mm > dd ? 'MM/DD' : dd > 0 ? 'DD/MM' : dayFirstOpt === true ? 'DD/MM' : 'MM/DD';
    const formatOf = (f: Facets) => (f.ds.startsWith('NN/NN') ? order + f.ds.slice(5) : f.ds);
    const counts = new Map<string, number>();
    for (const [f, s] of entries) if (f.ds) counts.set(formatOf(f), (counts.get(formatOf(f)) ?? 0) + s.count);
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const dom = sorted[0]?.[0] ?? null;
    if (!dom) return none;
    return { family, dominant: dom, formatOf, formatBad: (f) => f.ds !== '' && formatOf(f) !== dom };
  }
  if (family === 'number') {
    const support = [0, 0, 0, 0];
    for (const [f, s] of entries) {
      const compat = f.ns ? NUM_COMPAT[f.ns] : undefined;
      if (!compat || compat.length === 0) continue;
      for (const l of compat) support[l]! += s.count;
    }
    let domIdx = 0;
    for (let l = 1; l < 4; l++) if (support[l]! > support[domIdx]!) domIdx = l;
    if (support[domIdx] === 0) return { ...none, dominant: NUM_LABELS[0]! };
    const formatOf = (f: Facets): string => {
      const compat = f.ns ? NUM_COMPAT[f.ns] : undefined;
      if (!compat) return '';
      if (compat.length === 0 || compat.includes(domIdx)) return NUM_LABELS[domIdx]!;
      let best = compat[0]!;
      for (const l of compat) if (support[l]! > support[best]!) best = l;
      return NUM_LABELS[best]!;
    };
    return {
      family,
      dominant: NUM_LABELS[domIdx]!,
      formatOf,
      formatBad: (f) => {
        const compat = f.ns ? NUM_COMPAT[f.ns] : undefined;
        return !!compat && compat.length > 0 && !compat.includes(domIdx);
      },
    };
  }
  return none;
}

function groupOf(f: Facets, family: Family): Group2 {
  if (family === 'boolean' && f.bv) return 'boolean';
  if (family === 'shape' && f.ss) return 'text';
  if (f.kind === Kind.INT || f.kind === Kind.FLOAT || f.ns) return 'number';
  if (f.kind === Kind.BOOL) return 'boolean';
  if (f.kind === Kind.DATE || f.kind === Kind.DATETIME) return 'date';
  return 'text';
}

function finalize(state: ConsistencyState, ctx: FinalizeContext) {
  const findings: Finding[] = [];
  const tallies: Record<string, ColumnTallies> = {};
  const clustersOut: Record<string, Cluster[]> = {};
  const spellingSkipped: Record<string, string> = {};
  const formatsOut: Record<string, { family: Family; dominant: string | null }> = {};
  const enc = { replacement: 0, mojibake: 0, accented: 0, mixed: false };
  const profiles = new Map<string, ColumnProfile>(ctx.columns.map((p) => [p.name, p]));
  const order = ctx.columns.map((p) => p.name);
  for (const name of [...state.cols.keys()].sort()) if (!profiles.has(name)) order.push(name);
  const parseOpts = parseOptionsFrom(ctx.options);

  for (const name of order) {
    const col = state.cols.get(name);
    if (!col || col.n === 0) continue;
    const profile = profiles.get(name);
    const type = profile?.type ?? null;
    const capped = col.overflow > 0;
    const entries: [Facets, KeyStat][] = [...col.keys].map(([k, s]) => [parseKey(k), s]);
    const an = analyseFormats(entries, col.n, ctx.options.dayFirst);
    if (an.family) formatsOut[name] = { family: an.family, dominant: an.dominant };
    const cappedData = capped ? { capped: true } : {};

    // mixed formats
    if (an.dominant) {
      const fm = new Map<string, { format: string; count: number; examples: Example[] }>();
      for (const [f, s] of entries) {
        const label = an.formatOf(f);
        if (!label) continue;
        let e = fm.get(label);
        if (!e) fm.set(label, (e = { format: label, count: 0, examples: [] }));
        e.count += s.count;
        e.examples = mergeExamples(e.examples, s.examples);
      }
      const formats = [...fm.values()].sort(byCountThenName);
      const minority = formats.filter((x) => x.format !== an.dominant);
      const bad = minority.reduce((s, x) => s + x.count, 0);
      if (bad > 0) {
        findings.push({
          check: CHECK,
          id: 'mixed-formats',
          dimension: 'consistency',
          severity: 'warn',
          column: name,
          message: `${name}: ${an.family} values in ${formats.length} formats; ${bad} not in the dominant format ${an.dominant} (${minority.map((x) => `${x.count} ${x.format}`).join(', ')})`,
          count: bad,
          examples: sortExamples(minority.flatMap((x) => x.examples)),
          // with --no-examples the formats keep their counts, not the values seen
          data: { family: an.family, dominant: an.dominant, formats: ctx.options.examples ? formats : formats.map((f) => ({ ...f, examples: [] })), ...cappedData },
        });
      }
    }

    // mixed types
    const groups = new Map<Group2, number>();
    for (const [f, s] of entries) groups.set(groupOf(f, an.family), (groups.get(groupOf(f, an.family)) ?? 0) + s.count);
    const gsorted = [...groups].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const minorityGroups = new Set<Group2>();
    for (const [g, c] of gsorted.slice(1)) if (c >= 2 && c >= 0.01 * col.n) minorityGroups.add(g);
    const typesTallied = type === 'string' || type === 'categorical';
    if (minorityGroups.size > 0) {
      let count = 0;
      let examples: Example[] = [];
      for (const [f, s] of entries) {
        if (!minorityGroups.has(groupOf(f, an.family))) continue;
        count += s.count;
        examples = mergeExamples(examples, s.examples);
      }
      findings.push({
        check: CHECK,
        id: 'mixed-types',
        dimension: typesTallied ? 'consistency' : null,
        severity: typesTallied ? 'warn' : 'info',
        column: name,
        message: `${name}: mostly ${gsorted[0]![0]} values, but ${[...minorityGroups].map((g) => `${groups.get(g)} ${g}`).join(', ')}`,
        count,
        examples,
        data: { types: Object.fromEntries(gsorted), dominant: gsorted[0]![0], tallied: typesTallied, columnType: type, ...cappedData },
      });
    }

    // whitespace
    if (col.ws > 0) {
      let examples: Example[] = [];
      for (const [f, s] of entries) if (f.ws) examples = mergeExamples(examples, s.examples);
      findings.push({
        check: CHECK,
        id: 'whitespace',
        dimension: 'consistency',
        severity: 'warn',
        column: name,
        message: `${name}: ${col.ws} values with leading or trailing whitespace`,
        count: col.ws,
        examples,
        data: { leading: col.lead, trailing: col.trail, ...cappedData },
      });
    }

    // encoding
    enc.replacement += col.fffd;
    enc.mojibake += col.moji;
    enc.accented += col.accented;
    let encBad = 0;
    if (col.fffd + col.moji > 0) {
      let examples: Example[] = [];
      for (const [f, s] of entries) {
        if (f.enc & 3) {
          encBad += s.count;
          examples = mergeExamples(examples, s.examples);
        }
      }
      if (capped) encBad = col.fffd + col.moji; // upper bound
      const mixed = col.moji > 0 && col.accented > 0;
      findings.push({
        check: CHECK,
        id: 'encoding',
        dimension: 'consistency',
        severity: 'warn',
        column: name,
        message: `${name}: ${col.fffd} values with replacement characters, ${col.moji} with mojibake${mixed ? `, next to ${col.accented} properly accented values (mixed encodings)` : ''}`,
        count: encBad,
        examples,
        data: { replacement: col.fffd, mojibake: col.moji, accented: col.accented, mixed, ...cappedData },
      });
    }

    const keyBad = (f: Facets): boolean =>
      f.ws !== 0 || (f.enc & 3) !== 0 || an.formatBad(f) || (typesTallied && minorityGroups.has(groupOf(f, an.family)));
    let bad = col.overflowBad;
    for (const [f, s] of entries) if (keyBad(f)) bad += s.count;

    // spelling variants
    const spellingType = type === null ? col.kinds[Kind.TEXT]! >= 0.5 * col.n : type === 'string' || type === 'categorical' || type === 'boolean';
    if (spellingType && (an.family === null || an.family === 'boolean')) {
      if (!col.values) spellingSkipped[name] = col.capped ?? 'too-many-distinct';
      else {
        const counts = new Map<string, number>();
        for (const [v, s] of col.values) counts.set(v, s.count);
        const clusters = spellingClusters(counts);
        if (clusters.length > 0) {
          clustersOut[name] = clusters;
          let count = 0;
          const exs: Example[] = [];
          for (const cl of clusters) {
            for (const v of cl.variants) {
              count += v.count;
              const vs = col.values.get(v.value)!;
              addExample(exs, { row: vs.row, line: vs.line, value: v.value });
              const view = viewColumn([v.value], 1, parseOpts);
              if (!keyBad(facetsOf(v.value, view.kind[0]!))) bad += v.count;
            }
          }
          findings.push({
            check: CHECK,
            id: 'spelling-variants',
            dimension: 'consistency',
            severity: 'warn',
            column: name,
            message: ctx.options.examples
              ? `${name}: ${count} values are variant spellings (${clusters
                  .slice(0, 3)
                  .map((cl) => `${cl.variants.map((v) => `'${v.value}'`).join(', ')} -> '${cl.dominant}'`)
                  .join('; ')}${clusters.length > 3 ? '; ...' : ''})`
              : `${name}: ${count} values are variant spellings of ${clusters.length} values`,
            count,
            examples: exs,
            data: { clusters: ctx.options.examples ? clusters : redactClusters(clusters) },
          });
        }
      }
    }

    tallies[name] = { consistency: { assessed: col.n, bad: Math.min(bad, col.n) } };
  }
  enc.mixed = enc.mojibake > 0 && enc.accented > 0;
  return {
    findings,
    tallies,
    metrics: {
      clusters: ctx.options.examples ? clustersOut : Object.fromEntries(Object.entries(clustersOut).map(([k, v]) => [k, redactClusters(v as Cluster[])])),
      formats: formatsOut,
      encoding: enc,
      spellingSkipped,
    },
  };
}

/** --no-examples: clusters keep their shape and counts, not the spellings. */
function redactClusters(clusters: Cluster[]): Cluster[] {
  return clusters.map((c, i) => ({ ...c, dominant: `(value ${i + 1})`, variants: c.variants.map((v, j) => ({ ...v, value: `(variant ${i + 1}.${j + 1})` })) }));
}

export default defineChecker<ConsistencyState>({
  meta: {
    id: CHECK,
    dimension: 'consistency',
    description: 'Mixed formats, spelling variants, stray whitespace, mixed types and encoding problems within columns.',
    default: true,
  },
  init: () => ({ cols: new Map() }),
  update,
  merge,
  finalize,
});
