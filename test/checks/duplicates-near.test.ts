/**
 * The duplicates checker against a naive reference (parsed values as strings in a Map), on random rows full of
 * case, whitespace and non-ASCII variants, updated in random consecutive parts and merged neighbour by neighbour
 * in any order: counts of exact and near duplicates and their examples must match exactly. Also the folded-hash
 * shortcut of stats/hash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Batch, Cell, Example } from '../../src/core/types.js';
import { Kind } from '../../src/core/types.js';
import duplicates from '../../src/checks/duplicates.js';
import { initProfile, updateProfile } from '../../src/checks/profile.js';
import { viewBatch } from '../../src/schema/values.js';
import { hashFoldedAscii, hashString } from '../../src/stats/hash.js';
import { auditOptions, parseOpts } from './helpers-ct.js';

const options = auditOptions({ exactBudgetBytes: 1 << 24, asOf: Date.UTC(2024, 0, 1) });
const parse = parseOpts({ naValues: options.naValues });

/** The folding the checker documents, applied where its NEEDS_FOLD test says folding can change the text. */
const NEEDS_FOLD = /^\s|\s$|\s\s|[A-Z]|[^\x00-\x7f]|[\t\n\r]/;
const fold = (t: string) => t.trim().replace(/\s+/g, ' ').toLowerCase();

/** Reference counts and examples: one pass over the rows with string keys. */
function reference(rows: Cell[][], cols: string[]) {
  const data = cols.map((_, c) => rows.map((r) => r[c]!));
  const view = viewBatch({ columns: cols, data, length: rows.length, firstRow: 1, lines: null }, parse);
  const cell = (c: number, i: number, near: boolean): string => {
    const v = view.views[c]!;
    const k = v.kind[i]!;
    const t = v.text[i]!;
    if (k === Kind.MISSING) return 'm';
    if (k === Kind.INT || k === Kind.FLOAT) return Math.abs(v.num[i]!) > 2 ** 53 ? `s:${t}` : `n:${v.num[i]! === 0 ? 0 : v.num[i]}`;
    if (k === Kind.BOOL) return `b:${v.num[i]}`;
    return `t:${near && k === Kind.TEXT && NEEDS_FOLD.test(t) ? fold(t) : t}`;
  };
  const exactFirst = new Map<string, number>();
  const nearSeen = new Set<string>();
  const exact: Example[] = [];
  const near: Example[] = [];
  let dupRows = 0;
  let nearRows = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = i + 1;
    const e = JSON.stringify(cols.map((_, c) => cell(c, i, false)));
    const n = JSON.stringify(cols.map((_, c) => cell(c, i, true)));
    const first = exactFirst.get(e);
    if (first !== undefined) {
      dupRows++;
      if (exact.length < 5) exact.push({ row, line: row + 1, value: `same as row ${first}` });
    } else {
      exactFirst.set(e, row);
      if (nearSeen.has(n)) {
        nearRows++;
        if (near.length < 5) near.push({ row, line: row + 1, value: null });
      }
    }
    nearSeen.add(n);
  }
  return { dupRows, nearRows, exact, near };
}

/**
 * The checker over consecutive parts split at `cuts`, each part's state updated alone, then merged: neighbours
 * in the order `picks` choose, either way round (merge is commutative), or left to right.
 */
function checker(rows: Cell[][], cols: string[], cuts: number[], withProfile: boolean, picks: number[] = [], opts = options) {
  const bounds = [0, ...cuts, rows.length];
  const states = [];
  for (let p = 0; p + 1 < bounds.length; p++) {
    const [from, to] = [bounds[p]!, bounds[p + 1]!];
    if (from === to) continue;
    const part = rows.slice(from, to);
    const data = cols.map((_, c) => part.map((r) => r[c]!));
    const b: Batch = { columns: cols, data, length: part.length, firstRow: from + 1, lines: null };
    const view = viewBatch(b, parse);
    if (withProfile) updateProfile(initProfile(options), view); // fills the shared cell hashes, as in the engine
    const s = duplicates.init({ options: opts });
    duplicates.update(s, view);
    states.push(s);
  }
  for (const pick of picks) {
    if (states.length < 2) break;
    const i = (pick >> 1) % (states.length - 1);
    const [a, b] = [states[i]!, states[i + 1]!];
    states.splice(i, 2, pick & 1 ? duplicates.merge(b, a) : duplicates.merge(a, b));
  }
  const s = states.reduce((a, b) => duplicates.merge(a, b));
  const res = duplicates.finalize(s, { options: opts, rows: rows.length, columns: [], details: [], lineOf: (r: number) => r + 1 });
  const examples = (id: string) => res.findings.find((f) => f.id === id)?.examples ?? [];
  const m = res.metrics as { rows: number; nearRows: number };
  return { dupRows: m.rows, nearRows: m.nearRows, exact: examples('duplicate-rows'), near: examples('near-duplicate-rows') };
}

const VARIANTS = [
  ...['x', 'X', ' x', 'x ', 'x  y', 'x y', 'X Y', 'x\ty', 'x\ny', 'x\vy', 'x\fy', 'x\ry', 'x\u00a0y', '\u00a0x'],
  ...['É', 'é', 'ß', 'SS', 'ss', 'İ', 'i̇', 'ΣΑΣ', 'σας', '', 'NA', '35', '35.0', ' 35', 'true', 'True', '2024-01-02'],
  ...['Hello  World', 'hello world', 'HELLO WORLD '],
];
const cellArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Cell>(...VARIANTS) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', 'A', 'b', ' ', '\t', '\n', '\v', 'é'), maxLength: 6 }) },
);

