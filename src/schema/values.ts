/**
 * Parsing cells into kinds and numbers: the one place that decides what a value is.
 *
 * Rules (documented in the README, "Values"):
 * - Missing: null, the empty string, whitespace-only text, and the NA tokens (default list below).
 * - Numbers: optional sign, digits with an optional fraction, optional exponent, surrounding spaces allowed
 *   (`12`, `-3.5`, `.5`, `1e6`, ` 7 `), plus `inf`/`-inf`/`Infinity`. Integer codes with a leading zero
 *   (`0150`) are text. With `--decimal ,` the comma is the decimal mark and `.` may group thousands
 *   (`1.234,50`). Thousands separators are otherwise not numbers (the consistency checker reports them).
 * - Booleans: true/false/yes/no in any case.
 * - Dates: `YYYY-MM-DD`, `YYYY/MM/DD`, `D/M/YYYY` or `M/D/YYYY` (order decided per column), `DD.MM.YYYY`,
 *   `Mar 15 2024`, `Mar 15, 2024`, `15 Mar 2024`, `15-Mar-2024`. Datetimes: ISO 8601 with `T` or space,
 *   optional seconds, fraction and zone (`Z`, `+02:00`, `+0200`); also a date format above followed by a time.
 *   Times without a zone are UTC. Impossible dates (2024-02-30) are text.
 */
import { Kind, type AuditOptions, type BatchView, type Batch, type Cell, type ColumnView } from '../core/types.js';

/** pandas' default missing-value tokens (read_csv's na_values), in the same spellings. */
export const DEFAULT_NA_VALUES = ['', 'NA', 'N/A', 'n/a', 'NaN', '-NaN', 'nan', '-nan', 'null', 'NULL', 'None', '#N/A', '#N/A N/A', '#NA', '<NA>', '1.#IND', '-1.#IND', '1.#QNAN', '-1.#QNAN'];

export interface ParseOptions {
  naValues: Set<string>;
  decimalComma: boolean;
  /** true: ambiguous slash dates are day-first in `num`; false/null: month-first (the other reading goes to `alt`). */
  dayFirst: boolean | null;
}

// no prototype: a word such as "valueOf" must not look like a month
const MONTHS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
});

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1 || y > 9999) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!;
  return d <= dim;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0;
}

export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isWs(s.charCodeAt(i)) && s.charCodeAt(i) !== 0xfeff) return false;
  return true;
}

const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** Result slots for parseNumber, to avoid allocation. */
let numOut = 0;
let numIsInt = false;

/**
 * Parse a decimal number. Returns false when `s` is not a number (or is a leading-zero code).
 * On success the value is in `numOut` and `numIsInt` says whether it was written as an integer.
 */
function parseNumber(s: string, decimalComma: boolean): boolean {
  // fast path: -?[0-9]+ or -?[0-9]*<mark>[0-9]* with 1 to 15 digits, nothing else (no spaces, '+', exponent or
  // group dots); anything else, and integer codes with a leading zero, go the general way below
  const len = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 45) c = s.charCodeAt(++i);
  const d0 = i;
  let all = 0;
  while (c >= 48 && c <= 57) {
    all = all * 10 + (c - 48);
    c = s.charCodeAt(++i);
  }
  const intDigits = i - d0;
  if (i === len) {
    if (intDigits > 0 && intDigits <= 15 && (intDigits === 1 || s.charCodeAt(d0) !== 48)) {
      numOut = d0 > 0 ? -all : all;
      numIsInt = true;
      return true;
    }
  } else if (c === (decimalComma ? 44 : 46)) {
    const f0 = ++i;
    c = s.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      all = all * 10 + (c - 48);
      c = s.charCodeAt(++i);
    }
    const digits = intDigits + i - f0;
    if (i === len && digits > 0 && digits <= 15) {
      const v = all / POW10[i - f0]!;
      numOut = d0 > 0 ? -v : v;
      numIsInt = false;
      return true;
    }
    // after the fraction only an exponent or trailing spaces can follow (dates and times stop here)
    if (i < len && digits > 0 && c !== 101 && c !== 69 && !isWs(c)) return false;
  } else if (intDigits > 0 && i < len && c !== 46 && c !== 44 && c !== 101 && c !== 69 && !isWs(c)) {
    // after leading digits only a decimal mark, a group dot, an exponent or trailing spaces can follow
    return false;
  }
  return parseNumberGeneral(s, decimalComma);
}

