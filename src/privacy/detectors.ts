/**
 * Personal-data detectors: pure, allocation-light validators for whole values, a linear-time scanner for
 * free text, and column-name hints. Used by the `pii` checker (src/checks/pii.ts).
 *
 * Whole-value detectors (the value, trimmed of nothing, is exactly one of these):
 * - email      local@domain.tld: local part 1-64 atext characters and dots (no leading, trailing or double dot),
 *              domain of >= 2 labels (alphanumerics and inner hyphens, 1-63 each), TLD letters only, >= 2.
 * - phone      E.164 and common national formats, only digits, spaces, '-', '.', one '(..)' group, leading '+':
 *              `+` then 8-15 digits (first not 0); `00` + 8-15 digits with separators; NANP 10 digits grouped
 *              3-3-4 (or 1-3-3-4 with a leading 1), area and exchange starting 2-9; national trunk-prefix numbers:
 *              leading single 0, 9-11 digits, >= 2 groups of >= 2 digits. Digits without any separator and
 *              without '+' (0612345678, 2125550123) count only when the column name says phone: plain integers,
 *              amounts and order numbers are never phones.
 * - card       12-19 digits (single spaces or dashes between groups of 2-6 allowed), an issuer prefix and length
 *              of Visa (4; 13, 16, 19), Mastercard (51-55, 2221-2720; 16), Amex (34, 37; 15), Discover (6011,
 *              644-649, 65, 622126-622925; 16-19), JCB (3528-3589; 16-19), Diners (300-305, 36, 38, 39; 14-19),
 *              UnionPay (62; 16-19), Maestro (5018, 5020, 5038, 5893, 6304, 6759, 6761-6763; 12-19), and a valid
 *              Luhn check digit (required for every issuer, UnionPay included).
 * - iban       country code with its registered length (table below), 2 check digits, alphanumeric BBAN,
 *              optional single spaces; mod-97 = 1 (ISO 7064). Lower case accepted.
 * - ip         IPv4 dotted quad, 0-255, no leading zeros (`1.2.3.4` IS an IPv4 address, so a column of 4-part
 *              version strings is flagged; `999.1.1.1` is not); IPv6 with `::` compression and an optional
 *              trailing IPv4, optional `%zone`.
 * - us-ssn     AAA-GG-SSSS, AAA GG SSSS or 9 digits; area not 000, 666 or 900-999, group not 00, serial not 0000.
 *              There is no checksum, so the column name must say SSN (`ssn`, `social_security...`).
 * - uk-nino    two prefix letters (first not D F I Q U V, second not D F I O Q U V, not BG GB KN NK NT TN ZZ),
 *              6 digits, suffix A-D (spaces allowed); the suffix may be absent only under a name hint.
 * - nl-bsn     9 digits passing the 11-proof (9*d1 + 8*d2 + ... + 2*d8 - d9 = 0 mod 11); name hint required
 *              (`bsn`, `burgerservicenummer`, `sofinummer`) since any 9-digit number passes with p = 1/11.
 * - es-dni     DNI: 8 digits + check letter TRWAGMYFPDXBNJZSQVHLCKE[n mod 23]; NIE: X/Y/Z (= 0/1/2) + 7 digits +
 *              check letter; an optional '-' or space before the letter.
 * - fr-nir     15 characters (spaces allowed): sex 1/2/3/4/7/8, year, month 01-12 or 20-99, department (2A/2B for
 *              Corsica, counted as 19/18), commune, order, key = 97 - (first 13 as a number mod 97).
 * - it-cf      codice fiscale: 16 characters, letters/digits in the fixed layout (omocodia letters LMNPQRSTUV
 *              accepted in digit places), month letter ABCDEHLMPRST, check character from the odd/even tables.
 * - in-aadhaar 12 digits, first 2-9, Verhoeff check digit; written 4-4-4 with spaces or dashes, or (name hint
 *              `aadhaar`) as 12 plain digits.
 * - dob        a date or datetime between 1880 and the audit's reference time, only when the column name suggests
 *              a date of birth (`dob`, `birth`, `birthday`, `date_of_birth`, `birthdate`, `born`).
 *
 * Free text (values with a space or an '@' that are not a whole match) is scanned for embedded e-mails, cards,
 * IBANs and phones. The scanner is hand-written and linear: every '@' expands left and right at most once over
 * characters that cannot contain another '@'; digit runs are cut once (each character belongs to at most one
 * run); IBAN candidates start only at a letter pair followed by two digits and read at most 34 characters plus
 * spaces. No backtracking regular expression is involved.
 */

