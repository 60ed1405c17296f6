#!/usr/bin/env node
/**
 * Builds the optional allocator setting (native/malloc.c -> build/dq-malloc.node) at install, on Linux with glibc
 * and a C compiler. Anything else: dq runs without it (more memory, same results). Never fails the install.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'dq-malloc.node');

function skip(why) {
  rmSync(out, { force: true });
  process.stdout.write(`dq: allocator setting not built (${why}); dq works without it, with a higher peak memory\n`);
}

function isGlibc() {
  try {
    return process.platform === 'linux' && Boolean(process.report?.getReport().header.glibcVersionRuntime);
  } catch {
    return false;
  }
}

const glibc = isGlibc();
if (!glibc) skip('not Linux with glibc');
else {
  const cc = [process.env.CC, 'cc', 'gcc', 'clang'].find((c) => c && spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!cc) skip('no C compiler');
  else {
    mkdirSync(dirname(out), { recursive: true });
    const r = spawnSync(cc, ['-O2', '-shared', '-fPIC', '-o', out, join(root, 'native', 'malloc.c')], { encoding: 'utf8' });
    if (r.status !== 0) skip(`${cc} failed: ${(r.stderr || '').trim().split('\n')[0]}`);
  }
}
