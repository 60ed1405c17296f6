/**
 * planCsvSplit (where a two-thread CSV audit splits the file) against a reference: the byte-by-byte state
 * machine it used before its indexOf fast path for chunks without CR, kept here unchanged. Random texts
 * rich in quotes, delimiters, LF, CR, CRLF and multibyte UTF-8, cut into random chunks (after a 64 KiB
 * prefix, since the first 64 KiB reach the scanner as one piece), with random targets: the same offset,
 * rowsBefore and linesBefore, or null for both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCsvSplit } from '../../src/io/readers/csv.js';
import { DEFAULT_READER_OPTIONS, type Encoding, type ReaderOptions } from '../../src/io/readers/types.js';
import { chunkedInput } from '../fixtures-csv/helpers.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** The reader sniffs (and the scanner first sees) this many bytes as one piece. */
const HEAD = 64 * 1024;

type Plan = { offset: number; rowsBefore: number; linesBefore: number } | null;

/** The scanning loop of planCsvSplit before the fast path (commit b095ba6), on the bytes after the BOM. */
function referencePlan(chunks: Buffer[], delimiter: string, header: boolean, bom: boolean, target: number): Plan {
  const d = delimiter.charCodeAt(0);
  let offset = bom ? 3 : 0; // file offset of the next byte
  let st = 0; // 0 record start, 1 field start, 2 unquoted, 3 quoted, 4 quote seen inside quotes
  let skipLF = false;
  let records = 0;
  let lines = 0;
  for (const chunk of chunks) {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const c = chunk[i]!;
      if (skipLF) {
        skipLF = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (st === 0) {
        if (offset + i >= target && records >= 1) {
          const rowsBefore = header ? records - 1 : records;
          if (rowsBefore < 1) return null;
          return { offset: offset + i, rowsBefore, linesBefore: lines };
        }
        i++;
        if (c === LF) lines++;
        else if (c === CR) {
          lines++;
          skipLF = true;
        } else {
          i--;
          st = 1; // the first byte of a record starts a field
        }
        continue;
      }
      switch (st) {
        case 1: // start of a field
        case 4: // after a closing quote (text there is literal up to the next delimiter, as at a field start)
          if (c === QUOTE) st = 3;
          else if (c === d) st = 1;
          else if (c === LF) {
            records++;
            lines++;
            st = 0;
          } else if (c === CR) {
            records++;
            lines++;
            skipLF = true;
            st = 0;
          } else st = 2;
          break;
        case 2: {
          // unquoted: jump to the next delimiter or line end
          let j = i;
          while (j < n) {
            const b = chunk[j]!;
            if (b === d || b === LF || b === CR) break;
            j++;
          }
          i = j;
          if (j >= n) continue;
          if (chunk[j] === d) st = 1;
          else {
            records++;
            lines++;
            if (chunk[j] === CR) skipLF = true;
            st = 0;
          }
          break;
        }
        case 3: {
          // quoted: jump to the next quote, counting line breaks on the way
          let j = i;
          while (j < n) {
            const b = chunk[j]!;
            if (b === QUOTE) break;
            if (b === LF) lines++;
            else if (b === CR) {
              lines++;
              if (j + 1 < n) {
                if (chunk[j + 1] === LF) j++;
              } else skipLF = true; // CRLF split across chunks
            }
            j++;
          }
          i = j;
          if (j >= n) continue;
          st = 4;
          break;
        }
      }
      i++;
    }
    offset += n;
  }
  return null; // no boundary after the target: the file ends first
}

/**
 * Cuts `data` into pieces: the first `first` bytes (the reader takes the first 64 KiB as one piece anyway),
 * then pieces of the given sizes, used in turn (the last piece may be shorter).
 */
function cutBySizes(data: Buffer, first: number, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let p = Math.min(data.length, Math.max(0, first));
  if (p > 0) out.push(data.subarray(0, p));
  for (let k = 0; p < data.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]!);
    out.push(data.subarray(p, p + n));
    p += n;
  }
  return out;
}

interface Case {
  delimiter: string;
  header: boolean;
  encoding: Encoding | null;
}

/** How the input is cut: one piece of `first` bytes, then pieces of `sizes`. */
interface Cuts {
  first: number;
  sizes: number[];
}

async function plan(data: Buffer, cuts: Cuts, c: Case, target: number): Promise<Plan> {
  const opts: ReaderOptions = { ...DEFAULT_READER_OPTIONS, delimiter: c.delimiter, header: c.header, encoding: c.encoding };
  const p = await planCsvSplit(chunkedInput(cutBySizes(data, cuts.first, cuts.sizes)), opts, target);
  if (p === null) return null;
  expect(p.delimiter).toBe(c.delimiter);
  return { offset: p.offset, rowsBefore: p.rowsBefore, linesBefore: p.linesBefore };
}