function parseNumberGeneral(s: string, decimalComma: boolean): boolean {
  let i = 0;
  let n = s.length;
  while (i < n && isWs(s.charCodeAt(i))) i++;
  while (n > i && isWs(s.charCodeAt(n - 1))) n--;
  if (i >= n) return false;
  const start = i;
  let c = s.charCodeAt(i);
  if (c === 43 /* + */ || c === 45 /* - */) {
    i++;
    if (i >= n) return false;
    c = s.charCodeAt(i);
  }
  const signEnd = i;
  // inf / infinity
  if (c === 105 || c === 73) {
    const rest = s.slice(i, n).toLowerCase();
    if (rest === 'inf' || rest === 'infinity') {
      numOut = s.charCodeAt(start) === 45 ? -Infinity : Infinity;
      numIsInt = false;
      return true;
    }
    return false;
  }
  const dec = decimalComma ? 44 : 46; // , or .
  const grp = decimalComma ? 46 : -1; // thousands dots allowed with decimal comma
  let digits = 0;
  let intDigits = 0;
  let acc = 0;
  /** All digits as one integer (exact while digits <= 15) and how many follow the decimal mark. */
  let all = 0;
  let fracDigits = 0;
  let sawDec = false;
  let sawExp = false;
  let sawGroup = false;
  let lastGroupAt = -1;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      all = all * 10 + (c - 48);
      if (!sawDec) {
        intDigits++;
        acc = acc * 10 + (c - 48);
      } else fracDigits++;
      continue;
    }
    if (c === dec && !sawDec) {
      if (sawGroup && i - lastGroupAt !== 4) return false;
      sawDec = true;
      continue;
    }
    if (c === grp && !sawDec) {
      // 1.234.567,5: groups of exactly three digits
      if (intDigits === 0 || (sawGroup ? i - lastGroupAt !== 4 : intDigits > 3)) return false;
      sawGroup = true;
      lastGroupAt = i;
      continue;
    }
    if ((c === 101 || c === 69) && digits > 0) {
      sawExp = true;
      i++;
      if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
      if (i >= n) return false;
      for (; i < n; i++) {
        c = s.charCodeAt(i);
        if (c < 48 || c > 57) return false;
      }
      break;
    }
    return false;
  }
  if (digits === 0) return false;
  if (sawGroup && !sawDec && i - lastGroupAt !== 4) return false;
  // leading-zero codes (0150) are text; 0, 0.5, -0 are numbers
  if (intDigits > 1 && s.charCodeAt(signEnd) === 48 && !sawDec && !sawExp) return false;
  if (!sawDec && !sawExp && !sawGroup && intDigits <= 15) {
    numOut = s.charCodeAt(start) === 45 ? -acc : acc;
    numIsInt = true;
    return true;
  }
  if (sawDec && !sawExp && !sawGroup && digits <= 15) {
    // Clinger's fast path: an integer below 2^53 divided by an exact power of ten (<= 1e22) is correctly
    // rounded by IEEE division, so this equals Number(text) without building the text
    const v = all / POW10[fracDigits]!;
    numOut = s.charCodeAt(start) === 45 ? -v : v;
    numIsInt = false;
    return true;
  }
  let text = s.slice(start, n);
  if (sawGroup) text = text.split('.').join('');
  if (decimalComma && sawDec) text = text.replace(',', '.');
  const v = Number(text);
  if (Number.isNaN(v)) return false;
  numOut = v;
  numIsInt = !sawDec && !sawExp;
  return true;
}

const ZEROS = ['', '0', '00', '000', '0000', '00000'];

