/**
 * finishSha256 (src/io/source.ts): the SHA-256 of a whole file from the prefix an abandoned stream() hashed
 * (the split planners of parallel audits read the first half of a file that way) plus the rest of the file.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finishSha256, openInput, READ_CHUNK, type ByteRange } from '../../src/io/source.js';

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

describe('ranges whose end is found later (endAt)', () => {
  const f = file(4 * READ_CHUNK + 999);
  const whole = readFileSync(f.path);

  async function read(input: Awaited<ReturnType<typeof openInput>>, range: ByteRange): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of input.stream(range)) parts.push(c);
    return Buffer.concat(parts);
  }

  it('streams the bytes before the lower bound without waiting, then ends where endAt says', async () => {
    for (const [bound, at] of [
      [READ_CHUNK + 10, 2 * READ_CHUNK + 77],
      [READ_CHUNK, READ_CHUNK], // the bound is the end
      [2 * READ_CHUNK, 2 * READ_CHUNK + 5], // a bound at a chunk boundary, the end after it
      [READ_CHUNK - 1, 3 * READ_CHUNK], // at a chunk boundary
      [10, whole.length], // the end of the file
    ] as const) {
      const input = await openInput(f.path);
      let settle: (n: number | null) => void = () => undefined;
      const range: ByteRange = { start: 0, end: bound, endAt: new Promise((r) => (settle = r)) };
      const parts: Buffer[] = [];
      let seen = 0;
      const it = input.stream(range)[Symbol.asyncIterator]();
      // everything before the bound comes while endAt is pending
      while (seen + READ_CHUNK <= bound) {
        const { value } = await it.next();
        parts.push(value as Buffer);
        seen += (value as Buffer).length;
      }
      settle(at);
      for (let r = await it.next(); !r.done; r = await it.next()) parts.push(r.value as Buffer);
      expect(Buffer.concat(parts).equals(whole.subarray(0, at))).toBe(true);
      expect(range.end).toBe(at);
      expect(await finishSha256(input)).toBe(f.sha); // the prefix read extends to the end found
    }
  });

  it('null: to the end of the file; a later start too', async () => {
    const input = await openInput(f.path);
    const range: ByteRange = { start: 0, end: 5, endAt: Promise.resolve(null) };
    expect((await read(input, range)).equals(whole)).toBe(true);
    expect(range.end).toBe(Infinity);
    const later: ByteRange = { start: 3, end: READ_CHUNK, endAt: Promise.resolve(READ_CHUNK + 3) };
    expect((await read(input, later)).equals(whole.subarray(3, READ_CHUNK + 3))).toBe(true);
  });

  it('an input opened with hash: false computes no SHA-256', async () => {
    const input = await openInput(f.path, { hash: false });
    expect((await read(input, { start: 0, end: Infinity })).equals(whole)).toBe(true);
    for await (const _ of input.stream()) void _;
    expect(input.sha256()).toBeNull();
  });
});
