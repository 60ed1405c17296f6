/**
 * JSON Lines reader.
 *
 * Streaming: the decompressed byte chunks are split on `\n` by hand (Buffer.indexOf), a trailing `\r` is
 * stripped, and the partial last line is carried over to the next chunk. Lines are decoded as UTF-8 (the
 * validity of the bytes is checked natively per chunk region, and per line only when a region is invalid).
 * Raw U+2028/U+2029 are not line breaks (only the byte 0x0A is).
 *
 * Values: every line is parsed with JSON.parse (fast path). A line is re-parsed with the small exact parser
 * below (slow path, source key order, bigint for integers outside the safe range, duplicate keys detected) when
 *   - it holds a number that JSON.parse returned as an integer outside +-(2^53-1) (an integer token of 16+
 *     digits, or a big float such as 1e22: the exact parser keeps floats as numbers, integers as bigint),
 *   - it has an integer-like key (`"12":`), whose position JSON.parse moves to the front of the object,
 *   - the cheap duplicate-key test is inconclusive (see `countKeyColons`).
 *
 * Flattening convention (see nested.expected.json):
 *   - a non-empty object is flattened to dotted paths (`address.city`);
 *   - an EMPTY object `{}` yields no column and no value (the row is missing there), as nested.expected.json
 *     suggests: `{"id": 4, "user": {}}` adds nothing for `user`;
 *   - arrays are leaves, kept as JSON text (`JSON.stringify`; bigint written exactly);
 *   - an object found at a path that already is a column holding non-null leaf values (e.g. `zip`: 10115 on
 *     line 1, `{"code": 10179}` on line 6) is NOT flattened: it is kept as JSON text in that column, so a type
 *     change shows up as a type change (heterogeneous.expected.json: 7 columns, `zip` is an object on line 6)
 *     instead of spawning a new column. A path that so far only held null (nested.jsonl `user.address` on
 *     line 3) does not block flattening;
 *   - when flattening produces a name twice in one record (literal key `"user.name"` and `{"user":{"name":..}}`)
 *     the FIRST value (in key order) is kept and `key-collision` is reported; nothing is silently overwritten.
 *
 * Problems (IssueLog, check 'reader'): `invalid-json`, `not-object`, `truncated-line`, `invalid-utf8`,
 * `key-collision`, `duplicate-key` (dimension 'validity', severity 'warn') and `blank-line` (severity 'info',
 * dimension null: skipped lines are informational). Each example carries the physical line and the raw line
 * truncated to 200 characters. The findings' `data.lines` lists the affected line numbers (up to 1000).
 *
 * One finding per line for invalid UTF-8: a line with invalid UTF-8 bytes is decoded with U+FFFD and parsed;
 * if it parses it is a row and gets `invalid-utf8`; if it does not it gets only `invalid-json` (or
 * `truncated-line`), whose message says the line also had invalid UTF-8.
 *
 * Duplicate keys: JSON.parse keeps the last value; we detect duplicates cheaply by comparing the number of
 * `"key":` tokens in the line with the number of keys JSON.parse produced (see `countKeyColons`); only when
 * they differ is the line re-parsed exactly to name the duplicate key.
 *
 * Parallel reading (see src/engine/parallel.ts): `planJsonlSplit` chooses where a second part starts and
 * predicts its row and line offsets and the columns before it; a reader given such a range starts from that
 * state (`JsonlParser.startAfter`). The first part's reader offers its state at the split to `range.handoff`,
 * which compares it with the plan (`lateLeafColumns`) and either ends the read there or lets it read on.
 */
import { isUtf8 } from 'node:buffer';
import { IssueLog, type IssueLogData } from '../../core/issues.js';
import type { Batch, Cell } from '../../core/types.js';
import { InputError } from '../../errors.js';
import { controlBytes, tooManyControlBytes, utf16WithoutBom, type ControlBytes } from './binary.js';
import type { Input } from '../source.js';
import type { RangeHandoff, ReadRange, Reader, ReaderOptions } from './types.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_DEPTH = 2000;
const MAX_LISTED_LINES = 1000;
const VALUE_CHARS = 200;
/** Bytes decoded into one string: 120 KB at most even as UTF-16, under V8's 128 KB for regular heap objects. */
const DECODE_PIECE = 60_000;

// ---------------------------------------------------------------------------------------------------------
// Exact parser: source key order (objects are Maps), bigint for integers outside the safe range, duplicates.
// ---------------------------------------------------------------------------------------------------------

export class JsonSyntaxError extends Error {}

/** A JSON value as the exact parser returns it. */
export type ExactValue = string | number | boolean | bigint | null | ExactValue[] | Map<string, ExactValue>;

const NUM_RE = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

class ExactParser {
  pos = 0;
  readonly duplicates: string[] = [];
  constructor(private readonly s: string) {}

  private fail(msg: string): never {
    if (this.pos >= this.s.length) throw new JsonSyntaxError('Unexpected end of JSON input');
    throw new JsonSyntaxError(`${msg} at position ${this.pos}`);
  }

  private ws(): void {
    const s = this.s;
    let p = this.pos;
    while (p < s.length) {
      const c = s.charCodeAt(p);
      if (c === 32 || c === 9 || c === 10 || c === 13) p++;
      else break;
    }
    this.pos = p;
  }