/**
 * String(v), faster for decimals of 1 to 6 places within +-2^31 (prices, amounts, rates read from JSON): with d the
 * fewest places such that m = round(|v| * 10^d) gives m / 10^d === |v|, the text is the integer part, '.', and the
 * d fraction digits of m. That is String(v): m / 10^d is the only d-place decimal that reads back as v (|v| * 10^d
 * < 2^51 is within 0.25 of the product computed, and a decimal reading back as v within 10^6 ulp(v) / 2 < 0.12 of
 * it), no decimal of fewer places does (d is the fewest), so its digits are the shortest that round-trip, and the
 * only ones of that length; |v| >= 1e-6 keeps the plain (not exponent) form. Integers and anything else: String.
 */
export function numberText(v: number): string {
  const a = v < 0 ? -v : v;
  if (!(a >= 1e-6 && a < 2147483648) || Number.isInteger(a)) return String(v);
  for (let d = 1; d <= 6; d++) {
    const p = POW10[d]!;
    const m = Math.round(a * p);
    if (m / p === a) {
      const ip = Math.floor(a);
      const fs = String(m - ip * p);
      return (v < 0 ? '-' : '') + ip + '.' + ZEROS[d - fs.length]! + fs;
    }
  }
  return String(v);
}

export function toNumber(s: string, decimalComma = false): number | null {
  return parseNumber(s, decimalComma) ? numOut : null;
}

/** Result slots for parseDate. */
let dateOut = 0;
let dateAlt = NaN;
let dateHasTime = false;
/** 1: can only be day-first, 2: can only be month-first, 0: not a slash date or unambiguous anyway. */
let dateEvidence = 0;

function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

function d4(s: string, i: number): number {
  const a = d2(s, i);
  const b = d2(s, i + 2);
  return a < 0 || b < 0 ? -1 : a * 100 + b;
}

/** Parse `HH:MM[:SS[.fff]][zone]` starting at i; returns ms offset of the day (UTC-adjusted) or NaN. */
function parseTime(s: string, i: number, n: number): number {
  const hh = d2(s, i);
  if (hh < 0 || hh > 24 || s.charCodeAt(i + 2) !== 58) return NaN;
  const mm = d2(s, i + 3);
  if (mm < 0 || mm > 59) return NaN;
  i += 5;
  let ss = 0;
  let frac = 0;
  if (i < n && s.charCodeAt(i) === 58) {
    ss = d2(s, i + 1);
    if (ss < 0 || ss > 60) return NaN;
    i += 3;
    if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
      i++;
      let scale = 100;
      const f0 = i;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c < 48 || c > 57) break;
        frac += (c - 48) * scale;
        scale /= 10;
        i++;
      }
      if (i === f0) return NaN;
    }
  }
  let ms = ((hh * 60 + mm) * 60 + ss) * 1000 + frac;
  // optional space before zone
  if (i < n && s.charCodeAt(i) === 32 && i + 1 < n && (s.charCodeAt(i + 1) === 43 || s.charCodeAt(i + 1) === 45 || s.charCodeAt(i + 1) === 90)) i++;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 90 || c === 122) {
      i++;
    } else if (c === 43 || c === 45) {
      const zh = d2(s, i + 1);
      if (zh < 0 || zh > 14) return NaN;
      let j = i + 3;
      let zm = 0;
      if (j < n && s.charCodeAt(j) === 58) j++;
      if (j < n) {
        zm = d2(s, j);
        if (zm < 0 || zm > 59) return NaN;
        j += 2;
      }
      const off = (zh * 60 + zm) * 60000;
      ms += c === 43 ? -off : off;
      i = j;
    } else {
      // AM/PM
      const rest = s.slice(i, n).trim().toLowerCase();
      if ((rest === 'am' || rest === 'pm') && hh >= 1 && hh <= 12) {
        ms += (rest === 'pm' ? (hh === 12 ? 0 : 12) : hh === 12 ? -12 : 0) * 3600000;
        return ms;
      }
      return NaN;
    }
  }
  return i === n ? ms : NaN;
}

function readInt(s: string, i: number, n: number, maxLen: number): [number, number] {
  let v = 0;
  let j = i;
  while (j < n && j - i < maxLen) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    j++;
  }
  return j === i ? [-1, i] : [v, j];
}

