/**
 * Fuzzing the whole CLI: valid CSV, JSON Lines, gzip and Parquet bytes, mutated (truncation at any point, bit
 * flips, stray quotes, NUL bytes, a huge field, mixed line endings, Latin-1 bytes, UTF-16 without BOM, random
 * garbage), then `dq audit FILE --format json`. Properties, for every input:
 *   - the exit status is 0, 1, 2 or 3 and the process was not killed by the 15 s timeout;
 *   - stderr never holds a stack trace or an "internal error";
 *   - on exit 3, stderr is exactly one line starting with `dq: `; on exit 0, stdout is one JSON report.
 * Seeds are fixed. DQ_FUZZ_RUNS raises the number of runs per format for a longer local session.
 * A failure message carries the input as base64 and the command, to replay it by hand.
 *
 * Needs `npm run build` first (the CLI runs from dist/).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS, ROOT, tempDir } from '../helpers.js';

const RUNS = Number(process.env.DQ_FUZZ_RUNS ?? 25);
const TIMEOUT_MS = 15_000;
const dir = tempDir('dq-fuzz-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function dq(args: string[], stdin: Buffer | null): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/dq.js'), ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', CI: '1', DQ_DEBUG: '' },
      stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    if (stdin && child.stdin) {
      child.stdin.on('error', () => {}); // EPIPE when dq stops reading early
      child.stdin.end(stdin);
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

// ------------------------------------------------------------------------------------------------
// valid seeds

const CSV = Buffer.from(
  [
    'id,name,price,when,flag,note',
    '1,Ada,12.50,2024-03-01,true,"plain"',
    '2,"Lovelace, A.",-3,2024-03-02,false,"say ""hi"""',
    '3,Bob,1e6,03/04/2024,yes,"multi',
    'line"',
    '4,  Cyd ,NA,2024-13-45,no,',
    '5,Dee,7,2024-03-05T10:00:00Z,TRUE,-999',
    '5,Dee,7,2024-03-05T10:00:00Z,TRUE,-999',
    '',
  ].join('\n'),
);
const JSONL = Buffer.from(
  [
    '{"id":1,"name":"Ada","price":12.5,"tags":["a","b"],"addr":{"city":"Oslo","zip":"0150"}}',
    '{"id":2,"name":"Bob","price":null,"when":"2024-03-02T10:00:00Z"}',
    '{"id":3,"name":"Cyd \\u00e9\\n","price":"n/a","big":12345678901234567890}',
    '{"id":4,"nested":{"deep":{"er":[1,{"x":2}]}},"ok":true}',
    '',
  ].join('\n'),
);
const PARQUETS = ['alltypes_plain.parquet', 'datapage_v2.snappy.parquet', 'nested_lists.snappy.parquet', 'delta_length_byte_array.parquet'].map((n) =>
  readFileSync(join(CORPUS, 'parquet/data', n)),
);

// ------------------------------------------------------------------------------------------------
// mutations

type Mutation =
  | { k: 'truncate'; at: number }
  | { k: 'bitflip'; at: number; bit: number }
  | { k: 'insert'; at: number; what: 'quote' | 'nul' | 'latin1' | 'garbage' | 'huge' | 'crlf' | 'cr'; n: number; seed: number }
  | { k: 'endings'; seed: number }
  | { k: 'utf16'; be: boolean }
  | { k: 'garbage'; n: number; seed: number };

function bytesFrom(seed: number, n: number, lo = 0, hi = 255): Buffer {
  let a = seed >>> 0;
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    b[i] = lo + (a % (hi - lo + 1));
  }
  return b;
}

function apply(buf: Buffer, m: Mutation): Buffer {
  const pos = (at: number) => (buf.length === 0 ? 0 : at % (buf.length + 1));
  switch (m.k) {
    case 'truncate':
      return buf.subarray(0, pos(m.at));
    case 'bitflip': {
      if (buf.length === 0) return buf;
      const out = Buffer.from(buf);
      const i = m.at % buf.length;
      out[i] = out[i]! ^ (1 << m.bit);
      return out;
    }
    case 'insert': {
      const p = pos(m.at);
      const ins =
        m.what === 'quote'
          ? Buffer.from('"'.repeat(1 + (m.n % 3)))
          : m.what === 'nul'
            ? Buffer.alloc(1 + (m.n % 8))
            : m.what === 'latin1'
              ? bytesFrom(m.seed, 1 + (m.n % 6), 0x80, 0xff)
              : m.what === 'garbage'
                ? bytesFrom(m.seed, 1 + (m.n % 64))
                : m.what === 'crlf'
                  ? Buffer.from('\r\n')
                  : m.what === 'cr'
                    ? Buffer.from('\r')
                    : Buffer.alloc(200_000 + (m.n % 3_000_000), m.seed % 2 ? 0x78 : 0x2c); // a huge field of x, or of commas
      return Buffer.concat([buf.subarray(0, p), ins, buf.subarray(p)]);
    }
    case 'endings': {
      const r = bytesFrom(m.seed, buf.length, 0, 2);
      const parts: number[] = [];
      for (let i = 0; i < buf.length; i++) {
        if (buf[i] === 0x0a) {
          if (r[i] === 0) parts.push(0x0a);
          else if (r[i] === 1) parts.push(0x0d, 0x0a);
          else parts.push(0x0d);
        } else parts.push(buf[i]!);
      }
      return Buffer.from(parts);
    }
    case 'utf16': {
      const le = Buffer.from(buf.toString('utf8'), 'utf16le');
      return m.be ? le.swap16() : le;
    }
    case 'garbage':
      return bytesFrom(m.seed, m.n % 5000);
  }
}

const at = fc.nat({ max: 1 << 30 });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('truncate' as const), at }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('bitflip' as const), at, bit: fc.nat({ max: 7 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('insert' as const),
      at,
      what: fc.constantFrom('quote' as const, 'nul' as const, 'latin1' as const, 'garbage' as const, 'huge' as const, 'crlf' as const, 'cr' as const),
      n: fc.nat(),
      seed: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('endings' as const), seed: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('utf16' as const), be: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('garbage' as const), n: fc.nat(), seed: fc.nat() }) },
);

const FLAGS: string[][] = [[], [], [], ['--strict'], ['--no-header'], ['--max-field-bytes', '1000'], ['--encoding', 'latin1'], ['--sample', '3']];

interface Case {
  bytes: Buffer;
  name: string;
  flags: string[];
  stdin: boolean;
}

function caseArb(format: 'csv' | 'jsonl' | 'gzip' | 'parquet'): fc.Arbitrary<Case> {
  const seeds =
    format === 'parquet' ? fc.constantFrom(...PARQUETS.map((_, i) => i)) : fc.constantFrom(0, 1);
  return fc
    .record({
      seed: seeds,
      muts: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
      // gzip: mutate the text before compressing it, or the compressed bytes
      gzipAfter: fc.boolean(),
      flags: fc.constantFrom(...FLAGS),
      stdin: fc.constantFrom(false, false, false, true),
      wrongExt: fc.constantFrom(false, false, false, false, true),
    })
    .map(({ seed, muts, gzipAfter, flags, stdin, wrongExt }) => {
      let base: Buffer;
      let ext: string;
      if (format === 'csv') [base, ext] = [CSV, '.csv'];
      else if (format === 'jsonl') [base, ext] = [JSONL, '.jsonl'];
      else if (format === 'parquet') [base, ext] = [PARQUETS[seed]!, '.parquet'];
      else [base, ext] = [seed ? JSONL : CSV, seed ? '.jsonl.gz' : '.csv.gz'];
      let bytes: Buffer;
      if (format === 'gzip') {
        bytes = gzipAfter ? muts.reduce(apply, gzipSync(base)) : gzipSync(muts.reduce(apply, base));
      } else bytes = muts.reduce(apply, base);
      const name = `in${wrongExt ? (ext === '.csv' ? '.parquet' : '.csv') : ext}`;
      return { bytes, name, flags, stdin };
    });
}

let counter = 0;
/** Exit statuses seen per format: a fuzzer that only ever sees one outcome is not exploring. */
const seen: Record<string, Record<string, number>> = {};

