import { execFileSync, spawn } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import Papa from 'papaparse';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssueLog } from '../../src/core/issues.js';
import type { Batch, Cell } from '../../src/core/types.js';
import { UsageError } from '../../src/errors.js';
import { readJsonl } from '../../src/io/readers/jsonl.js';
import { DEFAULT_READER_OPTIONS } from '../../src/io/readers/types.js';
import type { Input } from '../../src/io/source.js';
import {
  assertNotInput,
  cleanStaleTemps,
  createTempFor,
  OutputGroup,
  signalHandlersInstalled,
  tempPathFor,
} from '../../src/io/writers/atomic.js';
import { createCsvWriter, isFormulaLike } from '../../src/io/writers/csv.js';
import { writeAtomic } from '../../src/cli/audit.js';
import { createJsonlWriter, jsonCell } from '../../src/io/writers/jsonl.js';

const here = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(here, '../../src');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dq-writers-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function freshDir(): string {
  const d = join(dir, `case-${++n}`);
  mkdirSync(d);
  return d;
}
const files = (d: string) => readdirSync(d).sort();

function inputOf(bytes: Buffer): Input {
  return {
    path: 'mem.jsonl',
    file: null,
    bytes: bytes.length,
    gzip: false,
    format: 'jsonl',
    async *stream() {
      yield bytes;
    },
    sha256: () => null,
    close: async () => {},
  };
}

async function readBack(path: string): Promise<{ columns: string[]; rows: Cell[][]; issues: IssueLog }> {
  const issues = new IssueLog();
  const meta: Record<string, unknown> = {};
  const rows: Cell[][] = [];
  for await (const b of readJsonl(inputOf(readFileSync(path)), DEFAULT_READER_OPTIONS, issues, meta)) {
    for (let i = 0; i < b.length; i++) rows.push(b.data.map((c) => c[i]!));
  }
  return { columns: meta.columns as string[], rows, issues };
}

const COLUMNS = ['id', 'name', 'user.city', 'big', 'ok', 'score'];
const DATA: Cell[][] = [
  [1, 2, 3, 4],
  ['ada', 'b,ob', 'say "hi"', 'line\nbreak\r\n'],
  ['Oslo', null, '=SUM(A1)', ''],
  [12345678901234567890n, -9007199254740993n, 5n, null],
  [true, false, null, true],
  [0.5, -0, 1e21, 123.456],
];

describe('JSONL writer', () => {
  it('round-trips through the JSONL reader: names, nulls, bigint, booleans', async () => {
    const d = freshDir();
    const dest = join(d, 'out.jsonl');
    const w = createJsonlWriter(dest);
    await w.write(COLUMNS, DATA, 2);
    await w.write(COLUMNS, DATA.map((c) => c.slice(2)), 2);
    await w.commit();
    expect(files(d)).toEqual(['out.jsonl']);
    const text = readFileSync(dest, 'utf8');
    expect(text.split('\n')[0]).toBe('{"id":1,"name":"ada","user.city":"Oslo","big":12345678901234567890,"ok":true,"score":0.5}');
    const back = await readBack(dest);
    expect(back.columns).toEqual(COLUMNS);
    const expectedRows = [0, 1, 2, 3].map((i) => DATA.map((c) => c[i]!));
    expectedRows[1]![5] = 0; // -0 is written as 0
    expectedRows[2]![3] = 5; // a bigint in the safe range reads back as a number
    expect(back.rows).toEqual(expectedRows);
    expect(back.issues.findings()).toEqual([]);
  });

  it('cell literals: exact bigint, doubles beyond 2^53 in exponent form, no NaN in JSON', () => {
    expect(jsonCell(2n ** 70n)).toBe('1180591620717411303424');
    expect(jsonCell(2 ** 60)).toBe('1.152921504606847e+18');
    expect(jsonCell(9007199254740991)).toBe('9007199254740991');
    expect(jsonCell(NaN)).toBe('null');
    expect(jsonCell(-Infinity)).toBe('null');
    expect(jsonCell('a"\n')).toBe('"a\\"\\n"');
  });

  it('round-trips random tables exactly (property)', async () => {
    const cell = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
      fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).filter((b) => b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)),
      fc.boolean(),
      fc.constant(null),
    );
    const d = freshDir();
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.infiniteStream(cell), async (nc, nr, cells) => {
        const columns = Array.from({ length: nc }, (_, i) => `c${i}`);
        const data = columns.map(() => Array.from({ length: nr }, () => cells.next().value as Cell));
        const dest = join(d, `p${++k}.jsonl`);
        const w = createJsonlWriter(dest);
        await w.write(columns, data, nr);
        await w.commit();
        const back = await readBack(dest);
        expect(back.rows).toEqual(Array.from({ length: nr }, (_, i) => data.map((c) => c[i]!)));
      }),
      { numRuns: 60 },
    );
  });
});

