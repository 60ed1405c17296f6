/**
 * Damaged Parquet files named .parquet (each case failed before its fix): empty or cut inside the magic (they were
 * read as empty CSV, exit 0), a damaged leading magic, a page header without a size ("claims undefined bytes"), a
 * malformed footer (a JavaScript TypeError's text). Runs the built CLI (`npm run build` first).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, tempDir, writeParquet } from '../helpers.js';
import { audit, expectError, report } from './robust-helpers.js';

describe('damaged Parquet files named .parquet', () => {
  it('empty, cut inside the magic, or with a damaged leading magic: the Parquet reader says so (not read as CSV)', () => {
    const dir = tempDir();
    const good = writeParquet(join(dir, 'good.parquet'), [{ name: 'a', data: [1, 2, 3] }], [
      { name: 'root', num_children: 1 },
      { name: 'a', type: 'INT32', repetition_type: 'REQUIRED' },
    ], { codec: 'UNCOMPRESSED' });
    const bytes = readFileSync(good);
    expect(report(audit(good)).rows).toBe(3);
    for (const [name, content] of [
      ['empty.parquet', Buffer.alloc(0)],
      ['p.parquet', Buffer.from('P')],
      ['par.parquet', Buffer.from('PAR')],
    ] as const) {
      writeFileSync(join(dir, name), content);
      expectError(audit(join(dir, name)), 3, /corrupt or invalid Parquet/, /too few for Parquet/);
    }
    const head = Buffer.from(bytes);
    head.write('PAR2', 0, 'latin1');
    writeFileSync(join(dir, 'head.parquet'), head);
    expectError(audit(join(dir, 'head.parquet')), 3, /does not start with the Parquet magic/);
  });

  it('a page header without a page size, and a malformed footer, are described without JavaScript internals', () => {
    const dir = tempDir();
    const good = writeParquet(join(dir, 'good.parquet'), [{ name: 'a', data: Array.from({ length: 100 }, (_, i) => i) }], [
      { name: 'root', num_children: 1 },
      { name: 'a', type: 'INT32', repetition_type: 'REQUIRED' },
    ], { codec: 'UNCOMPRESSED' });
    const b = readFileSync(good);
    b.fill(0, 4, 24); // the first page header: zeros end the thrift struct before any field
    writeFileSync(join(dir, 'page.parquet'), b);
    const r = audit(join(dir, 'page.parquet'));
    expectError(r, 3, /invalid page header/, /row group 0, column a/);
    expect(r.stderr).not.toMatch(/undefined/);
    const footer = audit(join(CORPUS, 'parquet/bad_data/PARQUET-1481.parquet'));
    expectError(footer, 3, /cannot parse the footer: the metadata is malformed/);
    expect(footer.stderr).not.toMatch(/destructure|undefined/);
  });

  it('a string length beyond its page is corrupt, not an "unsupported" large value; a real large value still is', () => {
    const dir = tempDir();
    const n = 200;
    const good = writeParquet(join(dir, 'good.parquet'), [{ name: 's', data: Array.from({ length: n }, (_, i) => `value ${i}`) }], [
      { name: 'root', num_children: 1 },
      { name: 's', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED', converted_type: 'UTF8' },
    ], { codec: 'UNCOMPRESSED' });
    const b = readFileSync(good);
    // the first value's 4-byte length prefix, just before "value 0": make it about 1.2 GB
    const at = b.indexOf(Buffer.from('value 0')) - 4;
    expect(b.readUInt32LE(at)).toBe(7);
    b.writeUInt32LE(0x4a24_0000, at);
    writeFileSync(join(dir, 'len.parquet'), b);
    const r = audit(join(dir, 'len.parquet'));
    expectError(r, 3, /corrupt or invalid Parquet/, /row group 0, column s/, /left in the page/);
    expect(r.stderr).not.toMatch(/unsupported/);
    expectError(audit(good, '--max-field-bytes', '4'), 3, /^dq: unsupported: values over 4 bytes/);
  });

  it('a damaged SNAPPY page says that decompressing it failed, not only the decoder\'s words', () => {
    const dir = tempDir();
    const good = writeParquet(join(dir, 'good.parquet'), [{ name: 's', data: Array.from({ length: 2000 }, (_, i) => `value ${i % 50} text`) }], [
      { name: 'root', num_children: 1 },
      { name: 's', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED', converted_type: 'UTF8' },
    ], { codec: 'SNAPPY' });
    expect(report(audit(good)).rows).toBe(2000);
    const b = readFileSync(good);
    b.fill(0xff, 60, 68); // inside the first page's compressed data
    writeFileSync(join(dir, 'snappy.parquet'), b);
    expectError(audit(join(dir, 'snappy.parquet')), 3, /row group 0, column s/, /cannot decompress a SNAPPY page \(/);
  });
});