async function check(c: Case, format: string): Promise<void> {
  const file = join(dir, `${counter++}-${c.name}`);
  writeFileSync(file, c.bytes);
  const args = ['audit', c.stdin ? '-' : file, '--format', 'json', '--no-config', ...c.flags];
  const r = await dq(args, c.stdin ? c.bytes : null);
  const tally = (seen[format] ??= {});
  tally[String(r.code)] = (tally[String(r.code)] ?? 0) + 1;
  const problems: string[] = [];
  if (r.timedOut) problems.push(`killed after ${TIMEOUT_MS} ms (hang)`);
  else if (r.signal) problems.push(`killed by ${r.signal}`);
  if (r.code === null || ![0, 1, 2, 3].includes(r.code)) problems.push(`exit status ${r.code}`);
  if (/\n\s+at /.test(r.stderr)) problems.push('stack trace on stderr');
  if (/internal error/.test(r.stderr)) problems.push('internal error');
  if (r.code === 3 && !/^dq: [^\n]*\n$/.test(r.stderr)) problems.push('exit 3 without exactly one `dq: ` line on stderr');
  if (r.code === 0) {
    try {
      const rep = JSON.parse(r.stdout);
      if (typeof rep.rows !== 'number') problems.push('report without rows');
    } catch {
      problems.push('exit 0 but stdout is not a JSON report');
    }
  }
  if (problems.length) {
    const b64 = c.bytes.length <= 8192 ? c.bytes.toString('base64') : `(${c.bytes.length} bytes, too large to print; kept at ${file})`;
    throw new Error(
      `${problems.join('; ')}\n  command: dq ${args.map((a) => (a === file ? c.name : a)).join(' ')}${c.stdin ? ` < ${c.name}` : ''}\n` +
        `  exit: ${r.code} signal: ${r.signal}\n  stderr: ${r.stderr.slice(0, 2000)}\n  input base64: ${b64}`,
    );
  }
  rmSync(file, { force: true });
}