  document(): ExactValue {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.pos < this.s.length) this.fail('Unexpected non-whitespace character after JSON');
    return v;
  }

  private value(depth: number): ExactValue {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    switch (c) {
      case 0x7b:
        return this.object(depth);
      case 0x5b:
        return this.array(depth);
      case 0x22:
        return this.string();
      case 0x74:
        return this.literal('true', true);
      case 0x66:
        return this.literal('false', false);
      case 0x6e:
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(`Unexpected token '${s[this.pos] ?? ''}'`);
    }
  }

  private literal<T extends ExactValue>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.pos)) {
      // find the first differing character for the message / end of input
      let i = 0;
      while (i < word.length && this.s.charCodeAt(this.pos + i) === word.charCodeAt(i)) i++;
      this.pos += i;
      this.fail(`Unexpected token '${this.s[this.pos] ?? ''}'`);
    }
    this.pos += word.length;
    return v;
  }

  private number(): number | bigint {
    NUM_RE.lastIndex = this.pos;
    const m = NUM_RE.exec(this.s);
    if (!m) {
      this.pos++;
      return this.fail('No number after minus sign');
    }
    const tok = m[0];
    this.pos += tok.length;
    const n = Number(tok);
    if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(n)) return BigInt(tok);
    return n;
  }

  private string(): string {
    const s = this.s;
    let p = this.pos + 1;
    let start = p;
    let out = '';
    for (;;) {
      if (p >= s.length) {
        this.pos = p;
        throw new JsonSyntaxError('Unterminated string in JSON (unexpected end of input)');
      }
      const c = s.charCodeAt(p);
      if (c === 0x22) {
        out += s.slice(start, p);
        this.pos = p + 1;
        return out;
      }
      if (c === 0x5c) {
        out += s.slice(start, p);
        const e = s.charCodeAt(p + 1);
        switch (e) {
          case 0x22: out += '"'; p += 2; break;
          case 0x5c: out += '\\'; p += 2; break;
          case 0x2f: out += '/'; p += 2; break;
          case 0x62: out += '\b'; p += 2; break;
          case 0x66: out += '\f'; p += 2; break;
          case 0x6e: out += '\n'; p += 2; break;
          case 0x72: out += '\r'; p += 2; break;
          case 0x74: out += '\t'; p += 2; break;
          case 0x75: {
            const hex = s.slice(p + 2, p + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = p;
              this.fail('Bad Unicode escape in JSON');
            }
            out += String.fromCharCode(parseInt(hex, 16));
            p += 6;
            break;
          }
          default:
            this.pos = p + 1;
            this.fail('Bad escaped character in JSON');
        }
        start = p;
        continue;
      }
      if (c < 0x20) {
        this.pos = p;
        this.fail('Bad control character in string literal in JSON');
      }
      p++;
    }
  }

  private array(depth: number): ExactValue[] {
    this.pos++;
    const out: ExactValue[] = [];
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return out;
      }
      this.fail("Expected ',' or ']' after array element in JSON");
    }
  }

  private object(depth: number): Map<string, ExactValue> {
    this.pos++;
    const out = new Map<string, ExactValue>();
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 0x22) this.fail('Expected double-quoted property name in JSON');
      const k = this.string();
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 0x3a) this.fail("Expected ':' after property name in JSON");
      this.pos++;
      this.ws();
      const v = this.value(depth + 1);
      if (out.has(k)) this.duplicates.push(k);
      out.set(k, v); // like JSON.parse: first position, last value
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return out;
      }
      this.fail("Expected ',' or '}' after property value in JSON");
    }
  }
}

/**
 * Parse one JSON text exactly: objects become Maps in source key order, integer tokens outside the safe
 * integer range become bigint, duplicate keys (last wins) are listed. Throws JsonSyntaxError.
 */
export function parseJsonExact(text: string): { value: ExactValue; duplicates: string[] } {
  const p = new ExactParser(text);
  const value = p.document();
  return { value, duplicates: p.duplicates };
}

/** JSON text of an exact value (bigint as an exact integer literal, Maps as objects in their order). */
export function stringifyExact(v: ExactValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'bigint':
      return v.toString();
    case 'number':
    case 'boolean':
      return JSON.stringify(v);
    default:
      break;
  }
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + stringifyExact(v[i]!);
    return out + ']';
  }
  let out = '{';
  let first = true;
  for (const [k, x] of v as Map<string, ExactValue>) {
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + stringifyExact(x);
    first = false;
  }
  return out + '}';
}

/**
 * Count `"...":` key tokens in a JSON line cheaply: every colon whose previous non-blank character is an
 * unescaped double quote. Every key token is counted; a string VALUE starting with `:` is a false positive
 * (count too high, never too low). Also reports whether some key looks like an array index (`"12":`), whose
 * position JSON.parse would move.
 */
function countKeyColons(line: string): { count: number; indexKey: boolean } {
  let count = 0;
  let indexKey = false;
  let i = line.indexOf(':');
  while (i !== -1) {
    let j = i - 1;
    let c = line.charCodeAt(j);
    while (c === 32 || c === 9 || c === 13 || c === 10) c = line.charCodeAt(--j);
    if (c === 0x22) {
      let b = j - 1;
      while (line.charCodeAt(b) === 0x5c) b--;
      if (((j - 1 - b) & 1) === 0) {
        count++;
        if (!indexKey) {
          let k = j - 1;
          let d = line.charCodeAt(k);
          while (d >= 0x30 && d <= 0x39) d = line.charCodeAt(--k);
          if (k < j - 1 && d === 0x22) indexKey = true;
        }
      }
    }
    i = line.indexOf(':', i + 1);
  }
  return { count, indexKey };
}

