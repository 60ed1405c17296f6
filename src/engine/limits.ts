/**
 * Resource limits the user can opt into. Pure helpers; the CLI and the engine wire them:
 *
 * - `--max-decompressed-bytes N`: `limitStream` wraps an input's decompressed byte stream and throws an
 *   InputError (exit 3) as soon as more than N bytes have come out of it. There is deliberately no
 *   compression-ratio rule: sparse CSV (long runs of commas, repeated values) legitimately compresses far
 *   beyond 100:1, so only an absolute limit the user chose is enforced.
 * - `--max-memory MB`: `startMemoryWatch` samples the resident set size every 100 ms on an unref'd timer and
 *   calls `onExceed` once when it goes over the limit; `memoryLimited` wraps a batch stream so that the
 *   next batch after that throws `memoryLimitError` (a DqError with exit 3) and reading stops.
 */
import { DqError, EXIT, InputError, UsageError } from '../errors.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * Parse a byte count given to a flag: a positive integer, optionally with a unit
 * (`500000`, `500k`, `2GB`, `1.5GiB`; k/M/G are powers of 1000, KiB/MiB/GiB powers of 1024).
 */
export function parseByteCount(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be a positive number of bytes (e.g. 500000000, 500MB, 2GiB), got '${v}'`);
  }
  return n;
}

/** Parse `--max-memory MB`: a positive number of megabytes (1 MB = 2^20 bytes, as Node reports RSS). */
export function parseMegabytes(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || v.trim() === '') throw new UsageError(`${flag} must be a positive number of megabytes, got '${v}'`);
  return n;
}

export function decompressedLimitMessage(max: number): string {
  return `decompressed data exceeds --max-decompressed-bytes (${max}); raise the limit if the file is legitimate`;
}

/**
 * Pass `src` through, throwing InputError(file, ...) once more than `max` bytes have been seen.
 * The chunk that crosses the limit is not yielded. Closing early (break, throw) closes `src` too.
 */
export async function* limitStream(src: AsyncIterable<Buffer>, max: number, file: string): AsyncIterable<Buffer> {
  if (!(max > 0)) throw new RangeError(`limitStream: max must be positive, got ${max}`);
  let total = 0;
  for await (const chunk of src) {
    total += chunk.length;
    if (total > max) throw new InputError(file, decompressedLimitMessage(max));
    yield chunk;
  }
}

export type RssSampler = () => number;

const defaultSampler: RssSampler = () => process.memoryUsage().rss;

/**
 * Sample the resident set size every `intervalMs` (100 by default) and call `onExceed` once, the first time
 * it is above `maxMb` megabytes (2^20 bytes). The timer is unref'd, so it never keeps the process alive.
 * Returns a function that stops the watch (safe to call more than once).
 */
export function startMemoryWatch(maxMb: number, onExceed: () => void, opts: { intervalMs?: number; sample?: RssSampler } = {}): () => void {
  if (!(maxMb > 0)) throw new RangeError(`startMemoryWatch: maxMb must be positive, got ${maxMb}`);
  const limit = maxMb * 1024 * 1024;
  const sample = opts.sample ?? defaultSampler;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    let rss: number;
    try {
      rss = sample();
    } catch {
      return;
    }
    if (rss > limit) {
      stop();
      onExceed();
    }
  }, opts.intervalMs ?? 100);
  timer.unref();
  function stop() {
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}

/** The error the engine throws when --max-memory was hit: exit 3, which limit, and what to do. */
export function memoryLimitError(maxMb: number, rssMb?: number): DqError {
  const at = rssMb !== undefined ? ` (resident memory reached ${Math.round(rssMb)} MB)` : '';
  return new DqError(
    `memory use exceeds --max-memory (${maxMb} MB)${at}; reading stopped. Raise --max-memory, audit a sample with --sample N, or give a smaller --exact-budget`,
    EXIT.INPUT,
  );
}

/**
 * Pass batches (or chunks) through while a memory watch runs; after the watch trips, the next item
 * throws memoryLimitError and the source is closed. The watch stops when iteration ends in any way.
 */
export async function* memoryLimited<T>(src: AsyncIterable<T>, maxMb: number, opts: { intervalMs?: number; sample?: RssSampler } = {}): AsyncIterable<T> {
  const sample = opts.sample ?? defaultSampler;
  let hit: number | null = null;
  const stop = startMemoryWatch(
    maxMb,
    () => {
      try {
        hit = sample() / (1024 * 1024);
      } catch {
        hit = maxMb;
      }
    },
    { ...opts, sample },
  );
  try {
    for await (const item of src) {
      if (hit !== null) throw memoryLimitError(maxMb, hit);
      yield item;
    }
  } finally {
    stop();
  }
}