export const PII_KINDS = [
  'email',
  'phone',
  'card',
  'iban',
  'ip',
  'us-ssn',
  'uk-nino',
  'nl-bsn',
  'es-dni',
  'fr-nir',
  'it-cf',
  'in-aadhaar',
  'dob',
] as const;
export type PiiKind = (typeof PII_KINDS)[number];
export const K = Object.fromEntries(PII_KINDS.map((k, i) => [k, i])) as Record<PiiKind, number>;

/** Kinds found embedded in free text. */
export const TEXT_KINDS: PiiKind[] = ['email', 'card', 'iban', 'phone'];

/** Column-name hints: a PII kind or a personal-data category without a value detector. */
export type NameHint = PiiKind | 'name' | 'address' | 'postcode' | 'passport' | 'national-id';
const NATIONAL: ReadonlySet<string> = new Set(['us-ssn', 'uk-nino', 'nl-bsn', 'es-dni', 'fr-nir', 'it-cf', 'in-aadhaar']);

/** Whether a name hint agrees with a detected kind. */
export function hintAgrees(hint: NameHint | null, kind: PiiKind): boolean {
  if (!hint) return false;
  return hint === kind || (hint === 'national-id' && NATIONAL.has(kind));
}

// ---------------------------------------------------------------------------------------------- char helpers

const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;
const isAlpha = (c: number) => isUpper(c) || isLower(c);
const isAlnum = (c: number) => isDigit(c) || isAlpha(c);

/** Remove spaces (and optionally dashes); upper-case. */
function compact(s: string, dashes = false): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === ' ' || (dashes && ch === '-')) continue;
    out += ch;
  }
  return out.toUpperCase();
}

// ---------------------------------------------------------------------------------------------- checksums

export function luhn(d: string): boolean {
  let sum = 0;
  let alt = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let x = d.charCodeAt(i) - 48;
    if (x < 0 || x > 9) return false;
    if (alt) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
    alt = !alt;
  }
  return sum % 10 === 0;
}

const VD = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VP = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Verhoeff check over a digit string (the last digit is the check digit). */
export function verhoeff(d: string): boolean {
  let c = 0;
  const n = d.length;
  for (let i = 0; i < n; i++) {
    const x = d.charCodeAt(n - 1 - i) - 48;
    if (x < 0 || x > 9) return false;
    c = VD[c]![VP[i % 8]![x]!]!;
  }
  return c === 0;
}

/** mod 97 of a string of digits and letters (A=10 .. Z=35), left to right. */
function mod97(s: string): number {
  let r = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) r = (r * 10 + (c - 48)) % 97;
    else if (isUpper(c)) r = (r * 100 + (c - 55)) % 97;
    else return -1;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------- email

const ATEXT = new Uint8Array(128);
for (const ch of "!#$%&'*+/=?^_`{|}~-") ATEXT[ch.charCodeAt(0)] = 1;
for (let c = 0; c < 128; c++) if (isAlnum(c)) ATEXT[c] = 1;
const isLocal = (c: number) => c < 128 && (ATEXT[c] === 1 || c === 46);
const isDomainCh = (c: number) => isAlnum(c) || c === 45 || c === 46;

export function isEmail(s: string): boolean {
  const n = s.length;
  if (n < 6 || n > 254) return false;
  const at = s.indexOf('@');
  if (at < 1 || at > 64 || s.indexOf('@', at + 1) >= 0) return false;
  let prevDot = true;
  for (let i = 0; i < at; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (prevDot) return false;
      prevDot = true;
    } else if (c < 128 && ATEXT[c] === 1) prevDot = false;
    else return false;
  }
  if (prevDot) return false;
  let labels = 0;
  let start = at + 1;
  for (let i = at + 1; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      const len = i - start;
      if (len < 1 || len > 63) return false;
      if (s.charCodeAt(start) === 45 || s.charCodeAt(i - 1) === 45) return false;
      labels++;
      if (i === n) {
        if (len < 2) return false;
        for (let j = start; j < n; j++) if (!isAlpha(s.charCodeAt(j))) return false;
      }
      start = i + 1;
    } else if (!isAlnum(c) && c !== 45) return false;
  }
  return labels >= 2;
}

// ---------------------------------------------------------------------------------------------- phone

const PHONE_GROUPS = new Int32Array(32);

/**
 * Phone numbers (see the module comment). `hinted`: the column name says phone, which also admits numbers
 * written without any separator.
 */
