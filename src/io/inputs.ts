/**
 * Several inputs: expands the command-line input arguments into a sorted list of files.
 *
 * - `-` stays stdin.
 * - A plain file path is kept as given (even if its extension is not a data extension).
 * - A folder is expanded to every data file inside it, recursively (.csv .tsv .tab .txt .jsonl .ndjson
 *   .json .parquet .pq, optionally .gz), sorted by path; hidden files and folders (`.name`), `_`-prefixed
 *   files (`_SUCCESS`, `_metadata`, `_common_metadata`), `.crc`-style checksum files and dq temporaries
 *   are skipped.
 * - A glob (`*`, `?`, `[abc]`, `{a,b}`, `**` for any number of folders) is matched against the file
 *   system: `data/*.parquet`, `data/**\/*.csv`, `logs/2024-0[1-6]/*.jsonl`. Hidden entries are only
 *   matched by a pattern segment that itself starts with a dot. A glob that matches a folder expands that
 *   folder as above.
 * - Hive-style partition folders (`year=2024/month=05/part-0.parquet`) give partitions {year: '2024',
 *   month: '05'}: every `key=value` folder in the file's path as expanded (so `data/year=2024/` given as a
 *   folder still yields year); values are URL-decoded, as Hive writes them (`__HIVE_DEFAULT_PARTITION__`
 *   stays as it is); a key seen twice keeps the innermost value. Plain files given by name get none.
 * - The result is de-duplicated (the same file named twice is read once), in argument order, each argument's
 *   files sorted.
 *
 * Errors: a missing file or folder, a folder without data files, or a glob without a match ->
 * UsageError naming the argument; a folder that cannot be listed (permissions) -> InputError naming it.
 */
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';

export interface ExpandedInput {
  path: string;
  partitions: Record<string, string>;
}

const DATA_EXT = /\.(csv|tsv|tab|txt|jsonl|ndjson|json|parquet|pq)(\.gz)?$/i;

/** Whether a file name (not a path) is a data file a folder expansion keeps. */
export function isDataFileName(name: string): boolean {
  if (name.startsWith('.') || name.startsWith('_')) return false;
  if (/\.crc$/i.test(name)) return false;
  return DATA_EXT.test(name);
}

export function hasGlob(s: string): boolean {
  return /[*?[{]/.test(s);
}

/** key=value folders along a relative path (folders only, not the file name). */
export function partitionsOf(relPath: string): Record<string, string> {
  const parts = relPath.split(/[\\/]/).filter(Boolean);
  parts.pop();
  const out: Record<string, string> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const key = p.slice(0, eq);
    let value = p.slice(eq + 1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep as is
    }
    out[key] = value;
  }
  return out;
}

/** Translate one glob path segment (no slashes) to a RegExp. */
export function segmentRegExp(seg: string): RegExp {
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < seg.length) {
    const ch = seg[i]!;
    if (ch === '\\' && i + 1 < seg.length) {
      re += escapeRe(seg[i + 1]!);
      i += 2;
      continue;
    }
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close === -1) re += '\\[';
      else {
        let body = seg.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = close + 1;
        continue;
      }
    } else if (ch === '{') {
      braces++;
      re += '(?:';
    } else if (ch === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (ch === ',' && braces > 0) re += '|';
    else re += escapeRe(ch);
    i++;
  }
  while (braces-- > 0) re += ')';
  return new RegExp('^' + re + '$');
}

function escapeRe(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? '\\' + ch : ch;
}

async function statOrNull(p: string) {
  try {
    return await fsp.stat(p);
  } catch {
    return null;
  }
}

/**
 * The entries of a folder, sorted. A folder that vanished is empty; one that cannot be read (permissions) is an
 * InputError: skipping it would silently leave its files out of the dataset.
 */
async function readDirSorted(dir: string) {
  try {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(e));
    throw new InputError(dir, `cannot list the folder (${why}); its files would be left out: fix its permissions or name the files to read`);
  }
}

/** All data files under a folder, recursively, sorted (depth-first, names in code-point order). */
async function walkFolder(dir: string, out: string[]): Promise<void> {
  for (const e of await readDirSorted(dir)) {
    if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
    const p = join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      const st = await statOrNull(p);
      isDir = !!st?.isDirectory();
      isFile = !!st?.isFile();
    }
    if (isDir) await walkFolder(p, out);
    else if (isFile && isDataFileName(e.name)) out.push(p);
  }
}

