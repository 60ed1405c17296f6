/**
 * Masking: pure functions for `dq clean --mask COL:METHOD[:ARG]` and for the masked examples of the pii checker.
 *
 * Methods (null in, null out for every method):
 * - hash       keyed HMAC-SHA-256 of the UTF-8 value, lower-case hex (64 characters). The key is a Buffer the CLI
 *              reads from the environment variable DQ_MASK_KEY or from --mask-key-file, never from the command
 *              line. Same value + same key = same output (joins still work); another key gives another output.
 *              An empty key is refused (an HMAC with an empty key is a plain, guessable hash of the value).
 * - redact     the string `[REDACTED]` (not null: a redacted cell stays distinguishable from a missing one, and
 *              the column keeps its text type).
 * - partial    keep the last 4 letters/digits, replace every other letter/digit by `*`, keep separators and
 *              other characters (`4242 4242 4242 4242` -> `**** **** **** 4242`). Values with 4 or fewer
 *              letters/digits are masked entirely (keeping 4 would reveal all of them).
 * - generalise numbers to ranges of a width (`:10` -> `30-39`) or, without a width, by magnitude (34 -> `30-39`,
 *              345 -> `300-399`, 7 -> `0-9`); dates to the month (`2024-03`, default) or the year (`:year`);
 *              postcodes (`:postcode`) truncated: UK/Canadian outward code (`SW1A 1AA` -> `SW1A`), US ZIP to 3
 *              digits (`90210` -> `902**`), Dutch `1234 AB` -> `1234`, other digit-only codes keep their first
 *              half. Without an argument: a date-looking value is a date, a number is a number, anything else
 *              is treated as a postcode.
 *              Ranges are inclusive `lo-hi` for integer values with an integer width (`30-39`), and half-open
 *              `lo-hi` (lo <= v < hi) otherwise; negative bounds read `-40--31`.
 */
import { createHmac } from 'node:crypto';
import { parseDateValue, toNumber } from '../schema/values.js';
import type { PiiKind } from './detectors.js';

export type MaskMethod = 'hash' | 'redact' | 'partial' | 'generalise';
export const MASK_METHODS: MaskMethod[] = ['hash', 'redact', 'partial', 'generalise'];
export const REDACTED = '[REDACTED]';

export interface GeneraliseOptions {
  /** What the value is; 'auto' decides per value (date, then number, then postcode). */
  as?: 'auto' | 'number' | 'date' | 'postcode';
  /** Range width for numbers; by magnitude when absent. */
  width?: number;
  /** Date granularity (default month). */
  date?: 'month' | 'year';
}

export interface MaskSpec {
  column: string;
  method: MaskMethod;
  generalise?: GeneraliseOptions;
}

export function maskHash(value: string | null, key: Buffer): string | null {
  if (value === null) return null;
  if (!key || key.length === 0) throw new Error('mask key is empty (set DQ_MASK_KEY or --mask-key-file)');
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

export function maskRedact(value: string | null): string | null {
  return value === null ? null : REDACTED;
}

const isAlnumCh = (ch: string) => /[\p{L}\p{N}]/u.test(ch);

export function maskPartial(value: string | null, keep = 4): string | null {
  if (value === null) return null;
  const chars = [...value];
  let total = 0;
  for (const ch of chars) if (isAlnumCh(ch)) total++;
  const keepFrom = total > keep ? total - keep : total; // index among alnum chars from which we keep
  let seen = 0;
  return chars
    .map((ch) => {
      if (!isAlnumCh(ch)) return ch;
      return seen++ >= keepFrom ? ch : '*';
    })
    .join('');
}

const ISO_DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ].*)?$/;
const UK_POSTCODE = /^([A-Za-z]{1,2}\d[A-Za-z\d]?) ?\d[A-Za-z]{2}$/;
const CA_POSTCODE = /^([A-Za-z]\d[A-Za-z]) ?\d[A-Za-z]\d$/;
const US_ZIP = /^(\d{3})\d{2}(?:-\d{4})?$/;
const NL_POSTCODE = /^(\d{4}) ?[A-Za-z]{2}$/;

function fmt(x: number): string {
  return String(Number.isInteger(x) ? x : +x.toPrecision(12));
}

export function generaliseNumber(v: number, width?: number): string {
  if (!Number.isFinite(v)) return String(v);
  let w = width;
  if (w === undefined || !(w > 0)) {
    const mag = Math.abs(v) < 10 ? 0 : Math.floor(Math.log10(Math.abs(v)));
    w = 10 ** Math.max(1, mag);
    if (Math.abs(v) < 10) w = 10;
  }
  const lo = Math.floor(v / w) * w;
  if (Number.isInteger(v) && Number.isInteger(w)) return `${fmt(lo)}-${fmt(lo + w - 1)}`;
  return `${fmt(lo)}-${fmt(lo + w)}`;
}

export function generaliseDate(value: string, grain: 'month' | 'year' = 'month'): string | null {
  const m = ISO_DATE.exec(value.trim());
  if (m) return grain === 'year' ? m[1]! : `${m[1]}-${m[2]}`;
  const d = parseDateValue(value.trim());
  if (!d) return null;
  const iso = new Date(d.ms).toISOString();
  return grain === 'year' ? iso.slice(0, 4) : iso.slice(0, 7);
}

export function generalisePostcode(value: string): string {
  const t = value.trim();
  let m = UK_POSTCODE.exec(t) ?? CA_POSTCODE.exec(t);
  if (m) return m[1]!.toUpperCase();
  m = US_ZIP.exec(t);
  if (m) return `${m[1]}**`;
  m = NL_POSTCODE.exec(t);
  if (m) return m[1]!;
  if (/^\d+$/.test(t)) {
    const keep = Math.ceil(t.length / 2);
    return t.slice(0, keep) + '*'.repeat(t.length - keep);
  }
  // unknown shape: the part before the first space, or the first half
  const sp = t.indexOf(' ');
  if (sp > 0) return t.slice(0, sp);
  const keep = Math.ceil(t.length / 2);
  return t.slice(0, keep) + '*'.repeat(t.length - keep);
}

