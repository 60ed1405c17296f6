/** --max-decompressed-bytes and --max-memory helpers (src/engine/limits.ts). */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DqError, InputError, UsageError } from '../../src/errors.js';
import {
  limitStream,
  memoryLimitError,
  memoryLimited,
  parseByteCount,
  parseMegabytes,
  startMemoryWatch,
} from '../../src/engine/limits.js';
import { openInput } from '../../src/io/source.js';
import { tmpFile } from '../helpers.js';

async function* chunks(sizes: number[], closed?: { value: boolean }) {
  try {
    for (const n of sizes) yield Buffer.alloc(n, 0x61);
  } finally {
    if (closed) closed.value = true;
  }
}

async function drain(src: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const c of src) n += c.length;
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('limitStream', () => {
  it('passes everything through at or under the limit', async () => {
    expect(await drain(limitStream(chunks([10, 20, 30]), 60, 'f.csv.gz'))).toBe(60);
    expect(await drain(limitStream(chunks([]), 1, 'f.csv.gz'))).toBe(0);
  });

  it('throws InputError naming the file, the flag and the fix one byte over', async () => {
    const closed = { value: false };
    const seen: number[] = [];
    const run = async () => {
      for await (const c of limitStream(chunks([10, 20, 31, 5], closed), 60, 'data.csv.gz')) seen.push(c.length);
    };
    const err = await run().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.exitCode).toBe(3);
    expect(e.message).toBe(
      'data.csv.gz: decompressed data exceeds --max-decompressed-bytes (60); raise the limit if the file is legitimate',
    );
    expect(seen).toEqual([10, 20]); // the crossing chunk is not handed on
    expect(closed.value).toBe(true); // the source was closed
  });

  it('closes the source when the consumer stops early', async () => {
    const closed = { value: false };
    for await (const _ of limitStream(chunks([1, 1, 1], closed), 100, 'x')) break;
    expect(closed.value).toBe(true);
  });

  it('stops a gzip bomb early (1 GB of zeros is never fully inflated)', async () => {
    // 64 MB of zeros compresses to ~64 KB; a 1 MB limit must trip after about one gunzip chunk
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const path = tmpFile('bomb.csv.gz', bomb);
    const input = await openInput(path);
    const t0 = performance.now();
    const err = await drain(limitStream(input.stream(), 1_000_000, path)).then(() => null, (e: unknown) => e);
    await input.close();
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('--max-decompressed-bytes (1000000)');
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('sparse data that compresses > 100:1 is fine under a sufficient limit (no ratio rule)', async () => {
    const sparse = Buffer.from('a,b,c,d\n' + '1,,,\n'.repeat(200_000));
    const gz = gzipSync(sparse, { level: 9 });
    expect(sparse.length / gz.length).toBeGreaterThan(100);
    const path = tmpFile('sparse.csv.gz', gz);
    const input = await openInput(path);
    expect(await drain(limitStream(input.stream(), sparse.length, path))).toBe(sparse.length);
    await input.close();
  });
});

describe('parseByteCount / parseMegabytes', () => {
  it.each([
    ['1', 1],
    ['500000', 500_000],
    ['500k', 500_000],
    ['2GB', 2_000_000_000],
    ['1GiB', 1024 ** 3],
    ['1.5MiB', 1.5 * 1024 ** 2],
  ])('%s -> %d', (v, n) => expect(parseByteCount('--max-decompressed-bytes', v)).toBe(n));

  it.each(['0', '-1', 'abc', '', '5 parsecs', '1e3'])('rejects %j with a UsageError naming the flag', (v) => {
    expect(() => parseByteCount('--max-decompressed-bytes', v)).toThrow(UsageError);
    expect(() => parseByteCount('--max-decompressed-bytes', v)).toThrow(/--max-decompressed-bytes/);
  });

  it('undefined stays undefined', () => {
    expect(parseByteCount('--x', undefined)).toBeUndefined();
    expect(parseMegabytes('--max-memory', undefined)).toBeUndefined();
  });

  it('megabytes', () => {
    expect(parseMegabytes('--max-memory', '512')).toBe(512);
    expect(() => parseMegabytes('--max-memory', '0')).toThrow(/--max-memory/);
    expect(() => parseMegabytes('--max-memory', 'lots')).toThrow(UsageError);
  });
});

describe('startMemoryWatch', () => {
  it('calls onExceed once when the sampled RSS goes over the limit, then stops sampling', async () => {
    let rss = 10 * 1024 * 1024;
    let samples = 0;
    let calls = 0;
    const stop = startMemoryWatch(
      100,
      () => calls++,
      {
        intervalMs: 5,
        sample: () => {
          samples++;
          return rss;
        },
      },
    );
    await sleep(40);
    expect(calls).toBe(0);
    expect(samples).toBeGreaterThan(1);
    rss = 101 * 1024 * 1024;
    await sleep(40);
    expect(calls).toBe(1);
    const after = samples;
    await sleep(40);
    expect(calls).toBe(1);
    expect(samples).toBe(after);
    stop();
    stop(); // idempotent
  });

  it('does not fire after stop()', async () => {
    let calls = 0;
    const stop = startMemoryWatch(1, () => calls++, { intervalMs: 5, sample: () => 1e12 });
    stop();
    await sleep(30);
    expect(calls).toBe(0);
  });

  it('samples the real process RSS every 100 ms by default', async () => {
    // 1 MB is below any Node process: fires on the first sample
    let at = 0;
    const t0 = performance.now();
    const stop = startMemoryWatch(1, () => (at = performance.now() - t0));
    await sleep(350);
    stop();
    expect(at).toBeGreaterThanOrEqual(90);
    expect(at).toBeLessThan(340);
  });

  it('the watch timer is unref-ed', () => {
    const origSet = globalThis.setInterval;
    let unrefd = false;
    (globalThis as { setInterval: unknown }).setInterval = ((fn: () => void, ms: number) => {
      const t = origSet(fn, ms);
      const u = t.unref.bind(t);
      t.unref = () => {
        unrefd = true;
        return u();
      };
      return t;
    }) as typeof setInterval;
    try {
      const stop = startMemoryWatch(1024, () => {});
      stop();
    } finally {
      globalThis.setInterval = origSet;
    }
    expect(unrefd).toBe(true);
  });

  it('rejects a non-positive limit', () => {
    expect(() => startMemoryWatch(0, () => {})).toThrow(RangeError);
  });
});

describe('memoryLimited', () => {
  it('stops reading with a DqError exit 3 that names the limit and the remedies', async () => {
    let rss = 0;
    async function* batches(closed: { value: boolean }) {
      try {
        for (let i = 0; i < 1000; i++) {
          await sleep(2);
          yield i;
        }
      } finally {
        closed.value = true;
      }
    }
    const closed = { value: false };
    const got: number[] = [];
    const run = async () => {
      for await (const b of memoryLimited(batches(closed), 64, { intervalMs: 5, sample: () => rss })) {
        got.push(b);
        if (b === 10) rss = 65 * 1024 * 1024;
      }
    };
    const err = await run().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DqError);
    const e = err as DqError;
    expect(e.exitCode).toBe(3);
    expect(e.message).toMatch(/--max-memory \(64 MB\)/);
    expect(e.message).toMatch(/65 MB/);
    expect(e.message).toMatch(/raise --max-memory/i);
    expect(e.message).toMatch(/--sample/);
    expect(e.message).toMatch(/--exact-budget/);
    expect(got.length).toBeLessThan(1000);
    expect(closed.value).toBe(true);
  });

  it('passes everything through under the limit', async () => {
    async function* gen() {
      for (let i = 0; i < 5; i++) yield i;
    }
    const got: number[] = [];
    for await (const x of memoryLimited(gen(), 1e6)) got.push(x);
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  it('memoryLimitError is one line', () => {
    expect(memoryLimitError(512).message).not.toMatch(/\n/);
    expect(memoryLimitError(512, 600.4).message).toContain('600 MB');
  });
});
