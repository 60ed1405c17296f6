/**
 * CSV / TSV reader: a hand-written, quote-aware byte scanner.
 *
 * Pipeline: input.stream() (1 MiB Buffers) -> encoding layer (BOM, UTF-16 transcoded to UTF-8) ->
 * working buffer = unfinished record + new chunk -> one string per buffer (latin1Slice when ASCII,
 * utf8Slice otherwise) -> the scanner walks the *bytes* and slices fields out of the *string*
 * (byte offset - `delta` = string offset, where delta counts UTF-8 continuation bytes seen so far).
 * Per field this costs one String#slice, which is far cheaper than a native Buffer#toString call.
 *
 * Invalid UTF-8 (rare) switches that buffer to a slow path: each field is decoded with
 * Buffer#toString('utf8') and checked with isUtf8, so the affected records can be reported.
 *
 * A record longer than ACCUMULATE_AT bytes that is still unfinished is not re-scanned for every new
 * chunk: a small state machine follows the quotes across chunks (and enforces maxFieldBytes) until
 * the record ends, and only then is the whole record parsed once.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import type { IssueLog } from '../../core/issues.js';
import type { Batch, Cell } from '../../core/types.js';
import { DqError, InputError } from '../../errors.js';
import type { Input } from '../source.js';
import type { Encoding, Reader, ReaderOptions } from './types.js';
import { controlBytes, tooManyControlBytes, utf16WithoutBom } from './binary.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** How many bytes the sniffers look at. */
const SNIFF_BYTES = 64 * 1024;
/**
 * An unfinished record is followed with the state machine (instead of being re-parsed with every
 * new chunk) once it is longer than this, or than ACCUMULATE_CHUNKS times the last chunk.
 */
const ACCUMULATE_AT = 1 << 20;
const ACCUMULATE_MIN = 4096;
const ACCUMULATE_CHUNKS = 4;
/** Examples (raw records, extra fields) are cut to this many characters. */
const EXAMPLE_CHARS = 200;

/** String offsets of up to this many escaped quotes per field are noted while scanning (more: replaceAll). */
const ESC_AT = 16;
const escAt = new Int32Array(ESC_AT);

/** Values up to this many bytes are interned (V8 copies substrings shorter than 13 characters). */
const INTERN_MAX = 12;
const INTERN_BITS = 10;
const INTERN_MASK = (1 << INTERN_BITS) - 1;

const CANDIDATES = [',', '\t', ';', '|'];

// Byte classes for the unquoted scan (T) and the quoted scan (TQ).
const C_NORMAL = 0;
const C_DELIM = 1; // T only
const C_QUOTE = 1; // TQ only
const C_LF = 2;
const C_CR = 3;
const C_HIGH = 4; // a byte >= 0x80 in UTF-8 mode

// Parser results.
const DONE = 0; // every complete record of the buffer was consumed
const FULL = 1; // the batch is full; call again after taking it

/** Windows-1252 code points for bytes 0x80..0x9F (undefined ones stay as the C1 control). */
const CP1252 = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];
const CP1252_RE = /[\x80-\x9f]/g;
const cp1252Char = (ch: string): string => String.fromCharCode(CP1252[ch.charCodeAt(0) - 0x80]!);

/** Buffer's undocumented but long-standing direct decoders (no argument checks); toString otherwise. */
interface SliceBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
const HAS_SLICE = typeof (Buffer.prototype as Partial<SliceBuffer>).latin1Slice === 'function' &&
  typeof (Buffer.prototype as Partial<SliceBuffer>).utf8Slice === 'function';
const latin1 = HAS_SLICE
  ? (b: Buffer, s: number, e: number): string => (b as SliceBuffer).latin1Slice(s, e)
  : (b: Buffer, s: number, e: number): string => b.toString('latin1', s, e);
const utf8 = HAS_SLICE
  ? (b: Buffer, s: number, e: number): string => (b as SliceBuffer).utf8Slice(s, e)
  : (b: Buffer, s: number, e: number): string => b.toString('utf8', s, e);

function truncate(s: string, max = EXAMPLE_CHARS): string {
  return s.length > max ? s.slice(0, max) + '…' : s;
}

function delimiterName(d: string): string {
  return d === '\t' ? 'TAB' : d;
}

