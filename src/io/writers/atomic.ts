/**
 * Atomic output: every file dq writes goes first to a temporary `.dq-tmp-<pid>-<random>-<basename>` in the
 * destination folder (same file system, so the final rename is atomic), and is renamed into place only when
 * complete. A reader of the destination therefore sees either the old file or the complete new one.
 *
 * - `createTempFor(dest)`: an exclusive temporary next to `dest`, with buffered writes (~1 MiB) that wait for
 *   the disk (backpressure: `write` returns a promise to await), `finish` (flush, fsync, close), `commit`
 *   (finish + rename), `abort` (remove).
 * - `OutputGroup`: several outputs of one run (data, log, params): `commitAll` first finishes every one and
 *   renames only when all of them finished; if any fails, all temporaries are removed and nothing is renamed.
 *   (Renames of several files cannot be one atomic step: if a rename itself fails, the remaining temporaries
 *   are removed and the error is thrown; files already renamed stay.)
 * - While a group is open, SIGINT/SIGTERM handlers (installed once) remove every live temporary and exit with
 *   130/143 (an 'exit' listener does the same for any other exit, e.g. an uncaught error); the handlers are
 *   removed when the last group closes. Only SIGKILL or a power cut leave temporaries: see cleanStaleTemps.
 * - `cleanStaleTemps(dir)`: remove temporaries left by processes that no longer run (a crash, SIGKILL).
 * - `assertNotInput(dest, inputs)`: refuse to overwrite an input (same real path or same device+inode).
 * - A destination that exists and is neither a file nor a folder (`/dev/null`, `/dev/stdout`, a named pipe) is
 *   written through, never replaced: its temporary lives in the system's temporary folder and is copied into it.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, promises as fsp, realpathSync, rmSync, statSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';

export const TEMP_PREFIX = '.dq-tmp-';
/** Buffered bytes (approximately, counted in UTF-16 units) before a write goes to disk. */
export const WRITE_BUFFER = 1 << 20;
const TEMP_RE = /^\.dq-tmp-(\d+)-/;
const MAX_NAME = 255;

/** Temporaries created by this process and not yet committed or removed (removed by the signal handlers). */
const liveTemps = new Set<string>();

/** The temporary name for `dest` (not created). */
export function tempPathFor(dest: string): string {
  const abs = resolve(dest);
  const head = `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}-`;
  let base = basename(abs);
  // keep the name within the usual 255-byte limit
  while (Buffer.byteLength(head + base) > MAX_NAME) base = base.slice(1);
  return join(dirname(abs), head + base);
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'the folder does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    default:
      return err.code ?? err.message ?? String(e);
  }
}

type State = 'open' | 'finished' | 'committed' | 'aborted' | 'failed';

/** Whether `path` exists and is a device, pipe or socket: written through instead of replaced by a rename. */
export async function isSpecialFile(path: string): Promise<boolean> {
  const st = await fsp.stat(path).catch(() => null);
  return st !== null && !st.isFile() && !st.isDirectory();
}

/** An exclusive temporary file next to its destination, with buffered writes. */
export class TempFile {
  private parts: string[] = [];
  private buffered = 0;
  private flushing: Promise<void> | null = null;
  private state: State = 'open';
  private error: unknown = null;

  constructor(
    readonly dest: string,
    readonly path: string,
    private fh: FileHandle | null,
  ) {}

  get status(): State {
    return this.state;
  }