export function maskGeneralise(value: string | null, opts: GeneraliseOptions = {}): string | null {
  if (value === null) return null;
  const as = opts.as ?? 'auto';
  if (as === 'date') return generaliseDate(value, opts.date) ?? REDACTED;
  if (as === 'postcode') return generalisePostcode(value);
  const n = toNumber(value.trim());
  if (as === 'number') return n === null ? REDACTED : generaliseNumber(n, opts.width);
  // auto
  if (opts.width === undefined && (ISO_DATE.test(value.trim()) || (n === null && parseDateValue(value.trim())))) return generaliseDate(value, opts.date);
  if (n !== null) return generaliseNumber(n, opts.width);
  return generalisePostcode(value);
}

/**
 * Parse a `--mask` spec: `COL:METHOD[:ARG]`. The column is everything before the last method-looking part,
 * so a column name may contain ':'. ARG (generalise only): a width (`10`), `month`, `year`, `postcode`,
 * `number` or `date`.
 */
export function parseMaskSpec(spec: string): MaskSpec {
  const parts = spec.split(':');
  for (let i = parts.length - 1; i >= 1; i--) {
    const m = parts[i] as MaskMethod;
    if (!MASK_METHODS.includes(m) && parts[i] !== 'generalize') continue;
    const column = parts.slice(0, i).join(':');
    const rest = parts.slice(i + 1);
    if (!column) break;
    if (m !== 'generalise' && parts[i] !== 'generalize') {
      if (rest.length) throw new Error(`--mask ${spec}: ${m} takes no argument`);
      return { column, method: m };
    }
    const g: GeneraliseOptions = {};
    for (const a of rest) {
      if (a === 'month' || a === 'year') {
        g.date = a;
        g.as ??= 'date';
      } else if (a === 'postcode' || a === 'number' || a === 'date') g.as = a;
      else if (/^\d+(\.\d+)?$/.test(a) && +a > 0) {
        g.width = +a;
        g.as ??= 'number';
      } else throw new Error(`--mask ${spec}: unknown generalise argument '${a}' (a width, month, year, postcode, number or date)`);
    }
    return { column, method: 'generalise', generalise: g };
  }
  throw new Error(`--mask ${spec}: expected COL:METHOD with METHOD one of ${MASK_METHODS.join(', ')}`);
}

/** Apply one spec to a value; `key` is required for hash. */
export function applyMask(value: string | null, spec: Pick<MaskSpec, 'method' | 'generalise'>, key?: Buffer): string | null {
  switch (spec.method) {
    case 'hash':
      if (!key) throw new Error('hash masking needs a key (DQ_MASK_KEY or --mask-key-file)');
      return maskHash(value, key);
    case 'redact':
      return maskRedact(value);
    case 'partial':
      return maskPartial(value);
    case 'generalise':
      return maskGeneralise(value, spec.generalise);
  }
}

// ---------------------------------------------------------------------------------------------- examples

/** Mask every letter/digit of s from index `from` (code units) to `to`, keeping separators. */
function starRange(s: string, from: number, to: number): string {
  let out = s.slice(0, from);
  for (let i = from; i < to; i++) {
    const ch = s[i]!;
    out += /[A-Za-z0-9]/.test(ch) ? '*' : ch;
  }
  return out + s.slice(to);
}

/** Index (code units) of the alnum character that is the k-th from the end (k >= 1), or 0. */
function lastAlnumStart(s: string, k: number): number {
  let seen = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    if (/[A-Za-z0-9]/.test(s[i]!)) {
      if (++seen === k) return i;
    }
  }
  return 0;
}

/**
 * A detected value masked for a report example; never the full value:
 * e-mail `j***@example.com`; card `**** **** **** 4242`; phone `+44 *** *** 789` (country code and the last 3
 * digits); IBAN `GB** **** **** **** **34 56` (country and the last 4); IPv4 `192.*.*.*`, IPv6 the first group;
 * national identifiers the last 2 characters; dates of birth the year (`1985-**-**`).
 */
export function maskForKind(kind: PiiKind, value: string): string {
  const v = value;
  switch (kind) {
    case 'email': {
      const at = v.lastIndexOf('@');
      return `${v[0] ?? ''}***${v.slice(at)}`;
    }
    case 'card':
      return starRange(v, 0, lastAlnumStart(v, 4));
    case 'phone': {
      let from = 0;
      if (v.startsWith('+')) {
        // keep the country code: up to the first separator, at most 3 digits
        let i = 1;
        while (i < v.length && i <= 3 && /\d/.test(v[i]!)) i++;
        if (i < v.length && /\d/.test(v[i]!)) i = 3; // no separator: keep 2 digits
        from = i;
      }
      return starRange(v, from, lastAlnumStart(v, 3));
    }
    case 'iban':
      return starRange(v, 2, lastAlnumStart(v, 4));
    case 'ip': {
      if (v.includes(':')) {
        const i = v.indexOf(':');
        return `${v.slice(0, i)}:****`;
      }
      const i = v.indexOf('.');
      return `${v.slice(0, i)}.*.*.*`;
    }
    case 'dob': {
      const m = /^(\d{4})/.exec(v);
      return m ? `${m[1]}-**-**` : starRange(v, 0, v.length);
    }
    default:
      return starRange(v, 0, lastAlnumStart(v, 2));
  }
}