describe('CSV writer', () => {
  it('RFC 4180 quoting, null as empty field, exact bigint, booleans; parses back with papaparse', async () => {
    const d = freshDir();
    const dest = join(d, 'out.csv');
    const w = createCsvWriter(dest);
    await w.write(COLUMNS, DATA, 4);
    await w.commit();
    const text = readFileSync(dest, 'utf8');
    expect(text.split('\n')[0]).toBe('id,name,user.city,big,ok,score');
    expect(text.split('\n')[1]).toBe('1,ada,Oslo,12345678901234567890,true,0.5');
    expect(text).toContain('2,"b,ob",,-9007199254740993,false,0\n');
    expect(text).toContain('"say ""hi"""');
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false });
    const rows = parsed.data.filter((r) => r.length > 1);
    expect(rows).toEqual([
      COLUMNS,
      ['1', 'ada', 'Oslo', '12345678901234567890', 'true', '0.5'],
      ['2', 'b,ob', '', '-9007199254740993', 'false', '0'],
      ['3', 'say "hi"', '=SUM(A1)', '5', '', '1e+21'],
      ['4', 'line\nbreak\r\n', '', '', 'true', '123.456'],
    ]);
  });

  it('other delimiters, and a lone empty field stays a row', async () => {
    const d = freshDir();
    const dest = join(d, 'out.tsv');
    const w = createCsvWriter(dest, { delimiter: '\t' });
    await w.write(['a', 'b'], [['x\ty', 'p,q'], [null, 'z']], 2);
    await w.commit();
    expect(readFileSync(dest, 'utf8')).toBe('a\tb\n"x\ty"\t\np,q\tz\n');
    const one = join(d, 'one.csv');
    const w1 = createCsvWriter(one);
    await w1.write(['a'], [[null, 'x', '']], 3);
    await w1.commit();
    expect(readFileSync(one, 'utf8')).toBe('a\n""\nx\n""\n');
    expect(() => createCsvWriter(join(d, 'bad.csv'), { delimiter: '"' })).toThrow(UsageError);
  });

  it('later writes may reorder columns; unknown columns are refused', async () => {
    const d = freshDir();
    const dest = join(d, 'out.csv');
    const w = createCsvWriter(dest);
    await w.write(['a', 'b'], [[1], [2]], 1);
    await w.write(['b', 'a'], [[4], [3]], 1);
    await w.write(['a'], [[5]], 1);
    await expect(w.write(['a', 'c'], [[6], [7]], 1)).rejects.toThrow(/"c"/);
    await w.commit();
    expect(readFileSync(dest, 'utf8')).toBe('a,b\n1,2\n3,4\n5,\n');
  });

  it.each([
    ['=1+2', true],
    ['+1+2', true],
    ['-2+3', true],
    ['@SUM(A1)', true],
    ['\tx', true],
    ['\r=x', true],
    ['-5', false],
    ['+3.2', false],
    ['-0.5e3', false],
    ['-1,5', false],
    ['1+2', false],
    ['', false],
    ['a=b', false],
    ['-', true],
    ['--5', true],
  ])('formula-like %j -> %s', (s, yes) => {
    expect(isFormulaLike(s)).toBe(yes);
  });

  it('safeFormulas neutralises formula text (header too), never numbers', async () => {
    const d = freshDir();
    const dest = join(d, 'safe.csv');
    const w = createCsvWriter(dest, { safeFormulas: true });
    await w.write(['=h', 'v'], [['=1+2', '-5', '+3.2', '@x', '\tt', '\rr', 'ok', '-x,y'], [-5, 3.2, 1n, null, true, 0, 1, 2]], 8);
    await w.commit();
    expect(readFileSync(dest, 'utf8')).toBe(
      "'=h,v\n'=1+2,-5\n-5,3.2\n+3.2,1\n'@x,\n'\tt,true\n\"'\rr\",0\nok,1\n\"'-x,y\",2\n",
    );
    // without the option text is left alone
    const plain = join(d, 'plain.csv');
    const w2 = createCsvWriter(plain);
    await w2.write(['v'], [['=1+2']], 1);
    await w2.commit();
    expect(readFileSync(plain, 'utf8')).toBe('v\n=1+2\n');
  });

  it('writes more than the buffer size in one call (backpressure path)', async () => {
    const d = freshDir();
    const dest = join(d, 'big.csv');
    const w = createCsvWriter(dest);
    const nRows = 60_000;
    const col = Array.from({ length: nRows }, (_, i) => `row ${i} ` + 'x'.repeat(30));
    await w.write(['s'], [col], nRows);
    await w.commit();
    const lines = readFileSync(dest, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(nRows + 1);
    expect(lines[nRows]).toBe(col[nRows - 1]);
  });
});