  /** Queue text; resolves once the buffer is below its limit again (await it for backpressure). */
  write(text: string): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new Error(`cannot write ${this.dest}: output is ${this.state}`));
    this.parts.push(text);
    this.buffered += text.length;
    if (this.buffered >= WRITE_BUFFER) return this.flush();
    return this.flushing ?? Promise.resolve();
  }

  /** Write buffered text to disk. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.error) throw this.error;
    if (this.buffered === 0 || !this.fh) return;
    const data = Buffer.from(this.parts.length === 1 ? this.parts[0]! : this.parts.join(''), 'utf8');
    this.parts = [];
    this.buffered = 0;
    const fh = this.fh;
    this.flushing = (async () => {
      let off = 0;
      while (off < data.length) {
        const { bytesWritten } = await fh.write(data, off, data.length - off);
        off += bytesWritten;
      }
    })();
    try {
      await this.flushing;
    } catch (e) {
      this.state = 'failed';
      this.error = new UsageError(`cannot write ${this.dest}: ${describe(e)}`);
      throw this.error;
    } finally {
      this.flushing = null;
    }
  }

  /** Flush, fsync and close the temporary; the destination is not touched yet. */
  async finish(): Promise<void> {
    if (this.state === 'finished' || this.state === 'committed') return;
    if (this.state !== 'open') throw this.error ?? new Error(`cannot finish ${this.dest}: output is ${this.state}`);
    try {
      await this.flush();
      await this.fh!.sync();
      await this.fh!.close();
      this.fh = null;
      this.state = 'finished';
    } catch (e) {
      this.state = 'failed';
      this.error = this.error ?? new UsageError(`cannot write ${this.dest}: ${describe(e)}`);
      throw this.error;
    }
  }

  /** Finish if needed and rename the temporary into place (keeping an existing destination's permissions). */
  async commit(): Promise<void> {
    if (this.state === 'committed') return;
    await this.finish();
    try {
      const old = await fsp.stat(this.dest).catch(() => null);
      if (old && !old.isFile() && !old.isDirectory()) {
        await pipeline(createReadStream(this.path), createWriteStream(this.dest));
        await fsp.rm(this.path, { force: true });
      } else {
        if (old) await fsp.chmod(this.path, old.mode & 0o7777).catch(() => {});
        await fsp.rename(this.path, this.dest);
      }
    } catch (e) {
      this.state = 'failed';
      this.error = new UsageError(`cannot move the finished output into place at ${this.dest}: ${describe(e)}`);
      await this.abort();
      throw this.error;
    }
    liveTemps.delete(this.path);
    this.state = 'committed';
  }

  /** Remove the temporary; the destination is left untouched. Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.state === 'committed') return;
    if (this.state === 'open' || this.state === 'finished') this.state = 'aborted';
    this.parts = [];
    this.buffered = 0;
    if (this.flushing) await this.flushing.catch(() => {});
    if (this.fh) {
      const fh = this.fh;
      this.fh = null;
      await fh.close().catch(() => {});
    }
    await fsp.rm(this.path, { force: true }).catch(() => {});
    liveTemps.delete(this.path);
  }
}

/**
 * Create an exclusive temporary `.dq-tmp-<pid>-<random>-<basename>` in the folder of `dest`.
 * Throws UsageError when the folder is missing or not writable, or when `dest` is a folder.
 */
