/**
 * finishSha256 (src/io/source.ts): the SHA-256 of a whole file from the prefix an abandoned stream() hashed
 * (the split planners of parallel audits read the first half of a file that way) plus the rest of the file.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finishSha256, openInput, READ_CHUNK } from '../../src/io/source.js';

const dir = mkdtempSync(join(tmpdir(), 'dq-sha-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(bytes: number): { path: string; sha: string } {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (i * 2654435761) >>> 24;
  const path = join(dir, `f${bytes}.csv`);
  writeFileSync(path, data);
  return { path, sha: createHash('sha256').update(data).digest('hex') };
}

describe('finishSha256', () => {
  const big = file(3 * READ_CHUNK + 12345);

  it('continues the hash of an abandoned whole-file stream with the rest of the file', async () => {
    for (const stopAfter of [1, 2, 4]) {
      const input = await openInput(big.path);
      let n = 0;
      for await (const _ of input.stream()) if (++n === stopAfter) break;
      expect(input.sha256()).toBeNull();
      expect(await finishSha256(input)).toBe(big.sha);
      expect(await finishSha256(input)).toBe(big.sha); // again: a read of the whole file
    }
  });

  it('keeps the longest prefix of several abandoned streams; ranges are not hashed', async () => {
    const input = await openInput(big.path);
    let n = 0;
    for await (const _ of input.stream()) if (++n === 3) break;
    for await (const _ of input.stream()) break;
    for await (const _ of input.stream({ start: 0, end: 100 })) void _;
    expect(await finishSha256(input)).toBe(big.sha);
  });

  it('uses the digest of a complete stream, and reads the file when nothing was streamed', async () => {
    const a = await openInput(big.path);
    for await (const _ of a.stream()) void _;
    expect(a.sha256()).toBe(big.sha);
    expect(await finishSha256(a)).toBe(big.sha);
    const b = await openInput(big.path);
    expect(await finishSha256(b)).toBe(big.sha);
    const small = file(10);
    expect(await finishSha256(await openInput(small.path))).toBe(small.sha);
    const empty = file(0);
    expect(await finishSha256(await openInput(empty.path))).toBe(empty.sha);
  });
});

describe('finishSha256 after range reads', () => {
  const f = file(5 * READ_CHUNK + 777);

  it('a range starting within the hashed prefix extends it; one starting after it does not', async () => {
    const input = await openInput(f.path);
    let n = 0;
    for await (const _ of input.stream()) if (++n === 2) break; // prefix: 2 chunks
    for await (const _ of input.stream({ start: 3 * READ_CHUNK, end: Infinity })) void _; // after the prefix
    for await (const _ of input.stream({ start: 0, end: READ_CHUNK })) void _; // inside it
    for await (const _ of input.stream({ start: READ_CHUNK + 5, end: Infinity })) break; // extends to 3 chunks
    expect(await finishSha256(input)).toBe(f.sha);
    for await (const _ of input.stream({ start: 100, end: Infinity })) void _; // to the end of the file
    expect(await finishSha256(input)).toBe(f.sha);
  });

  it('ranges from byte 0 hash a prefix too (no whole-file stream before)', async () => {
    const input = await openInput(f.path);
    for await (const _ of input.stream({ start: 0, end: 2 * READ_CHUNK + 3 })) void _;
    expect(await finishSha256(input)).toBe(f.sha);
    const again = await openInput(f.path);
    for await (const _ of again.stream({ start: 0, end: 2 * READ_CHUNK + 3 })) void _;
    for await (const _ of again.stream({ start: 2 * READ_CHUNK + 3, end: Infinity })) void _;
    expect(await finishSha256(again)).toBe(f.sha);
  });
});