/**
 * Date.UTC(y, m - 1, d) for a valid date of a year from 100 on (days from the civil date, H. Hinnant's algorithm),
 * without the builtin call.
 */
function utcMs(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146097 + doe - 719468) * 86400000;
}

function finishDate(s: string, j: number, n: number, y: number, m: number, d: number): boolean {
  if (!validYmd(y, m, d) || y < 100) return false;
  const base = utcMs(y, m, d);
  if (j === n) {
    dateOut = base;
    dateHasTime = false;
    return true;
  }
  const sep = s.charCodeAt(j);
  if (sep !== 84 && sep !== 116 && sep !== 32) return false;
  let k = j + 1;
  while (k < n && s.charCodeAt(k) === 32) k++;
  const t = parseTime(s, k, n);
  if (Number.isNaN(t)) return false;
  dateOut = base + t;
  dateHasTime = true;
  return true;
}

/** Whether s[i..i+3) is, in any case, the 3-letter abbreviation of a month. */
function monthPrefix(s: string, i: number): boolean {
  const a = s.charCodeAt(i) | 32;
  const b = s.charCodeAt(i + 1) | 32;
  const c = s.charCodeAt(i + 2) | 32;
  switch (a) {
    case 106: // j: jan jun jul
      return (b === 97 && c === 110) || (b === 117 && (c === 110 || c === 108));
    case 102: // feb
      return b === 101 && c === 98;
    case 109: // mar may
      return b === 97 && (c === 114 || c === 121);
    case 97: // apr aug
      return (b === 112 && c === 114) || (b === 117 && c === 103);
    case 115: // sep
      return b === 101 && c === 112;
    case 111: // oct
      return b === 99 && c === 116;
    case 110: // nov
      return b === 111 && c === 118;
    case 100: // dec
      return b === 101 && c === 99;
    default:
      return false;
  }
}

