import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { buildRequest } from '../src/cli/audit.js';
import { audit } from '../src/engine/audit.js';
import type { Report } from '../src/core/types.js';
import type { Input } from '../src/io/source.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const CORPUS = resolve(ROOT, '../shared/corpus');

/** Temporary folders made by tempDir, removed after each test file by test/setup-temps.ts. */
const temps = ((globalThis as Record<symbol, Set<string>>)[Symbol.for('dq.test.temps')] ??= new Set<string>());

/** A new temporary folder, removed when the test file is done. */
export function tempDir(prefix = 'dq-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.add(dir);
  return dir;
}

export function tmpFile(name: string, content: string | Buffer): string {
  const dir = tempDir();
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** An Input for the Parquet reader, which reads `file` by itself (no stream, no digest). */
export function inputFor(file: string, path = file): Input {
  return {
    path,
    file,
    bytes: null,
    gzip: false,
    format: 'parquet',
    stream: () => {
      throw new Error('not used');
    },
    sha256: () => null,
    close: async () => {},
  };
}

/** Write a Parquet file with hyparquet-writer (columnData and schema as it takes them); returns the path. */
export function writeParquet(path: string, columnData: unknown[], schema: unknown[], extra: Record<string, unknown> = {}): string {
  const writer = new ByteWriter();
  parquetWrite({ writer, columnData, schema, ...extra } as never);
  writeFileSync(path, new Uint8Array(writer.getBuffer()));
  return path;
}

/** Audit through the same path as the CLI (flags as the CLI would parse them). */
export async function auditFile(path: string, flags: Record<string, unknown> = {}): Promise<Report> {
  return audit(buildRequest([path], { format: 'json', ...flags } as never));
}

export function runDq(args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/dq.js'), ...args], {
    input: opts.input,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...opts.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export { rng } from './rng.js';