export function isPhone(s: string, hinted: boolean): boolean {
  const n = s.length;
  if (n < 8 || n > 26) return false;
  let i = 0;
  const plus = s.charCodeAt(0) === 43;
  if (plus) i = 1;
  let groups = 0;
  let cur = 0;
  let digits = 0;
  let seps = 0;
  let paren = 0; // 0 none yet, 1 open, 2 closed
  let prevSep = plus; // no separator right after '+'
  let first = -1;
  let second = -1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      if (first < 0) first = c - 48;
      else if (second < 0) second = c - 48;
      cur++;
      digits++;
      prevSep = false;
      continue;
    }
    if (c === 40) {
      // '(' starts a group: at the start or after a separator
      if (paren !== 0 || cur !== 0) return false;
      paren = 1;
      prevSep = true;
      continue;
    }
    if (cur === 0) {
      // ')' after '(' ')' or separator run
      if (c === 32 && i > 0 && s.charCodeAt(i - 1) === 41) {
        prevSep = true;
        continue;
      }
      return false;
    }
    if (groups >= 32) return false;
    PHONE_GROUPS[groups++] = cur;
    cur = 0;
    if (c === 41) {
      if (paren !== 1) return false;
      paren = 2;
      seps++;
    } else if (c === 32 || c === 45 || c === 46) {
      if (paren === 1) return false;
      seps++;
    } else return false;
    prevSep = true;
  }
  if (cur === 0 || paren === 1 || prevSep) return false;
  if (groups >= 32) return false;
  PHONE_GROUPS[groups++] = cur;
  if (plus) return digits >= 8 && digits <= 15 && first !== 0;
  if (first === 0 && second === 0) {
    // 00 international prefix
    return (seps > 0 || hinted) && digits >= 10 && digits <= 17;
  }
  if (seps === 0 && !hinted) return false;
  if (first === 0) {
    if (digits < 9 || digits > 11) return false;
    if (seps === 0) return true;
    for (let g = 0; g < groups; g++) if (PHONE_GROUPS[g]! < 2 || PHONE_GROUPS[g]! > 8) return false;
    return true;
  }
  // NANP
  if (digits === 10) {
    if (first < 2) return false;
    if (seps === 0) return digitAt(s, 3) >= 2;
    return groups === 3 && PHONE_GROUPS[0] === 3 && PHONE_GROUPS[1] === 3 && PHONE_GROUPS[2] === 4 && digitAt(s, 3) >= 2;
  }
  if (digits === 11 && first === 1) {
    if (second < 2) return false;
    if (seps === 0) return digitAt(s, 4) >= 2;
    return groups === 4 && PHONE_GROUPS[0] === 1 && PHONE_GROUPS[1] === 3 && PHONE_GROUPS[2] === 3 && PHONE_GROUPS[3] === 4 && digitAt(s, 4) >= 2;
  }
  return false;
}

/** The k-th digit (0-based) of s, skipping non-digits; -1 if none. */
function digitAt(s: string, k: number): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c) && k-- === 0) return c - 48;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------- cards

/** The issuer of a card number (digits only) by prefix and length, or null. */
export function cardIssuer(d: string): string | null {
  const n = d.length;
  if (n < 12 || n > 19) return null;
  const p1 = d.charCodeAt(0) - 48;
  const p2 = +d.slice(0, 2);
  const p3 = +d.slice(0, 3);
  const p4 = +d.slice(0, 4);
  const p6 = +d.slice(0, 6);
  if (p1 === 4) return n === 13 || n === 16 || n === 19 ? 'visa' : null;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16 ? 'mastercard' : null;
  if (p2 === 34 || p2 === 37) return n === 15 ? 'amex' : null;
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) return n >= 16 ? 'discover' : null;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 ? 'jcb' : null;
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14 ? 'diners' : null;
  if (p2 === 62) return n >= 16 ? 'unionpay' : null;
  if (p4 === 5018 || p4 === 5020 || p4 === 5038 || p4 === 5893 || p4 === 6304 || p4 === 6759 || (p4 >= 6761 && p4 <= 6763)) return 'maestro';
  return null;
}

const CARD_D = new Uint8Array(24);

/** Issuer check over the digits buffer (n digits), without building a string. */
function issuerOk(d: Uint8Array, n: number): boolean {
  const p1 = d[0]!;
  const p2 = p1 * 10 + d[1]!;
  const p3 = p2 * 10 + d[2]!;
  const p4 = p3 * 10 + d[3]!;
  const p6 = (p4 * 10 + d[4]!) * 10 + d[5]!;
  if (p1 === 4) return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) return n >= 16;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16;
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14;
  if (p2 === 62) return n >= 16;
  return p4 === 5018 || p4 === 5020 || p4 === 5038 || p4 === 5893 || p4 === 6304 || p4 === 6759 || (p4 >= 6761 && p4 <= 6763);
}