// ---------------------------------------------------------------------------------------------------------
// The streaming parser
// ---------------------------------------------------------------------------------------------------------

function truncate(s: string): string {
  if (s.length <= VALUE_CHARS) return s;
  const c = s.charCodeAt(VALUE_CHARS - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? VALUE_CHARS - 1 : VALUE_CHARS); // never cut a surrogate pair
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0x0b && c !== 0x0c) return false;
  }
  return true;
}

type Decoder = (buf: Buffer, start: number, end: number) => string;

/**
 * Push-style JSON Lines parser: `push(chunk)` any number of times, then `end()`; completed batches accumulate
 * in `ready` (take them with `take()`). Exported for tests and for callers that already hold bytes.
 */
export class JsonlParser {
  readonly columns: string[] = [];
  private readonly index = new Map<string, number>();
  /** 1 when the column has held a non-null leaf value (blocks flattening an object at that path). */
  private readonly leafSeen: number[] = [];
  /** Record number that last set the column (collision detection within one record). */
  private readonly stamp: number[] = [];

  private data: Cell[][] = [];
  private lines: Int32Array;
  private n = 0;
  private batchFirstRow = 1;
  private ready: Batch[] = [];

  private carry: Buffer[] = [];
  private carryLen = 0;
  private started = false;
  private finished = false;

  /** Physical lines consumed so far. */
  lineNo = 0;
  /** Records (rows) produced so far. */
  records = 0;
  blankLines = 0;
  bom = false;
  /** Lines that are not records (invalid JSON, not an object, a truncated last line), and the first of them. */
  rejected = 0;
  firstRejected: { line: number; message: string } | null = null;
  /** The first character of the first line that is not blank (what the file looks like). */
  firstChar = '';
  /** A rejected line holds `}\r{`: records separated by CR alone (old Mac line ends), which JSON Lines does not allow. */
  private crInside = false;
  /** That line's number, and whether it is only `[` or `{` (the start of a JSON document spread over lines). */
  private firstLine = 0;
  private firstLineOpens = false;
  /** Control bytes that do not occur in text (binary data) in the first bytes. */
  private ctl: ControlBytes | null = null;

  // current record's flattened pairs
  private names: string[] = [];
  private vals: Cell[] = [];
  private np = 0;
  private keyCount = 0;
  private unsafeInt = false;

  private readonly childNames = new Map<string, Map<string, string>>();
  /** Column index of each pair position in the previous record (most records share one shape). */
  private lastNames: string[] = [];
  private lastIdx: number[] = [];

  private readonly listed = new Map<string, { lines: number[] }>();
  /**
   * A later part of a parallel read (see startAfter): the columns that so far held only null where an object
   * was then flattened. The part before may have given them a leaf value after its columns were planned, in which
   * case one read would have kept the object as JSON text; null when reading from the start.
   */
  private flattenedAtNull: Set<string> | null = null;
  private readonly decode: Decoder;
  private readonly checkUtf8: boolean;

  constructor(
    private readonly opts: Pick<ReaderOptions, 'batchSize' | 'maxFieldBytes' | 'maxColumns' | 'encoding'>,
    private readonly issues: IssueLog,
    private readonly file: string,
  ) {
    if (!(opts.batchSize >= 1)) throw new InputError(file, `invalid batch size ${opts.batchSize}`);
    this.lines = new Int32Array(opts.batchSize);
    const enc = opts.encoding;
    if (enc === 'utf-16' || enc === 'utf-16le' || enc === 'utf-16be') {
      throw new InputError(file, 'UTF-16 JSON Lines are not supported; convert the file to UTF-8');
    }
    if (enc === 'latin1') {
      this.decode = (b, s, e) => b.toString('latin1', s, e);
      this.checkUtf8 = false;
    } else if (enc === 'windows-1252') {
      const td = new TextDecoder('windows-1252');
      this.decode = (b, s, e) => td.decode(b.subarray(s, e));
      this.checkUtf8 = false;
    } else {
      this.decode = (b, s, e) => b.toString('utf8', s, e);
      this.checkUtf8 = true;
    }
  }

  /**
   * Read a later part of a file split for parallel reading (call before any push): rows and lines are
   * numbered on from `range.rowsBefore` and `range.linesBefore`, the columns of the part before
   * (`range.header`, in first-seen order, with `range.leafColumns`) are known, and the part starts mid-file
   * (no byte order mark).
   */
  startAfter(range: ReadRange): void {
    if (this.started || this.carryLen > 0) throw new Error('JsonlParser: startAfter after push');
    this.started = true;
    this.lineNo = range.linesBefore;
    this.records = range.rowsBefore;
    this.batchFirstRow = range.rowsBefore + 1;
    const leaves = new Set(range.leafColumns ?? []);
    for (const name of range.header ?? []) {
      const idx = this.addColumn(name, range.linesBefore + 1);
      if (leaves.has(name)) this.leafSeen[idx] = 1;
    }
    this.flattenedAtNull = new Set();
  }

  /** Columns that have held a non-null leaf value, in column order. */
  leafColumns(): string[] {
    return this.columns.filter((_, i) => this.leafSeen[i] === 1);
  }