/** Parse a date or datetime. Results in dateOut/dateAlt/dateHasTime/dateEvidence. */
function parseDate(raw: string, dayFirst: boolean | null): boolean {
  // a text starting with a letter is a date only after a month name (below): most words end here
  const r0 = raw.charCodeAt(0) | 32;
  if (r0 >= 97 && r0 <= 122 && !monthPrefix(raw, 0)) return false;
  let s = raw;
  let i = 0;
  let n = s.length;
  while (i < n && isWs(s.charCodeAt(i))) i++;
  while (n > i && isWs(s.charCodeAt(n - 1))) n--;
  if (n - i < 6 || n - i > 40) return false;
  if (i > 0 || n < s.length) {
    s = s.slice(i, n);
    i = 0;
    n = s.length;
  }
  dateAlt = NaN;
  dateEvidence = 0;
  const c0 = s.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    if (n >= 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
      // YYYY-MM-DD with two-digit month and day: what the general path below reads, without its readInt pairs
      const y = d4(s, 0);
      const m = d2(s, 5);
      const d = d2(s, 8);
      if (y >= 0 && m >= 0 && d >= 0) return finishDate(s, 10, n, y, m, d);
    }
    const [a, j1] = readInt(s, 0, n, 4);
    if (j1 >= n) return false;
    const sep = s.charCodeAt(j1);
    if (sep !== 45 && sep !== 47 && sep !== 46 && sep !== 32) return false;
    if (j1 === 4) {
      // YYYY-MM-DD or YYYY/MM/DD
      if (sep !== 45 && sep !== 47) return false;
      const [m, j2] = readInt(s, j1 + 1, n, 2);
      if (m < 0 || s.charCodeAt(j2) !== sep) return false;
      const [d, j3] = readInt(s, j2 + 1, n, 2);
      if (d < 0) return false;
      return finishDate(s, j3, n, a, m, d);
    }
    if (j1 > 2) return false;
    // D Mon YYYY or D-Mon-YYYY
    const c1 = s.charCodeAt(j1 + 1);
    if ((sep === 32 || sep === 45) && ((c1 | 32) >= 97 && (c1 | 32) <= 122)) {
      let j = j1 + 1;
      while (j < n && ((s.charCodeAt(j) | 32) >= 97 && (s.charCodeAt(j) | 32) <= 122)) j++;
      const mon = MONTHS[s.slice(j1 + 1, j).toLowerCase()];
      if (!mon || s.charCodeAt(j) !== sep) return false;
      const [y, j3] = readInt(s, j + 1, n, 4);
      if (j3 - (j + 1) !== 4) return false;
      return finishDate(s, j3, n, y, mon, a);
    }
    if (sep === 32) return false;
    const [b, j2] = readInt(s, j1 + 1, n, 2);
    if (b < 0 || s.charCodeAt(j2) !== sep) return false;
    const [y, j3] = readInt(s, j2 + 1, n, 4);
    if (j3 - (j2 + 1) !== 4) return false;
    if (sep === 46) return finishDate(s, j3, n, y, b, a); // DD.MM.YYYY
    if (sep !== 47) return false;
    // slash: a/b/yyyy
    const mf = validYmd(y, a, b);
    const df = validYmd(y, b, a);
    if (!mf && !df) return false;
    if (mf && !df) dateEvidence = 2;
    else if (df && !mf) dateEvidence = 1;
    const preferDay = dayFirst === true ? df : !mf;
    if (preferDay) {
      if (!finishDate(s, j3, n, y, b, a)) return false;
      if (mf && a !== b) dateAlt = Date.UTC(y, a - 1, b) + (dateOut - Date.UTC(y, b - 1, a));
    } else {
      if (!finishDate(s, j3, n, y, a, b)) return false;
      if (df && a !== b) dateAlt = Date.UTC(y, b - 1, a) + (dateOut - Date.UTC(y, a - 1, b));
    }
    return true;
  }
  // Mon D YYYY, Mon D, YYYY
  if ((c0 | 32) >= 97 && (c0 | 32) <= 122) {
    // every month name starts with its 3-letter abbreviation: other words fail here without a scan or slice (a text
    // starting with a letter was checked at the top already, before trimming; this is for one after spaces)
    if (!monthPrefix(s, 0)) return false;
    let j = 0;
    while (j < n && ((s.charCodeAt(j) | 32) >= 97 && (s.charCodeAt(j) | 32) <= 122)) j++;
    // month names have 3 to 9 letters and are followed by '.' or ' ': most words fail here without a slice
    if (j < 3 || j > 9 || (s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 46)) return false;
    const mon = MONTHS[s.slice(0, j).toLowerCase()];
    if (!mon) return false;
    if (s.charCodeAt(j) === 46) j++; // Sept.
    if (s.charCodeAt(j) !== 32) return false;
    const [d, j2] = readInt(s, j + 1, n, 2);
    if (d < 0) return false;
    let k = j2;
    if (s.charCodeAt(k) === 44) k++;
    if (s.charCodeAt(k) !== 32) return false;
    const [y, j3] = readInt(s, k + 1, n, 4);
    if (j3 - (k + 1) !== 4) return false;
    return finishDate(s, j3, n, y, mon, d);
  }
  return false;
}

export function parseDateValue(s: string, dayFirst: boolean | null = null): { ms: number; hasTime: boolean } | null {
  return parseDate(s, dayFirst) ? { ms: dateOut, hasTime: dateHasTime } : null;
}

function isBoolWord(s: string): number {
  const n = s.length;
  if (n < 2 || n > 5) return -1;
  const c = s.charCodeAt(0) | 32; // t(rue) y(es) f(alse) n(o), any case: other words skip toLowerCase
  if (c !== 116 && c !== 121 && c !== 102 && c !== 110) return -1;
  const l = s.toLowerCase();
  if (l === 'true' || l === 'yes') return 1;
  if (l === 'false' || l === 'no') return 0;
  return -1;
}

export function isMissingText(s: string, na: Set<string>): boolean {
  return na.has(s) || isBlank(s);
}