const SEEDS = { csv: 0x5eed01, jsonl: 0x5eed02, gzip: 0x5eed03, parquet: 0x5eed04 } as const;

describe.concurrent('fuzzing dq audit (exit 0-3, no hang, no stack trace, one error line)', () => {
  for (const format of ['csv', 'jsonl', 'gzip', 'parquet'] as const) {
    it(
      `${format}: ${RUNS} mutated inputs`,
      { timeout: 200_000 + RUNS * 20_000 },
      async () => {
        await fc.assert(fc.asyncProperty(caseArb(format), (c) => check(c, format)), {
          seed: SEEDS[format],
          numRuns: RUNS,
          // shrinking spawns a process per step: bound it so a failure is reported in reasonable time
          interruptAfterTimeLimit: 100_000 + RUNS * 2_000,
          markInterruptAsFailure: false,
        });
        // readable and unreadable inputs both occur
        expect(Object.keys(seen[format]!).length, JSON.stringify(seen[format])).toBeGreaterThan(1);
      },
    );
  }

  it('seeds themselves are read cleanly', async () => {
    for (const c of [
      { bytes: CSV, name: 'seed.csv' },
      { bytes: JSONL, name: 'seed.jsonl' },
      { bytes: gzipSync(CSV), name: 'seed.csv.gz' },
      ...PARQUETS.map((b, i) => ({ bytes: b, name: `seed${i}.parquet` })),
    ]) {
      const file = join(dir, c.name);
      writeFileSync(file, c.bytes);
      const r = await dq(['audit', file, '--format', 'json', '--no-config'], null);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });
});

describe('mutations do what they say', () => {
  it('truncate, bitflip, insert, endings, utf16', () => {
    const b = Buffer.from('ab\ncd\n');
    expect(apply(b, { k: 'truncate', at: 3 }).toString()).toBe('ab\n');
    expect(apply(b, { k: 'bitflip', at: 0, bit: 0 }).toString()).toBe('`b\ncd\n');
    expect(apply(b, { k: 'insert', at: 1, what: 'quote', n: 0, seed: 0 }).toString()).toBe('a"b\ncd\n');
    expect(apply(b, { k: 'insert', at: 6, what: 'nul', n: 1, seed: 0 })).toEqual(Buffer.from('ab\ncd\n\0\0'));
    expect(apply(b, { k: 'endings', seed: 3 }).toString()).toMatch(/^ab(\n|\r\n|\r)cd(\n|\r\n|\r)$/);
    expect(apply(b, { k: 'utf16', be: false })).toEqual(Buffer.from('ab\ncd\n', 'utf16le'));
    expect(apply(b, { k: 'insert', at: 0, what: 'huge', n: 0, seed: 1 }).length).toBe(200_006);
  });
});