describe('atomic outputs', () => {
  it('temporary names: .dq-tmp-<pid>-<random>-<basename> in the destination folder', async () => {
    const d = freshDir();
    const p = tempPathFor(join(d, 'out.csv'));
    expect(dirname(p)).toBe(d);
    expect(p.slice(d.length + 1)).toMatch(new RegExp(`^\\.dq-tmp-${process.pid}-[0-9a-f]+-out\\.csv$`));
    expect(tempPathFor(join(d, 'out.csv'))).not.toBe(p);
    const t = await createTempFor(join(d, 'x.txt'));
    await t.write('hello');
    expect(files(d)).toEqual([t.path.slice(d.length + 1)]);
    await t.commit();
    expect(files(d)).toEqual(['x.txt']);
    expect(readFileSync(join(d, 'x.txt'), 'utf8')).toBe('hello');
  });

  it('abort leaves nothing, and an existing destination untouched', async () => {
    const d = freshDir();
    const dest = join(d, 'out.csv');
    const w = createCsvWriter(dest);
    await w.write(['a'], [[1]], 1);
    await w.abort();
    expect(files(d)).toEqual([]);
    writeFileSync(dest, 'old\n');
    const w2 = createJsonlWriter(dest);
    await w2.write(['a'], [[1]], 1);
    await w2.abort();
    expect(files(d)).toEqual(['out.csv']);
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
  });

  it('commit replaces an existing destination and leaves exactly it', async () => {
    const d = freshDir();
    const dest = join(d, 'out.jsonl');
    writeFileSync(dest, 'old\n');
    const w = createJsonlWriter(dest);
    await w.write(['a'], [[1]], 1);
    expect(readFileSync(dest, 'utf8')).toBe('old\n'); // not visible before commit
    await w.commit();
    expect(files(d)).toEqual(['out.jsonl']);
    expect(readFileSync(dest, 'utf8')).toBe('{"a":1}\n');
  });

  it('OutputGroup: commitAll renames all only when all finish; abortAll removes all; handlers while open', async () => {
    const d = freshDir();
    expect(signalHandlersInstalled()).toBe(false);
    const g = new OutputGroup();
    expect(signalHandlersInstalled()).toBe(true);
    const data = g.add('data', createCsvWriter(join(d, 'clean.csv')));
    const log = await g.file(join(d, 'log.txt'), 'log');
    const params = await g.file(join(d, 'params.json'), 'params');
    await data.write(['a'], [[1]], 1);
    await log.write('log line\n');
    await params.write('{}');
    expect(files(d).every((f) => f.startsWith('.dq-tmp-'))).toBe(true);
    await g.commitAll();
    expect(files(d)).toEqual(['clean.csv', 'log.txt', 'params.json']);
    expect(signalHandlersInstalled()).toBe(false);

    const d2 = freshDir();
    const g2 = new OutputGroup();
    const w = g2.add('data', createJsonlWriter(join(d2, 'a.jsonl')));
    await w.write(['a'], [[1]], 1);
    await g2.file(join(d2, 'log.txt'));
    await g2.abortAll();
    expect(files(d2)).toEqual([]);
    expect(signalHandlersInstalled()).toBe(false);
  });

  it('OutputGroup: one failing output means no output is renamed', async () => {
    const d = freshDir();
    const g = new OutputGroup();
    const ok = g.add('data', createJsonlWriter(join(d, 'a.jsonl')));
    await ok.write(['a'], [[1]], 1);
    g.add('broken', {
      finish: async () => {
        throw new Error('disk full');
      },
      commit: async () => {},
      abort: async () => {},
    });
    await expect(g.commitAll()).rejects.toThrow('disk full');
    expect(files(d)).toEqual([]);
    expect(signalHandlersInstalled()).toBe(false);
  });

  it('a device or a named pipe as destination is written through, never replaced by the temporary', async () => {
    // as root a rename onto /dev/null replaces the device with a regular file, for every program on the machine
    const t = await createTempFor('/dev/null');
    expect(dirname(t.path)).toBe(tmpdir());
    await t.write('x\n');
    await t.commit();
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(existsSync(t.path)).toBe(false);
    await writeAtomic('/dev/null', 'y');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    const fifo = join(freshDir(), 'pipe');
    execFileSync('mkfifo', [fifo]);
    const got = new Promise<string>((ok) => {
      const chunks: Buffer[] = [];
      createReadStream(fifo)
        .on('data', (c) => chunks.push(c as Buffer))
        .on('end', () => ok(Buffer.concat(chunks).toString()));
    });
    const f = await createTempFor(fifo);
    await f.write('through the pipe');
    await f.commit();
    expect(await got).toBe('through the pipe');
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('a missing folder or a folder as destination is a UsageError', async () => {
    const d = freshDir();
    await expect(createTempFor(join(d, 'nope', 'x.csv'))).rejects.toThrow(UsageError);
    await expect(createTempFor(d)).rejects.toThrow(/folder/);
    const w = createCsvWriter(join(d, 'nope', 'x.csv'));
    await expect(w.write(['a'], [[1]], 1)).rejects.toThrow(UsageError);
    await w.abort();
  });

  it('assertNotInput: same path, symlink or hard link is refused; other files pass', () => {
    const d = freshDir();
    const input = join(d, 'in.csv');
    writeFileSync(input, 'a\n1\n');
    symlinkSync(input, join(d, 'link.csv'));
    linkSync(input, join(d, 'hard.csv'));
    expect(() => assertNotInput(input, [input])).toThrow(UsageError);
    expect(() => assertNotInput(join(d, '.', 'in.csv'), [input])).toThrow(UsageError);
    expect(() => assertNotInput(join(d, 'link.csv'), [input])).toThrow(UsageError);
    expect(() => assertNotInput(join(d, 'hard.csv'), ['-', input])).toThrow(/never overwrites/);
    expect(() => assertNotInput(join(d, 'out.csv'), [input, '-'])).not.toThrow();
    expect(() => assertNotInput(input, ['-'])).not.toThrow();
  });

  describe('in a child process', () => {
    let lib: string;
    beforeAll(() => {
      // Node 20 cannot run TypeScript: transpile the three modules the child needs.
      lib = join(dir, 'lib');
      for (const rel of ['errors.ts', 'io/writers/atomic.ts', 'io/writers/csv.ts']) {
        const out = ts.transpileModule(readFileSync(join(SRC, rel), 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
        }).outputText;
        const dest = join(lib, rel.replace(/\.ts$/, '.js'));
        mkdirSync(dirname(dest), { recursive: true });
        writeFileSync(dest, out);
      }
      writeFileSync(join(lib, 'package.json'), '{"type":"module"}');
    });

    function runChild(script: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; pid: number; stderr: string }> {
      const file = join(lib, `child-${++n}.mjs`);
      writeFileSync(file, script);
      return new Promise((res, rej) => {
        const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (c) => (stderr += c));
        child.on('error', rej);
        child.on('exit', (code, signal) => res({ code, signal, pid: child.pid!, stderr }));
      });
    }

    const prelude = (d: string) => `
      import { createCsvWriter } from './io/writers/csv.js';
      import { OutputGroup } from './io/writers/atomic.js';
      const d = ${JSON.stringify(d)};
      const col = Array.from({ length: 50000 }, (_, i) => 'value ' + i);
    `;

    it('a crash mid-write leaves only a .dq-tmp-* file, which cleanStaleTemps removes', async () => {
      const d = freshDir();
      writeFileSync(join(d, 'keep.csv'), 'x\n');
      const r = await runChild(`${prelude(d)}
        const w = createCsvWriter(d + '/out.csv');
        await w.write(['v'], [col], col.length);
        process.kill(process.pid, 'SIGKILL');
      `);
      expect(r.signal).toBe('SIGKILL');
      const left = files(d);
      expect(left.length).toBe(2);
      expect(left).toContain('keep.csv');
      const tmp = left.find((f) => f !== 'keep.csv')!;
      expect(tmp).toMatch(new RegExp(`^\\.dq-tmp-${r.pid}-[0-9a-f]+-out\\.csv$`));
      // a temporary of a live process (ours) is left alone
      const mine = await createTempFor(join(d, 'live.csv'));
      const removed = await cleanStaleTemps(d);
      expect(removed).toEqual([join(d, tmp)]);
      expect(files(d)).toEqual(['keep.csv', mine.path.slice(d.length + 1)].sort());
      await mine.abort();
      expect(await cleanStaleTemps(join(d, 'missing'))).toEqual([]);
    });

    it('an uncaught error while a group is open removes the temporaries too', async () => {
      const d = freshDir();
      const r = await runChild(`${prelude(d)}
        const g = new OutputGroup();
        const w = g.add('data', createCsvWriter(d + '/out.csv'));
        await w.write(['v'], [col], col.length);
        throw new Error('boom');
      `);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/boom/);
      expect(files(d)).toEqual([]);
    });

    it.each([
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const)('%s while a group is open removes the temporaries and exits %i', async (sig, code) => {
      const d = freshDir();
      const r = await runChild(`${prelude(d)}
        const g = new OutputGroup();
        const w = g.add('data', createCsvWriter(d + '/out.csv'));
        await w.write(['v'], [col], col.length);
        const log = await g.file(d + '/log.txt');
        await log.write('partial');
        process.kill(process.pid, '${sig}');
        await new Promise((r) => setTimeout(r, 5000));
        process.exit(99);
      `);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(code);
      expect(files(d)).toEqual([]);
    });
  });
});