/**
 * A payment card number: digits with optional single spaces or dashes between groups of 2-6, issuer, Luhn.
 * Checks s[start, end) (the whole string by default).
 */
export function isCard(s: string, start = 0, end = s.length): boolean {
  const len = end - start;
  if (len < 12 || len > 23) return false;
  let cur = 0;
  let groups = 0;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (n >= 19) return false;
      CARD_D[n++] = c - 48;
      cur++;
    } else if (c === 32 || c === 45) {
      if (cur < 2 || cur > 6) return false;
      groups++;
      cur = 0;
    } else return false;
  }
  if (n < 12 || cur === 0 || (groups > 0 && (cur < 2 || cur > 6))) return false;
  if (!issuerOk(CARD_D, n)) return false;
  let sum = 0;
  for (let i = n - 1, alt = false; i >= 0; i--, alt = !alt) {
    let x = CARD_D[i]!;
    if (alt) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
  }
  return sum % 10 === 0;
}

// ---------------------------------------------------------------------------------------------- IBAN

/** Registered IBAN lengths by country (SWIFT IBAN registry). */
export const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27,
  MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33,
  SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

const IBAN_C = new Uint8Array(34);

/** Country length for the two letter codes a, b (upper case char codes), or 0. */
function ibanLength(a: number, b: number): number {
  if (a < 65 || a > 90 || b < 65 || b > 90) return 0;
  return IBAN_LEN_TABLE[(a - 65) * 26 + (b - 65)]!;
}
const IBAN_LEN_TABLE = new Uint8Array(26 * 26);
for (const [cc, len] of Object.entries(IBAN_LENGTHS)) IBAN_LEN_TABLE[(cc.charCodeAt(0) - 65) * 26 + (cc.charCodeAt(1) - 65)] = len;

/** The IBAN held in IBAN_C[0, n) (upper-case char codes): length, layout, mod 97 = 1. */
function ibanBufValid(n: number): boolean {
  if (n < 15 || ibanLength(IBAN_C[0]!, IBAN_C[1]!) !== n) return false;
  if (!isDigit(IBAN_C[2]!) || !isDigit(IBAN_C[3]!)) return false;
  // mod 97 in chunks: r stays below 2^53 when reduced once it reaches 1e13
  let r = 0;
  for (let j = 4; j < n + 4; j++) {
    const c = IBAN_C[j < n ? j : j - n]!;
    if (c <= 57) r = r * 10 + (c - 48);
    else r = r * 100 + (c - 55);
    if (r >= 1e13) r %= 97;
  }
  return r % 97 === 1;
}

/** An IBAN: letters and digits with optional single spaces (lower case accepted). Checks s[start, end). */
export function isIban(s: string, start = 0, end = s.length): boolean {
  const len = end - start;
  if (len < 15 || len > 42) return false;
  if (!isAlpha(s.charCodeAt(start)) || !isAlpha(s.charCodeAt(start + 1))) return false;
  let n = 0;
  let prevSpace = false;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c === 32) {
      if (prevSpace) return false;
      prevSpace = true;
      continue;
    }
    prevSpace = false;
    if (isLower(c)) c -= 32;
    else if (!isUpper(c) && !isDigit(c)) return false;
    if (n >= 34) return false;
    IBAN_C[n++] = c;
  }
  return ibanBufValid(n);
}

// ---------------------------------------------------------------------------------------------- IP

export function isIPv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let val = 0;
  let len = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (len === 0 || val > 255) return false;
      parts++;
      val = 0;
      len = 0;
    } else if (isDigit(c)) {
      if (len === 1 && val === 0) return false; // leading zero
      val = val * 10 + (c - 48);
      if (++len > 3) return false;
    } else return false;
  }
  return parts === 4;
}

const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

