/**
 * Turning command-line flags into validated options. Every bad value is a UsageError (exit 2)
 * that says what was wrong and what is allowed.
 */
import { UsageError } from '../errors.js';
import { parseByteCount } from '../engine/limits.js';
import type { AuditOptions, ColumnType } from '../core/types.js';
import { DEFAULT_NA_VALUES } from '../schema/values.js';
import { DEFAULT_READER_OPTIONS, type Encoding, type ReaderOptions } from '../io/readers/types.js';
import type { Format } from '../io/source.js';

export const TYPES: ColumnType[] = ['integer', 'float', 'boolean', 'date', 'datetime', 'string', 'categorical'];
const ENCODINGS: Record<string, Encoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16': 'utf-16',
  utf16: 'utf-16',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  latin1: 'latin1',
  'iso-8859-1': 'latin1',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
};
const FORMATS: Format[] = ['csv', 'tsv', 'jsonl', 'parquet'];

/** Split a comma list; `\,` keeps a literal comma. */
export function list(v: string | undefined): string[] | null {
  if (v === undefined) return null;
  return v.split(/(?<!\\),/).map((s) => s.replace(/\\,/g, ','));
}

export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

export function parseDelimiter(v: string | undefined): string | null {
  if (v === undefined) return null;
  const map: Record<string, string> = { '\\t': '\t', tab: '\t', TAB: '\t', comma: ',', semicolon: ';', pipe: '|', space: ' ' };
  const d = map[v] ?? v;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') throw new UsageError(`--delimiter must be one character (or tab, comma, semicolon, pipe), got '${v}'`);
  return d;
}

export function parseEncoding(v: string | undefined): Encoding | null {
  if (v === undefined) return null;
  const e = ENCODINGS[v.toLowerCase()];
  if (!e) throw new UsageError(`--encoding '${v}' is not supported; use one of utf-8, utf-16, latin1, windows-1252`);
  return e;
}

export function parseFormat(v: string | undefined): Format | null {
  if (v === undefined) return null;
  if (!FORMATS.includes(v as Format)) throw new UsageError(`--input-format must be one of ${FORMATS.join(', ')}, got '${v}'`);
  return v as Format;
}

export function parseTypes(specs: string[] = []): Record<string, ColumnType> {
  const out: Record<string, ColumnType> = {};
  for (const s of specs) {
    const i = s.lastIndexOf('=');
    if (i <= 0) throw new UsageError(`--type expects COL=TYPE, got '${s}'`);
    const col = s.slice(0, i);
    const t = s.slice(i + 1) as ColumnType;
    if (!TYPES.includes(t)) throw new UsageError(`--type ${col}: unknown type '${t}'; use one of ${TYPES.join(', ')}`);
    out[col] = t;
  }
  return out;
}

export function parsePositiveInt(name: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer >= ${min}, got '${v}'`);
  return n;
}

export function parseShare(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const pctm = /^(\d+(?:\.\d+)?)%$/.exec(v);
  const n = pctm ? Number(pctm[1]) / 100 : Number(v);
  if (!(n >= 0 && n <= 1)) throw new UsageError(`${name} must be a share between 0 and 1 (or a percentage), got '${v}'`);
  return n;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `90s`, `15m`, `36h`, `7d`, `2w` -> milliseconds. */
export function parseDuration(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(v.trim());
  if (!m) throw new UsageError(`${name} expects a number with a unit (90s, 15m, 36h, 7d, 2w), got '${v}'`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** An IANA time zone name (`Europe/Berlin`, `UTC`), as the runtime knows it. */
export function parseTimezone(v: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
  } catch {
    throw new UsageError(`--timezone '${v}' is not a time zone this runtime knows; use an IANA name such as UTC, Europe/Berlin or America/New_York`);
  }
  return v;
}

export function parseAsOf(v: string | undefined): number {
  if (v === undefined) return Date.now();
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || !/T|\d:\d/.test(v) ? v : v + 'Z');
  if (Number.isNaN(t)) throw new UsageError(`--as-of expects an ISO 8601 time such as 2024-05-01T12:00:00Z, got '${v}'`);
  return t;
}

export interface CommonFlags {
  delimiter?: string;
  header?: boolean;
  encoding?: string;
  decimal?: string;
  type?: string[];
  dayfirst?: boolean;
  naValues?: string;
  extraNaValues?: string;
  numericThreshold?: string;
  key?: string;
  examples?: boolean;
  inputFormat?: string;
  exactBudget?: string;
  maxFieldBytes?: string;
  maxColumns?: string;
  maxDecompressedBytes?: string;
  timestampColumn?: string;
  maxAge?: string;
  asOf?: string;
  timezone?: string;
}

export function readerOptions(f: CommonFlags): ReaderOptions {
  return {
    ...DEFAULT_READER_OPTIONS,
    delimiter: parseDelimiter(f.delimiter),
    header: f.header !== false,
    encoding: parseEncoding(f.encoding),
    maxFieldBytes: parsePositiveInt('--max-field-bytes', f.maxFieldBytes) ?? DEFAULT_READER_OPTIONS.maxFieldBytes,
    maxColumns: parsePositiveInt('--max-columns', f.maxColumns) ?? DEFAULT_READER_OPTIONS.maxColumns,
    ...(f.maxDecompressedBytes !== undefined ? { maxDecompressedBytes: parseByteCount('--max-decompressed-bytes', f.maxDecompressedBytes) } : {}),
  };
}

export function auditOptions(f: CommonFlags): AuditOptions {
  if (f.decimal !== undefined && f.decimal !== ',' && f.decimal !== '.') throw new UsageError(`--decimal must be ',' or '.', got '${f.decimal}'`);
  const base = list(f.naValues) ?? DEFAULT_NA_VALUES;
  const na = new Set([...base, ...(list(f.extraNaValues) ?? [])]);
  const budgetMb = parsePositiveInt('--exact-budget', f.exactBudget);
  const maxAgeMs = parseDuration('--max-age', f.maxAge);
  return {
    naValues: na,
    decimalComma: f.decimal === ',',
    dayFirst: f.dayfirst ? true : null,
    numericThreshold: parseShare('--numeric-threshold', f.numericThreshold) ?? 0.95,
    types: parseTypes(f.type),
    keyColumns: list(f.key),
    examples: f.examples !== false,
    // per numeric column: 8 bytes per value; 8 MiB keeps 1,048,576 values exact (and, through the profile and
    // the duplicates checker, as many distinct values per column and about a million distinct rows)
    exactBudgetBytes: (budgetMb ?? 8) * 1024 * 1024,
    checks: {
      timeliness: {
        ...(f.timestampColumn ? { column: f.timestampColumn } : {}),
        ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
        ...(f.timezone ? { timezone: parseTimezone(f.timezone) } : {}),
      },
    },
    asOf: parseAsOf(f.asOf),
  };
}
