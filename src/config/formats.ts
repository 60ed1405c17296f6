/**
 * Value formats for `columns.X.format` and the durations / limits used in dq.yml.
 * Every matcher here is linear-time (RE2 or hand-written).
 */
import { RE2JS } from 're2js';
import type { Format } from './types.js';

export const MAX_PATTERN_LENGTH = 5_000;

/** Compile a `pattern:` for full-match use. Throws Error with RE2's message for unsupported syntax. */
export function compilePattern(pattern: string): RE2JS {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new Error(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  return RE2JS.compile(pattern);
}

const EMAIL = RE2JS.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
const URL_RE = RE2JS.compile('(?i)(?:https?|ftp)://[^\\s/?#@]+(?:@[^\\s/?#]+)?(?:[/?#][^\\s]*)?');
const UUID = RE2JS.compile('[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}');

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TOKENS = ['YYYY', 'SSS', 'MMM', 'YY', 'MM', 'DD', 'HH', 'mm', 'ss', 'M', 'D', 'H'] as const;
type Tok = (typeof TOKENS)[number];

/** A compiled date format: literal pieces and tokens. */
type Piece = { lit: string } | { tok: Tok };

/** Parse a date format such as `YYYY-MM-DD` or `DD.MM.YYYY HH:mm`. Letters outside tokens are errors (quote nothing). */
export function parseDateFormat(fmt: string): Piece[] {
  if (fmt.length === 0 || fmt.length > 64) throw new Error('a date format has 1 to 64 characters');
  const out: Piece[] = [];
  let i = 0;
  let sawY = false;
  while (i < fmt.length) {
    const t = TOKENS.find((k) => fmt.startsWith(k, i));
    if (t) {
      if (t === 'YYYY' || t === 'YY') sawY = true;
      out.push({ tok: t });
      i += t.length;
      continue;
    }
    const c = fmt[i]!;
    if (/[A-Za-z]/.test(c)) {
      throw new Error(`unknown date format token at "${fmt.slice(i)}"; tokens: YYYY YY MM M MMM DD D HH H mm ss SSS (or email, url, uuid)`);
    }
    out.push({ lit: c });
    i++;
  }
  if (!sawY) throw new Error('a date format needs a year (YYYY or YY)');
  return out;
}

const DIM = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function matchDate(pieces: Piece[], s: string): boolean {
  let i = 0;
  let y = -1;
  let m = 1;
  let d = 1;
  const digits = (min: number, max: number): number => {
    let j = i;
    while (j < s.length && j - i < max && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j - i < min) return -1;
    const v = Number(s.slice(i, j));
    i = j;
    return v;
  };
  for (const p of pieces) {
    if ('lit' in p) {
      if (s[i] !== p.lit) return false;
      i++;
      continue;
    }
    let v: number;
    switch (p.tok) {
      case 'YYYY':
        v = digits(4, 4);
        if (v < 0) return false;
        y = v;
        break;
      case 'YY':
        v = digits(2, 2);
        if (v < 0) return false;
        y = 2000 + v;
        break;
      case 'MM':
      case 'M':
        v = digits(p.tok === 'MM' ? 2 : 1, 2);
        if (v < 1 || v > 12) return false;
        m = v;
        break;
      case 'MMM': {
        const w = s.slice(i, i + 3).toLowerCase();
        const k = MONTHS.indexOf(w);
        if (k < 0) return false;
        m = k + 1;
        i += 3;
        break;
      }
      case 'DD':
      case 'D':
        v = digits(p.tok === 'DD' ? 2 : 1, 2);
        if (v < 1 || v > 31) return false;
        d = v;
        break;
      case 'HH':
      case 'H':
        v = digits(p.tok === 'HH' ? 2 : 1, 2);
        if (v < 0 || v > 23) return false;
        break;
      case 'mm':
      case 'ss':
        v = digits(2, 2);
        if (v < 0 || v > 59) return false;
        break;
      case 'SSS':
        v = digits(3, 3);
        if (v < 0) return false;
        break;
    }
  }
  if (i !== s.length) return false;
  if (d > DIM[m - 1]!) return false;
  if (m === 2 && d === 29 && y >= 0 && !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return false;
  return true;
}

/** A predicate for a format. Never throws on input; linear in the value length. */
export function formatMatcher(f: Format): (s: string) => boolean {
  switch (f.kind) {
    case 'email':
      return (s) => s.length <= 320 && EMAIL.testExact(s);
    case 'url':
      return (s) => s.length <= 65_536 && URL_RE.testExact(s);
    case 'uuid':
      return (s) => s.length === 36 && UUID.testExact(s);
    case 'date': {
      const pieces = parseDateFormat(f.format);
      return (s) => s.length <= 64 && matchDate(pieces, s);
    }
  }
}

/** `36h`, `7d`, `90m`, `1d12h`, `2w`, `45s` → milliseconds; null when not a duration. */
export function parseDuration(s: string): number | null {
  const t = s.trim();
  if (!/^(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+$/.test(t)) return null;
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)\s*([smhdw])/g)) ms += Number(m[1]) * unit[m[2]!]!;
  return ms;
}

/** `1.5%` → 0.015; null when not a percentage. */
export function parsePercent(s: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/.exec(s);
  return m ? Number(m[1]) / 100 : null;
}

export function formatDuration(ms: number): string {
  const units: [string, number][] = [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  for (const [u, v] of units) if (ms >= v && ms % v === 0) return `${ms / v}${u}`;
  return `${Math.round(ms / 1000)}s`;
}