export function isIPv6(s0: string): boolean {
  let s = s0;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    if (pct === s.length - 1) return false;
    s = s.slice(0, pct);
  }
  const n = s.length;
  if (n < 2 || n > 45) return false;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return false;
  let groups = 0;
  let i = 0;
  const parseSide = (from: number, to: number, allowV4: boolean): boolean => {
    if (from === to) return true;
    let start = from;
    for (let j = from; j <= to; j++) {
      if (j === to || s.charCodeAt(j) === 58) {
        const len = j - start;
        if (len === 0) return false;
        if (j === to && allowV4 && s.indexOf('.', start) >= 0 && s.indexOf('.', start) < to) {
          if (!isIPv4(s.slice(start, to))) return false;
          groups += 2;
          return true;
        }
        if (len > 4) return false;
        for (let m = start; m < j; m++) if (!isHex(s.charCodeAt(m))) return false;
        groups++;
        start = j + 1;
      }
    }
    return true;
  };
  if (dbl >= 0) {
    if (!parseSide(0, dbl, false)) return false;
    i = dbl + 2;
    if (!parseSide(i, n, true)) return false;
    return groups <= 7;
  }
  if (!parseSide(0, n, true)) return false;
  return groups === 8;
}

export function isIP(s: string): boolean {
  return s.indexOf(':') >= 0 ? isIPv6(s) : isIPv4(s);
}

// ---------------------------------------------------------------------------------------------- national identifiers

/** US SSN (no checksum exists): format plus the never-issued ranges; callers require a name hint. */
export function isSsn(s: string): boolean {
  let d: string;
  if (s.length === 9) d = s;
  else if (s.length === 11 && (s[3] === '-' || s[3] === ' ') && s[6] === s[3]) d = s.slice(0, 3) + s.slice(4, 6) + s.slice(7);
  else return false;
  for (let i = 0; i < 9; i++) if (!isDigit(d.charCodeAt(i))) return false;
  const area = +d.slice(0, 3);
  if (area === 0 || area === 666 || area >= 900) return false;
  if (d.slice(3, 5) === '00' || d.slice(5) === '0000') return false;
  return true;
}

const NINO_BAD_PREFIX = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

export function isUkNino(s: string, hinted = false): boolean {
  if (s.length < 8 || s.length > 13) return false;
  const c = compact(s);
  if (c.length !== 9 && !(hinted && c.length === 8)) return false;
  const a = c[0]!;
  const b = c[1]!;
  if (!isUpper(a.charCodeAt(0)) || !isUpper(b.charCodeAt(0))) return false;
  if ('DFIQUV'.includes(a) || 'DFIOQUV'.includes(b) || NINO_BAD_PREFIX.has(a + b)) return false;
  for (let i = 2; i < 8; i++) if (!isDigit(c.charCodeAt(i))) return false;
  return c.length === 8 || 'ABCD'.includes(c[8]!);
}

/** Dutch BSN, 11-proof; callers require a name hint. */
export function isBsn(s: string): boolean {
  if (s.length !== 9) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const x = s.charCodeAt(i) - 48;
    if (x < 0 || x > 9) return false;
    sum += i < 8 ? (9 - i) * x : -x;
  }
  return sum % 11 === 0 && s !== '000000000';
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

export function isDniNie(s: string): boolean {
  if (s.length < 9 || s.length > 11) return false;
  let c = compact(s, true);
  if (c.length !== 9) return false;
  const f = c[0]!;
  if (f === 'X' || f === 'Y' || f === 'Z') c = String('XYZ'.indexOf(f)) + c.slice(1);
  for (let i = 0; i < 8; i++) if (!isDigit(c.charCodeAt(i))) return false;
  return DNI_LETTERS[+c.slice(0, 8) % 23] === c[8];
}

export function isFrNir(s: string): boolean {
  if (s.length < 15 || s.length > 21) return false;
  const c = compact(s);
  if (c.length !== 15) return false;
  if (!'123478'.includes(c[0]!)) return false;
  let body = c.slice(0, 13);
  const dept = body.slice(5, 7);
  if (dept === '2A') body = body.slice(0, 5) + '19' + body.slice(7);
  else if (dept === '2B') body = body.slice(0, 5) + '18' + body.slice(7);
  for (let i = 0; i < 13; i++) if (!isDigit(body.charCodeAt(i))) return false;
  for (let i = 13; i < 15; i++) if (!isDigit(c.charCodeAt(i))) return false;
  const month = +body.slice(3, 5);
  if (month === 0 || (month > 12 && month < 20)) return false;
  const key = +c.slice(13);
  return key === 97 - mod97(body);
}

const CF_ODD: Record<string, number> = {};
{
  const odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
  for (let i = 0; i < 10; i++) CF_ODD[String(i)] = odd[i]!;
  for (let i = 0; i < 26; i++) CF_ODD[String.fromCharCode(65 + i)] = odd[i]!;
}
const CF_OMO = 'LMNPQRSTUV';
const CF_MONTHS = 'ABCDEHLMPRST';
const CF_LAYOUT = 'LLLLLLDDLDDLDDDL'; // L letter, D digit (or omocodia letter)

