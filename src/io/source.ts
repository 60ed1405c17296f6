/**
 * Opening an input: a file path or `-` (stdin), gzip detected by magic bytes, the format sniffed
 * from content when the extension is missing or wrong, and the SHA-256 of the bytes as stored
 * computed while streaming.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../errors.js';
import { limitStream } from '../engine/limits.js';
import { removeAtExit } from './writers/atomic.js';

export type Format = 'csv' | 'tsv' | 'jsonl' | 'parquet';

export const READ_CHUNK = 1 << 20; // 1 MiB reads double stream throughput over the 64 KiB default

/** Bytes [start, end) of a file. */
export interface ByteRange {
  start: number;
  end: number;
  /**
   * An end not known yet (the first part of a parallel read, whose end a worker is finding): `end` is then a
   * lower bound, the bytes before it stream at once, and at it the stream waits for `endAt`; once it settles,
   * `end` is set to the offset it gives (Infinity for null: read to the end of the file).
   */
  endAt?: Promise<number | null>;
}

/** SHA-256 (hex) of a whole file as stored. */
export async function sha256File(file: string): Promise<string> {
  return hashFrom(createHash('sha256'), file, 0);
}

/** Update `hash` with bytes [from, end of file) and return the digest (one reused buffer: no allocation per chunk). */
async function hashFrom(hash: Hash, file: string, from: number): Promise<string> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let pos = from;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      hash.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/**
 * The hash of the longest prefix of an uncompressed file that a stream hashed: a whole-file stream() whose consumer
 * stopped early, or a range from byte 0 (the first part of a parallel audit), which later ranges extend.
 */
const prefixHashes = new WeakMap<Input, { hash: Hash; bytes: number }>();

const readCounts = new WeakMap<Input, number>();

/** Bytes of an input as stored (compressed bytes for gzip) that its streams and readers have read so far: for progress. */
export function bytesRead(input: Input): number {
  return readCounts.get(input) ?? 0;
}

/** Count `n` more stored bytes read from an input (streams count themselves; readers with their own file access call this). */
export function countRead(input: Input, n: number): void {
  readCounts.set(input, (readCounts.get(input) ?? 0) + n);
}

/**
 * The SHA-256 of a whole input file as stored: the digest of a complete stream() when there was one, else the
 * hash of the prefix an abandoned stream() read continued with the rest of the file (each byte hashed once, the
 * prefix not read again), else a read of the whole file. Null for stdin that was not spooled.
 */
export async function finishSha256(input: Input): Promise<string | null> {
  const done = input.sha256();
  if (done !== null) return done;
  if (input.file === null) return null;
  const prefix = prefixHashes.get(input);
  if (prefix) return hashFrom(prefix.hash.copy(), input.file, prefix.bytes); // (a copy: a Hash digests once)
  return sha256File(input.file);
}

