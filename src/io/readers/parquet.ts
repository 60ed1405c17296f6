/**
 * Parquet reader: streams a Parquet file as column-major batches.
 *
 * How it reads
 * - The file is opened as a random-access AsyncBuffer over a file handle (`FileBuffer`); nothing reads
 *   the whole file. The footer is parsed with hyparquet's `parquetMetadata` after its length has been
 *   checked against the file size.
 * - Row groups are read one at a time. A column with no REPEATED node anywhere in its subtree ("flat",
 *   including leaves of non-repeated structs) is streamed page by page: a cursor per column reads one
 *   page at a time through a small window, so memory is bounded by a page (plus its dictionary) per
 *   column, not by the column chunk or the row group; the cursor's buffers (window, decompressed page,
 *   levels, indices) are reused from page to page (`PageBuffers`). A column with lists, maps or other repeated
 *   fields is assembled for one row group at a time (memory bounded by that column chunk) with
 *   hyparquet's Dremel assembly (`assembleLists` / `assembleNested`).
 * - Pages are decoded here, not by hyparquet's page reader, so every length, count and level can be
 *   checked before it is used: hyparquet supplies the thrift page header parser, Dremel assembly,
 *   float16 parsing and the delta decoders (whose headers are validated first); LZ4/LZ4_RAW/ZSTD come
 *   from hyparquet-compressors, Snappy from a decoder here for well-formed blocks and hyparquet's for the
 *   rest, GZIP and BROTLI from node:zlib (bounded output, handles concatenated gzip members).
 * - Values become cells in one loop per kind of value (`Fill`); 64-bit integers and timestamps are
 *   computed in number arithmetic where that is exact, BigInt only beyond.
 *
 * Cell rules (Cell = string | number | boolean | bigint | null)
 * - BOOLEAN -> boolean. INT32 (and INT_8/16/32, UINT_8/16/32) -> number.
 * - INT64 / UINT_64 -> number when |v| <= 2^53 - 1, else bigint (exact).
 * - FLOAT -> the shortest decimal that round-trips the float32 (1.1, not 1.100000023841858); DOUBLE -> number.
 * - FLOAT16 -> number (NaN, +-0, +-Infinity kept).
 * - DECIMAL (INT32, INT64, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY) -> exact canonical decimal text built from
 *   the unscaled integer, keeping `scale` fraction digits ("123.45", "-0.05", "1.00"); never a float.
 * - DATE -> 'YYYY-MM-DD'. TIME -> 'HH:MM:SS(.fff|.ffffff|.fffffffff)'.
 * - TIMESTAMP (INT64 millis/micros/nanos, legacy TIMESTAMP_MILLIS/MICROS, INT96) ->
 *   'YYYY-MM-DDTHH:MM:SS(.fff...)Z' with as many fraction digits (0, 3, 6 or 9) as needed to keep the
 *   value exact. Years outside 0000-9999 use the ISO expanded form (+290000-...). A TIMESTAMP with
 *   isAdjustedToUTC = false (a local, zone-less time) is written without the trailing 'Z'.
 * - STRING / UTF8 / ENUM / JSON -> the UTF-8 text (invalid UTF-8: U+FFFD and an `invalid-utf8` issue).
 *   UUID -> canonical 8-4-4-4-12 text. INTERVAL, BSON, GEOMETRY/GEOGRAPHY (WKB) -> binary rule.
 * - Binary (BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY without a string annotation): a value that is valid
 *   UTF-8 with no control characters other than TAB/LF/CR is kept as text (old Impala/Hive writers store
 *   strings unannotated, cf. Spark's binaryAsString); any other value is written as lowercase hex with a
 *   `0x` prefix (`0x00`, `0x000003e8`) and counted in a `binary-as-hex` issue for the column.
 * - Unknown logical type: the value is read as its physical type and an `unknown-logical-type` issue is added.
 * - Structs that are not repeated are flattened to dotted column names (`a.b`, `a.b.c`).
 *   Lists, maps and repeated fields (with or without LIST annotation) are one column each, holding JSON
 *   text per row (`[1,2]`, `{"k":1}`), or null when the value is null. Inside JSON: decimals are JSON
 *   numbers with their exact digits, 64-bit integers are exact JSON numbers, NaN/Infinity are the
 *   strings "NaN"/"Infinity"/"-Infinity", timestamps/dates/binary follow the rules above as strings.
 *
 * Errors
 * - Encrypted files (magic PARE) -> UnsupportedError('encrypted Parquet'); other features dq does not
 *   read (LZO, unknown codecs or encodings, VARIANT, external column chunks, pages or values over the
 *   size limits) -> UnsupportedError(FEATURE). gzip-compressed Parquet files are rejected as unsupported.
 * - Anything corrupt, truncated or inconsistent -> InputError 'corrupt or invalid Parquet: <reason>; ...'
 *   with 'row group G, column C' where known. Library errors (TypeError, RangeError...) are wrapped.
 * - Checks made here beyond what hyparquet does: footer length vs file size; schema tree shape; column
 *   chunk byte ranges inside the file; page sizes inside the chunk and below limits; page CRC32 when the
 *   writer stored one; level and value counts per page; levels <= their maximum; dictionary indices <
 *   dictionary size; decoded rows per column chunk == the row group's row count (no more, no less);
 *   nested rows starting with repetition level 0; REQUIRED columns with a null count in their statistics.
 *
 * Known gaps
 * - ARROW-GH-43605 (dictionary indices RLE/bit-packed with bit width 0) is read, not rejected: width 0 means
 *   "every index is 0", which is well defined; in that file the dictionary has exactly one entry (0) and
 *   the levels and counts are consistent, so dq yields 21186 rows of 0 (as hyparquet does; Arrow C++ crashed
 *   on it). Width 0 with a larger dictionary cannot be rejected either: Impala writes it for pages whose
 *   indices are all 0 (data/alltypes_tiny_pages.parquet). Indices >= the dictionary size are rejected.
 * - Checksums are verified only where present; statistics are reported as written (decimal statistics
 *   may be rounded, NaN min/max are dropped), never used to validate values.
 * - Nested (list/map) columns are held for one row group at a time, so a row group whose nested column
 *   is very large needs memory in proportion to it.
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import zlib from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import type { FileMetaData, PageHeader, SchemaElement, SchemaTree, Statistics } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { assembleLists, assembleNested } from 'hyparquet/src/assemble.js';
import { deltaBinaryUnpack } from 'hyparquet/src/delta.js';
import { DEFAULT_PARSERS, parseFloat16 } from 'hyparquet/src/convert.js';
import { isListLike, isMapLike } from 'hyparquet/src/schema.js';
import { snappyUncompress } from 'hyparquet/src/snappy.js';
import { decompressLz4, decompressLz4Raw, decompressZstd } from 'hyparquet-compressors';
import type { IssueLog } from '../../core/issues.js';
import type { Batch, Cell } from '../../core/types.js';
import { DqError, InputError, UnsupportedError } from '../../errors.js';
import { setColumnHint } from '../../schema/values.js';
import { countRead, type Input } from '../source.js';
import type { Reader, ReaderOptions } from './types.js';

// ---------------------------------------------------------------------------------------------
// limits

const MAX_FOOTER_BYTES = 256 * 1024 * 1024;
const MAX_PAGE_HEADER_BYTES = 16 * 1024 * 1024;
const MAX_LEVEL_ENTRIES = 1 << 27;
const MAX_SCHEMA_DEPTH = 200;

// ---------------------------------------------------------------------------------------------
// errors

/** A structural problem in the file: becomes InputError 'corrupt or invalid Parquet: ...'. */
class CorruptError extends Error {}

function corrupt(reason: string): CorruptError {
  return new CorruptError(reason);
}

interface Where {
  rowGroup: number | null;
  column: string | null;
}

function whereText(w: Where): string | undefined {
  const parts: string[] = [];
  if (w.rowGroup !== null) parts.push(`row group ${w.rowGroup}`);
  if (w.column !== null) parts.push(`column ${w.column}`);
  return parts.length ? parts.join(', ') : undefined;
}

function wrapError(e: unknown, path: string, where: Where): Error {
  if (e instanceof DqError) return e;
  let reason: string;
  if (e instanceof CorruptError) reason = e.message;
  else if (e instanceof Error) reason = e.message.replace(/^parquet\s+/i, '') || e.name;
  else reason = String(e);
  if (/^(Cannot create a string longer|Invalid string length|Array buffer allocation failed)/i.test(reason)) {
    return new UnsupportedError(`values too large to hold in memory${where.column ? ` (column ${where.column})` : ''}`, path);
  }
  return new InputError(
    path,
    `corrupt or invalid Parquet: ${reason}; the file may be truncated or written by a faulty engine`,
    whereText(where),
  );
}

// ---------------------------------------------------------------------------------------------
// random-access file

/** An hyparquet AsyncBuffer over a file handle: reads only the slices asked for. */
export class FileBuffer {
  private constructor(
    private readonly fh: FileHandle,
    readonly byteLength: number,
  ) {}