function expected(data: Buffer, cuts: Cuts, c: Case, target: number): Plan {
  const bom = c.encoding !== 'latin1' && data.subarray(0, 3).equals(BOM);
  const body = bom ? data.subarray(3) : data;
  const r = referencePlan(cutBySizes(body, cuts.first - (bom ? 3 : 0), cuts.sizes), c.delimiter, c.header, bom, target);
  // the reference itself does not depend on how the bytes are cut
  expect(referencePlan([body], c.delimiter, c.header, bom, target)).toEqual(r);
  return r;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

type Prefix = 'none' | 'records' | 'crlf' | 'quoted';

/**
 * A header line, then `body`. `prefix` puts about 64 KiB - `slack` before the body (records with LF or CRLF
 * line ends, or the start of a quoted field the body continues), so that the body can be read in small chunks.
 */
function build(c: Case, body: Buffer, prefix: Prefix, slack = 0, bom = false): { data: Buffer; bodyAt: number } {
  const d = c.delimiter;
  const parts: Buffer[] = [];
  if (bom) parts.push(BOM);
  parts.push(utf8(`h1${d}h2${d}h3\n`));
  const fill = HEAD - slack;
  let len = parts.reduce((n, b) => n + b.length, 0);
  if (prefix === 'records' || prefix === 'crlf') {
    const eol = prefix === 'crlf' ? '\r\n' : '\n';
    const long = 'z'.repeat(1000); // few records: the reader's parse of the first 64 KiB stays cheap
    const rows = [`1${d}22${d}"q${d}""r""${long}"${eol}`, `333${d}${d}x y${long}${eol}`, `"a${eol}b"${d}4${d}${long}${eol}`].map(utf8);
    for (let k = 0; len < fill; k++) {
      const r = rows[k % rows.length]!;
      parts.push(r);
      len += r.length;
    }
  } else if (prefix === 'quoted') {
    const open = utf8(`7${d}"`);
    parts.push(open, Buffer.alloc(Math.max(0, fill - len - open.length), 'y'));
  }
  const head = Buffer.concat(parts);
  return { data: Buffer.concat([head, body]), bodyAt: head.length };
}

const FRAGMENTS = ['a', 'b', 'xyz', '1', ',', ',', ';', ';', '\t', '|', '"', '"', '"', '""', '\n', '\n', '\r\n', '\r', ' ', 'é', '€', '𝄞'].map(utf8);

const caseArb = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  header: fc.boolean(),
  encoding: fc.constantFrom<Encoding | null>(null, null, 'utf-8', 'latin1'),
});