  /** Rows, lines, columns and leaf columns so far (see ReadRange.handoff). */
  handoffState(): RangeHandoff {
    return { rows: this.records, lines: this.lineNo, columns: this.columns.slice(), leafColumns: this.leafColumns() };
  }

  /** See `flattenedAtNull`; empty when reading from the start. */
  nullColumnsFlattened(): string[] {
    return this.flattenedAtNull ? [...this.flattenedAtNull] : [];
  }

  /** True between lines: every byte pushed so far belongs to a complete line. */
  atLineStart(): boolean {
    return this.started && !this.finished && this.carryLen === 0;
  }

  /** Batches completed so far (removed from the parser). */
  take(): Batch[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  push(chunk: Buffer): void {
    if (this.finished) throw new Error('JsonlParser: push after end');
    if (chunk.length === 0) return;
    if (!this.started) {
      // Need the first bytes to see a BOM; hold back tiny first chunks.
      if (this.carryLen + chunk.length < 4) {
        this.carry.push(chunk);
        this.carryLen += chunk.length;
        return;
      }
      this.started = true;
      if (this.carryLen) {
        chunk = Buffer.concat([...this.carry, chunk]);
        this.carry = [];
        this.carryLen = 0;
      }
      chunk = this.startOfInput(chunk);
    }
    this.pushBytes(chunk);
  }

  private pushBytes(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let pos = 0;
    if (this.carryLen > 0) {
      const nl = chunk.indexOf(0x0a);
      if (nl === -1) {
        this.addCarry(chunk);
        return;
      }
      if (this.carryLen + nl > this.opts.maxFieldBytes) this.tooLong(this.lineNo + 1);
      const line = Buffer.concat([...this.carry, chunk.subarray(0, nl)]);
      this.carry = [];
      this.carryLen = 0;
      this.lineBytes(line, 0, line.length, false);
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(0x0a);
    if (last >= pos) {
      this.region(chunk, pos, last);
      pos = last + 1;
    }
    if (pos < chunk.length) this.addCarry(chunk.subarray(pos));
  }

  end(): void {
    if (this.finished) return;
    if (!this.started && this.carryLen > 0) {
      // fewer than 4 bytes in the whole input: they were held back to look for a BOM
      this.started = true;
      const head = this.startOfInput(Buffer.concat(this.carry));
      this.carry = [];
      this.carryLen = 0;
      this.pushBytes(head);
    }
    this.finished = true;
    if (this.carryLen > 0) {
      const line = this.carry.length === 1 ? this.carry[0]! : Buffer.concat(this.carry);
      this.carry = [];
      this.carryLen = 0;
      this.lineBytes(line, 0, line.length, true);
    }
    this.flush();
  }

  private startOfInput(chunk: Buffer): Buffer {
    if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      this.bom = true;
      return chunk.subarray(3);
    }
    if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
      throw new InputError(this.file, 'the file is UTF-16 (byte order mark found); JSON Lines must be UTF-8: convert it first', 'line 1');
    }
    const sample = chunk.subarray(0, 64 * 1024);
    if (sample.indexOf(0) !== -1 && utf16WithoutBom(sample)) {
      throw new InputError(this.file, 'the file looks like UTF-16 without a byte order mark (NUL bytes in every other byte); JSON Lines must be UTF-8: convert it first', 'line 1');
    }
    this.ctl = controlBytes(sample);
    return chunk;
  }

  private addCarry(b: Buffer): void {
    this.carry.push(Buffer.from(b)); // copy: the source may reuse its buffer
    this.carryLen += b.length;
    if (this.carryLen > this.opts.maxFieldBytes) this.tooLong(this.lineNo + 1);
  }

  private tooLong(line: number): never {
    throw new InputError(
      this.file,
      `line longer than the limit of ${this.opts.maxFieldBytes} bytes (raise --max-field-bytes if the file is right)`,
      `line ${line}`,
    );
  }

  /** Complete lines in buf[start, end) (end is the index of the last '\n'). */
  private region(buf: Buffer, start: number, end: number): void {
    if (!this.checkUtf8 || isUtf8(buf.subarray(start, end))) {
      // Decoded in pieces cut after a newline, each short enough to be a young-generation string: a string over
      // 128 KB lives in the large-object space, which only full collections free, and every line sliced from it
      // keeps it alive (pieces: about 5% less CPU for the reader on the 1M-row bench file, 3% for a whole audit,
      // for about 8 MB more peak memory, from fewer full collections).
      let p = start;
      while (end - p > DECODE_PIECE) {
        let nl = buf.lastIndexOf(0x0a, p + DECODE_PIECE);
        if (nl < p) nl = buf.indexOf(0x0a, p + DECODE_PIECE); // a line longer than a piece: cut after it
        if (nl >= end) break;
        this.textLines(this.decode(buf, p, nl), nl - p);
        p = nl + 1;
      }
      this.textLines(this.decode(buf, p, end), end - p);
      return;
    }
    let p = start;
    for (;;) {
      const nl = buf.indexOf(0x0a, p);
      const e = nl === -1 || nl > end ? end : nl;
      this.lineBytes(buf, p, e, false);
      if (e >= end) break;
      p = e + 1;
    }
  }