/** Normalises a user-given delimiter ('\t', 'tab', ...) to one character. */
function normaliseDelimiter(path: string, d: string): string {
  const lower = d.toLowerCase();
  if (d === '\\t' || lower === 'tab' || lower === 'tsv') return '\t';
  if (lower === 'comma') return ',';
  if (lower === 'semicolon') return ';';
  if (lower === 'pipe') return '|';
  if (d.length !== 1 || d.charCodeAt(0) > 0x7f || d === '"' || d === '\n' || d === '\r') {
    throw new InputError(path, `delimiter ${JSON.stringify(d)} is not supported; use one ASCII character other than a quote or line break`);
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Sniffing

interface SniffResult {
  delimiter: string;
  lineTerminator: 'LF' | 'CRLF' | 'CR' | 'mixed';
}

/**
 * Counts fields per record for delimiter byte `d` in `buf`, quote-aware, up to `maxRecords` records.
 * The last record is dropped when the sample does not reach end of file (it may be cut).
 */
function fieldCounts(buf: Buffer, d: number, atEof: boolean, maxRecords: number): number[] {
  const counts: number[] = [];
  const n = buf.length;
  let p = 0;
  while (p < n && counts.length < maxRecords) {
    const c0 = buf[p]!;
    if (c0 === LF || c0 === CR) {
      p += c0 === CR && buf[p + 1] === LF ? 2 : 1;
      continue; // blank line
    }
    let fields = 1;
    let complete = false;
    let fieldStart = true;
    while (p < n) {
      const c = buf[p]!;
      if (fieldStart && c === QUOTE) {
        // quoted: skip to the closing quote
        let q = p + 1;
        for (;;) {
          q = buf.indexOf(QUOTE, q);
          if (q < 0 || q + 1 >= n) {
            q = -1;
            break;
          }
          if (buf[q + 1] === QUOTE) q += 2;
          else break;
        }
        if (q < 0) {
          p = n;
          break;
        }
        p = q + 1;
        fieldStart = false;
        continue;
      }
      fieldStart = false;
      if (c === d) {
        fields++;
        fieldStart = true;
        p++;
      } else if (c === LF || c === CR) {
        p += c === CR && buf[p + 1] === LF ? 2 : 1;
        complete = true;
        break;
      } else p++;
    }
    if (complete || atEof) counts.push(fields);
  }
  return counts;
}

function sniffDelimiter(buf: Buffer, atEof: boolean, fallback: string): string {
  let best: string | null = null;
  let bestConsistency = -1;
  let bestMode = 0;
  const order = [fallback, ...CANDIDATES.filter((c) => c !== fallback)];
  for (const cand of order) {
    const counts = fieldCounts(buf, cand.charCodeAt(0), atEof, 100);
    if (counts.length === 0) continue;
    const freq = new Map<number, number>();
    for (const k of counts) freq.set(k, (freq.get(k) ?? 0) + 1);
    let mode = 0;
    let modeFreq = 0;
    for (const [k, f] of freq) {
      if (f > modeFreq || (f === modeFreq && k > mode)) {
        mode = k;
        modeFreq = f;
      }
    }
    if (mode <= 1) continue; // the delimiter does not split the typical record
    const consistency = modeFreq / counts.length;
    if (consistency > bestConsistency + 1e-9 || (Math.abs(consistency - bestConsistency) <= 1e-9 && mode > bestMode)) {
      best = cand;
      bestConsistency = consistency;
      bestMode = mode;
    }
  }
  return best ?? fallback;
}

function countNuls(buf: Buffer): { count: number; first: number } {
  let count = 0;
  let first = -1;
  let i = buf.indexOf(0);
  while (i >= 0) {
    if (first < 0) first = i;
    count++;
    i = buf.indexOf(0, i + 1);
  }
  return { count, first };
}

// ---------------------------------------------------------------------------------------------
// Encoding layer

type Mode = 'utf-8' | 'latin1' | 'windows-1252';

interface Decoded {
  /** Byte mode the scanner works in (UTF-16 is transcoded to UTF-8). */
  mode: Mode;
  encoding: Encoding | 'utf-16le' | 'utf-16be';
  bom: boolean;
  chunks: AsyncGenerator<Buffer, void, undefined>;
  /** The first transcoded bytes (at least SNIFF_BYTES unless the file is shorter). */
  head: Buffer;
  headIsAll: boolean;
  /**
   * The delimiter of an Excel `sep=X` first line, which is removed from `head` (and so from the records): the
   * header is on line 2. Null when there is none.
   */
  sep: string | null;
  /** Bytes of the file before `head` that are not a BOM (the `sep=` line; UTF-8 and single-byte files only). */
  skipped: number;
}

/**
 * Length of an Excel delimiter hint `sep=X` (X one character other than a quote or line break) with its line
 * break at the start of `b`, or 0.
 */
function sepLineLength(b: Buffer): number {
  if (b.length < 6) return 0;
  if ((b[0]! | 0x20) !== 0x73 || (b[1]! | 0x20) !== 0x65 || (b[2]! | 0x20) !== 0x70 || b[3] !== 0x3d) return 0;
  const d = b[4]!;
  if (d === LF || d === CR || d === QUOTE || d > 0x7f) return 0;
  if (b[5] === LF) return 6;
  if (b[5] === CR) return b[6] === LF ? 7 : 6;
  return 0;
}

async function readHead(it: AsyncIterator<Buffer>): Promise<{ head: Buffer; done: boolean }> {
  const parts: Buffer[] = [];
  let total = 0;
  let done = false;
  while (total < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    if (b.length === 0) continue;
    parts.push(b);
    total += b.length;
  }
  return { head: parts.length === 1 ? parts[0]! : Buffer.concat(parts, total), done };
}

async function openDecoded(input: Input, opts: ReaderOptions): Promise<Decoded> {
  const it = input.stream(opts.range ?? undefined)[Symbol.asyncIterator]();
  let ok = false;
  try {
    const d = await decodeStart(input, opts, it);
    ok = true;
    return d;
  } finally {
    if (!ok) await it.return?.().catch(() => undefined);
  }
}

async function decodeStart(input: Input, opts: ReaderOptions, it: AsyncIterator<Buffer>): Promise<Decoded> {
  const { head: raw, done } = await readHead(it);
  let encoding: Decoded['encoding'];
  let bomLen = 0;
  const want = opts.encoding;
  const b0 = raw[0];
  const b1 = raw[1];
  const b2 = raw[2];
  const utf8Bom = b0 === 0xef && b1 === 0xbb && b2 === 0xbf;
  const leBom = b0 === 0xff && b1 === 0xfe;
  const beBom = b0 === 0xfe && b1 === 0xff;
  if (want === null || want === 'utf-16') {
    if (utf8Bom && want === null) {
      encoding = 'utf-8';
      bomLen = 3;
    } else if (leBom) {
      encoding = 'utf-16le';
      bomLen = 2;
    } else if (beBom) {
      encoding = 'utf-16be';
      bomLen = 2;
    } else encoding = want === 'utf-16' ? 'utf-16le' : 'utf-8';
  } else {
    encoding = want;
    if (want === 'utf-8' && utf8Bom) bomLen = 3;
    else if (want === 'utf-16le' && leBom) bomLen = 2;
    else if (want === 'utf-16be' && beBom) bomLen = 2;
  }
  const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be';
  if (!utf16 && raw.length > 0) {
    const sample = raw.subarray(0, SNIFF_BYTES);
    const { count, first } = countNuls(sample);
    if (count > 0 && count > sample.length * 0.01) {
      const u16 = utf16WithoutBom(sample);
      if (u16) {
        throw new InputError(
          input.path,
          `looks like UTF-16 text without a byte order mark (NUL bytes in every other byte); read it with --encoding utf-16${u16}, or convert it to UTF-8`,
        );
      }
      throw new InputError(
        input.path,
        `looks like binary data, not delimited text (NUL bytes at byte ${first}); is this a Parquet or compressed file?`,
      );
    }
    // random-looking bytes (compressed, encrypted, an image, a damaged file) have few NULs but many other control bytes
    const d = opts.delimiter ? normaliseDelimiter(input.path, opts.delimiter).charCodeAt(0) : -1;
    const ctl = controlBytes(sample, d);
    if (tooManyControlBytes(ctl)) {
      throw new InputError(
        input.path,
        `looks like binary data, not delimited text (${ctl.count} control bytes in the first ${sample.length} bytes, the first at byte ${ctl.first}); is this a compressed, Excel or Parquet file?`,
      );
    }
  }
  const mode: Mode = encoding === 'latin1' ? 'latin1' : encoding === 'windows-1252' ? 'windows-1252' : 'utf-8';

  // UTF-16: decode with TextDecoder (streaming), re-encode to UTF-8 for the scanner
  const decoder = utf16 ? new TextDecoder(encoding, { fatal: false, ignoreBOM: true }) : null;
  let head = decoder ? Buffer.from(decoder.decode(raw.subarray(bomLen), { stream: !done }), 'utf8') : raw.subarray(bomLen);
  // an Excel `sep=X` first line names the delimiter and is no record
  const skip = sepLineLength(head);
  const sep = skip ? String.fromCharCode(head[4]!) : null;
  head = head.subarray(skip);
  const chunks = (async function* () {
    let finished = done;
    try {
      if (head.length) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        if (!decoder) yield r.value;
        else {
          const s = decoder.decode(r.value, { stream: true });
          if (s.length) yield Buffer.from(s, 'utf8');
        }
      }
      finished = true;
      const tail = decoder?.decode() ?? '';
      if (tail.length) yield Buffer.from(tail, 'utf8');
    } finally {
      if (!finished) await it.return?.();
    }
  })();
  // (skipped: file bytes, for the split planner, which reads UTF-8 and single-byte files only)
  return { mode, encoding, bom: bomLen > 0, chunks, head, headIsAll: done, sep, skipped: decoder ? 0 : skip };
}

// ---------------------------------------------------------------------------------------------
// The scanner

interface PendingIssue {
  id: string;
  line: number;
  value: string | null;
  message: string;
  severity: 'warn' | 'error';
}

class CsvParser {
  // configuration
  private readonly T = new Uint8Array(256);
  private readonly TQ = new Uint8Array(256);
  private readonly d: number;
  private readonly delim: string;

  // working buffer
  private buf: Buffer = Buffer.alloc(0);
  /** End of the part of buf that is decoded into str (a safe UTF-8 boundary). */
  private n = 0;
  private str = '';
  /** byte offset - delta = string offset, at `pos`. */
  private delta = 0;
  private slow = false;
  private final = false;
  private pos = 0;
  private lastChunk = 0;

  // position
  line = 1;
  /** Data records emitted so far (before the current batch). */
  rowsDone = 0;

  // header
  header: string[] | null = null;
  private H = 0;

  // current batch
  private cols: Cell[][] = [];
  // Interning of short repeated values (per column): a hit reuses an old string instead of allocating,
  // which saves most of the garbage-collection cost of categorical, date and small-integer columns.
  // Only strings of <= INTERN_MAX chars (V8 copies those when slicing, so they pin nothing).
  private icache: (string | undefined)[] = [];
  private ion = new Uint8Array(0);
  private itries = new Int32Array(0);
  private ihits = new Int32Array(0);
  private batches = 0;
  private lines: Int32Array;
  private r = 0;

  // unfinished-record accumulation
  private accum: Buffer[] | null = null;
  private accumBytes = 0;
  private st = 0; // 0 field start, 1 unquoted, 2 quoted, 3 quote seen inside quotes
  private stFieldBytes = 0;
  private stFields = 0;

  // stats
  lf = 0;
  crlf = 0;
  cr = 0;
  blank = 0;
  private recIssues: PendingIssue[] | null = null;
  private recInvalid = false;

  constructor(
    private readonly path: string,
    delimiter: string,
    private readonly mode: Mode,
    private readonly opts: ReaderOptions,
    private readonly issues: IssueLog,
  ) {
    this.delim = delimiter;
    this.d = delimiter.charCodeAt(0);
    this.T[this.d] = C_DELIM;
    this.T[LF] = C_LF;
    this.T[CR] = C_CR;
    this.TQ[QUOTE] = C_QUOTE;
    this.TQ[LF] = C_LF;
    this.TQ[CR] = C_CR;
    if (mode === 'utf-8') {
      for (let i = 0x80; i < 0x100; i++) {
        this.T[i] = C_HIGH;
        this.TQ[i] = C_HIGH;
      }
    }
    this.lines = new Int32Array(Math.max(1, opts.batchSize));
  }

  // --- feeding -------------------------------------------------------------------------------

  /** Adds a chunk. Returns false when the chunk was only accumulated (nothing to parse yet). */
  push(chunk: Buffer): boolean {
    if (chunk.length === 0) return false;
    this.lastChunk = chunk.length;
    if (this.accum) {
      const end = this.follow(chunk);
      this.accum.push(chunk);
      this.accumBytes += chunk.length;
      if (end < 0) return false;
      this.setBuffer(Buffer.concat(this.accum, this.accumBytes));
      this.accum = null;
      return true;
    }
    const left = this.buf.length - this.pos;
    this.setBuffer(left > 0 ? Buffer.concat([this.buf.subarray(this.pos), chunk], left + chunk.length) : chunk);
    return true;
  }

  /** End of input: whatever is left is parsed as the last record(s). */
  finish(): void {
    this.final = true;
    if (this.accum) {
      this.setBuffer(Buffer.concat(this.accum, this.accumBytes));
      this.accum = null;
    } else {
      this.setBuffer(this.buf.subarray(this.pos));
    }
  }

  private setBuffer(buf: Buffer): void {
    this.buf = buf;
    this.pos = 0;
    this.delta = 0;
    let n = buf.length;
    if (!this.final && this.mode === 'utf-8') {
      // cut after the last ASCII byte, so a multi-byte character is never split
      while (n > 0 && buf[n - 1]! >= 0x80) n--;
    }
    this.n = n;
    const body = n === buf.length ? buf : buf.subarray(0, n);
    this.slow = false;
    if (this.mode === 'utf-8') {
      if (isAscii(body)) this.str = latin1(body, 0, n);
      else if (isUtf8(body)) this.str = utf8(body, 0, n);
      else {
        this.slow = true;
        this.str = '';
      }
    } else {
      this.str = latin1(body, 0, n);
      if (this.mode === 'windows-1252' && !isAscii(body)) this.str = this.str.replace(CP1252_RE, cp1252Char);
    }
  }

  /** After an unfinished record: switch to accumulation when the record is long. */
  private afterIncomplete(): void {
    const left = this.buf.length - this.pos;
    if (this.final || left < ACCUMULATE_MIN) return;
    if (left < ACCUMULATE_AT && left < ACCUMULATE_CHUNKS * this.lastChunk) return;
    const rest = this.buf.subarray(this.pos);
    this.st = 0;
    this.stFieldBytes = 0;
    this.stFields = 1;
    if (this.follow(rest) >= 0) return; // the record does end inside (e.g. a CR at the very end): just wait
    this.accum = [rest];
    this.accumBytes = rest.length;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.n = 0;
    this.str = '';
  }

  /** Follows quotes through `b` from the saved state; returns the index of a record end, or -1. */
  private follow(b: Buffer): number {
    const d = this.d;
    const n = b.length;
    const max = this.opts.maxFieldBytes;
    let st = this.st;
    let fb = this.stFieldBytes;
    let nf = this.stFields;
    let i = 0;
    let end = -1;
    while (i < n) {
      if (st === 2) {
        let q = b.indexOf(QUOTE, i);
        if (q < 0) q = n;
        fb += q - i;
        i = q;
        if (q < n) {
          st = 3;
          fb++;
          i++;
        }
        if (fb > max) break;
        continue;
      }
      const c = b[i]!;
      if (c === d) {
        st = 0;
        fb = 0;
        nf++;
      } else if (c === LF || c === CR) {
        end = i;
        break;
      } else if (st === 0) {
        st = c === QUOTE ? 2 : 1;
        fb = 1;
      } else if (st === 3) {
        st = c === QUOTE ? 2 : 1;
        fb++;
      } else fb++;
      i++;
      if (fb > max) break;
    }
    this.st = st;
    this.stFieldBytes = fb;
    this.stFields = nf;
    if (fb > max) this.tooLong(this.line);
    if (nf > this.opts.maxColumns) this.tooManyColumns(this.line, nf);
    return end;
  }

  private tooLong(line: number): never {
    throw new InputError(
      this.path,
      `a field starting on line ${line} is longer than ${this.opts.maxFieldBytes} bytes (the field size limit); ` +
        'if a quote was left open, the rest of the file became one field; otherwise raise the limit with --max-field-bytes',
      `line ${line}`,
    );
  }

  private tooManyColumns(line: number, k: number): never {
    throw new InputError(
      this.path,
      `line ${line} has ${k > this.opts.maxColumns ? `more than ${this.opts.maxColumns}` : k} fields, more than the limit of ${this.opts.maxColumns} columns; ` +
        `check the delimiter (${delimiterName(this.delim)}) or raise the limit with --max-columns`,
      `line ${line}`,
    );
  }

  // --- batches -------------------------------------------------------------------------------

  get rowsInBatch(): number {
    return this.r;
  }

  private initIntern(): void {
    this.icache = new Array<string | undefined>(this.H << INTERN_BITS).fill(undefined);
    this.ion = new Uint8Array(this.H).fill(1);
    this.itries = new Int32Array(this.H);
    this.ihits = new Int32Array(this.H);
  }

  /** Keeps interning on for columns where it pays (>= 1/4 hits); re-probes the others now and then. */
  private tuneIntern(): void {
    this.batches++;
    const probe = (this.batches & 7) === 0;
    for (let c = 0; c < this.H; c++) {
      const tries = this.itries[c]!;
      if (this.ion[c] === 1) {
        if (tries >= 64) this.ion[c] = this.ihits[c]! * 4 >= tries ? 1 : 0;
      } else if (probe) this.ion[c] = 1;
      this.itries[c] = 0;
      this.ihits[c] = 0;
    }
  }

  private newBatch(): void {
    const cols: Cell[][] = new Array(this.H);
    // preallocated (cheaper than growing); beyond 64k rows the arrays grow as needed
    const size = Math.min(this.lines.length, 65536);
    for (let c = 0; c < this.H; c++) cols[c] = new Array(size);
    this.cols = cols;
    this.r = 0;
  }

  takeBatch(): Batch {
    const length = this.r;
    for (const col of this.cols) if (col.length !== length) col.length = length;
    const batch: Batch = {
      columns: this.header!.slice(),
      data: this.cols,
      length,
      firstRow: this.rowsDone + 1,
      lines: length === this.lines.length ? this.lines : this.lines.slice(0, length),
    };
    this.rowsDone += length;
    this.tuneIntern();
    this.lines = new Int32Array(this.lines.length);
    this.newBatch();
    return batch;
  }

  // --- text helpers (cold) -------------------------------------------------------------------

  /** Text of bytes [a, b) given the string offsets (fast mode) or by decoding (slow mode). */
  private text(a: number, b: number, sa: number, sb: number): string {
    if (this.slow) return this.buf.toString('utf8', a, b);
    return this.str.slice(sa, sb);
  }

  /** Decodes a field in slow (invalid UTF-8) mode and notes whether it is invalid. */
  private slowField(a: number, b: number): string {
    const sub = this.buf.subarray(a, b);
    if (!isAscii(sub) && !isUtf8(sub)) this.recInvalid = true;
    return sub.toString('utf8');
  }

  private note(id: string, line: number, value: string | null, message: string, severity: 'warn' | 'error' = 'warn'): void {
    (this.recIssues ??= []).push({ id, line, value, message, severity });
  }

  // --- the hot loop --------------------------------------------------------------------------

  /**
   * Parses complete records from the working buffer. Returns FULL when the batch is full
   * (call again after takeBatch) and DONE when the rest of the buffer is an unfinished record.
   */
  parse(): number {
    const buf = this.buf;
    const n = this.n;
    const str = this.str;
    const T = this.T;
    const TQ = this.TQ;
    const d = this.d;
    const final = this.final && n === buf.length;
    const slow = this.slow;
    const maxField = this.opts.maxFieldBytes;
    const maxCols = this.opts.maxColumns;
    const batchSize = this.lines.length;
    const icache = this.icache;
    const ion = this.ion;
    const itries = this.itries;
    const ihits = this.ihits;
    let p = this.pos;
    let delta = this.delta;
    let line = this.line;

    for (;;) {
      if (this.header !== null && this.r >= batchSize) {
        this.pos = p;
        this.delta = delta;
        this.line = line;
        return FULL;
      }
      if (p >= n) break;
      const recStart = p;
      const recDelta = delta;
      const recLine = line;
      let c = buf[p]!;

      // blank line
      if (c === LF || c === CR) {
        if (c === CR) {
          if (p + 1 >= n && !final) break;
          if (p + 1 < n && buf[p + 1] === LF) {
            p += 2;
            this.crlf++;
          } else {
            p++;
            this.cr++;
          }
        } else {
          p++;
          this.lf++;
        }
        line++;
        this.blank++;
        this.issues.add('blank-line', {
          line: recLine,
          message: 'blank lines were skipped',
          severity: 'info',
          dimension: null,
        });
        continue;
      }

      const H = this.header === null ? 0 : this.H;
      const cols = this.cols;
      const r = this.r;
      let extra: string[] | null = null;
      let f = 0;
      let incomplete = false;
      let recEnd = -1; // byte offset of the terminator (or n at end of file)
      let recEndDelta = 0;

      fields: for (;;) {
        // ---- one field, starting at p
        let v: string;
        const a = p;
        const dA = delta;
        c = p < n ? buf[p]! : -1;
        if (c === QUOTE) {
          const qLine = line;
          let q = p + 1;
          let esc = 0; // escaped quotes ("") in the field; string offsets of the first few in escAt
          let closed = false;
          let t = 0;
          for (;;) {
            if (q >= n) break;
            t = TQ[buf[q]!]!;
            if (t === C_NORMAL) {
              q++;
            } else if (t === C_QUOTE) {
              if (q + 1 >= n) {
                if (final) closed = true;
                break;
              }
              if (buf[q + 1] === QUOTE) {
                if (esc < ESC_AT) escAt[esc] = q - delta;
                esc++;
                q += 2;
              } else {
                closed = true;
                break;
              }
            } else if (t === C_HIGH) {
              const b = buf[q]!;
              if (b < 0xc0) delta++;
              else if (b >= 0xf0) delta--;
              q++;
            } else if (t === C_LF) {
              line++;
              q++;
            } else {
              line++;
              q++;
              if (q < n && buf[q] === LF) q++;
            }
          }
          if (!closed && !final) {
            incomplete = true;
            break fields;
          }
          const cs = a + 1;
          const ce = q; // closing quote (or end of file)
          if (ce - cs > maxField) this.tooLong(qLine);
          if (slow) {
            v = this.slowField(cs, ce);
            if (esc > 0) v = v.replaceAll('""', '"');
          } else if (esc === 0) v = str.slice(cs - dA, ce - delta);
          else if (esc <= ESC_AT) {
            // the pieces between escaped quotes, joined once into a flat string (cheaper than replaceAll)
            const parts: string[] = [];
            let from = cs - dA;
            for (let k = 0; k < esc; k++) {
              const at = escAt[k]!;
              parts.push(str.slice(from, at + 1));
              from = at + 2;
            }
            parts.push(str.slice(from, ce - delta));
            v = parts.join('');
          } else v = str.slice(cs - dA, ce - delta).replaceAll('""', '"');
          if (!closed) {
            // unterminated: the rest of the file is this field
            this.note(
              'unterminated-quote',
              qLine,
              truncate(v),
              `quote opened on line ${qLine} is never closed; the rest of the file (lines ${qLine} to ${line}) was read as one field`,
              'error',
            );
            p = n;
          } else {
            p = ce + 1;
            c = p < n ? buf[p]! : -1;
            if (c !== d && c !== LF && c !== CR && c !== -1) {
              // malformed: text after the closing quote; keep it literally up to the next delimiter
              const cDelta = delta;
              let e = p;
              for (;;) {
                if (e >= n) break;
                t = T[buf[e]!]!;
                if (t === C_NORMAL) e++;
                else if (t === C_HIGH) {
                  const b = buf[e]!;
                  if (b < 0xc0) delta++;
                  else if (b >= 0xf0) delta--;
                  e++;
                } else break;
              }
              if (e >= n && !final) {
                incomplete = true;
                break fields;
              }
              if (e - a > maxField) this.tooLong(line);
              v += slow ? this.slowField(ce, e) : str.slice(ce - cDelta, e - delta);
              this.note(
                'malformed-quote',
                line,
                truncate(v),
                `line ${line}: text after a closing quote (${JSON.stringify(truncate(v, 40))}); kept literally up to the next delimiter`,
              );
              p = e;
            }
          }
        } else {
          // unquoted: up to the delimiter or the line end
          let t = 0;
          let hi = false;
          for (;;) {
            if (p >= n) break;
            t = T[buf[p]!]!;
            if (t === C_NORMAL) p++;
            else if (t === C_HIGH) {
              const b = buf[p]!;
              if (b < 0xc0) delta++;
              else if (b >= 0xf0) delta--;
              hi = true;
              p++;
            } else break;
          }
          if (p >= n && !final) {
            incomplete = true;
            break fields;
          }
          if (p - a > maxField) this.tooLong(line);
          if (slow) v = hi ? this.slowField(a, p) : latin1(buf, a, p);
          else if (f < H && p - a <= INTERN_MAX && ion[f] === 1 && delta === dA) {
            // intern: hash the bytes, reuse the cached string when it has the same characters
            const len = p - a;
            let h = len;
            for (let k = a; k < p; k++) h = (Math.imul(h, 31) + buf[k]!) | 0;
            const idx = (f << INTERN_BITS) | ((h ^ (h >>> 13)) & INTERN_MASK);
            const s = icache[idx];
            itries[f]!++;
            let hit = s !== undefined && s.length === len;
            if (hit) {
              for (let k = 0; k < len; k++) {
                if (s!.charCodeAt(k) !== buf[a + k]) {
                  hit = false;
                  break;
                }
              }
            }
            if (hit) {
              v = s!;
              ihits[f]!++;
            } else {
              v = str.slice(a - dA, p - delta);
              icache[idx] = v;
            }
          } else v = str.slice(a - dA, p - delta);
        }

        if (f < H) cols[f]![r] = v;
        else {
          if (extra === null) extra = [];
          extra.push(v);
          if (f >= maxCols) this.tooManyColumns(recLine, f + 1);
        }
        f++;

        // ---- after the field
        if (p >= n) {
          // end of file (final): the record ends without a terminator
          recEnd = p;
          recEndDelta = delta;
          break;
        }
        c = buf[p]!;
        if (c === d) {
          p++;
          continue;
        }
        recEnd = p;
        recEndDelta = delta;
        if (c === LF) {
          p++;
          this.lf++;
        } else {
          // CR
          if (p + 1 >= n && !final) {
            incomplete = true;
            break fields;
          }
          if (p + 1 < n && buf[p + 1] === LF) {
            p += 2;
            this.crlf++;
          } else {
            p++;
            this.cr++;
          }
        }
        line++;
        break;
      }

      if (incomplete) {
        // roll back this record; it is parsed again once more bytes arrive (its cells are overwritten)
        this.recIssues = null;
        this.recInvalid = false;
        p = recStart;
        delta = recDelta;
        line = recLine;
        break;
      }

      // ---- a complete record of f fields
      if (this.header === null) {
        this.pos = p;
        this.delta = delta;
        this.line = line;
        this.flushIssues(this.opts.header ? null : 1, recLine);
        this.setHeader(extra ?? [], recLine);
        // setHeader may have turned the record into the first data row
        continue;
      }
      const row = this.rowsDone + this.r + 1;
      if (f < H) {
        for (let k = f; k < H; k++) cols[k]![r] = null;
        const raw = this.text(recStart, recEnd, recStart - recDelta, recEnd - recEndDelta);
        this.issues.add('row-too-short', {
          line: recLine,
          row,
          value: truncate(raw),
          message: `line ${recLine}: expected ${H} fields, got ${f}`,
          severity: 'warn',
          dimension: 'validity',
        });
      } else if (extra !== null) {
        this.issues.add('row-too-long', {
          line: recLine,
          row,
          value: truncate(extra.join(this.delim)),
          message: `line ${recLine}: expected ${H} fields, got ${f}; the extra values are not in any column`,
          severity: 'warn',
          dimension: 'validity',
        });
      }
      if (this.recIssues !== null || this.recInvalid) this.flushIssues(row, recLine);
      this.lines[this.r++] = recLine;
    }
    this.pos = p;
    this.delta = delta;
    this.line = line;
    if (p < n || (n < this.buf.length && !this.final)) this.afterIncomplete();
    return DONE;
  }

  private flushIssues(row: number | null, recLine: number): void {
    if (this.recIssues) {
      for (const i of this.recIssues) {
        this.issues.add(i.id, {
          line: i.line,
          row,
          value: i.value,
          message: i.message,
          severity: i.severity,
          dimension: 'validity',
        });
      }
      this.recIssues = null;
    }
    if (this.recInvalid) {
      this.issues.add('invalid-utf8', {
        line: recLine,
        row,
        message: `line ${recLine} is not valid UTF-8; if the file is Latin-1 or Windows-1252, pass --encoding latin1`,
        severity: 'warn',
        dimension: 'validity',
      });
      this.recInvalid = false;
    }
  }

  /** A part after the first (parallel reads): the header is known, rows and lines continue the earlier parts. */
  presetHeader(header: string[], rowsBefore: number, line: number): void {
    this.header = header.slice();
    this.H = header.length;
    this.rowsDone = rowsBefore;
    this.line = line;
    this.initIntern();
    this.newBatch();
  }

  private setHeader(fields: string[], recLine: number): void {
    if (fields.length > this.opts.maxColumns) this.tooManyColumns(recLine, fields.length);
    if (!this.opts.header) {
      this.header = fields.map((_, i) => `column_${i + 1}`);
      this.H = fields.length;
      this.initIntern();
      this.newBatch();
      for (let c = 0; c < this.H; c++) this.cols[c]![0] = fields[c]!;
      this.lines[this.r++] = recLine;
      return;
    }
    this.header = dedupeHeader(fields, recLine, this.issues);
    this.H = this.header.length;
    this.initIntern();
    this.newBatch();
  }
}

/** pandas-style header names: empty -> `Unnamed: i`, duplicates -> `name.1`, `name.2`, ... */
export function dedupeHeader(fields: string[], line: number, issues: IssueLog): string[] {
  const names = fields.slice();
  for (let i = 0; i < names.length; i++) {
    if (names[i] === '') {
      names[i] = `Unnamed: ${i}`;
      issues.add('unnamed-column', {
        column: names[i],
        line,
        row: null,
        message: `column ${i + 1} of the header (line ${line}) has no name; it is called '${names[i]}'`,
        severity: 'warn',
        dimension: 'validity',
      });
    }
  }
  const counts = new Map<string, number>();
  const renamed = new Map<string, string[]>();
  for (let i = 0; i < names.length; i++) {
    const orig = names[i]!;
    let col = orig;
    let cur = counts.get(col) ?? 0;
    while (cur > 0) {
      counts.set(col, cur + 1);
      col = `${col}.${cur}`;
      cur = counts.get(col) ?? 0;
    }
    if (col !== orig) {
      let list = renamed.get(orig);
      if (!list) renamed.set(orig, (list = []));
      list.push(col);
    }
    names[i] = col;
    counts.set(col, cur + 1);
  }
  for (const [name, list] of renamed) {
    issues.add('duplicate-header', {
      column: name,
      line,
      row: null,
      value: name,
      message: `column name '${name}' appears ${list.length + 1} times in the header; the copies were renamed ${list.map((s) => `'${s}'`).join(', ')}`,
      severity: 'warn',
      dimension: 'validity',
      data: { renamed: list },
    });
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// The reader

async function* readDelimited(
  input: Input,
  opts: ReaderOptions,
  issues: IssueLog,
  meta: Record<string, unknown>,
  defaultDelimiter: string,
): AsyncGenerator<Batch, void, undefined> {
  const batchSize = Math.max(1, Math.floor(opts.batchSize) || 1);
  const o: ReaderOptions = { ...opts, batchSize };
  const range = o.range ?? null;
  const later = range !== null && range.header !== null;
  let chunks: AsyncIterable<Buffer>;
  let mode: Mode;
  let delimiter: string;
  let sepLine = false;
  if (later) {
    // a later part of a file split for parallel reading: no BOM, no sniffing, the header is known
    const enc = range.encoding ?? 'utf-8';
    mode = enc === 'latin1' ? 'latin1' : enc === 'windows-1252' ? 'windows-1252' : 'utf-8';
    chunks = input.stream(range);
    delimiter = range.delimiter ?? defaultDelimiter;
    meta.encoding = enc;
  } else {
    const dec = await openDecoded(input, o);
    meta.encoding = dec.encoding;
    meta.bom = dec.bom;
    mode = dec.mode;
    chunks = dec.chunks;
    delimiter =
      o.delimiter !== null && o.delimiter !== undefined && o.delimiter !== ''
        ? normaliseDelimiter(input.path, o.delimiter)
        : (dec.sep ?? sniffDelimiter(dec.head, dec.headIsAll, defaultDelimiter));
    sepLine = dec.sep !== null;
  }
  meta.header = o.header;
  if (sepLine) meta.sepLine = true;
  meta.quote = '"';
  meta.delimiter = delimiter;
  meta.delimiterSniffed = !(o.delimiter !== null && o.delimiter !== undefined && o.delimiter !== '') && !sepLine;

  const parser = new CsvParser(input.path, delimiter, mode, o, issues);
  if (sepLine) parser.line = 2; // line 1 was the sep= hint
  if (later) parser.presetHeader(range.header!, range.rowsBefore, range.linesBefore + 1);
  const setTerminator = (): void => {
    const kinds = (parser.lf > 0 ? 1 : 0) + (parser.crlf > 0 ? 1 : 0) + (parser.cr > 0 ? 1 : 0);
    meta.lineTerminator = kinds > 1 ? 'mixed' : parser.crlf > 0 ? 'CRLF' : parser.cr > 0 ? 'CR' : 'LF';
  };
  let columnsSet = false;
  const announce = (): void => {
    if (!columnsSet && parser.header !== null) {
      meta.columns = parser.header.slice();
      columnsSet = true;
    }
  };

  for await (const chunk of chunks) {
    if (!parser.push(chunk)) continue;
    while (parser.parse() === FULL) {
      announce();
      setTerminator();
      yield parser.takeBatch();
    }
    announce();
  }
  parser.finish();
  while (parser.parse() === FULL) {
    announce();
    setTerminator();
    yield parser.takeBatch();
  }
  announce();
  setTerminator();
  meta.blankLines = parser.blank;
  if (parser.header === null) {
    meta.columns = [];
    issues.add('empty-file', {
      message: parser.blank > 0 ? 'file is empty (only blank lines)' : 'file is empty',
      severity: 'warn',
      dimension: null,
    });
    return;
  }
  if (parser.rowsInBatch > 0) yield parser.takeBatch();
  meta.rows = parser.rowsDone;
  meta.lineCounts = { lf: parser.lf, crlf: parser.crlf, cr: parser.cr };
  /** The line the next record would start on (parallel reads check it against the plan). */
  meta.endLine = parser.line;
}

function wrap(input: Input, e: unknown): Error {
  if (e instanceof DqError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new InputError(input.path, `could not read the file as delimited text (${msg})`);
}

async function* guarded(
  input: Input,
  opts: ReaderOptions,
  issues: IssueLog,
  meta: Record<string, unknown>,
  defaultDelimiter: string,
): AsyncGenerator<Batch, void, undefined> {
  try {
    yield* readDelimited(input, opts, issues, meta, defaultDelimiter);
  } catch (e) {
    throw wrap(input, e);
  }
}

/** CSV reader; for format 'tsv' the delimiter defaults to TAB when it cannot be sniffed. */
export const readCsv: Reader = (input, opts, issues, meta) =>
  guarded(input, opts, issues, meta, input.format === 'tsv' ? '\t' : ',');

/** TSV reader: like readCsv with TAB as the default delimiter. */
export const readTsv: Reader = (input, opts, issues, meta) => guarded(input, opts, issues, meta, '\t');

// ---------------------------------------------------------------------------------------------
// Splitting a file for parallel reading

/** Where to split a CSV file into two parts read in parallel, with what the second part must know. */
export interface CsvSplit {
  /** File byte offset of the first record of the second part (a record boundary). */
  offset: number;
  /** Data rows before it. */
  rowsBefore: number;
  /** Physical lines before it. */
  linesBefore: number;
  header: string[];
  delimiter: string;
  encoding: Encoding;
}

/**
 * Finds the first record boundary at or after byte `target` with a quote-aware state machine identical to
 * the parser's (a quote opens only at the start of a field; "" inside quotes is a quote; text after a closing
 * quote runs to the next delimiter; CRLF, LF and CR end lines; blank lines are not records), counting records
 * and lines before it. Returns null when the file cannot be split (UTF-16, no boundary, tiny header-only input).
 */
export async function planCsvSplit(input: Input, opts: ReaderOptions, target: number, defaultDelimiter = input.format === 'tsv' ? '\t' : ','): Promise<CsvSplit | null> {
  const o: ReaderOptions = { ...opts, range: null };
  const dec = await openDecoded(input, o);
  try {
    if (dec.encoding !== 'utf-8' && dec.encoding !== 'latin1' && dec.encoding !== 'windows-1252') return null;
    const delimiter =
      o.delimiter !== null && o.delimiter !== undefined && o.delimiter !== ''
        ? normaliseDelimiter(input.path, o.delimiter)
        : (dec.sep ?? sniffDelimiter(dec.head, dec.headIsAll, defaultDelimiter));
    // the header as the reader names it (parsed by the reader itself from the first bytes)
    const scratch = new (await import('../../core/issues.js')).IssueLog();
    const hp = new CsvParser(input.path, delimiter, dec.mode, { ...o, batchSize: 1 }, scratch);
    if (dec.sep !== null) hp.line = 2;
    hp.push(dec.head);
    if (dec.headIsAll) hp.finish();
    hp.parse();
    if (hp.header === null) return null;
    const header = hp.header.slice();

    const d = delimiter.charCodeAt(0);
    let offset = (dec.bom ? 3 : 0) + dec.skipped; // file offset of the next byte
    let st = 0; // 0 record start, 1 field start, 2 unquoted, 3 quoted, 4 quote seen inside quotes
    let skipLF = false;
    let records = 0;
    let lines = dec.sep !== null ? 1 : 0; // the sep= line
    for await (const chunk of dec.chunks) {
      const n = chunk.length;
      let i = 0;
      if (chunk.indexOf(CR) === -1) {
        // no CR (LF line ends): native indexOf jumps from quote to quote and LF to LF; a boundary found
        // (i < n, at a record start) is then returned by the loop below
        const s: SplitScan = { st, skipLF, records, lines };
        i = scanSplitLf(chunk, target - offset, d, s);
        ({ st, skipLF, records, lines } = s);
      }
      while (i < n) {
        const c = chunk[i]!;
        if (skipLF) {
          skipLF = false;
          if (c === LF) {
            i++;
            continue;
          }
        }
        if (st === 0) {
          if (offset + i >= target && records >= 1) {
            const rowsBefore = o.header ? records - 1 : records;
            if (rowsBefore < 1) return null;
            return { offset: offset + i, rowsBefore, linesBefore: lines, header, delimiter, encoding: dec.encoding as Encoding };
          }
          i++;
          if (c === LF) lines++;
          else if (c === CR) {
            lines++;
            skipLF = true;
          } else {
            i--;
            st = 1; // the first byte of a record starts a field
          }
          continue;
        }
        switch (st) {
          case 1: // start of a field
          case 4: // after a closing quote (text there is literal up to the next delimiter, as at a field start)
            st = afterFieldStart(c, d);
            if (st === 0) {
              records++;
              lines++;
              skipLF = c === CR;
            }
            break;
          case 2: {
            // unquoted: jump to the next delimiter or line end
            let j = i;
            while (j < n) {
              const b = chunk[j]!;
              if (b === d || b === LF || b === CR) break;
              j++;
            }
            i = j;
            if (j >= n) continue;
            if (chunk[j] === d) st = 1;
            else {
              records++;
              lines++;
              if (chunk[j] === CR) skipLF = true;
              st = 0;
            }
            break;
          }
          case 3: {
            // quoted: jump to the next quote, counting line breaks on the way
            let j = i;
            while (j < n) {
              const b = chunk[j]!;
              if (b === QUOTE) break;
              if (b === LF) lines++;
              else if (b === CR) {
                lines++;
                if (j + 1 < n) {
                  if (chunk[j + 1] === LF) j++;
                } else skipLF = true; // CRLF split across chunks
              }
              j++;
            }
            i = j;
            if (j >= n) continue;
            st = 4;
            break;
          }
        }
        i++;
      }
      offset += n;
    }
    return null; // no boundary after the target: the file ends first
  } finally {
    await dec.chunks.return(undefined);
  }
}

/**
 * planCsvSplit's state after byte c at a field start (state 1) or after a closing quote (4): 3 a quoted field
 * opens, 1 the next field starts (delimiter d), 0 the record ends (LF or CR), 2 an unquoted field goes on.
 */
function afterFieldStart(c: number, d: number): number {
  return c === QUOTE ? 3 : c === d ? 1 : c === LF || c === CR ? 0 : 2;
}

/** The index of the next byte b at or after `from` in the chunk, or the chunk's length when there is none. */
function nextOr(chunk: Buffer, b: number, from: number): number {
  const j = chunk.indexOf(b, from);
  return j === -1 ? chunk.length : j;
}

/** planCsvSplit's scanner state, carried from chunk to chunk. */
interface SplitScan {
  /** 0 record start, 1 field start, 2 unquoted, 3 quoted, 4 quote seen inside quotes */
  st: number;
  /** The last byte was a CR ending a line: an LF right after it belongs to the same line end. */
  skipLF: boolean;
  records: number;
  lines: number;
}

/**
 * planCsvSplit's state machine on a chunk without CR, with the same results as its byte loop: only LFs and
 * quotes matter, so native Buffer#indexOf (memchr) finds them instead of a JS loop over every byte. Outside
 * quotes a quote opens a quoted field only at a field start (the first byte of a record, right after a
 * delimiter, or right after a closing quote, where it is an escaped quote); any other quote there is text.
 * Returns the chunk index of the first record start at or after index `t` once a record has been seen, or
 * the chunk length when the chunk ends first; the state for what follows is left in `s`.
 */
function scanSplitLf(chunk: Buffer, t: number, d: number, s: SplitScan): number {
  const n = chunk.length;
  if (n === 0) return 0;
  let { st, records, lines } = s;
  let i = 0;
  if (s.skipLF) {
    s.skipLF = false;
    if (chunk[0] === LF) i = 1; // the LF of a CRLF split across chunks
  }
  let nl = -1; // the next LF at or after i (n: none left), when nl >= i
  let q = -1; // the next quote at or after i (n: none left), when q >= i
  while (i < n) {
    if (st === 0) {
      if (i >= t && records >= 1) break;
      if (chunk[i] === LF) {
        lines++; // a blank line
        i++;
        continue;
      }
      st = 1;
    }
    if (st === 3) {
      // quoted: jump to the next quote, counting the LFs before it
      if (q < i) q = nextOr(chunk, QUOTE, i);
      if (nl < i) nl = nextOr(chunk, LF, i);
      while (nl < q) {
        lines++;
        nl = nextOr(chunk, LF, nl + 1);
      }
      if (q === n) {
        i = n;
        break;
      }
      st = 4;
      i = q + 1;
      continue;
    }
    if (st !== 2) {
      // 1 field start, 4 after a closing quote: one byte decides (no CR in these chunks)
      st = afterFieldStart(chunk[i]!, d);
      i++;
      if (st === 0) {
        records++;
        lines++;
      }
      continue;
    }
    // 2 unquoted: up to the line end, a quote opens a quoted field only right after a delimiter
    if (nl < i) nl = nextOr(chunk, LF, i);
    if (q < i) q = nextOr(chunk, QUOTE, i);
    if (q < nl) {
      st = q > i && chunk[q - 1] === d ? 3 : 2;
      i = q + 1;
    } else if (nl < n) {
      records++;
      lines++;
      st = 0;
      i = nl + 1;
    } else {
      // no quote and no LF up to the end of the chunk: the last byte decides the state
      st = chunk[n - 1] === d ? 1 : 2;
      i = n;
    }
  }
  s.st = st;
  s.records = records;
  s.lines = lines;
  return i;
}
