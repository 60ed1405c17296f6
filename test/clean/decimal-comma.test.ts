/**
 * An input read with --decimal ',' keeps its style in CSV output: numbers a step writes (an imputed mean, a
 * clipped value) have a decimal comma like the observed ones, unless --standardize makes every number plain.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clean, tmpCsv } from './helpers.js';

const input = 'id;v\n1;12,5\n2;\n3;7,25\n4;1.234,5\n';

describe('dq clean with --decimal ,', () => {
  it('writes new numbers with a decimal comma', async () => {
    const out = await clean(tmpCsv(input), { delimiter: ';', decimal: ',', impute: ['mean'] } as never);
    // mean of 12.5, 7.25 and 1234.5
    expect(readFileSync(out, 'utf8')).toBe('id,v\n1,"12,5"\n2,"418,0833333333333"\n3,"7,25"\n4,"1.234,5"\n');
  });

  it('--standardize writes every number plain', async () => {
    const out = await clean(tmpCsv(input), { delimiter: ';', decimal: ',', impute: ['mean'], standardize: true } as never);
    expect(readFileSync(out, 'utf8')).toBe('id,v\n1,12.5\n2,418.0833333333333\n3,7.25\n4,1234.5\n');
  });

  it('TSV output needs no quotes', async () => {
    const out = await clean(tmpCsv(input), { delimiter: ';', decimal: ',', impute: ['mean'] } as never, 'out.tsv');
    expect(readFileSync(out, 'utf8')).toBe('id\tv\n1\t12,5\n2\t418,0833333333333\n3\t7,25\n4\t1.234,5\n');
  });
});
