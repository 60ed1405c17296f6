/**
 * A signal that ends dq while a temporary's open is in flight (on a libuv thread) must not leave the file behind:
 * the exit's removal runs before the file exists, and the open creates it just after. Seen as a flaky failure of
 * signals.test.ts ("a signal the instant the first temporary appears", under load). Made deterministic here: the
 * libuv threads are kept busy for a moment so that the open is queued behind them when the exit's removal runs.
 */
import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import { promises as fsp, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTempFor, removeLiveTempsSync } from '../../src/io/writers/atomic.js';
import { tempDir } from '../helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Iterations of PBKDF2 that take about `ms` on this machine. */
function iterationsFor(ms: number): number {
  const n = 2000;
  const t0 = performance.now();
  pbkdf2Sync('x', 'y', n, 64, 'sha512');
  const per = (performance.now() - t0) / n;
  return Math.max(1000, Math.round(ms / Math.max(per, 1e-6)));
}

describe('temporaries and an exit during their open', () => {
  it('removeLiveTempsSync while the open waits for a libuv thread leaves no file', async () => {
    const dir = tempDir();
    const iterations = iterationsFor(30);
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4) || 4;
    const open = fsp.open.bind(fsp);
    const busy: Promise<void>[] = [];
    vi.spyOn(fsp, 'open').mockImplementation(((...args: Parameters<typeof fsp.open>) => {
      for (let i = 0; i < threads; i++) busy.push(new Promise((res) => pbkdf2('x', 'y', iterations, 64, 'sha512', () => res())));
      const p = open(...args); // queued behind the busy threads: the file does not exist yet
      removeLiveTempsSync(); // what SIGINT/SIGTERM (or any exit) does, at this moment
      return p;
    }) as typeof fsp.open);
    const t = await createTempFor(join(dir, 'out.csv'));
    vi.restoreAllMocks();
    await Promise.all(busy);
    expect(readdirSync(dir)).toEqual([]);
    await t.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an exit with no open in flight removes the temporaries at once', async () => {
    const dir = tempDir();
    const t = await createTempFor(join(dir, 'out.csv'));
    expect(readdirSync(dir)).toHaveLength(1);
    const t0 = performance.now();
    removeLiveTempsSync();
    expect(performance.now() - t0).toBeLessThan(100);
    expect(readdirSync(dir)).toEqual([]);
    await t.abort();
  });
});
