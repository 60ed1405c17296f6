/**
 * holdPast (src/engine/parallel.ts): the main thread's first part must not feed the batch that takes it past
 * the rows the parts' halved budget for numeric values holds before it knows the split (and so the budget).
 */
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/core/types.js';
import type { Reader } from '../../src/io/readers/types.js';
import { holdPast } from '../../src/engine/parallel.js';

const batches = (sizes: number[]): Reader =>
  async function* () {
    let first = 1;
    for (const n of sizes) {
      yield { columns: ['a'], data: [new Array(n).fill('x')], length: n, firstRow: first, lines: null } as Batch;
      first += n;
    }
  };

const PENDING = Symbol('pending');
const soon = <T>(p: Promise<T>): Promise<T | typeof PENDING> => Promise.race([p, new Promise<typeof PENDING>((r) => setTimeout(() => r(PENDING), 30))]);

describe('holdPast', () => {
  for (const [sizes, rows, free] of [
    [[10, 10, 10, 10], 25, 2], // the third batch passes 25 rows
    [[10, 10, 10], 20, 2], // exactly 20 rows may pass
    [[30, 5], 25, 0], // the first batch already passes
    [[5, 5], 100, 2], // never passes: nothing waits
  ] as const) {
    it(`${sizes.join('+')} rows, holding past ${rows}: ${free} batches come before the split`, async () => {
      let settle: () => void = () => undefined;
      const ready = new Promise<void>((r) => (settle = r));
      const it = holdPast(batches([...sizes]), rows, ready)(null as never, null as never, null as never, {})[Symbol.asyncIterator]();
      for (let i = 0; i < free; i++) expect(await soon(it.next())).not.toBe(PENDING);
      if (free === sizes.length) {
        expect((await it.next()).done).toBe(true);
        return;
      }
      const next = it.next();
      expect(await soon(next)).toBe(PENDING);
      settle();
      expect((await next).value.length).toBe(sizes[free]);
      let rest = 0;
      for (let r = await it.next(); !r.done; r = await it.next()) rest++;
      expect(rest).toBe(sizes.length - free - 1);
    });
  }
});