  /** The lines of `bytes` bytes decoded to `str` (complete lines, the last one without its newline). */
  private textLines(str: string, bytes: number): void {
    const checkLen = bytes > this.opts.maxFieldBytes;
    let p = 0;
    for (;;) {
      const nl = str.indexOf('\n', p);
      const line = nl === -1 ? str.slice(p) : str.slice(p, nl);
      if (checkLen && Buffer.byteLength(line) > this.opts.maxFieldBytes) this.tooLong(this.lineNo + 1);
      this.line(line, false, false);
      if (nl === -1) break;
      p = nl + 1;
    }
  }

  private lineBytes(buf: Buffer, start: number, end: number, final: boolean): void {
    if (end - start > this.opts.maxFieldBytes) this.tooLong(this.lineNo + 1);
    const bad = this.checkUtf8 && !isUtf8(buf.subarray(start, end));
    this.line(this.decode(buf, start, end), bad, final);
  }

  /**
   * When the file is not JSON Lines at all, an InputError saying what it looks like and what to do: a first line
   * that is only `[` or `{` (one JSON document spread over lines), or, in a whole-file read (`whole`) where no line
   * was a record, one JSON array on the first line or binary data. Call after end().
   */
  notJsonLines(whole: boolean): InputError | null {
    const first = this.firstRejected;
    if (first === null) return null;
    // a first line that is only `[` or `{` opens one JSON document spread over lines: whatever lines of it parse
    // on their own are not its records
    const opened = first.line === this.firstLine && this.firstLineOpens;
    const binary = this.ctl !== null && tooManyControlBytes(this.ctl);
    // otherwise, when no line is a record: one JSON array (first line rejected and starting with `[`), or binary
    // data; other files of rejected lines only stay a table of zero rows with a finding per line
    if (whole && this.records === 0 && this.crInside && !binary) {
      return new InputError(
        this.file,
        "no line is a JSON object: the lines end with CR alone (old Mac line ends), and JSON Lines ends lines with LF; convert them first, e.g. tr '\\r' '\\n'",
      );
    }
    if (!opened && !(whole && this.records === 0 && (binary || (first.line === this.firstLine && this.firstChar === '[')))) return null;
    if (binary) {
      return new InputError(this.file, `no line is a JSON object: the file looks like binary data, not JSON Lines; is it compressed, or another format? (${this.rejected} lines rejected)`);
    }
    const tail = `${this.rejected} line${this.rejected === 1 ? '' : 's'} rejected, the first at line ${first.line}: ${first.message}`;
    const what =
      this.firstChar === '['
        ? "the file looks like one JSON array, not JSON Lines (one object per line); convert it first, e.g. jq -c '.[]'"
        : 'the file looks like pretty-printed JSON (objects spread over several lines), not JSON Lines (one object per line); convert it first, e.g. jq -c .';
    const records = this.records > 0 ? `; ${this.records} of its lines parsed on their own` : '';
    return new InputError(this.file, `${opened ? 'not JSON Lines' : 'no line is a JSON object'}: ${what} (${tail}${records})`);
  }

  private reject(line: number, message: string): void {
    this.rejected++;
    if (this.firstRejected === null) this.firstRejected = { line, message };
  }

  private report(id: string, message: string, line: number, raw: string, opts: { severity?: 'info' | 'warn'; row?: number; column?: string } = {}): void {
    let listed = this.listed.get(id);
    if (!listed) {
      listed = { lines: [] };
      this.listed.set(id, listed);
    }
    if (listed.lines.length < MAX_LISTED_LINES) listed.lines.push(line);
    this.issues.add(id, {
      message,
      severity: opts.severity ?? 'warn',
      dimension: opts.severity === 'info' ? null : 'validity',
      column: opts.column ?? null,
      row: opts.row ?? null,
      line,
      value: truncate(raw),
      // The same object is passed every time: the log keeps the first one, which keeps growing.
      data: listed,
    });
  }

  private line(s: string, badUtf8: boolean, final: boolean): void {
    const lineNo = ++this.lineNo;
    if (lineNo === 1 && s.charCodeAt(0) === 0xfeff) {
      // BOM already stripped on bytes; a decoded one can only come from a non-UTF-8 decoder
      s = s.slice(1);
    }
    if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
    if (s.length === 0 || (s.charCodeAt(0) <= 32 && isBlank(s))) {
      this.blankLines++;
      this.report('blank-line', `line ${lineNo}: empty or whitespace-only line skipped`, lineNo, s, { severity: 'info' });
      return;
    }
    if (this.firstChar === '') {
      const t = s.trim();
      this.firstChar = t.charAt(0);
      this.firstLine = lineNo;
      this.firstLineOpens = t === '[' || t === '{';
    }
    let value: unknown;
    try {
      value = JSON.parse(s);
    } catch (e) {
      this.invalid(s, lineNo, e, badUtf8, final);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      this.reject(lineNo, `the line is ${what}, not a JSON object`);
      this.report('not-object', `line ${lineNo}: the line is ${what}, not a JSON object; skipped`, lineNo, s);
      return;
    }
    try {
      this.np = 0;
      this.keyCount = 0;
      this.unsafeInt = false;
      this.flatPlain(value as Record<string, unknown>, null, 0);
      let duplicates: string[] | null = null;
      let needExact = this.unsafeInt;
      if (!needExact) {
        const k = countKeyColons(s);
        needExact = k.indexKey || k.count !== this.keyCount;
      }
      if (needExact) {
        const r = parseJsonExact(s);
        duplicates = r.duplicates;
        this.np = 0;
        this.flatExact(r.value as Map<string, ExactValue>, null, 0);
      }
      const row = this.records + 1;
      if (duplicates && duplicates.length) {
        this.report(
          'duplicate-key',
          `line ${lineNo}: key "${duplicates[0]}" appears more than once in one object; the last value is kept`,
          lineNo,
          s,
          { row },
        );
      }
      if (badUtf8) {
        this.report('invalid-utf8', `line ${lineNo} is not valid UTF-8; invalid bytes were read as U+FFFD`, lineNo, s, { row });
      }
      this.commit(lineNo, s);
    } catch (e) {
      if (e instanceof InputError) throw e;
      // Deep nesting (RangeError) or anything unexpected in a parsed line: report, never escape as a TypeError.
      this.np = 0;
      this.invalid(s, lineNo, e, badUtf8, final);
    }
  }

