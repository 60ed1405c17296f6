/**
 * Records of `w` uint32 words spilled to disk, partitioned by the top 8 bits of their first word (a hash), and
 * read back one partition at a time: the way a state that outgrows its memory budget (the duplicates checker's
 * tables) stays exact in bounded memory. A partition holds about 1/256 of the records.
 *
 * Records wait in `pending` (PENDING of them, in the order they came) and are written out, partition by
 * partition, when it fills, when states merge and before partitions are read. Each spill set is a directory of
 * PARTS append-only files under `$TMPDIR/dq-spill-<pid>/`, opened by name for each write (about 4 writes of
 * 64 KiB per partition per million rows), so no file descriptor outlives a call: a worker thread's descriptors
 * are closed when it exits, while its set is read by the main thread. The state is plain data and survives
 * structuredClone. `spDispose` removes a set as soon as it is read, and the main thread removes the whole
 * `dq-spill-<pid>` directory when the process exits (removeAtExit), so temporaries do not outlive an error or
 * a Ctrl-C.
 */
import { closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, readSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { DqError, EXIT } from '../errors.js';
import { removeAtExit, removeSync } from '../io/writers/atomic.js';

export const PARTS = 256;
const PENDING = 1 << 16;

export interface Spill {
  w: number;
  /** The sets' directories; partition p of a set is the file `p` in it, absent until its first record. */
  sets: string[];
  pending: Uint32Array;
  /** Records waiting in `pending`. */
  n: number;
}

const root = join(tmpdir(), `dq-spill-${process.pid}`);
if (isMainThread) removeAtExit(root);

function fail(what: string, e: unknown): never {
  const code = (e as NodeJS.ErrnoException).code ?? String(e);
  throw new DqError(
    `cannot ${what} temporary files in ${root} (${code}): duplicate counting beyond its memory budget writes 20 bytes a row ` +
      'there; set TMPDIR to an existing folder with free space, raise --exact-budget, or skip it with --skip-checks duplicates',
    EXIT.INPUT,
  );
}

/** A new, empty spill of `w`-word records with its own directory. */
export function spNew(w: number): Spill {
  let dir: string;
  try {
    // not recursive: the temporary folder must exist (and Node's recursive mkdir loops forever under /proc)
    try {
      mkdirSync(root);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    dir = mkdtempSync(join(root, 's-'));
  } catch (e) {
    fail('create', e);
  }
  return { w, sets: [dir], pending: new Uint32Array(PENDING * w), n: 0 };
}

/** The word offset in `pending` for one more record (flushing first when it is full); the caller fills w words. */
export function spSlot(s: Spill): number {
  if (s.n === PENDING) spFlush(s);
  return s.n++ * s.w;
}

let scratch = new Uint32Array(0);

/** Write the pending records to their partitions' files (in the last set), in the order they came. */
export function spFlush(s: Spill): void {
  if (s.n === 0) return;
  const { w, pending } = s;
  const words = s.n * w;
  const start = new Uint32Array(PARTS + 1);
  for (let o = 0; o < words; o += w) start[(pending[o]! >>> 24) + 1]!++;
  for (let p = 0; p < PARTS; p++) start[p + 1]! += start[p]!;
  if (scratch.length < words) scratch = new Uint32Array(pending.length);
  const at = start.slice(0, PARTS);
  for (let o = 0; o < words; o += w) {
    const q = at[pending[o]! >>> 24]!++ * w;
    for (let j = 0; j < w; j++) scratch[q + j] = pending[o + j]!;
  }
  const dir = s.sets[s.sets.length - 1]!;
  for (let p = 0; p < PARTS; p++) {
    if (start[p + 1] === start[p]) continue;
    const bytes = new Uint8Array(scratch.buffer, start[p]! * w * 4, (start[p + 1]! - start[p]!) * w * 4);
    let fd = -1;
    try {
      fd = openSync(join(dir, String(p)), 'a');
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    } catch (e) {
      fail('write', e);
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }
  s.n = 0;
}

/** Merge b into a (a mutated and returned; b emptied): partitions are read across all sets, in any order. */
export function spMerge(a: Spill, b: Spill): Spill {
  spFlush(a);
  spFlush(b);
  a.sets.push(...b.sets);
  b.sets = [];
  return a;
}

/** All records of partition p, over every set (pending records flushed first). */
export function spRead(s: Spill, p: number): Uint32Array {
  spFlush(s);
  const fds: number[] = [];
  const sizes: number[] = [];
  try {
    let bytes = 0;
    for (const dir of s.sets) {
      let fd: number;
      try {
        fd = openSync(join(dir, String(p)), 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // no record went to this partition
        throw e;
      }
      fds.push(fd);
      sizes.push(fstatSync(fd).size);
      bytes += sizes[sizes.length - 1]!;
    }
    const out = new Uint32Array(bytes / 4);
    let at = 0;
    for (let f = 0; f < fds.length; f++) {
      const fd = fds[f]!;
      const size = sizes[f]!;
      for (let got = 0; got < size; ) {
        const r = readSync(fd, out, at + got, size - got, got);
        if (r === 0) throw new Error('short read');
        got += r;
      }
      at += size;
    }
    return out;
  } catch (e) {
    return fail('read', e);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/** Remove every set of the spill (and the process's spill directory once it is empty). */
export function spDispose(s: Spill): void {
  for (const dir of s.sets) removeSync(dir);
  s.sets = [];
  s.n = 0;
  try {
    rmdirSync(root);
  } catch {
    // another spill still lives in it (or it is gone)
  }
}

/**
 * The records of `recs` (w words each) sorted by word `k` (stable LSD radix sort, two 16-bit passes); returns a
 * new array or `recs` itself.
 */
export function sortRecords(recs: Uint32Array, w: number, k: number): Uint32Array {
  const n = recs.length / w;
  let src: Uint32Array = recs;
  let dst: Uint32Array = new Uint32Array(recs.length);
  for (let shift = 0; shift < 32; shift += 16) {
    const count = new Uint32Array(65537);
    for (let i = 0; i < n; i++) count[((src[i * w + k]! >>> shift) & 0xffff) + 1]!++;
    if (count[1 + ((src[k]! >>> shift) & 0xffff)] === n) continue; // all equal in this digit
    for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
    for (let i = 0; i < n; i++) {
      const q = count[(src[i * w + k]! >>> shift) & 0xffff]!++ * w;
      for (let j = 0; j < w; j++) dst[q + j] = src[i * w + j]!;
    }
    [src, dst] = [dst, src];
  }
  return src;
}