export async function createTempFor(dest: string): Promise<TempFile> {
  const abs = resolve(dest);
  const st = await fsp.stat(abs).catch(() => null);
  if (st?.isDirectory()) throw new UsageError(`cannot write ${dest}: it is a folder; give a file name`);
  const special = st !== null && !st.isFile();
  for (let attempt = 0; ; attempt++) {
    const path = tempPathFor(special ? join(tmpdir(), basename(abs)) : abs);
    // registered before the file exists, so a signal arriving during the open still removes it (see opening)
    liveTemps.add(path);
    opening.add(path);
    try {
      const fh = await fsp.open(path, 'wx', 0o666);
      opening.delete(path);
      return new TempFile(abs, path, fh);
    } catch (e) {
      opening.delete(path);
      liveTemps.delete(path);
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 5) continue;
      throw new UsageError(`cannot write ${dest}: ${describe(e)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Signals
// ---------------------------------------------------------------------------------------------------------

let openGroups = 0;
let handlersInstalled = false;

/** Remove a file or folder now, ignoring every error (while exiting, or a temporary already read). */
export function removeSync(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // nothing more can be done
  }
}

const removedAtExit = new Set<string>();

/**
 * Remove a temporary file or folder (a spill, a spooled stdin) when the process exits, however it ends: normally,
 * after an error, or on SIGINT/SIGTERM, which the CLI turns into an exit (src/cli/main.ts). Main thread only: in a
 * worker, 'exit' is the worker's own end.
 */
export function removeAtExit(path: string): void {
  if (removedAtExit.size === 0) process.once('exit', () => removedAtExit.forEach(removeSync));
  removedAtExit.add(path);
}

/**
 * Temporaries whose open is in flight: the open runs on a libuv thread, so when a signal's exit removes them the
 * file may not exist yet and be created just after, and outlive the process.
 */
const opening = new Set<string>();
/** How long an exit waits for in-flight opens to create their files, so that it can remove them. */
const OPENING_WAIT_MS = 250;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Remove every live temporary of this process, synchronously (used by the signal handlers and at exit). */
export function removeLiveTempsSync(): void {
  // an open in flight whose file does not exist yet creates it within moments (or fails): wait for it to
  // appear, then remove it
  const pending = new Set([...opening].filter((p) => !existsSync(p)));
  opening.clear();
  liveTemps.forEach(removeSync);
  liveTemps.clear();
  const until = Date.now() + OPENING_WAIT_MS;
  while (pending.size > 0 && Date.now() < until) {
    sleepSync(2);
    for (const p of pending) {
      if (existsSync(p)) {
        removeSync(p);
        pending.delete(p);
      }
    }
  }
}

function onSigint(): void {
  removeLiveTempsSync();
  process.exit(130);
}
function onSigterm(): void {
  removeLiveTempsSync();
  process.exit(143);
}

function groupOpened(): void {
  openGroups++;
  if (!handlersInstalled) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    // any other exit while a group is open (an uncaught error, process.exit): no half-written file stays
    process.on('exit', removeLiveTempsSync);
    handlersInstalled = true;
  }
}

function groupClosed(): void {
  openGroups = Math.max(0, openGroups - 1);
  if (openGroups === 0 && handlersInstalled) {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('exit', removeLiveTempsSync);
    handlersInstalled = false;
  }
}

/** Whether the SIGINT/SIGTERM handlers are installed (for tests and diagnostics). */
export function signalHandlersInstalled(): boolean {
  return handlersInstalled;
}

// ---------------------------------------------------------------------------------------------------------
// Groups
// ---------------------------------------------------------------------------------------------------------

/** Anything the group can finish, rename and abort. TempFile and the dq writers qualify. */
export interface AtomicOutput {
  /** Flush and close without renaming (optional: outputs without it are committed in the rename phase). */
  finish?(): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * The outputs of one run. Register them with `add` (or create text files with `file`); `commitAll` renames
 * them all into place only when every one finished; `abortAll` removes every temporary.
 */
export class OutputGroup {
  private outputs: { name: string; out: AtomicOutput }[] = [];
  private closed = false;

  constructor() {
    groupOpened();
  }

  get size(): number {
    return this.outputs.length;
  }

  add<T extends AtomicOutput>(name: string, out: T): T {
    if (this.closed) throw new Error('OutputGroup: add after commitAll/abortAll');
    this.outputs.push({ name, out });
    return out;
  }

  /** A temporary text file for `dest`, registered in the group (for logs, params...). */
  async file(dest: string, name = dest): Promise<TempFile> {
    return this.add(name, await createTempFor(dest));
  }

  /** Finish every output; if all succeeded rename them all into place, else remove them all and throw. */
  async commitAll(): Promise<void> {
    if (this.closed) throw new Error('OutputGroup: already closed');
    try {
      for (const { out } of this.outputs) if (out.finish) await out.finish();
    } catch (e) {
      await this.abortAll();
      throw e;
    }
    try {
      // renamed together: a signal meanwhile ends dq after the last rename, not between two (exitAfterCommits)
      await committing(async () => {
        for (const { out } of this.outputs) await out.commit();
      });
    } catch (e) {
      await this.abortAll();
      throw e;
    }
    this.close();
  }

  /** Remove every temporary (committed outputs stay). */
  async abortAll(): Promise<void> {
    for (const { out } of this.outputs) await out.abort().catch(() => {});
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    groupClosed();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Housekeeping
// ---------------------------------------------------------------------------------------------------------

function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Remove `.dq-tmp-<pid>-*` files in `dir` whose process no longer runs (this process's own are kept).
 * Returns the removed paths. A missing folder is not an error.
 */
export async function cleanStaleTemps(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || pidAlive(pid)) continue;
    const p = join(dir, name);
    try {
      const st = await fsp.lstat(p);
      if (!st.isFile()) continue;
      await fsp.rm(p, { force: true });
      removed.push(p);
    } catch {
      // raced with another cleaner, or not ours to remove
    }
  }
  return removed;
}

function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // not there (yet): resolve the folder, keep the name
    try {
      return join(realpathSync(dirname(resolve(p))), basename(p));
    } catch {
      return resolve(p);
    }
  }
}

/**
 * Refuse to write to `dest` when it is one of the inputs (same real path, or same device and inode, e.g. a
 * hard link). `-` (stdin) is ignored.
 */
export function assertNotInput(dest: string, inputs: readonly string[]): void {
  if (dest === '-') return;
  const destReal = realOrResolved(dest);
  const destStat = statOrNull(dest);
  for (const input of inputs) {
    if (input === '-') continue;
    const same =
      realOrResolved(input) === destReal ||
      (destStat !== null && (() => {
        const s = statOrNull(input);
        return s !== null && s.dev === destStat.dev && s.ino === destStat.ino;
      })());
    if (same) {
      throw new UsageError(`the output ${dest} is the input ${input}; dq never overwrites its input: choose another output path`);
    }
  }
}

/** finish / commit / abort of a writer whose temporary file is still being created. */
export function lifecycle(tempP: Promise<TempFile>): { finish(): Promise<void>; commit(): Promise<void>; abort(): Promise<void> } {
  return {
    async finish() {
      await (await tempP).finish();
    },
    async commit() {
      await (await tempP).commit();
    },
    async abort() {
      const temp = await tempP.catch(() => null);
      if (temp) await temp.abort();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// signals while outputs are renamed into place

let commits = 0;
let deferredExit: number | null = null;

/** Run `fn` (renames of a group of outputs); an exit asked for meanwhile by exitAfterCommits happens after it. */
export async function committing<T>(fn: () => Promise<T>): Promise<T> {
  commits++;
  try {
    return await fn();
  } finally {
    commits--;
    if (commits === 0 && deferredExit !== null) {
      const code = deferredExit;
      deferredExit = null;
      process.exit(code);
    }
  }
}

/** process.exit(code), or right after the renames in progress (so that a group of outputs is never half renamed). */
export function exitAfterCommits(code: number): void {
  if (commits > 0) deferredExit ??= code;
  else process.exit(code);
}
