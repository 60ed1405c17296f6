/** Running the built CLI for the robustness tests (robust-*.test.ts). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from '../helpers.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function dq(args: string[], opts: { cwd?: string; asNobody?: boolean; input?: Buffer | string } = {}): Run {
  let cmd = process.execPath;
  let argv = [join(ROOT, 'bin/dq.js'), ...args];
  if (opts.asNobody) {
    argv = ['--reuid=65534', '--regid=65534', '--clear-groups', cmd, ...argv];
    cmd = 'setpriv';
  }
  const r = spawnSync(cmd, argv, {
    cwd: opts.cwd,
    input: opts.input,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', CI: '1', DQ_DEBUG: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit `code` with one `dq: ` line on stderr that matches every pattern, nothing on stdout. */
export function expectError(r: Run, code: number, ...patterns: RegExp[]): void {
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|internal error/);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).toMatch(/^dq: [^\n]*\n$/);
  for (const p of patterns) expect(r.stderr).toMatch(p);
  expect(r.stdout).toBe('');
}

export function report(r: Run): { rows: number; columns: { name: string }[]; findings: { check: string; id: string; count: number; examples: { line: number | null }[] }[]; source: { details: Record<string, unknown> } } {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** Deterministic bytes that look random (xorshift). */
export function noise(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

export const audit = (file: string, ...extra: string[]) => dq(['audit', file, '--format', 'json', '--no-config', ...extra]);