  static async open(file: string): Promise<FileBuffer> {
    const fh = await fsp.open(file, 'r');
    try {
      const st = await fh.stat();
      return new FileBuffer(fh, st.size);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async slice(start: number, end: number = this.byteLength): Promise<ArrayBuffer> {
    return (await this.read(start, end)).buffer as ArrayBuffer;
  }

  /** Bytes [start, end) in a fresh buffer, or at the start of `into` when it is large enough. */
  async read(start: number, end: number, into?: Uint8Array): Promise<Uint8Array> {
    if (!(start >= 0 && end >= start && end <= this.byteLength)) {
      throw corrupt(`byte range ${start}-${end} is outside the file (${this.byteLength} bytes)`);
    }
    const out = into && into.length >= end - start ? into.subarray(0, end - start) : new Uint8Array(end - start);
    let off = 0;
    while (off < out.length) {
      const { bytesRead } = await this.fh.read(out, off, out.length - off, start + off);
      if (bytesRead === 0) throw corrupt(`file ended while reading bytes ${start}-${end}`);
      off += bytesRead;
    }
    return out;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

// ---------------------------------------------------------------------------------------------
// text helpers: dates, times, decimals, floats, binary

const TEXT = new TextDecoder('utf-8');
const TEXT_FATAL = new TextDecoder('utf-8', { fatal: true });
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** Days since 1970-01-01 -> [year, month, day] (proleptic Gregorian, any range). */
function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? y + 1 : y, m, d];
}

// civilFromDays costs about as much as the rest of a timestamp's text, and a column's dates usually fall within a
// few years: a direct-mapped cache of 4096 days (11 years without collisions) answers most calls
const YMD_SLOTS = 4096;
const ymdDays = new Float64Array(YMD_SLOTS).fill(NaN);
const ymdPacked = new Int32Array(YMD_SLOTS);

/** The date of a day as year * 512 + month * 32 + day for years 0000-9999 (the fixed-width text form), else -1. */
function packedYmd(days: number): number {
  const slot = days & (YMD_SLOTS - 1);
  if (ymdDays[slot] === days) return ymdPacked[slot]!;
  const [y, m, d] = civilFromDays(days);
  const packed = y >= 0 && y <= 9999 ? y * 512 + m * 32 + d : -1;
  ymdDays[slot] = days;
  ymdPacked[slot] = packed;
  return packed;
}

/** Char code of the decimal digit of n (a non-negative int32) at `place` (1, 10, 100...). */
function digit(n: number, place: number): number {
  return 48 + (((n / place) | 0) % 10);
}

function yearText(y: number): string {
  if (y >= 0 && y <= 9999) return pad(y, 4);
  return (y < 0 ? '-' : '+') + pad(Math.abs(y), 6);
}

// The texts below are made with one String.fromCharCode call each: concatenation makes a string per piece, and
// from 13 characters on a rope (a tree of pieces) that the first reader of the value (the date parser) flattens
// into yet another string.

export function dateText(days: number): string {
  const p = packedYmd(days);
  if (p < 0) {
    const [y, m, d] = civilFromDays(days);
    return `${yearText(y)}-${pad(m, 2)}-${pad(d, 2)}`;
  }
  const y = p >> 9;
  const m = (p >> 5) & 15;
  const d = p & 31;
  return String.fromCharCode(digit(y, 1000), digit(y, 100), digit(y, 10), digit(y, 1), 45, digit(m, 10), digit(m, 1), 45, digit(d, 10), digit(d, 1));
}

const UNIT_DIGITS = { MILLIS: 3, MICROS: 6, NANOS: 9 } as const;
type Unit = keyof typeof UNIT_DIGITS;
const UNIT_PER_SECOND: Record<Unit, number> = { MILLIS: 1000, MICROS: 1000000, NANOS: 1000000000 };
const UNIT_PER_SECOND_BIG: Record<Unit, bigint> = { MILLIS: 1000n, MICROS: 1000000n, NANOS: 1000000000n };

/** Fraction digits: the shortest of 0/3/6/9 (up to `digits`) that keeps the value exact. */
function fracText(frac: number, digits: number): string {
  if (frac === 0) return '';
  let s = pad(frac, digits);
  while (s.length > 3 && s.endsWith('000')) s = s.slice(0, -3);
  return '.' + s;
}

/**
 * The epoch milliseconds the date parser (schema/values.ts) reads from the text stampText made last, with the same
 * arithmetic (the fraction digit by digit); NaN when it reads none from it (years outside 100-9999).
 */
let stampMs = NaN;

/**
 * 'YYYY-MM-DDTHH:MM:SS(.fff|.ffffff|.fffffffff)Z' (no Z when not `utc`) of `sod` seconds and `frac` units of
 * `per` per second into day `days` (0 <= sod < 86400, 0 <= frac < per).
 */
function stampText(days: number, sod: number, frac: number, per: number, utc: boolean): string {
  const p = packedYmd(days);
  if (p < 0) {
    stampMs = NaN;
    const time = `${pad(Math.floor(sod / 3600), 2)}:${pad(Math.floor((sod % 3600) / 60), 2)}:${pad(sod % 60, 2)}`;
    return `${dateText(days)}T${time}${fracText(frac, per === 1000 ? 3 : per === 1000000 ? 6 : 9)}${utc ? 'Z' : ''}`;
  }
  const y = p >> 9;
  const mo = (p >> 5) & 15;
  const d = p & 31;
  const h = (sod / 3600) | 0;
  const mi = ((sod / 60) | 0) % 60;
  const s = sod % 60;
  // milliseconds (3 digits), microseconds (6) or nanoseconds (9), without trailing groups of 000
  let f = frac;
  let n = frac === 0 ? 0 : per === 1000 ? 3 : per === 1000000 ? 6 : 9;
  while (n > 3 && f % 1000 === 0) {
    f /= 1000;
    n -= 3;
  }
  const y1 = digit(y, 1000);
  const y2 = digit(y, 100);
  const y3 = digit(y, 10);
  const y4 = digit(y, 1);
  const mo1 = digit(mo, 10);
  const mo2 = digit(mo, 1);
  const d1 = digit(d, 10);
  const d2 = digit(d, 1);
  const h1 = digit(h, 10);
  const h2 = digit(h, 1);
  const mi1 = digit(mi, 10);
  const mi2 = digit(mi, 1);
  const s1 = digit(s, 10);
  const s2 = digit(s, 1);
  let text: string;
  if (n === 0) text = String.fromCharCode(y1, y2, y3, y4, 45, mo1, mo2, 45, d1, d2, 84, h1, h2, 58, mi1, mi2, 58, s1, s2, 90);
  else if (n === 3) text = String.fromCharCode(y1, y2, y3, y4, 45, mo1, mo2, 45, d1, d2, 84, h1, h2, 58, mi1, mi2, 58, s1, s2, 46, digit(f, 100), digit(f, 10), digit(f, 1), 90);
  else if (n === 6) {
    text = String.fromCharCode(y1, y2, y3, y4, 45, mo1, mo2, 45, d1, d2, 84, h1, h2, 58, mi1, mi2, 58, s1, s2, 46, digit(f, 100000), digit(f, 10000), digit(f, 1000), digit(f, 100), digit(f, 10), digit(f, 1), 90);
  } else {
    const hi = (f / 1000000) | 0;
    const lo = f % 1000000;
    text = String.fromCharCode(y1, y2, y3, y4, 45, mo1, mo2, 45, d1, d2, 84, h1, h2, 58, mi1, mi2, 58, s1, s2, 46, digit(hi, 100), digit(hi, 10), digit(hi, 1), digit(lo, 100000), digit(lo, 10000), digit(lo, 1000), digit(lo, 100), digit(lo, 10), digit(lo, 1), 90);
  }
  // the parser's fraction, as parseTime computes it from these digits: digit * scale, scale from 100 down by / 10
  let fracMs = 0;
  let scale = 100;
  for (let k = 20; k < 20 + n; k++) {
    fracMs += (text.charCodeAt(k) - 48) * scale;
    scale /= 10;
  }
  stampMs = y >= 100 ? days * 86400000 + (((h * 60 + mi) * 60 + s) * 1000 + fracMs) : NaN;
  // a local (zone-less) time: the same text without the Z (a slice shares the characters, still one flat string)
  return utc ? text : text.slice(0, -1);
}

export function timestampText(v: bigint, unit: Unit, utc = true): string {
  const per = UNIT_PER_SECOND_BIG[unit];
  let secs = v / per;
  let frac = v % per;
  if (frac < 0n) {
    frac += per;
    secs -= 1n;
  }
  let days = secs / 86400n;
  let sod = secs % 86400n;
  if (sod < 0n) {
    sod += 86400n;
    days -= 1n;
  }
  return stampText(Number(days), Number(sod), Number(frac), UNIT_PER_SECOND[unit], utc);
}

const TWO_32 = 4294967296;

/**
 * timestampText of the INT64 whose 32-bit halves are lo and hi, in plain number arithmetic (BigInt allocates at
 * every step); null for millisecond values beyond 140 million years, left to timestampText.
 */
function timestampTextOfWords(lo: number, hi: number, per: number, utc: boolean): string | null {
  // v rounded to a double (off by at most 1024 for the largest int64s)
  const approx = hi * TWO_32 + (lo >>> 0);
  let secs = Math.floor(approx / per);
  if (!(secs >= -(2 ** 52) && secs <= 2 ** 52)) return null;
  // the exact remainder v - secs * per: known modulo 2^32 from the low words, and below 2^31 in magnitude
  // because secs is within one or two of the true quotient (per <= 1e9)
  let frac = (lo - Math.imul(secs, per)) | 0;
  while (frac < 0) {
    frac += per;
    secs -= 1;
  }
  while (frac >= per) {
    frac -= per;
    secs += 1;
  }
  let days = Math.floor(secs / 86400);
  let sod = secs - days * 86400;
  if (sod < 0) {
    sod += 86400;
    days -= 1;
  } else if (sod >= 86400) {
    sod -= 86400;
    days += 1;
  }
  return stampText(days, sod, frac, per, utc);
}

function timeText(v: bigint, unit: Unit): string {
  const per = UNIT_PER_SECOND_BIG[unit];
  let secs = v / per;
  let frac = v % per;
  if (frac < 0n) {
    frac += per;
    secs -= 1n;
  }
  const s = Number(secs);
  if (s < 0 || s > 86400) return String(v);
  return `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor((s % 3600) / 60), 2)}:${pad(s % 60, 2)}${fracText(Number(frac), UNIT_DIGITS[unit])}`;
}

/** The unscaled integer (a bigint, or a number when it is a safe integer) with `scale` fraction digits. */
export function decimalText(unscaled: bigint | number, scale: number): string {
  const neg = unscaled < 0;
  let s = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
  } else if (scale < 0) {
    s += '0'.repeat(-scale);
  }
  return neg ? `-${s}` : s;
}

/** Big-endian two's complement bytes -> bigint. */
function bigIntFromBytes(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let v = 0n;
  for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]!);
  if (b[0]! & 0x80) v -= 1n << BigInt(b.length * 8);
  return v;
}