/** The check character of the first 15 characters of a codice fiscale (upper case). */
export function cfCheckChar(c15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = c15[i]!;
    if (i % 2 === 0) sum += CF_ODD[ch]!;
    else sum += isDigit(ch.charCodeAt(0)) ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26));
}

export function isCodiceFiscale(s: string): boolean {
  if (s.length !== 16) return false;
  const c = s.toUpperCase();
  for (let i = 0; i < 16; i++) {
    const x = c.charCodeAt(i);
    if (CF_LAYOUT[i] === 'L') {
      if (!isUpper(x)) return false;
    } else if (!isDigit(x) && !CF_OMO.includes(c[i]!)) return false;
  }
  if (!CF_MONTHS.includes(c[8]!)) return false;
  return cfCheckChar(c.slice(0, 15)) === c[15];
}

export function isAadhaar(s: string, hinted = false): boolean {
  let d: string;
  if (s.length === 12) {
    if (!hinted) return false;
    d = s;
  } else if (s.length === 14 && (s[4] === ' ' || s[4] === '-') && s[9] === s[4]) d = s.slice(0, 4) + s.slice(5, 9) + s.slice(10);
  else return false;
  const f = d.charCodeAt(0);
  if (f < 50 || f > 57) return false;
  for (let i = 1; i < 12; i++) if (!isDigit(d.charCodeAt(i))) return false;
  return verhoeff(d);
}

// ---------------------------------------------------------------------------------------------- whole-value dispatch

/** Character classes for the prefilter: 0 other, 1 digit, 2 letter, 3 '@', 4 ':', 5 '.', 6 space, 7 '-', '+', '(', ')'. */
const CLS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLS[c] = 1;
for (let c = 65; c <= 90; c++) CLS[c] = CLS[c + 32] = 2;
CLS[64] = 3;
CLS[58] = 4;
CLS[46] = 5;
CLS[32] = 6;
for (const c of [45, 43, 40, 41]) CLS[c] = 7;
const CLS_COUNT = new Int32Array(8);
let lastDigits = -1;

/** Digits counted by the last classify call, or -1 if it returned before counting (a prefilter for scanText). */
export function classifiedDigits(): number {
  return lastDigits;
}

/**
 * The kind of a whole value, or -1. Cheap prefilters first: one pass counts character classes, then only the
 * detectors whose shape fits run. `hint` is the column's name hint (some kinds need it); DOB is decided by the
 * caller (it needs the parsed date).
 */
export function classify(s: string, hint: NameHint | null): number {
  const n = s.length;
  lastDigits = -1;
  if (n < 7 || n > 254) return -1;
  // no whole-value kind with spaces is longer than 42 characters (an IBAN in groups of 4)
  if (n > 42 && s.indexOf(' ') >= 0) return -1;
  const cnt = CLS_COUNT;
  for (let j = 0; j < 8; j++) cnt[j] = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    cnt[c < 128 ? CLS[c]! : 0]!++;
  }
  const other = cnt[0]!;
  const digits = cnt[1]!;
  lastDigits = digits;
  const alpha = cnt[2]!;
  const at = cnt[3]!;
  const colon = cnt[4]!;
  const dot = cnt[5]!;
  const space = cnt[6]!;
  if (at) return at === 1 && space === 0 && isEmail(s) ? K.email : -1;
  if (colon) return colon >= 2 && space === 0 && isIPv6(s) ? K.ip : -1;
  if (alpha === 0) {
    if (other) return -1;
    if (dot === 3 && digits === n - 3) return isIPv4(s) ? K.ip : -1;
    if (digits < 8) return -1;
    if (digits >= 12 && digits <= 19 && dot === 0 && isCard(s)) return K.card;
    if (digits === 15 && isFrNir(s)) return K['fr-nir'];
    if (digits === 12 && isAadhaar(s, hint === 'in-aadhaar' || hint === 'national-id')) return K['in-aadhaar'];
    if (digits === 9) {
      if (hint === 'us-ssn' && isSsn(s)) return K['us-ssn'];
      if (hint === 'nl-bsn' && isBsn(s)) return K['nl-bsn'];
    }
    if (digits === n && hint !== 'phone') return -1; // plain digits are never phones without a hint
    return isPhone(s, hint === 'phone') ? K.phone : -1;
  }
  if (other || colon || dot) return -1;
  if (n >= 15 && alpha >= 2 && isIban(s)) return K.iban;
  if (n === 16 && isCodiceFiscale(s)) return K['it-cf'];
  if (alpha <= 3 && digits === 6 && isUkNino(s, hint === 'uk-nino')) return K['uk-nino'];
  if (alpha <= 2 && digits >= 7 && isDniNie(s)) return K['es-dni'];
  if (alpha === 1 && digits === 14 && isFrNir(s)) return K['fr-nir'];
  return -1;
}