  private invalid(s: string, lineNo: number, e: unknown, badUtf8: boolean, final: boolean): void {
    let reason = e instanceof Error ? e.message : String(e);
    if (e instanceof RangeError) reason = `too deeply nested (${reason})`;
    const utf8 = badUtf8 ? '; the line also contains invalid UTF-8' : '';
    this.reject(lineNo, `${final ? 'truncated, ' : ''}invalid JSON (${reason})`);
    if (!this.crInside && /[}\]"\d]\r+[{[]/.test(s)) this.crInside = true;
    if (final) {
      const eoi = /end of (JSON )?input|Unterminated string/i.test(reason);
      this.report(
        'truncated-line',
        eoi
          ? `line ${lineNo} truncated (unexpected end of input)${utf8}`
          : `line ${lineNo} truncated: the last line has no newline and does not parse (${reason})${utf8}`,
        lineNo,
        s,
      );
      return;
    }
    this.report('invalid-json', `line ${lineNo}: invalid JSON (${reason})${utf8}; skipped`, lineNo, s);
  }

  private pushPair(name: string, v: Cell): void {
    const i = this.np++;
    if (i < this.names.length) {
      this.names[i] = name;
      this.vals[i] = v;
    } else {
      this.names.push(name);
      this.vals.push(v);
    }
  }

  /** True when `name` is a column that already held a non-null leaf value. */
  private isLeafColumn(name: string): boolean {
    const idx = this.index.get(name);
    if (idx === undefined) return false;
    if (this.leafSeen[idx] === 1) return true;
    this.flattenedAtNull?.add(name);
    return false;
  }

  /** Dotted child names, cached so that the same strings (with their hashes) are reused for every record. */
  private childName(prefix: string, k: string): string {
    let m = this.childNames.get(prefix);
    if (m === undefined) {
      m = new Map();
      this.childNames.set(prefix, m);
    }
    let name = m.get(k);
    if (name === undefined) {
      name = prefix + '.' + k;
      if (m.size < 10_000) m.set(k, name);
    }
    return name;
  }

  private flatPlain(obj: Record<string, unknown>, prefix: string | null, depth: number): void {
    if (depth > MAX_DEPTH) throw new RangeError('more than 2000 levels');
    for (const k in obj) {
      this.keyCount++;
      const v = obj[k];
      const name = prefix === null ? k : this.childName(prefix, k);
      switch (typeof v) {
        case 'string':
        case 'boolean':
          this.pushPair(name, v);
          break;
        case 'number':
          if ((v > MAX_SAFE || v < -MAX_SAFE) && Number.isInteger(v)) this.unsafeInt = true;
          this.pushPair(name, v);
          break;
        case 'object':
          if (v === null) this.pushPair(name, null);
          else if (Array.isArray(v)) {
            this.scanPlain(v, 0);
            this.pushPair(name, JSON.stringify(v));
          } else if (this.isLeafColumn(name)) {
            this.scanPlain(v, 0);
            this.pushPair(name, JSON.stringify(v));
          } else this.flatPlain(v as Record<string, unknown>, name, depth + 1);
          break;
        default:
          break; // JSON.parse yields nothing else
      }
    }
  }

