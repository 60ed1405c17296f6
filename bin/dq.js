#!/usr/bin/env node
import { createRequire } from 'node:module';

// glibc's allocator keeps freed large blocks; build/dq-malloc.node (built at install where it can be) makes it
// return them (README, Performance). Optional; DQ_MALLOC=default or the user's own MALLOC_MMAP_THRESHOLD_ skip it.
if (process.platform === 'linux' && process.env.DQ_MALLOC !== 'default' && process.env.MALLOC_MMAP_THRESHOLD_ === undefined) {
  try {
    createRequire(import.meta.url)('../build/dq-malloc.node');
  } catch {
    // not built (no C compiler, not glibc): the default allocator settings
  }
}

import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  process.stderr.write(`dq: internal error: ${err && err.message ? err.message : String(err)}\n`);
  process.exitCode = 3;
});