function float32Shortest(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  for (let p = 1; p <= 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

function hexText(b: Uint8Array): string {
  let s = '0x';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

function uuidText(b: Uint8Array): string {
  if (b.length !== 16) return hexText(b);
  const h = hexText(b).slice(2);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A JSON token kept verbatim inside nested values (decimals). */
class JsonRaw {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function toJsonText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      break;
  }
  if (v instanceof JsonRaw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  if (v instanceof Uint8Array) return JSON.stringify(hexText(v));
  if (v instanceof Date) return JSON.stringify(Number.isNaN(v.getTime()) ? null : v.toISOString());
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .map((k) => `${JSON.stringify(k)}:${toJsonText(o[k])}`)
    .join(',')}}`;
}

// ---------------------------------------------------------------------------------------------
// schema

interface Leaf {
  index: number;
  path: string[];
  name: string;
  element: SchemaElement;
  schemaPath: SchemaTree[];
  maxDef: number;
  maxRep: number;
}

interface FlatOut {
  kind: 'flat';
  name: string;
  leaf: Leaf;
}

interface NestedOut {
  kind: 'nested';
  top: SchemaTree;
  leaves: Leaf[];
  /** output columns taken from the assembled value: name, field path inside the top value, json or cell. */
  outputs: { name: string; fields: string[]; json: boolean }[];
}

type ColumnPlan = FlatOut | NestedOut;

function buildTree(schema: SchemaElement[]): SchemaTree {
  if (!Array.isArray(schema) || schema.length === 0) throw corrupt('the schema is empty');
  let next = 0;
  const build = (path: string[], depth: number): SchemaTree => {
    if (depth > MAX_SCHEMA_DEPTH) throw corrupt('the schema is nested too deeply');
    const index = next++;
    const element = schema[index];
    if (!element) throw corrupt('the schema tree is truncated (a group has more children than elements follow)');
    if (typeof element.name !== 'string') throw corrupt(`schema element ${index} has no name`);
    const n = element.num_children ?? 0;
    if (!Number.isInteger(n) || n < 0 || n > schema.length) throw corrupt(`schema element ${element.name} has an invalid child count ${n}`);
    const children: SchemaTree[] = [];
    for (let i = 0; i < n; i++) {
      const child = schema[next];
      if (!child) throw corrupt('the schema tree is truncated (a group has more children than elements follow)');
      children.push(build([...path, child.name], depth + 1));
    }
    return { element, children, path, count: next - index };
  };
  const root = build([], 0);
  if (next !== schema.length) throw corrupt(`the schema has ${schema.length - next} element(s) outside the tree`);
  if (root.children.length === 0) throw corrupt('the schema has no columns');
  return root;
}

function hasRepeated(node: SchemaTree): boolean {
  if (node.element.repetition_type === 'REPEATED') return true;
  return node.children.some(hasRepeated);
}

function isStructGroup(node: SchemaTree): boolean {
  const el = node.element;
  if (!node.children.length || el.repetition_type === 'REPEATED') return false;
  if (isListLike(node) || isMapLike(node)) return false;
  const ct = el.converted_type;
  const lt = (el.logical_type as { type?: string } | undefined)?.type;
  return ct !== 'LIST' && ct !== 'MAP' && ct !== 'MAP_KEY_VALUE' && lt !== 'LIST' && lt !== 'MAP';
}

function collectLeaves(root: SchemaTree): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (node: SchemaTree, chain: SchemaTree[]) => {
    const here = [...chain, node];
    if (!node.children.length) {
      if (!node.element.type) throw corrupt(`schema leaf ${node.path.join('.')} has no physical type`);
      let maxDef = 0;
      let maxRep = 0;
      for (const n of here.slice(1)) {
        if (n.element.repetition_type !== 'REQUIRED') maxDef++;
        if (n.element.repetition_type === 'REPEATED') maxRep++;
      }
      leaves.push({ index: leaves.length, path: node.path, name: node.path.join('.'), element: node.element, schemaPath: here, maxDef, maxRep });
      return;
    }
    for (const c of node.children) walk(c, here);
  };
  for (const c of root.children) walk(c, [root]);
  return leaves;
}

function planColumns(root: SchemaTree, leaves: Leaf[]): ColumnPlan[] {
  const byPath = new Map(leaves.map((l) => [l.name, l]));
  const plans: ColumnPlan[] = [];
  const leavesUnder = (node: SchemaTree): Leaf[] => {
    if (!node.children.length) return [byPath.get(node.path.join('.'))!];
    return node.children.flatMap(leavesUnder);
  };
  for (const top of root.children) {
    if (!hasRepeated(top)) {
      for (const l of leavesUnder(top)) plans.push({ kind: 'flat', name: l.name, leaf: l });
      continue;
    }
    if ((top.element.logical_type as { type?: string } | undefined)?.type === 'VARIANT') {
      throw new UnsupportedError(`VARIANT logical type (column ${top.element.name})`, '');
    }
    const outputs: NestedOut['outputs'] = [];
    const walk = (node: SchemaTree, fields: string[]) => {
      if (isStructGroup(node)) {
        for (const c of node.children) walk(c, [...fields, c.element.name]);
      } else {
        outputs.push({ name: node.path.join('.'), fields, json: node.children.length > 0 || node.element.repetition_type === 'REPEATED' });
      }
    };
    walk(top, []);
    plans.push({ kind: 'nested', top, leaves: leavesUnder(top), outputs });
  }
  return plans;
}

// ---------------------------------------------------------------------------------------------
// value conversion

interface ConvState {
  hexCount: number;
  int96Wide: number;
  invalidUtf8: number;
  firstInvalidRow: number | null;
}

function logicalTypeText(el: SchemaElement): string | null {
  const lt = el.logical_type as Record<string, unknown> | undefined;
  if (lt && typeof lt.type === 'string') {
    switch (lt.type) {
      case 'DECIMAL':
        return `DECIMAL(${lt.precision},${lt.scale})`;
      case 'TIMESTAMP':
      case 'TIME':
        return `${lt.type}(${lt.unit},${lt.isAdjustedToUTC ? 'UTC' : 'local'})`;
      case 'INTEGER':
        return `INTEGER(${lt.bitWidth},${lt.isSigned ? 'signed' : 'unsigned'})`;
      default:
        return lt.type;
    }
  }
  if (lt) return 'UNKNOWN';
  if (el.converted_type === 'DECIMAL') return `DECIMAL(${el.precision},${el.scale ?? 0})`;
  return el.converted_type ?? null;
}

function isUnknownLogical(el: SchemaElement): boolean {
  const lt = el.logical_type as Record<string, unknown> | undefined;
  return !!lt && typeof lt.type !== 'string';
}

/**
 * Converts the raw values [from, from + count) of a page or dictionary into values at out[at, at + count).
 * Raw values: BOOLEAN Uint8Array of 0/1, INT32 Int32Array, INT64 BigInt64Array, INT96 bigint[] (nanoseconds since
 * the epoch), FLOAT Float32Array, DOUBLE Float64Array, byte arrays ByteValues or Uint8Array[].
 */
type Fill = (raw: RawValues, from: number, count: number, out: unknown[], at: number, ms?: Float64Array | null) => void;

/** The Fills of timestamps, which also write to `ms` (when given) the epoch milliseconds the date parser reads from each text. */
const STAMP_FILLS = new WeakSet<Fill>();

/** A Fill calling a converter per value, for the types without a loop of their own below. */
function eachValue(conv: (v: any) => unknown): Fill {
  return (raw, from, count, out, at) => {
    const get = rawAccessor(raw);
    for (let i = 0; i < count; i++) out[at + i] = conv(get(from + i));
  };
}

// The common types have loops of their own, so the conversion is inlined instead of being a call to one of many
// converters from a shared loop, and 64-bit values are read from their 32-bit halves without making a bigint.

const copyValues: Fill = (raw, from, count, out, at) => {
  const v = raw as Int32Array | Float64Array;
  for (let i = 0; i < count; i++) out[at + i] = v[from + i];
};

const booleans: Fill = (raw, from, count, out, at) => {
  const v = raw as Uint8Array;
  for (let i = 0; i < count; i++) out[at + i] = v[from + i] === 1;
};

const float32s: Fill = (raw, from, count, out, at) => {
  const v = raw as Float32Array;
  for (let i = 0; i < count; i++) out[at + i] = float32Shortest(v[from + i]!);
};

const dates: Fill = (raw, from, count, out, at) => {
  const v = raw as Int32Array;
  for (let i = 0; i < count; i++) out[at + i] = dateText(v[from + i]!);
};

/** The 32-bit halves (low, high) of INT64 values, on little-endian hosts as the typed-array views of page bytes assume. */
function int64Words(raw: RawValues): Int32Array {
  const b = raw as BigInt64Array;
  return new Int32Array(b.buffer, b.byteOffset, b.length * 2);
}

/** The double nearest to the INT64 of halves lo, hi: exact when |v| <= 2^53, and beyond 2^53 - 1 whenever v is. */
function int64Approx(lo: number, hi: number, unsigned: boolean): number {
  return (unsigned ? hi >>> 0 : hi) * TWO_32 + (lo >>> 0);
}

/** INT64 -> number when |v| <= 2^53 - 1, else the exact bigint. */
function int64Fill(unsigned: boolean): Fill {
  return (raw, from, count, out, at) => {
    const w = int64Words(raw);
    const big = raw as BigInt64Array;
    for (let i = 0; i < count; i++) {
      const j = from + i;
      const d = int64Approx(w[2 * j]!, w[2 * j + 1]!, unsigned);
      out[at + i] = Number.isSafeInteger(d) ? d : unsigned ? BigInt.asUintN(64, big[j]!) : big[j]!;
    }
  };
}

function decimal64Fill(scale: number, wrap: (s: string) => unknown): Fill {
  return (raw, from, count, out, at) => {
    const w = int64Words(raw);
    const big = raw as BigInt64Array;
    for (let i = 0; i < count; i++) {
      const j = from + i;
      const d = int64Approx(w[2 * j]!, w[2 * j + 1]!, false);
      out[at + i] = wrap(decimalText(Number.isSafeInteger(d) ? d : big[j]!, scale));
    }
  };
}

function timestampFill(unit: Unit, utc: boolean): Fill {
  const per = UNIT_PER_SECOND[unit];
  const fill: Fill = (raw, from, count, out, at, ms) => {
    const w = int64Words(raw);
    const big = raw as BigInt64Array;
    for (let i = 0; i < count; i++) {
      const j = from + i;
      out[at + i] = timestampTextOfWords(w[2 * j]!, w[2 * j + 1]!, per, utc) ?? timestampText(big[j]!, unit, utc);
      if (ms) ms[at + i] = stampMs;
    }
  };
  STAMP_FILLS.add(fill);
  return fill;
}

function isAscii(b: Uint8Array, s: number, e: number): boolean {
  let any = 0;
  for (let i = s; i < e; i++) any |= b[i]!;
  return any < 0x80;
}

/** ASCII without the control characters the binary rule rejects (TAB, LF and CR are allowed). */
function isPrintableAscii(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c >= 0x7f || (c < 0x20 && c !== 9 && c !== 10 && c !== 13)) return false;
  }
  return true;
}

/**
 * Text of byte-array values: those `plain` accepts are ASCII, copied straight from the page; the others go through
 * `decode` (the UTF-8 decoder, with its checks and counts).
 */
function textFill(plain: (b: Uint8Array, s: number, e: number) => boolean, decode: (b: Uint8Array) => string): Fill {
  return (raw, from, count, out, at) => {
    if (!(raw instanceof ByteValues)) {
      const v = raw as ArrayLike<Uint8Array>;
      for (let i = 0; i < count; i++) out[at + i] = decode(v[from + i]!);
      return;
    }
    const { data, starts, lens } = raw;
    for (let i = 0; i < count; i++) {
      const s = starts[from + i]!;
      const e = s + lens[from + i]!;
      out[at + i] = plain(data, s, e) ? raw.latin1(s, e) : decode(data.subarray(s, e));
    }
  };
}

/** The Fill of a leaf. json = true: decimals become JsonRaw (exact JSON numbers) for nested values. */
function makeFill(el: SchemaElement, state: ConvState, json: boolean): Fill {
  const type = el.type!;
  const ct = el.converted_type;
  const lt = isUnknownLogical(el) ? undefined : (el.logical_type as Record<string, any> | undefined);
  const ltype: string | undefined = lt?.type;

  const binary = (b: Uint8Array): string => {
    try {
      const s = TEXT_FATAL.decode(b);
      if (!CONTROL.test(s)) return s;
    } catch {
      // not UTF-8
    }
    state.hexCount++;
    return hexText(b);
  };
  const utf8 = (b: Uint8Array): string => {
    try {
      return TEXT_FATAL.decode(b);
    } catch {
      state.invalidUtf8++;
      return TEXT.decode(b);
    }
  };

  if (ltype === 'NULL') return eachValue(() => null);

  if (ltype === 'DECIMAL' || ct === 'DECIMAL') {
    const scale = Number(lt?.scale ?? el.scale ?? 0);
    if (!Number.isInteger(scale) || Math.abs(scale) > 10000) throw corrupt(`invalid decimal scale ${scale}`);
    const wrap = json ? (s: string) => new JsonRaw(s) : (s: string) => s;
    if (type === 'INT32') return eachValue((v) => wrap(decimalText(v as number, scale)));
    if (type === 'INT64') return decimal64Fill(scale, wrap);
    if (type === 'BYTE_ARRAY' || type === 'FIXED_LEN_BYTE_ARRAY') return eachValue((v) => wrap(decimalText(bigIntFromBytes(v as Uint8Array), scale)));
  }
  if ((ltype === 'DATE' || ct === 'DATE') && type === 'INT32') return dates;
  if (type === 'INT64' && (ltype === 'TIMESTAMP' || ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS')) {
    const unit: Unit = ltype === 'TIMESTAMP' ? (lt!.unit as Unit) : ct === 'TIMESTAMP_MILLIS' ? 'MILLIS' : 'MICROS';
    const utc = ltype === 'TIMESTAMP' ? lt!.isAdjustedToUTC !== false : true;
    return timestampFill(unit, utc);
  }
  if (ltype === 'TIME' || ct === 'TIME_MILLIS' || ct === 'TIME_MICROS') {
    const unit: Unit = ltype === 'TIME' ? (lt!.unit as Unit) : ct === 'TIME_MILLIS' ? 'MILLIS' : 'MICROS';
    if (type === 'INT32') return eachValue((v) => timeText(BigInt(v as number), unit));
    if (type === 'INT64') return eachValue((v) => timeText(v as bigint, unit));
  }
  if (type === 'INT96') {
    return eachValue((v) => {
      if ((v as bigint) < INT64_MIN || (v as bigint) > INT64_MAX) state.int96Wide++;
      return timestampText(v as bigint, 'NANOS', true);
    });
  }
  const unsigned = (ct?.startsWith('UINT_') ?? false) || (ltype === 'INTEGER' && lt!.isSigned === false);
  if (type === 'INT32') return unsigned ? eachValue((v) => (v as number) >>> 0) : copyValues;
  if (type === 'INT64') return int64Fill(unsigned);
  if (type === 'FLOAT') return float32s;
  if (type === 'DOUBLE') return copyValues;
  if (type === 'BOOLEAN') return booleans;
  if (ltype === 'FLOAT16' && type === 'FIXED_LEN_BYTE_ARRAY') return eachValue((v) => parseFloat16(v as Uint8Array) ?? null);
  if (ltype === 'UUID') return eachValue((v) => uuidText(v as Uint8Array));
  if (ltype === 'STRING' || ltype === 'ENUM' || ltype === 'JSON' || ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON') {
    return textFill(isAscii, utf8);
  }
  return textFill(isPrintableAscii, binary);
}

// ---------------------------------------------------------------------------------------------
// decompression

function decompress(codec: string, input: Uint8Array, size: number, limit: number, buffers: PageBuffers): Uint8Array {
  if (size > limit) throw new PageTooLarge(size, limit);
  let out: Uint8Array;
  try {
    out = decompressAs(codec, input, size, buffers);
  } catch (e) {
    if (e instanceof DqError || e instanceof CorruptError) throw e;
    if (e instanceof RangeError && /allocation failed|Invalid typed array length|Invalid array buffer length/i.test(e.message)) throw e;
    // the decoders' own words ("cannot copy from before start of buffer", "premature end of input") say little
    // by themselves: say that decompressing the page failed
    throw corrupt(`cannot decompress a ${codec} page (${e instanceof Error ? e.message : String(e)})`);
  }
  // node:zlib returns pooled Buffers whose .slice() does not copy: use a plain view
  if (Buffer.isBuffer(out)) out = new Uint8Array(out.buffer, out.byteOffset, out.length);
  if (out.length !== size) throw corrupt(`a ${codec} page decompressed to ${out.length} bytes, its header says ${size}`);
  return out;
}

function decompressAs(codec: string, input: Uint8Array, size: number, buffers: PageBuffers): Uint8Array {
  let out: Uint8Array;
  switch (codec) {
    case 'UNCOMPRESSED':
      out = input;
      break;
    case 'SNAPPY':
      out = buffers.bytes('page', size);
      if (!snappyFast(input, out)) snappyUncompress(input, out);
      break;
    case 'GZIP':
      out = zlib.gunzipSync(input, { maxOutputLength: Math.max(size, 1) });
      break;
    case 'BROTLI':
      out = zlib.brotliDecompressSync(input, { maxOutputLength: Math.max(size, 1) });
      break;
    case 'ZSTD':
      out = decompressZstd(input, new Uint8Array(size));
      break;
    case 'LZ4':
      out = decompressLz4(input, size);
      break;
    case 'LZ4_RAW':
      out = decompressLz4Raw(input, size);
      break;
    case 'LZO':
      throw new UnsupportedError('LZO compression', '');
    default:
      throw new UnsupportedError(`compression codec ${codec}`, '');
  }
  return out;
}

/**
 * Snappy decompression of a well-formed block into exactly out.length bytes; false at the first anomaly, and the
 * caller decodes the block again with hyparquet's snappyUncompress, whose error is then the one reported. Same
 * format as that decoder, but bytes are copied 4 at a time through DataViews and long runs with set/copyWithin
 * (a byte loop was a fifth of the reader's time).
 */
export function snappyFast(input: Uint8Array, out: Uint8Array): boolean {
  const inEnd = input.length;
  const outEnd = out.length;
  const src = new DataView(input.buffer, input.byteOffset, inEnd);
  const dst = new DataView(out.buffer, out.byteOffset, outEnd);
  let pos = 0;
  let op = 0;
  // the preamble: the uncompressed length as a varint (the page header's size is the one checked)
  while (pos < inEnd && input[pos++]! >= 128);
  if (outEnd && pos >= inEnd) return false;
  while (pos < inEnd) {
    const c = input[pos++]!;
    if (pos >= inEnd) return false;
    let len: number;
    if ((c & 3) === 0) {
      // literal: len bytes follow
      len = (c >>> 2) + 1;
      if (len > 60) {
        const lengthBytes = len - 60;
        if (pos + 3 >= inEnd) return false; // hyparquet's decoder wants 4 bytes there, whatever the length's size
        len = 1;
        for (let i = 0, mul = 1; i < lengthBytes; i++, mul *= 256) len += input[pos + i]! * mul;
        pos += lengthBytes;
      }
      if (pos + len > inEnd || op + len > outEnd) return false;
      if (len >= 64) out.set(input.subarray(pos, pos + len), op);
      else if (len >= 4) {
        let i = 0;
        for (; i + 4 <= len; i += 4) dst.setUint32(op + i, src.getUint32(pos + i));
        // the rest: the last 4 bytes of the run, some of them written again
        if (i < len) dst.setUint32(op + len - 4, src.getUint32(pos + len - 4));
      } else {
        for (let i = 0; i < len; i++) out[op + i] = input[pos + i]!;
      }
      pos += len;
      op += len;
      continue;
    }
    // copy: len bytes from `offset` bytes back in the output
    let offset: number;
    if ((c & 3) === 1) {
      len = ((c >>> 2) & 7) + 4;
      offset = input[pos]! + ((c >>> 5) << 8);
      pos += 1;
    } else if ((c & 3) === 2) {
      if (pos + 2 > inEnd) return false;
      len = (c >>> 2) + 1;
      offset = input[pos]! + input[pos + 1]! * 256;
      pos += 2;
    } else {
      if (pos + 4 > inEnd) return false;
      len = (c >>> 2) + 1;
      offset = src.getUint32(pos, true);
      pos += 4;
    }
    if (offset === 0 || offset > op || op + len > outEnd) return false;
    let from = op - offset;
    const end = op + len;
    if (offset >= len && len >= 4) {
      // source and destination apart: 4-byte words, the last one ending at the end of the run
      for (; op + 4 <= end; op += 4, from += 4) dst.setUint32(op, dst.getUint32(from));
      if (op < end) dst.setUint32(end - 4, dst.getUint32(from + end - op - 4));
      op = end;
      continue;
    }
    // overlapping runs repeat the bytes just written: 4 at a time when they are at least 4 back, else byte by byte
    if (offset >= 4) {
      for (; op + 4 <= end; op += 4, from += 4) dst.setUint32(op, dst.getUint32(from));
    }
    while (op < end) out[op++] = out[from++]!;
  }
  return op === outEnd;
}

class PageTooLarge extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`page of ${size} bytes`);
  }
}

// ---------------------------------------------------------------------------------------------
// low-level decoders (bounds-checked)

/** RLE / bit-packed hybrid: `count` values of `bitWidth` bits from bytes[pos, end) into out. Returns the end position. */
function readHybrid(bytes: Uint8Array, pos: number, end: number, bitWidth: number, count: number, out: Uint8Array | Int32Array | Uint32Array, what: string): number {
  if (bitWidth < 0 || bitWidth > 32) throw corrupt(`${what}: invalid bit width ${bitWidth}`);
  let seen = 0;
  const mask = bitWidth === 32 ? 0xffffffff : (1 << bitWidth) - 1;
  while (seen < count) {
    if (pos >= end) throw corrupt(`${what}: data ends after ${seen} of ${count} values`);
    let header = 0;
    let mul = 1;
    let b: number;
    do {
      if (pos >= end) throw corrupt(`${what}: truncated run header`);
      b = bytes[pos++]!;
      header += (b & 0x7f) * mul;
      mul *= 128;
      if (mul > 2 ** 42) throw corrupt(`${what}: invalid run header`);
    } while (b & 0x80);
    if (header % 2 === 1) {
      const groups = Math.floor(header / 2);
      const nvals = groups * 8;
      const k = Math.min(nvals, count - seen);
      const needBytes = Math.ceil((k * bitWidth) / 8);
      if (pos + needBytes > end) throw corrupt(`${what}: bit-packed run of ${nvals} values overruns the data`);
      if (bitWidth === 0) {
        out.fill(0, seen, seen + k);
      } else if (bitWidth === 1) {
        // the definition levels of optional columns: 8 to a byte, unrolled (5 times faster than the loop below)
        let i = 0;
        for (; i + 8 <= k; i += 8) {
          const b = bytes[pos + (i >> 3)]!;
          const o = seen + i;
          out[o] = b & 1;
          out[o + 1] = (b >> 1) & 1;
          out[o + 2] = (b >> 2) & 1;
          out[o + 3] = (b >> 3) & 1;
          out[o + 4] = (b >> 4) & 1;
          out[o + 5] = (b >> 5) & 1;
          out[o + 6] = (b >> 6) & 1;
          out[o + 7] = (b >> 7) & 1;
        }
        for (; i < k; i++) out[seen + i] = (bytes[pos + (i >> 3)]! >> (i & 7)) & 1;
      } else if (bitWidth <= 24) {
        let acc = 0;
        let bits = 0;
        let p = pos;
        for (let i = 0; i < k; i++) {
          while (bits < bitWidth) {
            acc |= bytes[p++]! << bits;
            bits += 8;
          }
          out[seen + i] = acc & mask;
          acc >>>= bitWidth;
          bits -= bitWidth;
        }
      } else {
        let bitOff = 0;
        for (let i = 0; i < k; i++) {
          let v = 0;
          let got = 0;
          while (got < bitWidth) {
            const byte = bytes[pos + (bitOff >> 3)]!;
            const inByte = bitOff & 7;
            const take = Math.min(8 - inByte, bitWidth - got);
            v += ((byte >> inByte) & ((1 << take) - 1)) * 2 ** got;
            got += take;
            bitOff += take;
          }
          out[seen + i] = v;
        }
      }
      pos = Math.min(end, pos + groups * bitWidth);
      seen += k;
    } else {
      const run = Math.floor(header / 2);
      const w = (bitWidth + 7) >> 3;
      if (pos + w > end) throw corrupt(`${what}: truncated run value`);
      let v = 0;
      for (let i = 0; i < w; i++) v += bytes[pos + i]! * 2 ** (8 * i);
      pos += w;
      if (v > mask) throw corrupt(`${what}: run value ${v} does not fit in ${bitWidth} bits`);
      const k = Math.min(run, count - seen);
      out.fill(v, seen, seen + k);
      seen += k;
    }
  }
  return pos;
}

/** Deprecated BIT_PACKED levels: MSB first, count * bitWidth bits. */
function readBitPackedLevels(bytes: Uint8Array, pos: number, end: number, bitWidth: number, count: number, out: Uint8Array): number {
  const nbytes = Math.ceil((count * bitWidth) / 8);
  if (pos + nbytes > end) throw corrupt('levels: BIT_PACKED data overruns the page');
  for (let i = 0; i < count; i++) {
    let v = 0;
    for (let b = 0; b < bitWidth; b++) {
      const bit = i * bitWidth + b;
      v = (v << 1) | ((bytes[pos + (bit >> 3)]! >> (7 - (bit & 7))) & 1);
    }
    out[i] = v;
  }
  return pos + nbytes;
}

function bitWidthOf(max: number): number {
  return 32 - Math.clz32(max);
}

function need(pos: number, n: number, end: number, what: string): void {
  if (!(n >= 0) || pos + n > end) throw corrupt(`${what}: needs ${n} bytes, ${Math.max(0, end - pos)} left in the page`);
}

/**
 * Byte-array values of a page kept as offsets into the page buffer (no object per value until a cell is
 * made), so a decoded page costs a few bytes per value.
 */
class ByteValues {
  private buffer: Buffer | null = null;
  constructor(
    readonly data: Uint8Array,
    readonly starts: Int32Array,
    readonly lens: Int32Array,
    readonly length: number,
  ) {}
  get(i: number): Uint8Array {
    const s = this.starts[i]!;
    return this.data.subarray(s, s + this.lens[i]!);
  }
  /** Bytes [s, e) of the page as Latin-1 text: the text of ASCII bytes, without a view or a decoder call per value. */
  latin1(s: number, e: number): string {
    this.buffer ??= Buffer.from(this.data.buffer, this.data.byteOffset, this.data.length);
    return this.buffer.toString('latin1', s, e);
  }
}

type RawValues = ArrayLike<unknown> | ByteValues;

function rawAccessor(values: RawValues): (i: number) => unknown {
  if (values instanceof ByteValues) return (i) => values.get(i);
  return (i) => values[i];
}

interface PlainOpts {
  typeLength: number;
  maxValueBytes: number;
  buffers: PageBuffers;
}

/** The typed array each fixed-width PLAIN type is read into (little-endian, as this machine and Parquet are). */
const PLAIN_FIXED: Record<'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE', Int32ArrayConstructor | BigInt64ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor> = {
  INT32: Int32Array,
  INT64: BigInt64Array,
  FLOAT: Float32Array,
  DOUBLE: Float64Array,
};

function readPlain(bytes: Uint8Array, pos: number, end: number, type: string, n: number, o: PlainOpts): { values: RawValues; pos: number } {
  const copy = (width: number) => {
    need(pos, n * width, end, `PLAIN ${type} values`);
    const buf = o.buffers.bytes('values', n * width);
    buf.set(bytes.subarray(pos, pos + n * width));
    pos += n * width;
    return buf;
  };
  switch (type) {
    case 'BOOLEAN': {
      const nb = Math.ceil(n / 8);
      need(pos, nb, end, 'PLAIN BOOLEAN values');
      const vals = o.buffers.bytes('values', n);
      for (let i = 0; i < n; i++) vals[i] = (bytes[pos + (i >> 3)]! >> (i & 7)) & 1;
      return { values: vals, pos: pos + nb };
    }
    case 'INT32':
    case 'INT64':
    case 'FLOAT':
    case 'DOUBLE': {
      const Typed = PLAIN_FIXED[type];
      const b = copy(Typed.BYTES_PER_ELEMENT);
      return { values: new Typed(b.buffer as ArrayBuffer, b.byteOffset, n), pos };
    }
    case 'INT96': {
      need(pos, n * 12, end, 'PLAIN INT96 values');
      const dv = new DataView(bytes.buffer, bytes.byteOffset + pos, n * 12);
      const vals = new Array<bigint>(n);
      for (let i = 0; i < n; i++) {
        const nanos = dv.getBigInt64(i * 12, true);
        const day = dv.getInt32(i * 12 + 8, true);
        vals[i] = int96Nanos(day, nanos);
      }
      return { values: vals, pos: pos + n * 12 };
    }
    case 'BYTE_ARRAY': {
      need(pos, n * 4, end, 'PLAIN BYTE_ARRAY values');
      const starts = o.buffers.int32s('starts', n);
      const lens = o.buffers.int32s('lens', n);
      for (let i = 0; i < n; i++) {
        need(pos, 4, end, 'PLAIN BYTE_ARRAY length');
        const len = (bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16)) + bytes[pos + 3]! * 16777216;
        pos += 4;
        // a length beyond the page is corruption, not a large value: checked first
        need(pos, len, end, 'PLAIN BYTE_ARRAY value');
        if (len > o.maxValueBytes) throw new ValueTooLarge(len, o.maxValueBytes);
        starts[i] = pos;
        lens[i] = len;
        pos += len;
      }
      return { values: new ByteValues(bytes, starts, lens, n), pos };
    }
    case 'FIXED_LEN_BYTE_ARRAY': {
      const w = o.typeLength;
      if (!(w > 0)) throw corrupt('FIXED_LEN_BYTE_ARRAY column without a valid type_length');
      need(pos, n * w, end, 'PLAIN FIXED_LEN_BYTE_ARRAY values');
      const starts = o.buffers.int32s('starts', n);
      const lens = o.buffers.int32s('lens', n).fill(w);
      for (let i = 0; i < n; i++) starts[i] = pos + i * w;
      return { values: new ByteValues(bytes, starts, lens, n), pos: pos + n * w };
    }
    default:
      throw corrupt(`unknown physical type ${type}`);
  }
}

class ValueTooLarge extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`value of ${size} bytes`);
  }
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * INT96 (Julian day, nanoseconds of day) -> nanoseconds since the epoch. When the exact value does not
 * fit in 64-bit nanoseconds, Spark's reading is used: microseconds computed with 64-bit wrapping
 * arithmetic (Spark writes such values with a wrapped day; int96_from_spark.parquet year 290000).
 * The converter reports values outside the 64-bit nanosecond range.
 */
function int96Nanos(day: number, nanos: bigint): bigint {
  const exact = BigInt(day - 2440588) * 86400000000000n + nanos;
  if (exact >= INT64_MIN && exact <= INT64_MAX) return exact;
  const micros = BigInt.asIntN(64, BigInt(day - 2440588) * 86400000000n + nanos / 1000n);
  return micros * 1000n + (nanos % 1000n);
}

function readVarUint(bytes: Uint8Array, pos: number, end: number): [number, number] {
  let v = 0;
  let mul = 1;
  let b: number;
  do {
    if (pos >= end) throw corrupt('DELTA header truncated');
    b = bytes[pos++]!;
    v += (b & 0x7f) * mul;
    mul *= 128;
    if (mul > 2 ** 70) throw corrupt('DELTA header has an invalid varint');
  } while (b & 0x80);
  return [v, pos];
}

/** Validate a DELTA_BINARY_PACKED header (so the decoder cannot loop without progress). */
function checkDeltaHeader(bytes: Uint8Array, pos: number, end: number, n: number): void {
  let blockSize: number;
  let miniblocks: number;
  let total: number;
  [blockSize, pos] = readVarUint(bytes, pos, end);
  [miniblocks, pos] = readVarUint(bytes, pos, end);
  [total, pos] = readVarUint(bytes, pos, end);
  if (!(blockSize > 0) || blockSize % 128 !== 0 || !(miniblocks > 0) || blockSize % miniblocks !== 0 || (blockSize / miniblocks) % 32 !== 0) {
    throw corrupt(`invalid DELTA_BINARY_PACKED header (block size ${blockSize}, ${miniblocks} miniblocks)`);
  }
  if (total < n) throw corrupt(`DELTA_BINARY_PACKED holds ${total} values, the page needs ${n}`);
}

function deltaInts(bytes: Uint8Array, pos: number, end: number, n: number, int64: boolean): { values: Int32Array | BigInt64Array; pos: number } {
  checkDeltaHeader(bytes, pos, end, n);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, end), offset: pos };
  const out = int64 ? new BigInt64Array(n) : new Int32Array(n);
  if (n > 0) deltaBinaryUnpack(reader, n, out);
  else {
    // an empty stream still has a header and a first value: skip them
    let p = pos;
    for (let i = 0; i < 3; i++) [, p] = readVarUint(bytes, p, end);
    [, p] = readVarUint(bytes, p, end);
    reader.offset = p;
  }
  if (reader.offset > end) throw corrupt('DELTA_BINARY_PACKED data overruns the page');
  return { values: out, pos: reader.offset };
}

function deltaLengthByteArray(bytes: Uint8Array, pos: number, end: number, n: number, o: PlainOpts): { values: Uint8Array[]; pos: number } {
  const { values: lens, pos: p0 } = deltaInts(bytes, pos, end, n, false);
  pos = p0;
  const out = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) {
    const len = lens[i] as number;
    if (len < 0) throw corrupt(`DELTA_LENGTH_BYTE_ARRAY has a negative length ${len}`);
    need(pos, len, end, 'DELTA_LENGTH_BYTE_ARRAY value');
    if (len > o.maxValueBytes) throw new ValueTooLarge(len, o.maxValueBytes);
    out[i] = bytes.subarray(pos, pos + len);
    pos += len;
  }
  return { values: out, pos };
}

function deltaByteArray(bytes: Uint8Array, pos: number, end: number, n: number, o: PlainOpts): { values: Uint8Array[]; pos: number } {
  const { values: prefixes, pos: p1 } = deltaInts(bytes, pos, end, n, false);
  const { values: suffixes, pos: p2 } = deltaInts(bytes, p1, end, n, false);
  pos = p2;
  const out = new Array<Uint8Array>(n);
  let prev: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < n; i++) {
    const pre = prefixes[i] as number;
    const suf = suffixes[i] as number;
    if (pre < 0 || suf < 0 || pre > prev.length) throw corrupt(`DELTA_BYTE_ARRAY has an invalid prefix/suffix length (${pre}/${suf})`);
    need(pos, suf, end, 'DELTA_BYTE_ARRAY suffix');
    if (pre + suf > o.maxValueBytes) throw new ValueTooLarge(pre + suf, o.maxValueBytes);
    let v: Uint8Array;
    if (pre === 0) v = bytes.subarray(pos, pos + suf);
    else {
      v = new Uint8Array(pre + suf);
      v.set(prev.subarray(0, pre));
      v.set(bytes.subarray(pos, pos + suf), pre);
    }
    pos += suf;
    out[i] = v;
    prev = v;
  }
  return { values: out, pos };
}

function byteStreamSplit(bytes: Uint8Array, pos: number, end: number, type: string, n: number, typeLength: number): { values: RawValues; pos: number } {
  const w = type === 'INT32' || type === 'FLOAT' ? 4 : type === 'INT64' || type === 'DOUBLE' ? 8 : type === 'FIXED_LEN_BYTE_ARRAY' ? typeLength : 0;
  if (!(w > 0)) throw corrupt(`BYTE_STREAM_SPLIT is not valid for ${type}`);
  need(pos, n * w, end, 'BYTE_STREAM_SPLIT values');
  const out = new Uint8Array(n * w);
  for (let b = 0; b < w; b++) {
    const base = pos + b * n;
    for (let i = 0; i < n; i++) out[i * w + b] = bytes[base + i]!;
  }
  pos += n * w;
  switch (type) {
    case 'INT32':
      return { values: new Int32Array(out.buffer), pos };
    case 'FLOAT':
      return { values: new Float32Array(out.buffer), pos };
    case 'INT64':
      return { values: new BigInt64Array(out.buffer), pos };
    case 'DOUBLE':
      return { values: new Float64Array(out.buffer), pos };
    default: {
      const vals = new Array<Uint8Array>(n);
      for (let i = 0; i < n; i++) vals[i] = out.subarray(i * w, (i + 1) * w);
      return { values: vals, pos };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// pages of one column chunk

interface RawPage {
  header: PageHeader;
  data: Uint8Array;
  index: number;
}

/** Reads the pages of one column chunk through a bounded window. */
class PageStream {
  private win: Uint8Array = new Uint8Array(0);
  private winStart = 0;
  private pos: number;
  private pageIndex = 0;

  constructor(
    private readonly file: FileBuffer,
    start: number,
    private readonly end: number,
    private readonly winSize: number,
    private readonly buffers: PageBuffers,
  ) {
    this.pos = start;
  }

  private async bytes(pos: number, n: number): Promise<Uint8Array> {
    if (pos < this.winStart || pos + n > this.winStart + this.win.length) {
      const len = Math.max(n, Math.min(this.winSize, this.end - pos));
      this.win = await this.file.read(pos, pos + len, this.buffers.bytes('window', len));
      this.winStart = pos;
    }
    return this.win.subarray(pos - this.winStart, pos - this.winStart + n);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  async next(): Promise<RawPage | null> {
    const avail = this.end - this.pos;
    if (avail <= 1) return null; // some writers leave one byte of padding
    let t = Math.min(avail, 4096);
    let header: PageHeader;
    let hlen: number;
    for (;;) {
      const b = await this.bytes(this.pos, t);
      const reader = { view: new DataView(b.buffer, b.byteOffset, b.byteLength), offset: 0 };
      try {
        header = parquetHeader(reader);
        hlen = reader.offset;
        break;
      } catch (e) {
        if (t >= avail || t >= MAX_PAGE_HEADER_BYTES) {
          throw corrupt(`invalid page header at byte ${this.pos} (page ${this.pageIndex}): ${(e as Error).message}`);
        }
        t = Math.min(avail, t * 8, MAX_PAGE_HEADER_BYTES);
      }
    }
    const size = header.compressed_page_size;
    if (!Number.isInteger(size) || size < 0) {
      throw corrupt(`invalid page header at byte ${this.pos} (page ${this.pageIndex}): ${size === undefined ? 'no page size' : `page size ${size}`}`);
    }
    if (size > avail - hlen) {
      throw corrupt(`page ${this.pageIndex} claims ${size} bytes but only ${Math.max(0, avail - hlen)} remain in the column chunk`);
    }
    if (!Number.isInteger(header.uncompressed_page_size) || header.uncompressed_page_size < 0) {
      throw corrupt(`page ${this.pageIndex} has an invalid uncompressed size ${header.uncompressed_page_size}`);
    }
    this.pos += hlen;
    const data = size ? await this.bytes(this.pos, size) : new Uint8Array(0);
    this.pos += size;
    if (header.crc !== undefined && header.crc !== null) {
      const crc = zlib.crc32(data) >>> 0;
      if (crc !== header.crc >>> 0) throw corrupt(`page ${this.pageIndex} checksum (CRC32) mismatch`);
    }
    return { header, data, index: this.pageIndex++ };
  }
}

// ---------------------------------------------------------------------------------------------
// decoding one data page

interface DecodedPage {
  n: number;
  def: Uint8Array | null;
  rep: Uint8Array | null;
  nonNull: number;
  /** non-null values (raw), or dictionary indices when `dict` is true */
  values: RawValues;
  dict: boolean;
}

interface ChunkCtx {
  leaf: Leaf;
  codec: string;
  pageLimit: number;
  plain: PlainOpts;
  maxEntries: number;
}

type BufferSlot = 'window' | 'page' | 'values' | 'def' | 'rep' | 'indices' | 'starts' | 'lens';

/**
 * The buffers a column's pages are read and decoded into: the window of compressed bytes, the decompressed page,
 * levels, dictionary indices, the aligned copy of fixed-width values, the offsets of byte-array values. A flat
 * column keeps them from page to page and row group to row group (`reuse`), which is safe because its page is
 * finished (values made into cells) before its next page is read, and spares allocating, then collecting, a
 * page-sized buffer of each kind per page (about 15 MB less peak memory on bench-1m-s1.parquet). A buffer keeps
 * the size of the largest page it held until the read ends.
 */
class PageBuffers {
  private readonly slots = new Map<BufferSlot, Uint8Array>();
  constructor(private readonly reuse: boolean) {}

  /** n bytes at offset 0 of a buffer (aligned for any typed array), with whatever an earlier page left there. */
  bytes(slot: BufferSlot, n: number): Uint8Array {
    if (!this.reuse) return new Uint8Array(n);
    let b = this.slots.get(slot);
    if (!b || b.length < n) this.slots.set(slot, (b = new Uint8Array(n)));
    return b.subarray(0, n);
  }

  int32s(slot: BufferSlot, n: number): Int32Array {
    return new Int32Array(this.bytes(slot, n * 4).buffer, 0, n);
  }

  uint32s(slot: BufferSlot, n: number): Uint32Array {
    return new Uint32Array(this.bytes(slot, n * 4).buffer, 0, n);
  }
}

/** Fresh buffers for every page (nested columns, which are not on the hot path). */
const FRESH_BUFFERS = new PageBuffers(false);

/** Levels of a v1 data page into `levels` (one per value). */
function readLevelsV1(bytes: Uint8Array, pos: number, end: number, encoding: string, max: number, levels: Uint8Array, what: string): { levels: Uint8Array; pos: number } {
  const n = levels.length;
  const w = bitWidthOf(max);
  if (encoding === 'BIT_PACKED') {
    pos = readBitPackedLevels(bytes, pos, end, w, n, levels);
  } else if (encoding === 'RLE' || encoding === undefined) {
    need(pos, 4, end, `${what} length`);
    const len = bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16) | (bytes[pos + 3]! << 24);
    pos += 4;
    if (len < 0 || pos + len > end) throw corrupt(`${what}: length ${len} overruns the page`);
    readHybrid(bytes, pos, pos + len, w, n, levels, what);
    pos += len;
  } else {
    throw new UnsupportedError(`level encoding ${encoding}`, '');
  }
  return { levels, pos };
}

function checkLevels(levels: Uint8Array, max: number, what: string): void {
  for (let i = 0; i < levels.length; i++) if (levels[i]! > max) throw corrupt(`${what} ${levels[i]} exceeds the maximum ${max}`);
}

function decodeValues(bytes: Uint8Array, pos: number, end: number, encoding: string, n: number, c: ChunkCtx, dictSize: number | null): { values: RawValues; dict: boolean } {
  const type = c.leaf.element.type!;
  switch (encoding) {
    case 'PLAIN':
      return { values: readPlain(bytes, pos, end, type, n, c.plain).values, dict: false };
    case 'PLAIN_DICTIONARY':
    case 'RLE_DICTIONARY': {
      if (dictSize === null) throw corrupt('a dictionary-encoded page has no dictionary page before it');
      if (n === 0) return { values: new Uint32Array(0), dict: true };
      need(pos, 1, end, 'dictionary index bit width');
      const w = bytes[pos]!;
      if (w > 32) throw corrupt(`dictionary index bit width ${w} is invalid`);
      const idx = c.plain.buffers.uint32s('indices', n);
      readHybrid(bytes, pos + 1, end, w, n, idx, 'dictionary indices');
      return { values: idx, dict: true };
    }
    case 'RLE': {
      if (type !== 'BOOLEAN') throw corrupt(`RLE value encoding on a ${type} column`);
      need(pos, 4, end, 'RLE boolean length');
      const len = bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16) | (bytes[pos + 3]! << 24);
      if (len < 0 || pos + 4 + len > end) throw corrupt('RLE boolean data overruns the page');
      const bits = c.plain.buffers.bytes('values', n);
      readHybrid(bytes, pos + 4, pos + 4 + len, 1, n, bits, 'RLE booleans');
      return { values: bits, dict: false };
    }
    case 'BIT_PACKED': {
      if (type !== 'BOOLEAN') throw new UnsupportedError(`BIT_PACKED value encoding for ${type}`, '');
      return { values: readPlain(bytes, pos, end, type, n, c.plain).values, dict: false };
    }
    case 'DELTA_BINARY_PACKED':
      if (type !== 'INT32' && type !== 'INT64') throw corrupt(`DELTA_BINARY_PACKED on a ${type} column`);
      return { values: deltaInts(bytes, pos, end, n, type === 'INT64').values, dict: false };
    case 'DELTA_LENGTH_BYTE_ARRAY':
      if (type !== 'BYTE_ARRAY') throw corrupt(`DELTA_LENGTH_BYTE_ARRAY on a ${type} column`);
      return { values: deltaLengthByteArray(bytes, pos, end, n, c.plain).values, dict: false };
    case 'DELTA_BYTE_ARRAY':
      if (type !== 'BYTE_ARRAY' && type !== 'FIXED_LEN_BYTE_ARRAY') throw corrupt(`DELTA_BYTE_ARRAY on a ${type} column`);
      return { values: deltaByteArray(bytes, pos, end, n, c.plain).values, dict: false };
    case 'BYTE_STREAM_SPLIT':
      return { values: byteStreamSplit(bytes, pos, end, type, n, c.plain.typeLength).values, dict: false };
    default:
      throw new UnsupportedError(`encoding ${encoding ?? 'unknown'}`, '');
  }
}

function decodeDataPage(p: RawPage, c: ChunkCtx, dictSize: number | null): DecodedPage {
  const h = p.header;
  const { maxDef, maxRep } = c.leaf;
  if (h.type === 'DATA_PAGE') {
    const dh = h.data_page_header;
    if (!dh) throw corrupt(`page ${p.index} is a data page without a data page header`);
    const n = dh.num_values;
    if (!Number.isInteger(n) || n < 0 || n > c.maxEntries) throw corrupt(`page ${p.index} has an invalid value count ${n}`);
    const bytes = decompress(c.codec, p.data, h.uncompressed_page_size, c.pageLimit, c.plain.buffers);
    let pos = 0;
    const end = bytes.length;
    let rep: Uint8Array | null = null;
    let def: Uint8Array | null = null;
    if (maxRep > 0) ({ levels: rep, pos } = readLevelsV1(bytes, pos, end, dh.repetition_level_encoding, maxRep, c.plain.buffers.bytes('rep', n), 'repetition levels'));
    if (maxDef > 0) ({ levels: def, pos } = readLevelsV1(bytes, pos, end, dh.definition_level_encoding, maxDef, c.plain.buffers.bytes('def', n), 'definition levels'));
    return finishPage(bytes, pos, end, n, def, rep, dh.encoding, c, dictSize, p.index);
  }
  // DATA_PAGE_V2
  const d2 = h.data_page_header_v2;
  if (!d2) throw corrupt(`page ${p.index} is a v2 data page without its header`);
  const n = d2.num_values;
  if (!Number.isInteger(n) || n < 0 || n > c.maxEntries) throw corrupt(`page ${p.index} has an invalid value count ${n}`);
  const repLen = d2.repetition_levels_byte_length;
  const defLen = d2.definition_levels_byte_length;
  if (!(repLen >= 0) || !(defLen >= 0) || repLen + defLen > p.data.length) throw corrupt(`page ${p.index} has invalid level lengths`);
  let rep: Uint8Array | null = null;
  let def: Uint8Array | null = null;
  if (maxRep > 0) {
    rep = c.plain.buffers.bytes('rep', n);
    readHybrid(p.data, 0, repLen, bitWidthOf(maxRep), n, rep, 'repetition levels');
  }
  if (maxDef > 0) {
    def = c.plain.buffers.bytes('def', n);
    readHybrid(p.data, repLen, repLen + defLen, bitWidthOf(maxDef), n, def, 'definition levels');
  }
  const rest = p.data.subarray(repLen + defLen);
  const valueSize = h.uncompressed_page_size - repLen - defLen;
  if (valueSize < 0) throw corrupt(`page ${p.index} has an uncompressed size smaller than its levels`);
  let bytes: Uint8Array;
  if (valueSize === 0) bytes = new Uint8Array(0);
  else if (d2.is_compressed === false) bytes = rest;
  else bytes = decompress(c.codec, rest, valueSize, c.pageLimit, c.plain.buffers);
  return finishPage(bytes, 0, bytes.length, n, def, rep, d2.encoding, c, dictSize, p.index);
}

function finishPage(bytes: Uint8Array, pos: number, end: number, n: number, def: Uint8Array | null, rep: Uint8Array | null, encoding: string, c: ChunkCtx, dictSize: number | null, index: number): DecodedPage {
  const { maxDef, maxRep } = c.leaf;
  let nonNull = n;
  if (def) {
    nonNull = 0;
    for (let i = 0; i < n; i++) {
      const d = def[i]!;
      if (d === maxDef) nonNull++;
      else if (d > maxDef) throw corrupt(`definition level ${d} exceeds the maximum ${maxDef}`);
    }
  }
  if (rep) checkLevels(rep, maxRep, 'repetition level');
  const { values, dict } = decodeValues(bytes, pos, end, encoding, nonNull, c, dictSize);
  if (values.length !== nonNull) throw corrupt(`page ${index} decoded ${values.length} values, its levels need ${nonNull}`);
  return { n, def, rep, nonNull, values, dict };
}

function decodeDictionaryPage(p: RawPage, c: ChunkCtx): RawValues {
  const dh = p.header.dictionary_page_header;
  if (!dh) throw corrupt(`page ${p.index} is a dictionary page without its header`);
  const n = dh.num_values;
  if (!Number.isInteger(n) || n < 0) throw corrupt(`the dictionary page declares ${n} values`);
  if (dh.encoding !== 'PLAIN' && dh.encoding !== 'PLAIN_DICTIONARY' && dh.encoding !== undefined) {
    throw new UnsupportedError(`dictionary page encoding ${dh.encoding}`, '');
  }
  const bytes = decompress(c.codec, p.data, p.header.uncompressed_page_size, c.pageLimit, c.plain.buffers);
  const type = c.leaf.element.type!;
  const minWidth = type === 'BOOLEAN' ? 1 / 8 : type === 'FIXED_LEN_BYTE_ARRAY' ? Math.max(1, c.plain.typeLength) : type === 'INT96' ? 12 : type === 'INT32' || type === 'FLOAT' || type === 'BYTE_ARRAY' ? 4 : 8;
  if (n * minWidth > bytes.length) throw corrupt(`the dictionary page declares ${n} values but holds only ${bytes.length} bytes`);
  return readPlain(bytes, 0, bytes.length, type, n, c.plain).values;
}

// ---------------------------------------------------------------------------------------------
// column chunk cursors

interface ChunkInfo {
  start: number;
  end: number;
  codec: string;
}

function chunkRange(rg: FileMetaData['row_groups'][number], leaf: Leaf, dataEnd: number): ChunkInfo {
  const col = rg.columns[leaf.index];
  if (!col) throw corrupt('the row group has fewer column chunks than the schema has columns');
  if (col.file_path) throw new UnsupportedError('column chunks in external files', '');
  const md = col.meta_data;
  if (!md) {
    if (col.encrypted_column_metadata || col.crypto_metadata) throw new UnsupportedError('encrypted Parquet', '');
    throw corrupt('a column chunk has no metadata');
  }
  const dataOff = Number(md.data_page_offset);
  const dictOff = md.dictionary_page_offset === undefined ? 0 : Number(md.dictionary_page_offset);
  const start = dictOff > 0 && dictOff < dataOff ? dictOff : dataOff;
  const size = Number(md.total_compressed_size);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(size) || start < 4 || size < 0 || start + size > dataEnd) {
    throw corrupt(`the column chunk byte range (offset ${start}, ${size} bytes) is outside the data area of the file (${dataEnd} bytes)`);
  }
  return { start, end: start + size, codec: md.codec };
}

/**
 * Streams the cells of a flat column: one decoded page at a time (levels and raw values, compact), cells made
 * only for the rows a batch takes.
 */
class FlatCursor {
  private dict: Cell[] | null = null;
  private page: DecodedPage | null = null;
  private pi = 0;
  private vi = 0;
  private loaded = 0;
  private readonly stamps: boolean;

  constructor(
    private readonly pages: PageStream,
    private readonly c: ChunkCtx,
    private readonly fill: Fill,
    private readonly rows: number,
  ) {
    this.stamps = STAMP_FILLS.has(fill);
  }

  private async load(): Promise<boolean> {
    this.page = null;
    for (;;) {
      const p = await this.pages.next();
      if (!p) return false;
      const t = p.header.type;
      if (t === 'DICTIONARY_PAGE') {
        if (this.dict) throw corrupt(`page ${p.index} is a second dictionary page`);
        const raw = decodeDictionaryPage(p, this.c);
        const d = new Array<Cell>(raw.length);
        // a null first makes the array one of references (not of unboxed doubles): each number is boxed once here,
        // and the rows take the reference instead of boxing the number again per row (batches with nulls hold references)
        if (raw.length) d[0] = null;
        this.fill(raw, 0, raw.length, d, 0);
        this.dict = d;
        continue;
      }
      if (t !== 'DATA_PAGE' && t !== 'DATA_PAGE_V2') continue; // index pages and unknown page types are skipped
      const pg = decodeDataPage(p, this.c, this.dict ? this.dict.length : null);
      if (pg.n > this.rows - this.loaded) {
        throw corrupt(`the column chunk holds more values than the row group's ${this.rows} rows (page ${p.index})`);
      }
      if (pg.dict) {
        const idx = pg.values as Uint32Array;
        const size = this.dict!.length;
        for (let i = 0; i < idx.length; i++) if (idx[i]! >= size) throw corrupt(`dictionary index ${idx[i]} is out of range (dictionary of ${size}, page ${p.index})`);
      }
      this.loaded += pg.n;
      if (pg.n === 0) continue;
      this.page = pg;
      this.pi = 0;
      this.vi = 0;
      return true;
    }
  }

  async take(n: number): Promise<Cell[]> {
    const out = new Array<Cell>(n);
    const maxDef = this.c.leaf.maxDef;
    let k = 0;
    // the rows' dictionary codes (-1: null), while every row so far came from a dictionary-encoded page
    let codes: Int32Array | null = null;
    let codesDict: Cell[] | null = null;
    let coded = true;
    // timestamps: each row's epoch milliseconds as the date parser reads them from its text (NaN: null)
    let ms: Float64Array | null = this.stamps ? new Float64Array(n) : null;
    while (k < n) {
      const pg = this.page;
      if (!pg || this.pi >= pg.n) {
        if (!(await this.load())) {
          throw corrupt(`the column chunk ends after ${this.loaded} values but the row group has ${this.rows} rows`);
        }
        continue;
      }
      const m = Math.min(n - k, pg.n - this.pi);
      const def = pg.nonNull === pg.n ? null : pg.def;
      const pi = this.pi;
      let vi = this.vi;
      if (pg.dict) {
        const dict = this.dict!;
        const idx = pg.values as Uint32Array;
        ms = null;
        if (coded && !codes) {
          if (k === 0) {
            codes = new Int32Array(n);
            codesDict = dict;
          } else coded = false;
        }
        if (codes && codesDict !== dict) (codes = null), (coded = false);
        if (codes) {
          for (let j = 0; j < m; j++) {
            if (def && def[pi + j] !== maxDef) {
              out[k + j] = null;
              codes[k + j] = -1;
            } else {
              const x = idx[vi++]!;
              out[k + j] = dict[x]!;
              codes[k + j] = x;
            }
          }
        } else {
          for (let j = 0; j < m; j++) out[k + j] = def && def[pi + j] !== maxDef ? null : dict[idx[vi++]!]!;
        }
      } else if (!def) {
        codes = null;
        coded = false;
        this.fill(pg.values, vi, m, out, k, ms);
        vi += m;
      } else {
        // the values of these rows go to the front of the range, then move back to their rows, nulls in between
        codes = null;
        coded = false;
        let values = 0;
        for (let j = 0; j < m; j++) if (def[pi + j] === maxDef) values++;
        this.fill(pg.values, vi, values, out, k, ms);
        let from = k + values - 1;
        if (ms) {
          for (let j = m - 1; j >= 0; j--) {
            if (def[pi + j] === maxDef) {
              ms[k + j] = ms[from]!;
              out[k + j] = out[from--]!;
            } else {
              ms[k + j] = NaN;
              out[k + j] = null;
            }
          }
        } else {
          for (let j = m - 1; j >= 0; j--) out[k + j] = def[pi + j] === maxDef ? out[from--]! : null;
        }
        vi += values;
      }
      this.vi = vi;
      this.pi += m;
      k += m;
    }
    if (this.page && this.pi >= this.page.n) this.page = null; // release the page early
    // (a dictionary larger than the row group would cost more to view whole than its rows do)
    if (codes && codesDict && codesDict.length <= this.rows) setColumnHint(out, { dict: codesDict, codes });
    else if (ms) setColumnHint(out, { ms });
    return out;
  }

  /** After all rows were taken: no data values may remain. */
  async finish(): Promise<void> {
    if (this.page && this.pi < this.page.n) throw corrupt(`the column chunk holds more values than the row group's ${this.rows} rows`);
    for (;;) {
      const p = await this.pages.next();
      if (!p) return;
      if (p.header.type === 'DATA_PAGE' || p.header.type === 'DATA_PAGE_V2') {
        const n = p.header.data_page_header?.num_values ?? p.header.data_page_header_v2?.num_values ?? 0;
        if (n > 0) throw corrupt(`the column chunk holds more values than the row group's ${this.rows} rows (page ${p.index})`);
      }
    }
  }
}

