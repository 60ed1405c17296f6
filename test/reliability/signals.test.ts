/**
 * Interruption: `dq clean big.csv -o out.csv` stopped by SIGINT / SIGTERM leaves neither `out.csv` nor a
 * `.dq-tmp-*` temporary in the folder, and exits 130 / 143 (not killed by the signal).
 * Two moments per signal: 300 ms after the start (reading, fitting), and while the output temporary is being
 * written (the moment a `.dq-tmp-*` file appears).
 *
 * Needs `npm run build` first (the CLI runs from dist/). Generates a ~50 MB CSV in a temporary folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers.js';

const DQ = join(ROOT, 'bin/dq.js');
const hasClean = spawnSync(process.execPath, [DQ, 'clean', '--help'], { encoding: 'utf8' }).status === 0;

let dir = '';
let big = '';

async function writeBigCsv(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,name,price,qty,when,note\n');
  let n = 0;
  let i = 0;
  while (n < bytes) {
    let chunk = '';
    for (let k = 0; k < 2000; k++, i++) {
      const price = i % 101 === 0 ? '' : ((i * 7.31) % 1000).toFixed(2);
      chunk += `${i},name${i % 977},${price},${i % 13},2024-0${1 + (i % 9)}-1${i % 9},"note ${i % 31}"\n`;
    }
    n += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const leftovers = (d: string) => readdirSync(d).filter((f) => f !== 'big.csv');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  sentAt: number;
}

/** Start dq clean; send `sig` after `when` ms, or (`when` = 'temp') `afterTempMs` after a `.dq-tmp-*` appears. */
function interrupt(sig: NodeJS.Signals, when: number | 'temp', extra: string[] = [], afterTempMs = 0): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [DQ, 'clean', big, '-o', join(dir, 'out.csv'), '-q', ...extra], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let sentAt = -1;
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const send = () => {
      if (sentAt >= 0) return;
      sentAt = performance.now() - t0;
      child.kill(sig);
    };
    let poll: NodeJS.Timeout | undefined;
    if (when === 'temp') {
      poll = setInterval(() => {
        if (readdirSync(dir).some((f) => f.startsWith('.dq-tmp-'))) {
          clearInterval(poll);
          if (afterTempMs) setTimeout(send, afterTempMs);
          else send();
        }
      }, 5);
    } else setTimeout(send, when);
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(guard);
      resolve({ code, signal, stderr, sentAt });
    });
  });
}

/** What a shell reports as $?: the exit code, or 128 + the signal number when the process died of a signal. */
function shellStatus(r: Exit): number | null {
  if (r.code !== null) return r.code;
  return r.signal === 'SIGINT' ? 130 : r.signal === 'SIGTERM' ? 143 : r.signal === 'SIGKILL' ? 137 : null;
}

const EXTRA = () => ['--impute', 'median', '--log', join(dir, 'log.jsonl'), '--save-params', join(dir, 'params.json')];

describe.skipIf(!hasClean)('interrupting dq clean', () => {
  beforeAll(async () => {
    dir = tempDir('dq-signals-');
    big = join(dir, 'big.csv');
    await writeBigCsv(big, 50_000_000);
  }, 120_000);
  beforeEach(() => {
    // a failed case must not leave files that make the next one signal too early
    for (const f of leftovers(dir)) rmSync(join(dir, f), { force: true });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // While reading and fitting, no output is open: dq exits with 130 / 143 (src/cli/main.ts), or dies of the
  // signal if it comes before the CLI runs; a shell reports 130 / 143 either way, and nothing has been written yet.
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s 300 ms after the start: status %d, no out.csv, no temporary', { timeout: 90_000 }, async (sig, code) => {
    const r = await interrupt(sig, 300);
    expect(r.sentAt, 'the signal was sent before dq finished').toBeGreaterThanOrEqual(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(shellStatus(r)).toBe(code);
    expect(leftovers(dir)).toEqual([]);
  });

  // While the outputs are open, the atomic writer's handlers exit with exactly 130 / 143.
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while the outputs are being written: exit code %d, no out.csv, no log, no params', { timeout: 90_000 }, async (sig, code) => {
    // signal once the output temporaries have existed for a moment (not the instant the first appears: see below)
    const r = await interrupt(sig, 'temp', EXTRA(), 150);
    expect(r.sentAt, 'a .dq-tmp-* temporary appeared and the signal was sent while it existed').toBeGreaterThanOrEqual(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
    expect(leftovers(dir)).toEqual([]);
  });

  // KNOWN BUG (src/io/writers/atomic.ts, createTempFor): the temporary is added to `liveTemps` only after
  // `await fsp.open(path, 'wx')` resolves, so a signal that arrives after the file exists on disk but before
  // that continuation runs leaves a `.dq-tmp-*` behind (about half of the time when the signal comes as the
  // first temporary appears, with --log and --save-params). Fix: `liveTemps.add(path)` before the open (and
  // delete it in the catch). The race is timing-dependent (it leaked in 4 of 8 and 6 of 16 manual tries, but
  // some runs of 10 tries on a busy machine saw no leak), so neither `it` nor `it.fails` would be stable until
  // (atomic.ts registers a temporary before creating it, so the race is closed)
  it('a signal the instant the first temporary appears leaves nothing behind (10 tries)', { timeout: 300_000 }, async () => {
    for (let k = 0; k < 10; k++) {
      const sig = k % 2 ? 'SIGTERM' : 'SIGINT';
      const r = await interrupt(sig, 'temp', EXTRA());
      expect(r.sentAt).toBeGreaterThanOrEqual(0);
      expect(shellStatus(r)).toBe(sig === 'SIGINT' ? 130 : 143);
      expect(leftovers(dir), `try ${k + 1} (${sig})`).toEqual([]);
    }
  });
});

describe.skipIf(hasClean)('interrupting dq clean (skipped)', () => {
  it.skip('dq clean is not in the built CLI yet (node bin/dq.js clean --help fails): build it, then these tests run', () => {});
});

describe('interrupting dq audit while duplicates spill to disk', () => {
  let adir = '';
  let input = '';
  beforeAll(async () => {
    adir = tempDir('dq-signals-audit-');
    input = join(adir, 'big.csv');
    await writeBigCsv(input, 20_000_000);
  }, 120_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s once the spill exists: status %d and the spill folder is removed', { timeout: 90_000 }, async (sig, code) => {
    const tmp = join(adir, `tmp-${sig}`);
    mkdirSync(tmp);
    // --exact-budget 1: tables of 4 MiB, spilled after about 150,000 distinct rows; TMPDIR shows the spill
    const child = spawn(process.execPath, [DQ, 'audit', input, '--exact-budget', '1', '--threads', '1', '-q', '--format', 'json'], {
      env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1', CI: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let sent = false;
    const poll = setInterval(() => {
      const spill = readdirSync(tmp).find((f) => f.startsWith('dq-spill-'));
      if (spill && readdirSync(join(tmp, spill)).length > 0 && !sent) {
        sent = true;
        child.kill(sig);
      }
    }, 5);
    const [exitCode, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    clearInterval(poll);
    expect(sent, 'the spill folder appeared and the signal was sent').toBe(true);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect({ exitCode, signal }).toEqual({ exitCode: code, signal: null });
    expect(readdirSync(tmp)).toEqual([]);
  });
});