// ---------------------------------------------------------------------------------------------- free text

export interface TextMatch {
  kind: number;
  start: number;
  end: number;
}

/** Matches of the last scanTextInto call: kind, start, end. */
export const MATCH_KIND = new Int32Array(64);
export const MATCH_START = new Int32Array(64);
export const MATCH_END = new Int32Array(64);

/**
 * Embedded e-mails, cards, IBANs and phones in free text, in one left-to-right pass (see the module comment for
 * why it is linear). Writes up to `max` (<= 64) matches into MATCH_KIND / MATCH_START / MATCH_END and returns
 * their number. No allocation except for phone candidates.
 */
export function scanTextInto(s: string, max = 64): number {
  const n = s.length;
  let m = 0;
  let i = 0;
  if (max > 64) max = 64;
  while (i < n && m < max) {
    const c = s.charCodeAt(i);
    if (c === 64) {
      // e-mail around this '@'
      let a = i;
      while (a > 0 && i - a < 64 && isLocal(s.charCodeAt(a - 1))) a--;
      while (a < i && s.charCodeAt(a) === 46) a++;
      let b = i + 1;
      while (b < n && b - i < 255 && isDomainCh(s.charCodeAt(b))) b++;
      while (b > i + 1 && (s.charCodeAt(b - 1) === 46 || s.charCodeAt(b - 1) === 45)) b--;
      if (a < i && (m === 0 || MATCH_END[m - 1]! <= a) && isEmail(s.slice(a, b))) {
        MATCH_KIND[m] = K.email;
        MATCH_START[m] = a;
        MATCH_END[m] = b;
        m++;
        i = b;
      } else i++;
      continue;
    }
    const boundary = i === 0 || !isAlnum(s.charCodeAt(i - 1));
    if (!boundary) {
      i++;
      continue;
    }
    // IBAN: a letter pair then two digits at a word start
    if (isUpper(c) && i + 3 < n && isUpper(s.charCodeAt(i + 1)) && isDigit(s.charCodeAt(i + 2)) && isDigit(s.charCodeAt(i + 3))) {
      const len = ibanLength(c, s.charCodeAt(i + 1));
      if (len > 0) {
        let got = 0;
        let q = i;
        while (q < n && got < len) {
          const x = s.charCodeAt(q);
          if (isDigit(x) || isUpper(x)) IBAN_C[got++] = x;
          else if (!(x === 32 && q + 1 < n && isAlnum(s.charCodeAt(q + 1)) && got > 0)) break;
          q++;
        }
        if (got === len && (q >= n || !isAlnum(s.charCodeAt(q))) && ibanBufValid(got)) {
          MATCH_KIND[m] = K.iban;
          MATCH_START[m] = i;
          MATCH_END[m] = q;
          m++;
          i = q;
          continue;
        }
      }
    }
    // digit runs: groups of digits joined by 1-2 separators (space - . ( )), with an optional leading '+' or '('
    const start = i;
    if (isDigit(c) || ((c === 43 || c === 40) && i + 1 < n && isDigit(s.charCodeAt(i + 1)))) {
      let j = start + 1;
      let end: number;
      for (;;) {
        while (j < n && isDigit(s.charCodeAt(j))) j++;
        end = j;
        let k = j;
        while (k < n && k - j < 2 && isRunSep(s.charCodeAt(k))) k++;
        if (k > j && k < n && (isDigit(s.charCodeAt(k)) || (s.charCodeAt(k) === 40 && k + 1 < n && isDigit(s.charCodeAt(k + 1))))) {
          j = s.charCodeAt(k) === 40 ? k + 1 : k;
          continue;
        }
        break;
      }
      i = end;
      if (end < n && isAlnum(s.charCodeAt(end))) continue; // glued to a word: not a number on its own
      const d = end - start;
      if (d >= 8) {
        if (isCard(s, start, end)) {
          MATCH_KIND[m] = K.card;
          MATCH_START[m] = start;
          MATCH_END[m] = end;
          m++;
        } else if (isPhone(s.slice(start, end), false)) {
          MATCH_KIND[m] = K.phone;
          MATCH_START[m] = start;
          MATCH_END[m] = end;
          m++;
        }
      }
      continue;
    }
    // skip the rest of a word (stopping at '@')
    i++;
    if (isAlnum(c)) while (i < n && isAlnum(s.charCodeAt(i))) i++;
  }
  return m;
}