export interface Input {
  /** As given by the user (`-` for stdin). */
  path: string;
  /** A real file path on disk (stdin is spooled to a temporary file only when a second pass or random access is needed). */
  file: string | null;
  /** Size on disk (compressed size for gzip), or null for an unspooled stream. */
  bytes: number | null;
  gzip: boolean;
  format: Format;
  /**
   * Decompressed byte stream; each call starts from the beginning (stdin: only once unless spooled).
   * With `range`, only bytes [start, end) of an uncompressed file, and no SHA-256 (parts of a file read in parallel;
   * a range starting within the prefix earlier streams hashed extends that prefix for finishSha256).
   */
  stream(range?: ByteRange): AsyncIterable<Buffer>;
  /** SHA-256 of the stored bytes, available after one full stream() has been consumed. */
  sha256(): string | null;
  /** Remove temporaries. */
  close(): Promise<void>;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const PARQUET_MAGIC = 'PAR1';
const PARQUET_ENCRYPTED_MAGIC = 'PARE';

export function formatFromExtension(path: string): Format | null {
  let name = path.toLowerCase();
  if (name.endsWith('.gz')) name = name.slice(0, -3);
  const ext = extname(name);
  switch (ext) {
    case '.csv':
    case '.txt':
      return 'csv';
    case '.tsv':
    case '.tab':
      return 'tsv';
    case '.jsonl':
    case '.ndjson':
    case '.json':
      return 'jsonl';
    case '.parquet':
    case '.pq':
      return 'parquet';
    default:
      return null;
  }
}

/** Guess the format from the first decompressed bytes. */
export function sniffFormat(head: Buffer, fallback: Format | null): Format {
  if (head.length >= 4) {
    const magic = head.subarray(0, 4).toString('latin1');
    if (magic === PARQUET_MAGIC || magic === PARQUET_ENCRYPTED_MAGIC) return 'parquet';
  }
  // skip BOM and whitespace
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (head[i] === 0x7b /* { */) {
    // A line starting with { is JSON Lines unless the extension says CSV and the first line has a delimiter outside braces.
    if (fallback === 'csv' || fallback === 'tsv') {
      const line = head.subarray(i, head.indexOf(0x0a, i) === -1 ? head.length : head.indexOf(0x0a, i)).toString('utf8').trim();
      if (!line.endsWith('}')) return fallback;
    }
    return 'jsonl';
  }
  if (head[i] === 0x5b /* [ */ && fallback !== 'csv' && fallback !== 'tsv' && fallback !== 'parquet') {
    // `[{`, `[[` or a first line of only `[`: a JSON array (the JSON Lines reader says what to do with it), not a
    // CSV header
    let j = i + 1;
    while (j < head.length && (head[j] === 0x20 || head[j] === 0x09 || head[j] === 0x0d)) j++;
    if (head[j] === 0x7b || head[j] === 0x5b || head[j] === 0x0a || j === head.length) return 'jsonl';
  }
  if (fallback === 'parquet') return 'csv'; // named .parquet but no magic: let the text readers decide; parquet reader would fail
  if (fallback) return fallback;
  // tab-heavy first line -> tsv
  const firstLine = head.subarray(0, Math.min(head.length, 65536)).toString('latin1').split(/\r\n|\n|\r/)[0] ?? '';
  const tabs = firstLine.split('\t').length - 1;
  const commas = firstLine.split(',').length - 1;
  return tabs > commas ? 'tsv' : 'csv';
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function readTail(file: string, n: number): Promise<string> {
  const fh = await fsp.open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size < n) return '';
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, size - n);
    return buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await fh.close();
  }
}

