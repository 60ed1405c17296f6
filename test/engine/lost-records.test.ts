/**
 * Lines of a JSON Lines file that are not records hold data that is in no row: validity counts each as invalid,
 * one cell per column, so a file of mostly broken lines cannot score 100 on the few lines that parse.
 */
import { describe, expect, it } from 'vitest';
import { auditFile, tmpFile } from '../helpers.js';

describe('validity counts lines that are not records', () => {
  const cases: [string, string, number | null][] = [
    ['all lines are records', '{"a":1,"b":2}\n{"a":3,"b":4}\n', 100],
    // 2 rows x 2 columns valid, 4 lost lines x 2 columns invalid
    ['four of six lines lost', '{"a":1,"b":2}\nnot json\n[1]\nxx\n{"a":3,"b":4}\n{"a":5,\n', (100 * 4) / 12],
    // blank lines hold no data
    ['blank lines are not lost records', '{"a":1,"b":2}\n\n   \n{"a":3,"b":4}\n', 100],
    // a truncated last line (no newline) is lost too: 2 x 2 valid, 1 x 2 invalid
    ['a cut-off last line', '{"a":1,"b":2}\n{"a":3,"b":4}\n{"a":5,"b"', (100 * 4) / 6],
  ];
  for (const [name, text, validity] of cases) {
    it(name, async () => {
      const report = await auditFile(tmpFile('v.jsonl', text), { noConfig: true });
      expect(report.scores.validity).toBeCloseTo(validity!, 9);
      // the columns' own scores are about their cells only
      for (const c of report.columns) expect(c.scores.validity).toBe(100);
    });
  }

  it('a sample holds its share of them', async () => {
    // 1,000 lines, every 10th broken: validity 90 on the whole file and on a sample of 200 rows
    const lines = Array.from({ length: 1000 }, (_, i) => (i % 10 === 9 ? 'broken' : JSON.stringify({ a: i, b: i % 7 })));
    const file = tmpFile('s.jsonl', lines.join('\n') + '\n');
    expect((await auditFile(file, { noConfig: true })).scores.validity).toBeCloseTo(90, 9);
    const sampled = await auditFile(file, { noConfig: true, sample: '200' });
    expect(sampled.rows).toBe(200);
    expect(sampled.scores.validity).toBeCloseTo(90, 0);
  });
});