/** Read a whole nested column (all its leaves) for one row group and assemble it. */
async function readNested(file: FileBuffer, plan: NestedOut, rg: FileMetaData['row_groups'][number], rows: number, dataEnd: number, mk: (leaf: Leaf) => { c: ChunkCtx; fill: Fill }, where: Where): Promise<unknown[]> {
  const sub = new Map<string, any[]>();
  for (const leaf of plan.leaves) {
    where.column = leaf.name;
    const range = chunkRange(rg, leaf, dataEnd);
    const { c, fill } = mk(leaf);
    c.codec = range.codec;
    const pages = new PageStream(file, range.start, range.end, 1 << 20, FRESH_BUFFERS);
    let dict: unknown[] | null = null;
    let out: any[] = [];
    let first = true;
    let entries = 0;
    for (;;) {
      const p = await pages.next();
      if (!p) break;
      const t = p.header.type;
      if (t === 'DICTIONARY_PAGE') {
        if (dict) throw corrupt(`page ${p.index} is a second dictionary page`);
        const raw = decodeDictionaryPage(p, c);
        dict = new Array<unknown>(raw.length);
        fill(raw, 0, raw.length, dict, 0);
        continue;
      }
      if (t !== 'DATA_PAGE' && t !== 'DATA_PAGE_V2') continue;
      const pg = decodeDataPage(p, c, dict ? dict.length : null);
      entries += pg.n;
      if (entries > c.maxEntries) throw corrupt('the column chunk holds more values than its metadata says');
      if (pg.n === 0) continue;
      if (first && pg.rep && pg.rep[0] !== 0) throw corrupt(`repetition levels start with ${pg.rep[0]} instead of 0 (page ${p.index})`);
      first = false;
      const vals = new Array<unknown>(pg.nonNull);
      if (pg.dict) {
        const idx = pg.values as Uint32Array;
        for (let i = 0; i < pg.nonNull; i++) {
          const j = idx[i]!;
          if (j >= dict!.length) throw corrupt(`dictionary index ${j} is out of range (dictionary of ${dict!.length})`);
          vals[i] = dict![j];
        }
      } else {
        fill(pg.values, 0, pg.nonNull, vals, 0);
      }
      const allDefined = !pg.def || pg.nonNull === pg.n;
      const defs = allDefined ? [] : Array.from(pg.def!);
      const reps = pg.rep ? Array.from(pg.rep) : [];
      const r = assembleLists(out, defs, reps, vals, leaf.schemaPath);
      if (r !== out) for (let i = 0; i < r.length; i++) out.push(r[i]);
    }
    if (out.length !== rows) throw corrupt(`the column chunk holds ${out.length} rows but the row group has ${rows}`);
    sub.set(leaf.name, out);
    out = [];
  }
  where.column = plan.top.element.name;
  assembleNested(sub, plan.top, DEFAULT_PARSERS);
  const result = sub.get(plan.top.path.join('.'));
  if (!result || result.length !== rows) throw corrupt(`assembled ${result?.length ?? 0} rows, the row group has ${rows}`);
  return result;
}