/** Lengths and first characters of the NA tokens, so most cells skip the Set lookup (cached per Set). */
interface NaQuick {
  maxLen: number;
  /** first[c & 127] = 1 when some token starts with a character whose code is c (mod 128); tokens starting beyond ASCII mark every slot. */
  first: Uint8Array;
  /** The same for the last character (so numbers, which end in a digit, skip the lookup whatever their first). */
  last: Uint8Array;
  /** Set size when computed (a Set mutated later is re-read). */
  size: number;
  /**
   * The numbers of the tokens that are numbers (`-999` in `--extra-na-values -999`): as in pandas, a cell with
   * the same value in another spelling (`-999.0`, ` -999 `) is missing too. Null when no token is a number.
   * `numbersComma`: the same with the tokens read with a decimal comma (--decimal ,).
   */
  numbers: Set<number> | null;
  numbersComma: Set<number> | null;
}
const naQuickCache = new WeakMap<Set<string>, NaQuick>();
/**
 * Whether a text cell is missing: empty, blank, or an NA token (the Set lookup hashes the string, so it is made
 * only for lengths and first characters some token has).
 */
function missingText(v: string, na: Set<string>, q: NaQuick): boolean {
  const len = v.length;
  if (len === 0) return true;
  const c0 = v.charCodeAt(0);
  return (len <= q.maxLen && q.first[c0 & 127] === 1 && q.last[v.charCodeAt(len - 1) & 127] === 1 && na.has(v)) || (isWs(c0) && isBlank(v));
}

function naQuick(na: Set<string>): NaQuick {
  let q = naQuickCache.get(na);
  if (q && q.size === na.size) return q;
  let maxLen = 0;
  const first = new Uint8Array(128);
  const last = new Uint8Array(128);
  const mark = (m: Uint8Array, c: number) => (c < 128 ? (m[c] = 1) : m.fill(1));
  for (const t of na) {
    if (t.length > maxLen) maxLen = t.length;
    if (t.length === 0) continue;
    mark(first, t.charCodeAt(0));
    mark(last, t.charCodeAt(t.length - 1));
  }
  const numbersOf = (comma: boolean): Set<number> | null => {
    let out: Set<number> | null = null;
    for (const t of na) {
      const n = t.length ? toNumber(t, comma) : null;
      if (n !== null && Number.isFinite(n)) (out ??= new Set()).add(n === 0 ? 0 : n);
    }
    return out;
  };
  q = { maxLen, first, last, size: na.size, numbers: numbersOf(false), numbersComma: numbersOf(true) };
  naQuickCache.set(na, q);
  return q;
}

