/**
 * --invalid-rows FILE: a second streaming pass that writes the rows failing any error-level rule, in the
 * input's format, with the ids of the rules they fail in an extra column `_dq_rules` (separated by `;`).
 * Row order and values are the input's; the file is written atomically. Stdin is spooled to a temporary file
 * before the audit so that it can be read twice.
 */
import { UsageError } from '../errors.js';
import type { Cell } from '../core/types.js';
import type { CompiledRules } from '../config/compile.js';
import { readInput } from '../engine/read.js';
import { formatFromExtension, type Format } from '../io/source.js';
import type { ReaderOptions } from '../io/readers/types.js';
import type { TableWriter } from '../io/writers/types.js';
import { createWriter } from '../io/writers/index.js';
import { parseOptionsFrom, viewBatch } from '../schema/values.js';
import type { AuditOptions } from '../core/types.js';

export const RULES_COLUMN = '_dq_rules';

export async function writeInvalidRows(
  inputs: string[],
  dest: string,
  rules: CompiledRules | null,
  reader: ReaderOptions,
  format: Format | null,
  options: AuditOptions,
): Promise<number> {
  if (!rules) throw new UsageError('--invalid-rows needs rules: a dq.yml (or --config) with column rules or rules:');
  const { violatedRules } = await import('../gate/invalid-rows.js');
  const { assertNotInput } = await import('../io/writers/atomic.js');
  assertNotInput(dest, inputs);
  const parse = parseOptionsFrom(options);
  let writer: TableWriter | null = null;
  let written = 0;
  try {
    for (const path of inputs) {
      const h = await readInput(path, format, reader);
      const outFormat = formatFromExtension(dest) ?? h.input.format;
      for await (const b of h.batches) {
        const marks = violatedRules(rules, viewBatch(b, parse));
        const keep: number[] = [];
        marks.forEach((m, i) => m && keep.push(i));
        if (!keep.length) continue;
        writer ??= await createWriter(dest, outFormat, { safeFormulas: true });
        const data: Cell[][] = b.data.map((col) => keep.map((i) => col[i] ?? null));
        data.push(keep.map((i) => marks[i]!.join(';')));
        await writer.write([...b.columns, RULES_COLUMN], data, keep.length);
        written += keep.length;
      }
    }
    // an empty result is still a file (with no rows), so CI can rely on it
    if (!writer) {
      writer = await createWriter(dest, formatFromExtension(dest) ?? 'csv', { safeFormulas: true });
      await writer.write([RULES_COLUMN], [[]], 0);
    }
    await writer.commit();
  } catch (e) {
    await writer?.abort();
    throw e;
  }
  return written;
}