async function gunzipHead(file: string, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const gunzip = createGunzip();
  const src = createReadStream(file, { highWaterMark: 64 * 1024 });
  src.pipe(gunzip);
  try {
    for await (const c of gunzip) {
      chunks.push(c as Buffer);
      total += (c as Buffer).length;
      if (total >= n) break;
    }
  } catch {
    // a corrupt gzip is reported when the data is read
  } finally {
    src.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}

/** Spool stdin to a temporary file (needed for sniffing Parquet, second passes and sha256 of what was read). */
export async function spoolStdin(): Promise<string> {
  const dir = await fsp.mkdtemp(join(tmpdir(), 'dq-stdin-'));
  // removed by close(); this covers an exit before it (an error, or Ctrl-C)
  removeAtExit(dir);
  const file = join(dir, 'stdin');
  await pipeline(process.stdin, createWriteStream(file));
  return file;
}

/**
 * Open a file (or `-`, stdin) and sniff its format. `hash: false`: streams compute no SHA-256 (a worker reading
 * part of a file the main thread hashes).
 */
export async function openInput(path: string, opts: { format?: Format | null; maxDecompressedBytes?: number; hash?: boolean } = {}): Promise<Input> {
  let file = path;
  let temp: string | null = null;
  if (path === '-') {
    temp = await spoolStdin();
    file = temp;
  }
  let stat;
  try {
    stat = await fsp.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot open (${code ?? String(e)})`);
  }
  if (stat.isDirectory()) throw new InputError(path, 'is a folder; give the files inside it (or a glob) instead');
  let head: Buffer;
  try {
    head = await readHead(file, 4);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'EACCES' || code === 'EPERM' ? 'permission denied: dq cannot read this file (check its permissions)' : `cannot read (${code ?? String(e)})`);
  }
  const gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  const content = gzip ? await gunzipHead(file, 64 * 1024) : await readHead(file, 64 * 1024);
  const fromExt = path === '-' ? null : formatFromExtension(path);
  let format = opts.format ?? sniffFormat(content, fromExt);
  // named .parquet without the leading magic: a Parquet file all the same when it is empty, a cut-off start of
  // the magic, or still ends with the magic (a damaged header), so that the Parquet reader says what is wrong;
  // read as text, it would be an empty or garbled table
  if (!opts.format && fromExt === 'parquet' && format !== 'parquet' && !gzip) {
    const start = content.toString('latin1');
    if ((content.length < 4 && PARQUET_MAGIC.startsWith(start)) || (await readTail(file, 4)) === PARQUET_MAGIC) format = 'parquet';
  }
  let digest: string | null = null;
  const bytes = stat.size;
  const hashing = opts.hash !== false;

  const input: Input = {
    path,
    file,
    bytes,
    gzip,
    format,
    sha256: () => digest,
    async *stream(range?: ByteRange) {
      if (range) {
        if (gzip) throw new InputError(path, 'byte ranges of compressed input cannot be read');
        if (range.end <= range.start) return;
        const endAt = range.endAt;
        let end = range.end;
        const part = createReadStream(file, { highWaterMark: READ_CHUNK, start: range.start, ...(endAt ? {} : { end: end - 1 }) });
        // a range that starts within the hashed prefix (or at 0) extends it with the bytes after it, so that
        // finishSha256 need not read them again (a JSON Lines part 1 read on to the end of the file: nothing)
        const base = prefixHashes.get(input);
        const from = base?.bytes ?? 0;
        const ext = hashing && range.start <= from ? (base ? base.hash.copy() : createHash('sha256')) : null;
        let grown = false;
        let pos = range.start;
        let waited = !endAt;
        try {
          for await (const chunk of part) {
            let c = chunk as Buffer;
            if (pos + c.length > end) {
              if (!waited) {
                waited = true;
                end = range.end = (await endAt) ?? Infinity;
              }
              if (pos + c.length > end) c = c.subarray(0, end - pos);
            }
            const next = pos + c.length;
            countRead(input, c.length);
            if (ext && next > from) {
              ext.update(pos >= from ? c : c.subarray(from - pos));
              grown = true;
            }
            pos = next;
            if (c.length) yield c;
            if (pos >= end && waited) break;
          }
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          throw new InputError(path, `read failed (${err.code ?? err.message})`);
        } finally {
          part.destroy();
          if (ext && grown && pos > (prefixHashes.get(input)?.bytes ?? 0)) prefixHashes.set(input, { hash: ext, bytes: pos });
        }
        return;
      }
      const hash = hashing ? createHash('sha256') : null;
      let hashed = 0; // bytes of the stored file in `hash` (uncompressed input)
      let complete = false;
      const raw = createReadStream(file, { highWaterMark: READ_CHUNK });
      let src: AsyncIterable<Buffer> = raw;
      if (gzip) {
        raw.on('data', (c) => {
          countRead(input, (c as Buffer).length);
          hash?.update(c as Buffer);
        });
        const gunzip = createGunzip({ chunkSize: 256 * 1024 });
        raw.on('error', (e) => gunzip.destroy(e));
        raw.pipe(gunzip);
        src = opts.maxDecompressedBytes ? limitStream(gunzip, opts.maxDecompressedBytes, path) : gunzip;
      }
      try {
        for await (const chunk of src) {
          if (!gzip) {
            countRead(input, (chunk as Buffer).length);
            if (hash) {
              hash.update(chunk as Buffer);
              hashed += (chunk as Buffer).length;
            }
          }
          yield chunk as Buffer;
        }
        complete = true;
      } catch (e) {
        if (e instanceof InputError) throw e;
        const err = e as NodeJS.ErrnoException;
        if (gzip && (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR' || /unexpected end|incorrect header|invalid/i.test(err.message))) {
          throw new InputError(path, `corrupt or truncated gzip data (${err.message}); re-download or re-compress the file`);
        }
        throw new InputError(path, `read failed (${err.code ?? err.message})`);
      } finally {
        raw.destroy();
        // stopped early (or failed): keep the longest hashed prefix for finishSha256
        if (hash && !complete && !gzip && hashed > 0 && hashed > (prefixHashes.get(input)?.bytes ?? 0)) prefixHashes.set(input, { hash, bytes: hashed });
      }
      prefixHashes.delete(input);
      if (hash) digest = hash.digest('hex');
    },
    async close() {
      if (temp) await fsp.rm(join(temp, '..'), { recursive: true, force: true }).catch(() => {});
    },
  };
  return input;
}

export function displayName(path: string): string {
  return path === '-' ? 'stdin' : basename(path);
}
