import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initProfile, updateProfile } from '../../src/checks/profile.js';
import type { AuditOptions, Batch } from '../../src/core/types.js';
import { DEFAULT_NA_VALUES, viewBatch } from '../../src/schema/values.js';

const opts = { naValues: new Set(DEFAULT_NA_VALUES), decimalComma: false, dayFirst: null };

describe('profile text min/max', () => {
  it('are the smallest and largest non-missing texts (code-unit order), over batches', () => {
    // short texts over few characters: many ties in the first six characters, prefixes of each other, numbers and dates
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', 'B', '0', '1', '9', '-', '.', ' ', 'é', '\uffff', '\ud83d'), maxLength: 9 }),
      fc.constantFrom('2024-01-02', '2024-01-02T03:04:05Z', '2023-12-31', '12', '120', '12.5', '-3', 'NA', ''),
    );
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 5 }), (batches) => {
        const st = initProfile({ exactBudgetBytes: 1 << 20 } as AuditOptions);
        let row = 1;
        for (const cells of batches) {
          const b: Batch = { columns: ['x'], data: [cells], length: cells.length, firstRow: row, lines: null };
          row += cells.length;
          updateProfile(st, viewBatch(b, opts));
        }
        const all = batches.flat().filter((t) => !(t === '' || t === 'NA' || t.trim() === ''));
        let min: string | null = null;
        let max: string | null = null;
        for (const t of all) {
          if (min === null || t < min) min = t;
          if (max === null || t > max) max = t;
        }
        expect(st.cols[0]!.tMin).toBe(min);
        expect(st.cols[0]!.tMax).toBe(max);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('profile cell hashes', () => {
  it('hash every text and date cell as hashString of its text, repeated short values included', async () => {
    const { hashString } = await import('../../src/stats/hash.js');
    const words = ['a', 'Beauty', 'Toys', '2024-01-02', '2023-01-02', '2024-02-01', 'x y', 'ab', 'ba', '12345678901x', '123456789012x', 'é€'];
    const st = initProfile({ exactBudgetBytes: 1 << 20 } as AuditOptions);
    let row = 1;
    for (let b = 0; b < 4; b++) {
      const cells = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? `w${(i * 7919 + b) % 5000}` : words[(i * 31 + b) % words.length]!));
      const view = viewBatch({ columns: ['x'], data: [cells], length: cells.length, firstRow: row, lines: null }, opts);
      row += cells.length;
      updateProfile(st, view);
      const hash = view.views[0]!.hash!;
      let ok = true;
      for (let i = 0; i < cells.length; i++) {
        const kind = view.views[0]!.kind[i]!;
        if (kind !== 6 && kind !== 4) continue; // TEXT, DATE
        const h = hashString(cells[i]!);
        ok &&= hash[2 * i] === h[0] && hash[2 * i + 1] === h[1];
      }
      expect(ok).toBe(true);
    }
  });
});