/** Match a glob against the file system. Returns matched paths (files and folders), sorted. */
async function matchGlob(pattern: string): Promise<string[]> {
  const norm = pattern.replace(/\\/g, '/');
  const absolute = norm.startsWith('/');
  const segs = norm.split('/').filter((s, i) => s !== '' || (i === 0 && absolute));
  // the literal base: leading segments without glob characters
  let baseParts: string[] = [];
  let k = 0;
  if (absolute) {
    baseParts = [''];
    k = 1;
  }
  while (k < segs.length - 1 && !hasGlob(segs[k]!)) baseParts.push(segs[k++]!);
  const base = absolute ? (baseParts.length > 1 ? baseParts.join('/') : '/') : baseParts.length ? baseParts.join('/') : '.';
  const rest = segs.slice(k);
  const results = new Set<string>();

  const visit = async (dir: string, i: number, display: string): Promise<void> => {
    if (i === rest.length) {
      results.add(display);
      return;
    }
    const seg = rest[i]!;
    if (seg === '**') {
      // zero folders
      await visit(dir, i + 1, display);
      for (const e of await readDirSorted(dir)) {
        if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
        const p = join(dir, e.name);
        const st = e.isSymbolicLink() ? await statOrNull(p) : null;
        if (e.isDirectory() || st?.isDirectory()) await visit(p, i, joinDisplay(display, e.name));
      }
      return;
    }
    if (!hasGlob(seg)) {
      const p = join(dir, seg);
      if (i === rest.length - 1) {
        if (await statOrNull(p)) results.add(joinDisplay(display, seg));
      } else {
        const st = await statOrNull(p);
        if (st?.isDirectory()) await visit(p, i + 1, joinDisplay(display, seg));
      }
      return;
    }
    const re = segmentRegExp(seg);
    const dotOk = seg.startsWith('.');
    const underOk = seg.startsWith('_');
    for (const e of await readDirSorted(dir)) {
      if (e.name.startsWith('.') && !dotOk) continue;
      if (e.name.startsWith('_') && !underOk) continue;
      if (!re.test(e.name)) continue;
      const p = join(dir, e.name);
      if (i === rest.length - 1) results.add(joinDisplay(display, e.name));
      else {
        const st = e.isSymbolicLink() ? await statOrNull(p) : null;
        if (e.isDirectory() || st?.isDirectory()) await visit(p, i + 1, joinDisplay(display, e.name));
      }
    }
  };
  const baseDisplay = base === '.' && !norm.startsWith('./') ? '' : base;
  await visit(base, 0, baseDisplay);
  return [...results].sort();
}

function joinDisplay(a: string, b: string): string {
  if (a === '') return b;
  return a.endsWith('/') ? a + b : `${a}/${b}`;
}

export async function expandInputs(args: string[]): Promise<ExpandedInput[]> {
  const out: ExpandedInput[] = [];
  const seen = new Set<string>();
  const add = (path: string, partitions: Record<string, string>) => {
    const key = path === '-' ? '-' : resolve(path);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, partitions });
  };
  for (const arg of args) {
    if (arg === '-') {
      add('-', {});
      continue;
    }
    const st = await statOrNull(arg);
    if (st?.isFile()) {
      add(arg, {});
      continue;
    }
    if (st?.isDirectory()) {
      const files: string[] = [];
      await walkFolder(arg, files);
      if (!files.length) throw new UsageError(`${arg}: the folder holds no data files (.csv, .tsv, .jsonl, .json, .parquet)`);
      for (const f of files) add(f, partitionsOf(f));
      continue;
    }
    if (!hasGlob(arg)) {
      throw new UsageError(`${arg}: no such file or folder`);
    }
    const matches = await matchGlob(arg);
    const lastSeg = arg.replace(/\\/g, '/').split('/').pop() ?? '';
    const files: string[] = [];
    for (const m of matches) {
      const s = await statOrNull(m);
      const name = m.split('/').pop() ?? m;
      // marker and checksum files (_SUCCESS, _metadata, .crc) only when the pattern names them
      if (s?.isFile() && (name.startsWith('_') || /\.crc$/i.test(name)) && !lastSeg.startsWith('_') && !/\.crc$/i.test(lastSeg)) continue;
      if (s?.isFile()) files.push(m);
      else if (s?.isDirectory()) {
        const inner: string[] = [];
        await walkFolder(m, inner);
        files.push(...inner);
      }
    }
    if (!files.length) throw new UsageError(`${arg}: no file matches this pattern`);
    for (const f of [...new Set(files)].sort()) add(f, partitionsOf(f));
  }
  return out;
}