/** Build the parsed view of one column of a batch. */
export function viewColumn(cells: Cell[], length: number, opts: ParseOptions): ColumnView {
  const kind = new Uint8Array(length);
  const num = new Float64Array(length);
  const text: (string | null)[] = new Array(length);
  let alt: Float64Array | null = null;
  let dayEv = 0;
  let monthEv = 0;
  const na = opts.naValues;
  const dc = opts.decimalComma;
  const naq = naQuick(na);
  const naNumbers = dc ? naq.numbersComma : naq.numbers;
  for (let i = 0; i < length; i++) {
    const v = cells[i];
    if (v === null || v === undefined) {
      kind[i] = Kind.MISSING;
      num[i] = NaN;
      text[i] = null;
      continue;
    }
    if (typeof v === 'string') {
      if (missingText(v, na, naq)) {
        kind[i] = Kind.MISSING;
        num[i] = NaN;
        text[i] = null;
        continue;
      }
      text[i] = v;
      const c = v.charCodeAt(0);
      // numbers start with a digit, sign, dot, whitespace (as trimmed by parseNumber: a leading tab or no-break space
      // too, not only a space) or i/I (inf)
      if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 105 || c === 73 || isWs(c)) {
        if (parseNumber(v, dc)) {
          if (naNumbers !== null && naNumbers.has(numOut)) {
            kind[i] = Kind.MISSING;
            num[i] = NaN;
            text[i] = null;
            continue;
          }
          kind[i] = numIsInt ? Kind.INT : Kind.FLOAT;
          num[i] = numOut;
          continue;
        }
      }
      const b = isBoolWord(v);
      if (b >= 0) {
        kind[i] = Kind.BOOL;
        num[i] = b;
        continue;
      }
      if (v.length >= 6 && parseDate(v, opts.dayFirst)) {
        kind[i] = dateHasTime ? Kind.DATETIME : Kind.DATE;
        num[i] = dateOut;
        if (dateEvidence === 1) dayEv++;
        else if (dateEvidence === 2) monthEv++;
        if (!Number.isNaN(dateAlt)) {
          if (!alt) alt = new Float64Array(length).fill(NaN);
          alt[i] = dateAlt;
        }
        continue;
      }
      kind[i] = Kind.TEXT;
      num[i] = NaN;
      continue;
    }
    if (typeof v === 'number') {
      if (Number.isNaN(v)) {
        kind[i] = Kind.MISSING;
        num[i] = NaN;
        text[i] = null;
        continue;
      }
      kind[i] = Number.isInteger(v) ? Kind.INT : Kind.FLOAT;
      num[i] = v;
      text[i] = numberText(v);
      continue;
    }
    if (typeof v === 'bigint') {
      kind[i] = Kind.INT;
      num[i] = Number(v);
      text[i] = v.toString();
      continue;
    }
    if (typeof v === 'boolean') {
      kind[i] = Kind.BOOL;
      num[i] = v ? 1 : 0;
      text[i] = v ? 'true' : 'false';
      continue;
    }
    // anything else: its text form
    const s = String(v);
    kind[i] = Kind.TEXT;
    num[i] = NaN;
    text[i] = s;
  }
  return { kind, num, text, alt, dayFirstEvidence: dayEv, monthFirstEvidence: monthEv, hash: undefined };
}

export function parseOptionsFrom(o: AuditOptions): ParseOptions {
  return { naValues: o.naValues, decimalComma: o.decimalComma, dayFirst: o.dayFirst };
}

/**
 * What a reader knows about a column array it made, so viewBatch need not parse every cell again:
 * - dict/codes: the cells are dictionary-encoded: cells[i] is dict[codes[i]], or null where codes[i] < 0.
 * - ms: the cells are the text of datetimes (ISO 8601 with a `T`, no zone or `Z`): ms[i] is cells[i] as parseDate
 *   reads it, NaN where the text must be parsed as usual (nulls, and texts parseDate does not take).
 * Kept beside the array (the engine's projections pass column arrays on as they are); only viewBatch uses them, so
 * code that changes cells views them with viewColumn.
 */
export interface ColumnHint {
  dict?: Cell[];
  codes?: Int32Array;
  ms?: Float64Array;
}
const columnHints = new WeakMap<Cell[], ColumnHint>();

export function setColumnHint(cells: Cell[], hint: ColumnHint): void {
  columnHints.set(cells, hint);
}

/** The hint a reader left beside a column array (for tests). */
export function columnHint(cells: Cell[]): ColumnHint | undefined {
  return columnHints.get(cells);
}

/** The view of a dictionary's entries, made once per dictionary (and parse options). */
interface DictView {
  opts: ParseOptions;
  view: ColumnView;
  /** Per entry: parseDate's dateEvidence (1 day-first, 2 month-first, 0 none); null when no entry has any. */
  ev: Uint8Array | null;
}
const dictViews = new WeakMap<Cell[], DictView>();

function dictViewOf(dict: Cell[], opts: ParseOptions): DictView {
  let d = dictViews.get(dict);
  if (d && d.opts === opts) return d;
  const view = viewColumn(dict, dict.length, opts);
  let ev: Uint8Array | null = null;
  if (view.dayFirstEvidence || view.monthFirstEvidence) {
    ev = new Uint8Array(dict.length);
    for (let j = 0; j < dict.length; j++) {
      const k = view.kind[j];
      if ((k === Kind.DATE || k === Kind.DATETIME) && typeof dict[j] === 'string' && parseDate(dict[j] as string, opts.dayFirst)) ev[j] = dateEvidence;
    }
  }
  d = { opts, view, ev };
  dictViews.set(dict, d);
  return d;
}