/** Embedded e-mails, cards, IBANs and phones in free text, in order of position (see scanTextInto). */
export function scanText(s: string, max = 64): TextMatch[] {
  const m = scanTextInto(s, max);
  const out: TextMatch[] = [];
  for (let j = 0; j < m; j++) out.push({ kind: MATCH_KIND[j]!, start: MATCH_START[j]!, end: MATCH_END[j]! });
  return out;
}

const isRunSep = (c: number) => c === 32 || c === 45 || c === 46 || c === 40 || c === 41;

// ---------------------------------------------------------------------------------------------- column names

/** Lower-case tokens of a column name: camelCase and any non-alphanumeric split. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const PERSON_QUALIFIERS = new Set([
  'first', 'last', 'given', 'family', 'full', 'middle', 'sur', 'maiden', 'customer', 'user', 'person', 'patient',
  'employee', 'contact', 'client', 'member', 'holder', 'cardholder', 'account', 'owner', 'student', 'applicant',
]);

const HINT_RULES: { hint: NameHint; tokens?: string[]; joined?: string[] }[] = [
  { hint: 'email', tokens: ['email', 'mail', 'emails'], joined: ['email'] },
  { hint: 'ip', tokens: ['ip', 'ipv4', 'ipv6', 'ipaddr', 'ipaddress', 'ipaddresses'], joined: ['remoteaddr'] },
  { hint: 'phone', tokens: ['phone', 'telephone', 'tel', 'mobile', 'cell', 'cellphone', 'fax', 'msisdn'], joined: ['phone'] },
  { hint: 'card', tokens: ['pan', 'cc', 'ccnum', 'card', 'cardno'], joined: ['creditcard', 'cardnumber', 'cardnum'] },
  { hint: 'iban', tokens: ['iban'], joined: ['iban', 'bankaccount'] },
  { hint: 'us-ssn', tokens: ['ssn'], joined: ['socialsecurity'] },
  { hint: 'uk-nino', tokens: ['nino'], joined: ['nationalinsurance', 'ninumber', 'ninno'] },
  { hint: 'nl-bsn', tokens: ['bsn', 'sofi'], joined: ['burgerservicenummer', 'sofinummer'] },
  { hint: 'es-dni', tokens: ['dni', 'nie', 'nif'] },
  { hint: 'fr-nir', tokens: ['nir', 'insee'], joined: ['securitesociale', 'numerosecu'] },
  { hint: 'it-cf', tokens: ['cf'], joined: ['codicefiscale', 'fiscalcode'] },
  { hint: 'in-aadhaar', tokens: ['aadhaar', 'aadhar', 'uidai'] },
  { hint: 'dob', tokens: ['dob', 'birth', 'birthday', 'birthdate', 'born'], joined: ['dateofbirth', 'birthdate', 'birthday'] },
  { hint: 'passport', joined: ['passport'] },
  { hint: 'national-id', joined: ['nationalid', 'taxid', 'driverslicense', 'driverlicense', 'licencenumber', 'licensenumber', 'idcard'] },
  { hint: 'postcode', tokens: ['zip', 'zipcode', 'postcode', 'postal', 'postalcode', 'plz'], joined: ['postcode', 'zipcode', 'postalcode'] },
  { hint: 'address', tokens: ['address', 'addr', 'street'], joined: ['address', 'streetname'] },
  { hint: 'name', tokens: ['surname', 'firstname', 'lastname', 'fullname', 'forename', 'forenames', 'givenname', 'familyname', 'middlename', 'maidenname'] },
];

/** The personal-data category a column name suggests, or null. */
export function nameHint(column: string): NameHint | null {
  const toks = nameTokens(column);
  if (!toks.length) return null;
  const set = new Set(toks);
  const joined = toks.join('');
  for (const r of HINT_RULES) {
    if (r.tokens && r.tokens.some((t) => set.has(t))) return r.hint;
    if (r.joined && r.joined.some((j) => joined.includes(j))) return r.hint;
  }
  // plain `name`, or `name` qualified by a person word (customer_name, first_name); not product_name, file_name
  const ni = toks.indexOf('name');
  if (ni >= 0 && (toks.length === 1 || toks.some((t) => PERSON_QUALIFIERS.has(t)))) return 'name';
  return null;
}