  /** Count keys and spot unsafe integers inside a value kept as JSON text. */
  private scanPlain(v: unknown, depth: number): void {
    if (depth > MAX_DEPTH) throw new RangeError('more than 2000 levels');
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x === 'object' && x !== null) this.scanPlain(x, depth + 1);
        else if (typeof x === 'number' && (x > MAX_SAFE || x < -MAX_SAFE) && Number.isInteger(x)) this.unsafeInt = true;
      }
    } else if (typeof v === 'object' && v !== null) {
      for (const k in v) {
        this.keyCount++;
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === 'object' && x !== null) this.scanPlain(x, depth + 1);
        else if (typeof x === 'number' && (x > MAX_SAFE || x < -MAX_SAFE) && Number.isInteger(x)) this.unsafeInt = true;
      }
    }
  }

  private flatExact(obj: Map<string, ExactValue>, prefix: string | null, depth: number): void {
    if (depth > MAX_DEPTH) throw new RangeError('more than 2000 levels');
    for (const [k, v] of obj) {
      const name = prefix === null ? k : this.childName(prefix, k);
      if (v === null || typeof v !== 'object') this.pushPair(name, v);
      else if (Array.isArray(v) || this.isLeafColumn(name)) this.pushPair(name, stringifyExact(v));
      else this.flatExact(v, name, depth + 1);
    }
  }

  private addColumn(name: string, lineNo: number): number {
    if (this.columns.length >= this.opts.maxColumns) {
      throw new InputError(
        this.file,
        `more than ${this.opts.maxColumns} columns (after flattening nested objects); raise --max-columns if the file is right`,
        `line ${lineNo}`,
      );
    }
    const idx = this.columns.length;
    this.columns.push(name);
    this.index.set(name, idx);
    this.leafSeen.push(0);
    this.stamp.push(0);
    this.data.push(new Array<Cell>(this.opts.batchSize).fill(null));
    return idx;
  }

  private commit(lineNo: number, raw: string): void {
    const row = ++this.records;
    const r = this.n;
    for (let i = 0; i < this.np; i++) {
      const name = this.names[i]!;
      let idx: number | undefined;
      if (this.lastNames[i] === name) idx = this.lastIdx[i]!;
      else {
        idx = this.index.get(name);
        if (idx === undefined) idx = this.addColumn(name, lineNo);
        this.lastNames[i] = name;
        this.lastIdx[i] = idx;
      }
      if (this.stamp[idx] === row) {
        this.report(
          'key-collision',
          `line ${lineNo}: flattening nested keys gives column "${name}" twice in one object (a literal dotted key and a nested path); the first value is kept`,
          lineNo,
          raw,
          { row, column: name },
        );
        continue;
      }
      this.stamp[idx] = row;
      const v = this.vals[i]!;
      this.data[idx]![r] = v;
      if (v !== null) this.leafSeen[idx] = 1;
    }
    this.lines[r] = lineNo;
    this.n++;
    if (this.n === this.opts.batchSize) this.flush();
  }

  private flush(): void {
    const n = this.n;
    if (n === 0) return;
    const data = this.data;
    for (const col of data) if (col.length !== n) col.length = n;
    this.ready.push({ columns: this.columns.slice(), data, length: n, firstRow: this.batchFirstRow, lines: this.lines.subarray(0, n) });
    this.batchFirstRow += n;
    this.n = 0;
    this.lines = new Int32Array(this.opts.batchSize);
    this.data = this.columns.map(() => new Array<Cell>(this.opts.batchSize).fill(null));
  }
}

export const readJsonl: Reader = async function* readJsonl(
  input: Input,
  opts: ReaderOptions,
  issues: IssueLog,
  meta: Record<string, unknown>,
): AsyncGenerator<Batch, void, undefined> {
  const parser = new JsonlParser(opts, issues, input.path);
  const range = opts.range ?? null;
  if (range !== null && range.header !== null) parser.startAfter(range);
  meta.format = 'jsonl';
  meta.encoding = opts.encoding ?? 'utf-8';
  let failure: unknown = null;
  /** Push every chunk, yielding the batches completed on the way; false when the parser failed. */
  async function* pushAll(chunks: AsyncIterable<Buffer>): AsyncGenerator<Batch, boolean, undefined> {
    for await (const chunk of chunks) {
      try {
        parser.push(chunk);
      } catch (e) {
        failure = e;
        return false;
      }
      for (const b of parser.take()) yield b;
    }
    return true;
  }
  try {
    let ok = yield* pushAll(range === null ? input.stream() : input.stream(range));
    /** Whether this read covers the whole file (one read, or the first part of a split that read on to the end). */
    let whole = range === null;
    if (ok && range?.handoff) {
      // Offered between lines only (the plan splits after a newline): there the parser's state is the one a
      // whole-file read has at that byte, so reading on from it (to the end of the file as it is now) is that read.
      const stop = parser.atLineStart() && (await range.handoff(parser.handoffState()));
      if (!stop) {
        ok = yield* pushAll(input.stream({ start: range.end, end: Infinity }));
        whole = range.start === 0 && range.header === null;
      }
    }
    if (ok) {
      try {
        parser.end();
        // nothing but rejected lines: not JSON Lines at all (one JSON document, binary data), which is unreadable
        // input, not a table of zero rows (a part of a split file is not the whole file: only whole reads)
        if (whole || (range !== null && range.start === 0 && range.header === null)) failure = parser.notJsonLines(whole);
      } catch (e) {
        failure = e;
      }
    }
    // batches completed before a failure are still delivered, in order, whatever the chunking
    for (const b of parser.take()) yield b;
  } finally {
    meta.columns = parser.columns.slice();
    meta.records = parser.records;
    meta.lines = parser.lineNo;
    meta.blankLines = parser.blankLines;
    meta.bom = parser.bom;
    // for the check of a parallel read (see lateLeafColumns), not a report detail (mergeJsonlPart leaves it out)
    if (range !== null && range.header !== null) meta.nullColumnsFlattened = parser.nullColumnsFlattened();
  }
  if (failure !== null) {
    if (failure instanceof InputError) throw failure;
    throw new InputError(input.path, `cannot read JSON Lines (${failure instanceof Error ? failure.message : String(failure)})`, `line ${parser.lineNo + 1}`);
  }
};

// ---------------------------------------------------------------------------------------------------------
// Splitting a file for parallel reading
// ---------------------------------------------------------------------------------------------------------

/** Bytes at the start of a file parsed to plan the columns of the second part (about 10 ms a MiB). */
const PLAN_SAMPLE_BYTES = 4 << 20;