/** viewColumn of dictionary-encoded cells: each entry parsed once, then gathered per row. Null if the cells differ from the codes. */
function viewDictColumn(cells: Cell[], length: number, dict: Cell[], codes: Int32Array, opts: ParseOptions): ColumnView | null {
  if (codes.length < length) return null;
  // the cells must still be what the codes say (nobody changed them)
  for (let i = 0; i < length; i++) {
    const c = codes[i]!;
    const v = cells[i];
    if (c < 0) {
      if (v !== null) return null;
    } else {
      const e = dict[c];
      if (v !== e && (v === v || e === e)) return null; // NaN entries are NaN cells
    }
  }
  const dv = dictViewOf(dict, opts);
  const { kind: dk, num: dn, text: dt, alt: da } = dv.view;
  const kind = new Uint8Array(length);
  const num = new Float64Array(length);
  const text: (string | null)[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const c = codes[i]!;
    if (c < 0) {
      kind[i] = Kind.MISSING;
      num[i] = NaN;
      text[i] = null;
      continue;
    }
    kind[i] = dk[c]!;
    num[i] = dn[c]!;
    text[i] = dt[c]!;
  }
  let alt: Float64Array | null = null;
  if (da) {
    for (let i = 0; i < length; i++) {
      const c = codes[i]!;
      if (c < 0 || Number.isNaN(da[c]!)) continue;
      if (!alt) alt = new Float64Array(length).fill(NaN);
      alt[i] = da[c]!;
    }
  }
  let dayEv = 0;
  let monthEv = 0;
  const ev = dv.ev;
  if (ev) {
    for (let i = 0; i < length; i++) {
      const c = codes[i]!;
      if (c < 0) continue;
      if (ev[c] === 1) dayEv++;
      else if (ev[c] === 2) monthEv++;
    }
  }
  return { kind, num, text, alt, dayFirstEvidence: dayEv, monthFirstEvidence: monthEv, hash: undefined };
}

/**
 * viewColumn of datetime texts whose epoch milliseconds the reader knows (see ColumnHint.ms): the NA tokens are
 * still looked up, the rest is a datetime. Null when some cell is not such a text.
 */
function viewStampColumn(cells: Cell[], length: number, ms: Float64Array, opts: ParseOptions): ColumnView | null {
  if (ms.length < length) return null;
  const kind = new Uint8Array(length);
  const num = new Float64Array(length);
  const text: (string | null)[] = new Array(length);
  const na = opts.naValues;
  const naq = naQuick(na);
  for (let i = 0; i < length; i++) {
    const v = cells[i];
    if (v === null) {
      kind[i] = Kind.MISSING;
      num[i] = NaN;
      text[i] = null;
      continue;
    }
    const t = ms[i]!;
    if (typeof v !== 'string' || t !== t) return null;
    if (missingText(v, na, naq)) {
      kind[i] = Kind.MISSING;
      num[i] = NaN;
      text[i] = null;
      continue;
    }
    kind[i] = Kind.DATETIME;
    num[i] = t;
    text[i] = v;
  }
  return { kind, num, text, alt: null, dayFirstEvidence: 0, monthFirstEvidence: 0, hash: undefined };
}

/** The view of a batch's column: from the reader's hint when it has one, else viewColumn. */
function viewOf(cells: Cell[], length: number, opts: ParseOptions): ColumnView {
  const h = columnHints.get(cells);
  if (h) {
    if (h.dict && h.codes) {
      const v = viewDictColumn(cells, length, h.dict, h.codes, opts);
      if (v) return v;
    } else if (h.ms) {
      const v = viewStampColumn(cells, length, h.ms, opts);
      if (v) return v;
    }
  }
  return viewColumn(cells, length, opts);
}

export function viewBatch(batch: Batch, opts: ParseOptions): BatchView {
  const views = batch.data.map((col) => viewOf(col, batch.length, opts));
  // one object shape for every batch, whatever the reader or projection made: checkers' loops stay monomorphic
  return { columns: batch.columns, data: batch.data, length: batch.length, firstRow: batch.firstRow, lines: batch.lines, views };
}