function extractCells(rowsData: unknown[], fields: string[], json: boolean): Cell[] {
  const out = new Array<Cell>(rowsData.length);
  for (let i = 0; i < rowsData.length; i++) {
    let v: unknown = rowsData[i];
    for (const f of fields) {
      if (v === null || v === undefined || typeof v !== 'object') {
        v = null;
        break;
      }
      v = (v as Record<string, unknown>)[f];
    }
    if (v === undefined || v === null) out[i] = null;
    else if (json) out[i] = toJsonText(v);
    else if (v instanceof JsonRaw) out[i] = v.text;
    else if (typeof v === 'object') out[i] = toJsonText(v);
    else out[i] = v as Cell;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// metadata

const META_PARSERS = {
  dateFromDays: (d: number) => dateText(d),
  timestampFromMilliseconds: (v: bigint) => timestampText(BigInt(v), 'MILLIS'),
  timestampFromMicroseconds: (v: bigint) => timestampText(BigInt(v), 'MICROS'),
  timestampFromNanoseconds: (v: bigint) => timestampText(BigInt(v), 'NANOS'),
};

function jsonSafe(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return hexText(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  return null;
}

function statMin(s: Statistics, binary: boolean): unknown {
  return s.min_value ?? (binary ? undefined : s.min);
}
function statMax(s: Statistics, binary: boolean): unknown {
  return s.max_value ?? (binary ? undefined : s.max);
}

function less(a: unknown, b: unknown): boolean | null {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') return a < b;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
      return BigInt(a as bigint) < BigInt(b as bigint);
    }
  }
  return null;
}

function columnStats(md: FileMetaData, leaf: Leaf): Record<string, unknown> | null {
  let min: unknown;
  let max: unknown;
  let nullCount: bigint | null = 0n;
  let any = false;
  const binary = leaf.element.type === 'BYTE_ARRAY' || leaf.element.type === 'FIXED_LEN_BYTE_ARRAY';
  for (const rg of md.row_groups) {
    const s = rg.columns[leaf.index]?.meta_data?.statistics;
    if (!s) {
      nullCount = null;
      continue;
    }
    any = true;
    if (s.null_count === undefined) nullCount = null;
    else if (nullCount !== null) nullCount += BigInt(s.null_count);
    const lo = statMin(s, binary);
    const hi = statMax(s, binary);
    const ok = (x: unknown) => x !== undefined && x !== null && !(typeof x === 'number' && Number.isNaN(x));
    if (ok(lo)) min = min === undefined ? lo : less(lo, min) ? lo : min;
    if (ok(hi)) max = max === undefined ? hi : less(max, hi) ? hi : max;
  }
  if (!any) return null;
  const out: Record<string, unknown> = {};
  if (min !== undefined) out.min = jsonSafe(min);
  if (max !== undefined) out.max = jsonSafe(max);
  if (nullCount !== null) out.nullCount = jsonSafe(nullCount);
  return out;
}

async function readFooter(file: FileBuffer): Promise<{ md: FileMetaData; dataEnd: number }> {
  const size = file.byteLength;
  if (size < 12) throw corrupt(`the file has ${size} byte${size === 1 ? '' : 's'}, too few for Parquet (empty or truncated)`);
  const head = await file.read(0, 4);
  const tail = await file.read(size - 8, size);
  const headMagic = Buffer.from(head).toString('latin1');
  const tailMagic = Buffer.from(tail.subarray(4)).toString('latin1');
  if (headMagic === 'PARE' || tailMagic === 'PARE') throw new UnsupportedError('encrypted Parquet', '');
  if (headMagic !== 'PAR1') throw corrupt('the file does not start with the Parquet magic PAR1');
  if (tailMagic !== 'PAR1') throw corrupt('the file does not end with the Parquet magic PAR1 (truncated?)');
  const len = new DataView(tail.buffer, tail.byteOffset, 8).getUint32(0, true);
  if (len === 0 || len > size - 12) throw corrupt(`the footer length ${len} does not fit in the file (${size} bytes)`);
  if (len > MAX_FOOTER_BYTES) throw new UnsupportedError(`footer over ${MAX_FOOTER_BYTES >> 20} MiB`, '');
  const footer = await file.read(size - 8 - len, size);
  let md: FileMetaData;
  try {
    md = parquetMetadata(footer, { parsers: META_PARSERS, geoparquet: false });
  } catch (e) {
    // a TypeError or RangeError from the parser means a field it needed is missing or malformed: say so, not
    // which JavaScript property it tripped on
    const msg = e instanceof TypeError || e instanceof RangeError ? 'the metadata is malformed (a required field is missing or invalid)' : (e as Error).message;
    throw corrupt(`cannot parse the footer: ${msg}`);
  }
  return { md, dataEnd: size - 8 - len };
}

// ---------------------------------------------------------------------------------------------
// the reader

function pageLimitFor(opts: ReaderOptions): number {
  return Math.min(1 << 30, Math.max(64 << 20, 4 * opts.maxFieldBytes));
}

function fmtBytes(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GiB` : `${Math.round(n / (1 << 20))} MiB`;
}

export const readParquet: Reader = async function* (input: Input, opts: ReaderOptions, issues: IssueLog, meta: Record<string, unknown>) {
  if (input.gzip) throw new UnsupportedError('gzip-compressed Parquet (decompress it first)', input.path);
  if (!input.file) throw new UnsupportedError('Parquet from a stream', input.path);
  let file: FileBuffer;
  try {
    file = await FileBuffer.open(input.file);
  } catch (e) {
    throw new InputError(input.path, `cannot open (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const where: Where = { rowGroup: null, column: null };
  const pageLimit = pageLimitFor(opts);
  // a part of the file (parallel audits): row groups [firstGroup, endGroup); file-level findings only in the first part
  const firstGroup = opts.range?.firstGroup ?? 0;
  const later = firstGroup > 0;
  try {
    const { md, dataEnd } = await readFooter(file);
    const root = buildTree(md.schema);
    const leaves = collectLeaves(root);
    if (leaves.length > opts.maxColumns) throw new UnsupportedError(`more than ${opts.maxColumns} columns`, input.path);
    const plans = planColumns(root, leaves);
    if (!Array.isArray(md.row_groups)) throw corrupt('the footer has no row group list');

    // validate row groups against the schema
    let total = 0;
    const codecs = new Set<string>();
    const encodings = new Set<string>();
    md.row_groups.forEach((rg, g) => {
      where.rowGroup = g;
      const n = Number(rg.num_rows);
      if (!Number.isSafeInteger(n) || n < 0) throw corrupt(`invalid row count ${rg.num_rows}`);
      total += n;
      if (!Array.isArray(rg.columns) || rg.columns.length !== leaves.length) {
        throw corrupt(`the row group has ${rg.columns?.length ?? 0} column chunks, the schema has ${leaves.length} columns`);
      }
      for (const leaf of leaves) {
        where.column = leaf.name;
        const cc = rg.columns[leaf.index]!;
        if (cc.file_path) throw new UnsupportedError('column chunks in external files', input.path);
        const m = cc.meta_data;
        if (!m) {
          if (cc.encrypted_column_metadata || cc.crypto_metadata) throw new UnsupportedError('encrypted Parquet', input.path);
          throw corrupt('a column chunk has no metadata');
        }
        if (!Array.isArray(m.path_in_schema) || m.path_in_schema.join('.') !== leaf.name) {
          throw corrupt(`the column chunk is for ${m.path_in_schema?.join('.')}, the schema says ${leaf.name}`);
        }
        if (m.type !== leaf.element.type) throw corrupt(`the column chunk type ${m.type} differs from the schema type ${leaf.element.type}`);
        if (m.codec === undefined) throw new UnsupportedError('unknown compression codec', input.path);
        if (m.codec === 'LZO') throw new UnsupportedError('LZO compression', input.path);
        codecs.add(m.codec);
        for (const e of m.encodings ?? []) if (e) encodings.add(e);
        if (leaf.maxDef === 0 && m.statistics?.null_count !== undefined && BigInt(m.statistics.null_count) > 0n) {
          throw corrupt(`the REQUIRED column has ${m.statistics.null_count} nulls according to its statistics`);
        }
      }
      where.column = null;
    });
    where.rowGroup = null;
    const declared = Number(md.num_rows);
    if (declared !== total && !later) {
      issues.add('row-count-mismatch', {
        message: `the footer says ${md.num_rows} rows but the row groups hold ${total}; reading the row groups`,
        severity: 'warn',
        data: { footer: jsonSafe(md.num_rows), rowGroups: total },
      });
    }

    // column names
    const names: string[] = [];
    const seen = new Set<string>();
    const outs: { plan: ColumnPlan; output: number }[] = [];
    for (const plan of plans) {
      const list = plan.kind === 'flat' ? [plan.name] : plan.outputs.map((o) => o.name);
      list.forEach((nm, i) => {
        let name = nm;
        for (let k = 2; seen.has(name); k++) name = `${nm}_${k}`;
        if (name !== nm && !later) issues.add('duplicate-column', { message: `column name ${nm} occurs more than once; renamed to ${name}`, column: name });
        seen.add(name);
        names.push(name);
        outs.push({ plan, output: i });
      });
    }
    for (const leaf of leaves) {
      if (isUnknownLogical(leaf.element) && !later) {
        issues.add('unknown-logical-type', {
          message: `column ${leaf.name} has a logical type dq does not know; read as its physical type ${leaf.element.type}`,
          column: leaf.name,
          severity: 'warn',
        });
      }
    }

    meta.columns = names;
    meta.parquet = {
      rowGroups: md.row_groups.length,
      rows: total,
      createdBy: md.created_by ?? null,
      compression: [...codecs],
      encodings: [...encodings],
      columns: leaves.map((l) => ({
        name: l.name,
        physicalType: l.element.type,
        logicalType: logicalTypeText(l.element),
        repetition: l.element.repetition_type ?? null,
        statistics: columnStats(md, l),
      })),
    };

    const states = new Map<Leaf, ConvState>();
    const stateOf = (leaf: Leaf) => {
      let s = states.get(leaf);
      if (!s) states.set(leaf, (s = { hexCount: 0, int96Wide: 0, invalidUtf8: 0, firstInvalidRow: null }));
      return s;
    };
    const maxValueBytes = Math.max(1, opts.maxFieldBytes);
    const pageBuffers = new Map<Leaf, PageBuffers>();
    const buffersOf = (leaf: Leaf) => {
      let b = pageBuffers.get(leaf);
      if (!b) pageBuffers.set(leaf, (b = new PageBuffers(true)));
      return b;
    };
    const winSize = Math.max(64 * 1024, Math.min(1 << 20, Math.floor((64 << 20) / Math.max(1, leaves.length))));
    const mkCtx = (leaf: Leaf, codec: string, rows: number, buffers: PageBuffers): ChunkCtx => ({
      leaf,
      codec,
      pageLimit,
      plain: { typeLength: leaf.element.type_length ?? 0, maxValueBytes, buffers },
      maxEntries: leaf.maxRep > 0 ? MAX_LEVEL_ENTRIES : Math.min(rows, MAX_LEVEL_ENTRIES),
    });
    const batchSize = Math.max(1, Math.floor(opts.batchSize) || 16384);
    let firstRow = 1;
    const endGroup = Math.min(md.row_groups.length, opts.range?.endGroup ?? md.row_groups.length);

    for (let g = 0; g < endGroup; g++) {
      const rg = md.row_groups[g]!;
      const rows = Number(rg.num_rows);
      if (g < firstGroup) {
        firstRow += rows; // rows of earlier parts keep their numbers
        continue;
      }
      where.rowGroup = g;
      where.column = null;
      if (rows === 0) continue;
      // nested columns: assembled for the whole row group
      const nestedCells = new Map<NestedOut, Cell[][]>();
      for (const plan of plans) {
        if (plan.kind !== 'nested') continue;
        const assembled = await readNested(
          file,
          plan,
          rg,
          rows,
          dataEnd,
          (leaf) => ({ c: mkCtx(leaf, '', rows, FRESH_BUFFERS), fill: makeFill(leaf.element, stateOf(leaf), true) }),
          where,
        );
        nestedCells.set(
          plan,
          plan.outputs.map((o) => extractCells(assembled, o.fields, o.json)),
        );
      }
      // flat columns: one cursor each
      const cursors = new Map<FlatOut, FlatCursor>();
      for (const plan of plans) {
        if (plan.kind !== 'flat') continue;
        const range = chunkRange(rg, plan.leaf, dataEnd);
        cursors.set(
          plan,
          new FlatCursor(new PageStream(file, range.start, range.end, winSize, buffersOf(plan.leaf)), mkCtx(plan.leaf, range.codec, rows, buffersOf(plan.leaf)), makeFill(plan.leaf.element, stateOf(plan.leaf), false), rows),
        );
      }
      for (let off = 0; off < rows; off += batchSize) {
        const n = Math.min(batchSize, rows - off);
        const data: Cell[][] = [];
        for (const o of outs) {
          if (o.plan.kind === 'flat') {
            where.column = o.plan.name;
            data.push(await cursors.get(o.plan)!.take(n));
          } else {
            const col = nestedCells.get(o.plan)![o.output]!;
            data.push(n === rows ? col : col.slice(off, off + n));
          }
        }
        where.column = null;
        const batch: Batch = { columns: names, data, length: n, firstRow, lines: null };
        firstRow += n;
        // progress: the file's bytes in proportion to the rows yielded (reads run ahead by row group windows)
        countRead(input, (file.byteLength * n) / total);
        yield batch;
      }
      for (const [plan, cur] of cursors) {
        where.column = plan.name;
        await cur.finish();
      }
      where.column = null;
    }
    for (const [leaf, s] of states) {
      if (s.hexCount) {
        issues.add('binary-as-hex', {
          message: `column ${leaf.name} holds binary values without a string annotation; ${s.hexCount} value(s) that are not printable UTF-8 are shown as 0x-prefixed hex`,
          column: leaf.name,
          severity: 'info',
          count: s.hexCount,
        });
      }
      if (s.int96Wide) {
        issues.add('int96-out-of-range', {
          message: `column ${leaf.name}: ${s.int96Wide} INT96 timestamp(s) fall outside the 64-bit nanosecond range; read with Spark's microsecond arithmetic`,
          column: leaf.name,
          severity: 'info',
          count: s.int96Wide,
        });
      }
      if (s.invalidUtf8) {
        issues.add('invalid-utf8', {
          message: `column ${leaf.name} is annotated as text but ${s.invalidUtf8} value(s) are not valid UTF-8 (shown with U+FFFD)`,
          column: leaf.name,
          severity: 'warn',
          dimension: 'validity',
          count: s.invalidUtf8,
        });
      }
    }
  } catch (e) {
    if (e instanceof PageTooLarge) {
      throw new UnsupportedError(`pages over ${fmtBytes(e.limit)} uncompressed (${fmtBytes(e.size)} page${where.column ? ` in column ${where.column}` : ''})`, input.path);
    }
    if (e instanceof ValueTooLarge) {
      throw new UnsupportedError(`values over ${e.limit} bytes (${e.size}-byte value${where.column ? ` in column ${where.column}` : ''})`, input.path);
    }
    if (e instanceof UnsupportedError && e.file === '') throw new UnsupportedError(e.feature, input.path);
    throw wrapError(e, input.path, where);
  } finally {
    await file.close().catch(() => {});
  }
};

/** Rows per row group, from the footer (parallel audits split Parquet files between row groups). */
export async function parquetRowGroups(input: Input): Promise<number[] | null> {
  if (input.gzip || !input.file) return null;
  const file = await FileBuffer.open(input.file);
  try {
    const { md } = await readFooter(file);
    if (!Array.isArray(md.row_groups)) return null;
    const rows = md.row_groups.map((rg) => Number(rg.num_rows));
    return rows.every((n) => Number.isSafeInteger(n) && n >= 0) ? rows : null;
  } catch {
    return null;
  } finally {
    await file.close().catch(() => {});
  }
}
