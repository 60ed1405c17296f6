/**
 * Top values past 10,000 distinct values: estimates from every 8th row (weight 8) in a Misra-Gries summary.
 * A value seen on a single sampled row gets an estimate of 8 whatever its true count, so such entries are not
 * listed; values that really repeat are, with estimates near their counts.
 */
import { describe, expect, it } from 'vitest';
import { auditFile, rng, tmpFile } from '../helpers.js';

type Top = { value: string; count: number }[];

async function topOf(lines: string[]): Promise<{ top: Top; approximate: boolean; distinct: number }> {
  const report = await auditFile(tmpFile('top.csv', 'v\n' + lines.join('\n') + '\n'), { noConfig: true });
  const c = report.columns.find((x) => x.name === 'v')!;
  return { top: c.top as Top, approximate: c.approximate, distinct: c.distinct };
}

describe('top values of columns past 10,000 distinct values', () => {
  it('exact while at most 10,000 distinct values', async () => {
    const lines = Array.from({ length: 9_000 }, (_, i) => `u${i}`);
    for (let i = 0; i < 50; i++) lines.push('heavy');
    const { top, approximate } = await topOf(lines);
    expect(approximate).toBe(false);
    expect(top[0]).toEqual({ value: 'heavy', count: 50 });
    expect(top).toHaveLength(10); // the rest are singletons, exact
  });

  it('lists no value that may occur only once (all distinct: nothing stands out)', async () => {
    const { top, approximate, distinct } = await topOf(Array.from({ length: 60_000 }, (_, i) => `id-${i}`));
    expect(distinct).toBe(60_000);
    expect(approximate).toBe(true);
    expect(top).toEqual([]);
  });

  it('lists values that really repeat, with estimates near their counts', async () => {
    const r = rng(3);
    const lines = Array.from({ length: 60_000 }, (_, i) => `id-${i}`);
    const heavy: Record<string, number> = { alpha: 3000, beta: 1500, gamma: 800 };
    for (const [v, n] of Object.entries(heavy)) for (let i = 0; i < n; i++) lines.splice(Math.floor(r() * lines.length), 0, v);
    const { top, approximate } = await topOf(lines);
    expect(approximate).toBe(true);
    expect(top.map((t) => t.value)).toEqual(['alpha', 'beta', 'gamma']);
    // every 8th row: the estimate's standard deviation is about sqrt(7 n); allow 4 of them
    for (const t of top) expect(Math.abs(t.count - heavy[t.value]!)).toBeLessThan(4 * Math.sqrt(7 * heavy[t.value]!));
  });
});