/** Where to split a JSON Lines file into two parts read in parallel, with what the second part must know. */
export interface JsonlSplit {
  /** File byte offset of the first line of the second part (just after a newline). */
  offset: number;
  /** Rows predicted before it (lines that start with `{` and end with `}`): a multiple of the batch size. */
  rowsBefore: number;
  /** Physical lines before it. */
  linesBefore: number;
  /** Columns (first-seen order) and leaf columns after the first lines of the file. */
  columns: string[];
  leafColumns: string[];
}

/**
 * Plans a split at the first line start at or after byte `target` where the predicted rows before it are a
 * multiple of the batch size, so that both parts batch their rows exactly as one read does. Rows are predicted
 * without parsing: a line is a row when its first and last bytes other than JSON whitespace are `{` and `}`
 * (blank lines, truncated lines and values that are not objects are not; an invalid line such as `{"a":}` is
 * mispredicted, which the main thread detects). Columns and leaf columns come from parsing the first bytes
 * (the part before the split may still show new keys later: detected too). Returns null when the file cannot
 * be split (UTF-16, no row or no line start after the target).
 */
export async function planJsonlSplit(input: Input, opts: ReaderOptions, target: number): Promise<JsonlSplit | null> {
  const batchSize = opts.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) return null;
  const sample = new JsonlParser(opts, new IssueLog(), input.path);
  const sampleEnd = Math.min(PLAN_SAMPLE_BYTES, target); // the sample must stay within the first part
  let offset = 0; // file offset of chunk[0]
  let rows = 0;
  let lines = 0;
  // the current line's first and last bytes other than JSON whitespace so far (-1: none yet)
  let first = -1;
  let last = -1;
  let held: Buffer | null = Buffer.alloc(0); // the first bytes, until there are 3 to see a byte order mark
  for await (let chunk of input.stream({ start: 0, end: input.bytes ?? Infinity })) {
    let p = 0;
    if (held !== null) {
      chunk = held.length ? Buffer.concat([held, chunk]) : chunk;
      if (chunk.length < 3) {
        held = chunk;
        continue;
      }
      held = null;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) p = 3; // not part of line 1: the reader strips it
    }
    const n = chunk.length;
    if (offset < sampleEnd) {
      try {
        sample.push(chunk.subarray(0, Math.min(n, sampleEnd - offset)));
      } catch {
        return null; // a UTF-16 file, an over-long line...: left to the one-thread read to report
      }
      sample.take();
    }
    while (p < n) {
      const nl = chunk.indexOf(0x0a, p);
      const e = nl === -1 ? n : nl;
      if (first === -1) {
        let i = p;
        while (i < e && isJsonSpace(chunk[i]!)) i++;
        if (i < e) first = chunk[i]!;
      }
      let j = e - 1;
      while (j >= p && isJsonSpace(chunk[j]!)) j--;
      if (j >= p) last = chunk[j]!;
      if (nl === -1) break;
      lines++;
      if (first === 0x7b && last === 0x7d) rows++;
      first = last = -1;
      p = nl + 1;
      if (offset + p >= target && rows > 0 && rows % batchSize === 0) {
        if (input.bytes !== null && offset + p >= input.bytes) return null;
        return { offset: offset + p, rowsBefore: rows, linesBefore: lines, columns: sample.columns.slice(), leafColumns: sample.leafColumns() };
      }
    }
    offset += n;
  }
  return null;
}

/**
 * Whether the first part of a split file ended as planned (`at`: the reader's state there), so that the second
 * part, read from the plan, is what one read gives after it: the same rows and lines before it (rows numbered
 * alike, and batched alike since the split is on a batch boundary) and the same columns in the same order
 * (column indices in states, and the column lists of batches, which duplicate row hashes and missingness
 * patterns run over, are then those of one read). Returns null when not; else the columns that got their
 * first leaf value after the planned lines: those only matter where the second part flattened an object at
 * one of them (its reader's `meta.nullColumnsFlattened`), which one read keeps as JSON text.
 */
export function lateLeafColumns(plan: JsonlSplit, at: RangeHandoff): string[] | null {
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (at.rows !== plan.rowsBefore || at.lines !== plan.linesBefore || !same(at.columns, plan.columns)) return null;
  const planned = new Set(plan.leafColumns);
  return at.leafColumns.filter((c) => !planned.has(c));
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

/**
 * Adds the reader details and findings of a later part (meta2, issues2) of one file to those of the part before
 * it (meta, issues), as one read of both gives them. The findings' line lists (`data.lines`) are joined here:
 * IssueLog.merge keeps the data object of the first part, which is the one the first part's parser filled.
 */
export function mergeJsonlPart(meta: Record<string, unknown>, issues: IssueLog, meta2: Record<string, unknown>, issues2: IssueLog | IssueLogData): void {
  const later = issues2 instanceof IssueLog ? issues2.toData() : issues2;
  const mine = new Map(issues.toData()); // shallow copies: their `data` are the log's own objects
  for (const [key, e] of later) {
    const a = (mine.get(key)?.data as { lines?: number[] } | undefined)?.lines;
    const b = (e.data as { lines?: number[] } | undefined)?.lines;
    if (!a || !b) continue;
    for (const line of b) {
      if (a.length >= MAX_LISTED_LINES) break;
      a.push(line);
    }
  }
  issues.merge(later);
  // the later part counts rows and lines on from the earlier one and knows every column by its end
  meta.columns = meta2.columns;
  meta.records = meta2.records;
  meta.lines = meta2.lines;
  meta.blankLines = ((meta.blankLines as number) ?? 0) + ((meta2.blankLines as number) ?? 0);
}