describe('planCsvSplit', () => {
  it('equals the byte-by-byte reference on random texts, chunkings and targets', async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb,
        fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 400 }),
        fc.constantFrom<Prefix>('none', 'records', 'records', 'crlf', 'quoted'),
        fc.integer({ min: 0, max: 300 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: -40, max: 2000 }), { minLength: 1, maxLength: 6 }),
        async (c, frags, prefix, slack, bom, back, sizes, targets) => {
          const body = Buffer.concat(frags);
          const { data, bodyAt } = build(c, body, prefix, slack, bom);
          const cuts = { first: Math.max(HEAD, bodyAt - back), sizes };
          for (const t0 of [...targets, 0]) {
            const target = t0 === 0 ? 0 : Math.max(0, bodyAt + Math.min(t0, body.length + 2));
            expect(await plan(data, cuts, c, target)).toEqual(expected(data, cuts, c, target));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals the reference with chunks of up to 1 MiB (long quoted fields, long unquoted runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb,
        fc.array(
          fc.oneof(
            fc.constantFrom(...FRAGMENTS),
            fc.integer({ min: 1, max: 5000 }).map((n) => Buffer.alloc(n, 'w')),
            fc.integer({ min: 1, max: 200 }).map((n) => utf8('x,"y\n""'.repeat(n))),
            fc.integer({ min: 1, max: 200 }).map((n) => utf8('x;"y\r\n""'.repeat(n))),
          ),
          { maxLength: 60 },
        ),
        fc.array(fc.integer({ min: 1, max: 1 << 20 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 400_000 }), { minLength: 1, maxLength: 4 }),
        async (c, frags, sizes, targets) => {
          const { data, bodyAt } = build(c, Buffer.concat(frags), 'records');
          const cuts = { first: bodyAt, sizes };
          for (const t of targets) {
            const target = bodyAt + Math.min(t, data.length - bodyAt + 1);
            expect(await plan(data, cuts, c, target)).toEqual(expected(data, cuts, c, target));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  const comma: Case = { delimiter: ',', header: true, encoding: null };
  const table: { name: string; body: string | Buffer; c?: Partial<Case> }[] = [
    { name: 'a quote at a field start', body: 'x,"a,b\nc",y\nz,w\n' },
    { name: 'CRLF line ends', body: 'a,b\r\n"c\r\nd",e\r\nf,g\r\n' },
    { name: 'bare CR line ends', body: 'a,b\r"c\rd",e\rf,g\r\r\rh,i\r' },
    { name: 'mixed line ends', body: 'a,b\r\n"c\rd\ne\r\n",e\nf,g\r\r\n\n\rh,i\n' },
    { name: 'a stray quote mid-field', body: 'ab"c,d\ne"f\ng,h\n' },
    { name: 'escaped quotes', body: '"a""b",c\n"""",""\n"a""\nb""",d\n' },
    { name: 'text after a closing quote', body: '"ab"c"d",x\n"p"q\nr,s\n"t"",u\n' },
    { name: 'blank lines', body: '\n\na,b\n\n\nc,d\n\n' },
    { name: 'blank CRLF lines', body: '\r\n\r\na,b\r\n\r\n\r\nc,d\r\n\r\n' },
    { name: 'no newline at the end', body: 'a,b\nc,"d\ne"' },
    { name: 'no newline at the end after a quote', body: 'a,b\n"c"' },
    { name: 'delimiters before line ends', body: 'a,\n,\n,,"x"\n' },
    { name: 'multibyte UTF-8', body: 'é,"€\n𝄞",ü\n"𝄞""",é\n' },
    { name: 'semicolon', body: 'a;"b;c\nd";e\nf,"g;h\n;"i"\n', c: { delimiter: ';' } },
    { name: 'TAB', body: 'a\t"b\tc\nd"\te\nf\t\t"g"\n', c: { delimiter: '\t' } },
    { name: 'no header', body: 'a,b\n"c\nd",e\nf,g\n', c: { header: false } },
    { name: 'latin1', body: Buffer.from([0xe9, 0x2c, 0x22, 0xff, 0x0a, 0x22, 0x0a, 0x61, 0x0a]), c: { encoding: 'latin1' } },
  ];

  for (const { name, body, c: over } of table) {
    it(`equals the reference: ${name}`, async () => {
      const c: Case = { ...comma, ...over };
      const b = typeof body === 'string' ? utf8(body) : body;
      for (const prefix of ['none', 'records', 'crlf', 'quoted'] as const) {
        for (const bom of [false, true]) {
          const { data, bodyAt } = build(c, b, prefix, 0, bom);
          const chunkings = prefix === 'none' ? [[1]] : [[1], [2], [3], [7, 1, 2], [HEAD]];
          for (const sizes of chunkings) {
            // the body in chunks from its first byte, and from its second
            for (const first of [Math.max(HEAD, bodyAt), Math.max(HEAD, bodyAt + 1)]) {
              const cuts = { first, sizes };
              for (let t = Math.max(0, bodyAt - 2); t <= data.length + 1; t++) {
                expect(await plan(data, cuts, c, t)).toEqual(expected(data, cuts, c, t));
              }
            }
          }
        }
      }
    });
  }

  it('splits at the expected places', async () => {
    const data = utf8('h1,h2\n1,"x\ny"\n\n2,3\n4,5');
    const at = (t: number) => plan(data, { first: 0, sizes: [1] }, comma, t);
    expect(await at(0)).toBeNull(); // the first boundary (after the header) has no rows before it
    expect(await at(6)).toBeNull();
    expect(await at(7)).toEqual({ offset: 14, rowsBefore: 1, linesBefore: 3 });
    expect(await at(14)).toEqual({ offset: 14, rowsBefore: 1, linesBefore: 3 });
    expect(await at(15)).toEqual({ offset: 15, rowsBefore: 1, linesBefore: 4 }); // after a blank line
    expect(await at(16)).toEqual({ offset: 19, rowsBefore: 2, linesBefore: 5 });
    expect(await at(20)).toBeNull(); // the last record has no line end: no boundary after it
    // beyond the first 64 KiB: a delimiter ends one chunk, the quote opening a field starts the next
    const { data: big, bodyAt } = build(comma, utf8('a,"b\nc",d\ne,f\n'), 'records');
    const cuts = { first: bodyAt + 2, sizes: [1 << 20] };
    const ref = expected(big, cuts, comma, bodyAt + 1);
    expect(ref?.offset).toBe(bodyAt + 10);
    expect(await plan(big, cuts, comma, bodyAt + 1)).toEqual(ref);
    // CRLF split across chunks (and chunks without CR after one with)
    const { data: crlf, bodyAt: at2 } = build(comma, utf8('a,b\r\nc,d\ne,f\n'), 'records');
    for (const first of [at2 + 4, at2 + 5]) {
      const cuts2 = { first, sizes: [3] };
      const ref2 = expected(crlf, cuts2, comma, at2 + 1);
      expect(ref2?.offset).toBe(at2 + 5);
      expect(await plan(crlf, cuts2, comma, at2 + 1)).toEqual(ref2);
    }
  });
});