/** A budget so small that every state spills to disk at its first batch (see stats/spill.ts). */
const spillAtOnce = auditOptions({ ...options, exactBudgetBytes: 1024 });

describe('duplicates against a naive reference', () => {
  it.each([
    ['in memory', options],
    ['spilled to disk', spillAtOnce],
  ])('counts and examples of exact and near duplicates, in any split into parts (%s)', (_, opts) => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cellArb, cellArb), { minLength: 1, maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 4 }),
        (tuples, rawCuts, withProfile, picks) => {
          const rows = tuples.map((t) => [...t]);
          const cuts = [...new Set(rawCuts.map((c) => c % (rows.length + 1)))].sort((a, b) => a - b);
          expect(checker(rows, ['a', 'b'], cuts, withProfile, picks, opts)).toEqual(reference(rows, ['a', 'b']));
        },
      ),
      { numRuns: opts === options ? 300 : 100 },
    );
  });

  it('matches on 60,000 rows, enough for the table to grow many times', () => {
    let x = 12345;
    const rnd = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    const rows: Cell[][] = [];
    for (let i = 0; i < 60_000; i++) {
      const w = VARIANTS[rnd(VARIANTS.length)]!;
      rows.push([String(rnd(2000)), rnd(4) === 0 ? w.toUpperCase() : w, `note ${rnd(9)}${rnd(3) === 0 ? ' ' : ''}`]);
    }
    const want = reference(rows, ['a', 'b', 'c']);
    expect(want.nearRows).toBeGreaterThan(1000);
    expect(checker(rows, ['a', 'b', 'c'], [], true)).toEqual(want);
    expect(checker(rows, ['a', 'b', 'c'], [17_000, 17_001, 41_000], true, [5, 2, 1])).toEqual(want);
    // tables of 256 KiB (about 7,800 distinct rows): parts of 2,000 rows stay in memory and merge there, parts of
    // 6,000 stay in memory but spill when merged, larger ones spill at their first batch
    const spillLate = auditOptions({ ...options, exactBudgetBytes: 1 << 16 });
    expect(checker(rows, ['a', 'b', 'c'], [], true, [], spillLate)).toEqual(want);
    expect(checker(rows, ['a', 'b', 'c'], [2000, 4000, 6000], true, [0, 0], spillLate)).toEqual(want);
    expect(checker(rows, ['a', 'b', 'c'], [6000, 12_000], true, [0], spillLate)).toEqual(want);
    expect(checker(rows, ['a', 'b', 'c'], [3000, 17_000, 41_000], true, [5, 2, 1], spillLate)).toEqual(want);
  });

  it('keeps near-duplicate examples exact when an exact repeat of an earlier part is a near repeat in its own part', () => {
    // rows: X | x X: row 3 repeats row 1 exactly, so only row 2 is a near duplicate
    const rows: Cell[][] = [['X'], ['x'], ['X']];
    const want = reference(rows, ['a']);
    expect(want.near.map((e) => e.row)).toEqual([2]);
    expect(checker(rows, ['a'], [1], true)).toEqual(want);
    expect(checker(rows, ['a'], [1], true, [1])).toEqual(want);
  });
});

describe('hashFoldedAscii', () => {
  it('equals hashString of the folded text for ASCII, and declines other text', () => {
    const unit = fc.constantFrom('a', 'B', 'z', 'Z', '0', ' ', '\t', '\n', '\v', '\f', '\r', '~', '@', '[', '`', '{');
    const ascii = fc.string({ unit, maxLength: 40 });
    fc.assert(
      fc.property(ascii, (s) => {
        const out = new Uint32Array(2);
        expect(hashFoldedAscii(s, out)).toBe(true);
        expect([...out]).toEqual([...hashString(fold(s))]);
      }),
      { numRuns: 2000 },
    );
    for (const s of ['É', 'aé', 'a\u00a0b', 'x\u2028']) expect(hashFoldedAscii(s, new Uint32Array(2))).toBe(false);
  });

  it('merges two halves of 300,000 distinct rows in linear time (table order is hash order: inserting it as is was quadratic)', () => {
    const n = 300_000;
    const half = (from: number) => {
      const ids: Cell[] = [];
      for (let i = from; i < from + n / 2; i++) ids.push(String(i));
      const s = duplicates.init({ options });
      for (let i = 0; i < ids.length; i += 4096) {
        const part = ids.slice(i, i + 4096);
        const v = viewBatch({ columns: ['id'], data: [part], length: part.length, firstRow: from + i + 1, lines: null }, parse);
        updateProfile(initProfile(options), v);
        duplicates.update(s, v);
      }
      return s;
    };
    const a = half(0);
    const t0 = performance.now();
    const b = half(n / 2);
    const build = performance.now() - t0; // parsing, hashing and inserting 150,000 rows
    const t1 = performance.now();
    const m = duplicates.merge(a, b);
    // inserting 150,000 keys costs about as much as building them; quadratic, it cost about 8 times more (the
    // margin leaves room for a busy machine)
    expect(performance.now() - t1).toBeLessThan(3 * build);
    const res = duplicates.finalize(m, { options, rows: n, columns: [], details: [], lineOf: (r: number) => r + 1 });
    expect(res.findings.filter((f) => f.id === 'duplicate-rows' && f.count > 0)).toEqual([]);
  });
});
