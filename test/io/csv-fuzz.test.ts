/**
 * Property tests for the CSV reader:
 * - splitting the same bytes into random chunks changes nothing (batches, lines, issues, meta);
 * - the batch size changes only how rows are grouped;
 * - on valid UTF-8 the rows and line numbers equal a simple character-by-character reference parser.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/core/types.js';
import { chunkedInput, readAll, splitAt, type ReadResult } from '../fixtures-csv/helpers.js';

const FRAGMENTS: Buffer[] = [
  'a', 'b', 'xyz', '1', ',', ',', ',', ';', '\t', '|', '"', '"', '""', '\n', '\n', '\r\n', '\r', ' ', 'é', '€', '𝄞', '\uFFFD',
].map((s) => Buffer.from(s, 'utf8'));
const INVALID: Buffer[] = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0x80])];

const csvBytes = (withInvalid: boolean) =>
  fc
    .array(fc.constantFrom(...(withInvalid ? [...FRAGMENTS, ...INVALID] : FRAGMENTS)), { maxLength: 120 })
    .map((parts) => Buffer.concat(parts));

const cutsFor = (max: number) => fc.array(fc.integer({ min: 1, max: Math.max(1, max) }), { maxLength: 20 });

type Outcome = { ok: true; r: ReadResult } | { ok: false; message: string; name: string };

async function attempt(chunks: Buffer[], opts: Record<string, unknown> = {}): Promise<Outcome> {
  try {
    return { ok: true, r: await readAll(chunkedInput(chunks), opts) };
  } catch (e) {
    return { ok: false, message: (e as Error).message, name: (e as Error).constructor.name };
  }
}

function snapshot(o: Outcome, withBatches = true) {
  if (!o.ok) return o;
  const r = o.r;
  return {
    columns: r.columns,
    rows: r.rows,
    lines: r.lines,
    findings: r.findings,
    meta: r.meta,
    batches: withBatches ? r.batches.map((b) => ({ firstRow: b.firstRow, length: b.length, lines: [...b.lines!], data: b.data })) : null,
  };
}

describe('chunking does not matter', () => {
  it('random chunks give identical batches, lines and issues', async () => {
    await fc.assert(
      fc.asyncProperty(csvBytes(true), cutsFor(200), fc.integer({ min: 1, max: 5 }), async (data, cuts, batchSize) => {
        const whole = await attempt([data], { batchSize });
        const split = await attempt(splitAt(data, cuts), { batchSize });
        expect(snapshot(split)).toEqual(snapshot(whole));
        if (!whole.ok) expect(whole.name).toBe('InputError');
      }),
      { numRuns: 400 },
    );
  });

  it('one-byte chunks give identical results', async () => {
    await fc.assert(
      fc.asyncProperty(csvBytes(true), async (data) => {
        const whole = await attempt([data]);
        const bytes = [...data].map((b) => Buffer.from([b]));
        expect(snapshot(await attempt(bytes.length ? bytes : [data]))).toEqual(snapshot(whole));
      }),
      { numRuns: 150 },
    );
  });

  it('random batch sizes give the same concatenated rows', async () => {
    await fc.assert(
      fc.asyncProperty(csvBytes(true), fc.integer({ min: 1, max: 7 }), async (data, batchSize) => {
        const a = await attempt([data], { batchSize: 16384 });
        const b = await attempt([data], { batchSize });
        expect(snapshot(b, false)).toEqual(snapshot(a, false));
        if (b.ok) {
          let next = 1;
          for (const batch of b.r.batches) {
            expect(batch.firstRow).toBe(next);
            expect(batch.length).toBeLessThanOrEqual(batchSize);
            expect(batch.length).toBeGreaterThan(0);
            for (const col of batch.data) expect(col.length).toBe(batch.length);
            next += batch.length;
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** A deliberately simple reference: records as field lists with their starting line. */
function reference(text: string, d: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const n = text.length;
  const isEnd = (ch: string | undefined) => ch === d || ch === '\n' || ch === '\r';
  let i = 0;
  let line = 1;
  while (i < n) {
    if (text[i] === '\n' || text[i] === '\r') {
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    for (;;) {
      if (text[i] === '"') {
        let j = i + 1;
        let val = '';
        let closed = false;
        while (j < n) {
          const ch = text[j]!;
          if (ch === '"') {
            if (text[j + 1] === '"') {
              val += '"';
              j += 2;
              continue;
            }
            closed = true;
            break;
          }
          if (ch === '\r') {
            line++;
            if (text[j + 1] === '\n') {
              val += '\r\n';
              j += 2;
              continue;
            }
          } else if (ch === '\n') line++;
          val += ch;
          j++;
        }
        if (!closed) {
          fields.push(val);
          i = n;
          break;
        }
        j++;
        if (j < n && !isEnd(text[j])) {
          let k = j;
          while (k < n && !isEnd(text[k])) k++;
          val += '"' + text.slice(j, k);
          j = k;
        }
        fields.push(val);
        i = j;
      } else {
        let k = i;
        while (k < n && !isEnd(text[k])) k++;
        fields.push(text.slice(i, k));
        i = k;
      }
      if (i >= n) break;
      if (text[i] === d) {
        i++;
        continue;
      }
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      break;
    }
    out.push({ fields, line: start });
  }
  return out;
}

describe('agrees with a reference parser', () => {
  for (const d of [',', ';', '\t']) {
    it(`delimiter ${JSON.stringify(d)}`, async () => {
      await fc.assert(
        fc.asyncProperty(csvBytes(false), cutsFor(200), async (data, cuts) => {
          const text = data.toString('utf8');
          const ref = reference(text, d);
          const got = await attempt(splitAt(data, cuts), { delimiter: d });
          expect(got.ok).toBe(true);
          if (!got.ok) return;
          const r = got.r;
          if (ref.length === 0) {
            expect(r.columns).toEqual([]);
            return;
          }
          const H = ref[0]!.fields.length;
          expect(r.columns.length).toBe(H);
          const rows: Cell[][] = ref.slice(1).map((rec) => {
            const row: Cell[] = rec.fields.slice(0, H);
            while (row.length < H) row.push(null);
            return row;
          });
          expect(r.rows).toEqual(rows);
          expect(r.lines).toEqual(ref.slice(1).map((rec) => rec.line));
          const short = ref.slice(1).filter((rec) => rec.fields.length < H).length;
          const long = ref.slice(1).filter((rec) => rec.fields.length > H).length;
          expect(r.issues.count('row-too-short')).toBe(short);
          expect(r.issues.count('row-too-long')).toBe(long);
          expect(r.issues.count('invalid-utf8')).toBe(0);
        }),
        { numRuns: 400 },
      );
    });
  }
});
