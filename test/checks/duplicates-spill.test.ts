/**
 * The duplicates checker beyond its memory budget: key duplicates against a naive reference with and without
 * spilling, the spill's files removed by finalize, and the radix sort of spilled records.
 */
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cell, Example } from '../../src/core/types.js';
import duplicates from '../../src/checks/duplicates.js';
import { viewBatch } from '../../src/schema/values.js';
import { sortRecords } from '../../src/stats/spill.js';
import { auditOptions, parseOpts } from './helpers-ct.js';
import { runDq, tmpFile } from '../helpers.js';

const memory = auditOptions({ keyColumns: ['k'] });
const spilled = auditOptions({ keyColumns: ['k'], exactBudgetBytes: 1024 });
const parse = parseOpts();

/** Key duplicates: rows whose key (a string column here) was seen before, and the lowest five of them. */
function reference(keys: string[]) {
  const first = new Map<string, number>();
  const ex: Example[] = [];
  let n = 0;
  keys.forEach((k, i) => {
    const f = first.get(k);
    if (f === undefined) first.set(k, i + 1);
    else if (n++ < 5) ex.push({ row: i + 1, line: i + 2, value: `same key as row ${f}` });
  });
  return { keyRows: n, examples: ex };
}

/** The checker over parts split at `cuts` (batches of 7 rows), merged left to right. */
function run(keys: string[], cuts: number[], options = memory) {
  const bounds = [0, ...cuts, keys.length];
  const states = [];
  for (let p = 0; p + 1 < bounds.length; p++) {
    const s = duplicates.init({ options });
    for (let from = bounds[p]!; from < bounds[p + 1]!; from += 7) {
      const part: Cell[] = keys.slice(from, Math.min(from + 7, bounds[p + 1]!));
      const data = [part, part.map((_, i) => String(from + i))]; // a unique second column: no exact duplicates
      duplicates.update(s, viewBatch({ columns: ['k', 'id'], data, length: part.length, firstRow: from + 1, lines: null }, parse));
    }
    states.push(structuredClone(s));
  }
  const s = states.reduce((a, b) => duplicates.merge(a, b));
  const res = duplicates.finalize(s, { options, rows: keys.length, columns: [{ name: 'k' }], lineOf: (r: number) => r + 1 } as never);
  const f = res.findings.find((x) => x.id === 'duplicate-keys');
  expect(res.findings.find((x) => x.id === 'duplicate-rows')).toBeUndefined();
  return { keyRows: (res.metrics as { keyRows: number }).keyRows, examples: f?.examples ?? [] };
}

describe('duplicate keys beyond the memory budget', () => {
  it('count and examples equal the reference, in memory and spilled, in any split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'A', 'x y', ''), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        (keys, rawCuts) => {
          const cuts = [...new Set(rawCuts.map((c) => c % (keys.length + 1)))].sort((a, b) => a - b);
          const want = reference(keys.map((k) => (k === '' ? '\u0000missing' : k)));
          expect(run(keys, cuts)).toEqual(want);
          expect(run(keys, cuts, spilled)).toEqual(want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('spills, and finalize removes the files', () => {
    const root = join(tmpdir(), `dq-spill-${process.pid}`);
    const s = duplicates.init({ options: spilled }) as { rowSpill: { sets: string[] } | null };
    const col: Cell[] = ['1', '2', '1'];
    duplicates.update(s, viewBatch({ columns: ['k'], data: [col], length: 3, firstRow: 1, lines: null }, parse));
    expect(s.rowSpill).not.toBeNull();
    const dir = s.rowSpill!.sets[0]!;
    expect(dir.startsWith(root)).toBe(true);
    const res = duplicates.finalize(s, { options: spilled, rows: 3, columns: [{ name: 'k' }], lineOf: (r: number) => r + 1 } as never);
    expect(res.metrics).toMatchObject({ rows: 1, keyRows: 1 });
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(root) ? readdirSync(root).filter((d) => join(root, d) === dir) : []).toEqual([]);
  });
});

describe('spilling where no temporary file can be made', () => {
  it('exits 3 with one line naming the folder and what to do, no stack trace', () => {
    // 200,000 distinct rows: past the 4 MiB tables of --exact-budget 1
    let csv = 'id,x\n';
    for (let i = 0; i < 200_000; i++) csv += `${i},${i % 7}\n`;
    const input = tmpFile('distinct.csv', csv);
    const r = runDq(['audit', input, '--exact-budget', '1', '-q', '--format', 'json'], { env: { TMPDIR: input } });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot create temporary files in .*distinct\.csv\/dq-spill-\d+ \(ENOTDIR\).*TMPDIR/);
  });
});

describe('sortRecords', () => {
  it('is a stable sort of w-word records by one word', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 200 }), fc.nat(), (w, words, kRaw) => {
        const k = kRaw % w;
        const n = Math.floor(words.length / w);
        // keys from a small range too, so that stability is tested
        const recs = Uint32Array.from(words.slice(0, n * w).map((x, i) => (i % w === k && x % 2 ? x % 5 : x)));
        const rows = Array.from({ length: n }, (_, i) => [...recs.subarray(i * w, i * w + w)]);
        const want = rows.map((r, i) => [r, i] as const).sort((a, b) => a[0][k]! - b[0][k]! || a[1] - b[1]).map((x) => x[0]);
        expect([...sortRecords(recs, w, k)]).toEqual(want.flat());
      }),
      { numRuns: 500 },
    );
  });
});
