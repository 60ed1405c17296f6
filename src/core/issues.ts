import type { Dimension, Example, Finding, Severity } from './types.js';
import { flat } from '../stats/strings.js';

export const MAX_EXAMPLES = 5;

/** Keeps the lowest-row examples, so results do not depend on how work was split. */
export function addExample(list: Example[], ex: Example, max = MAX_EXAMPLES): void {
  if (list.length >= max) {
    const last = list[list.length - 1]!;
    if (ex.row === null || last.row === null || ex.row >= last.row) return;
    list.pop();
  }
  let i = list.length;
  while (i > 0 && ex.row !== null && list[i - 1]!.row !== null && list[i - 1]!.row! > ex.row) i--;
  // examples live until the report: their text must not pin the reader's chunk strings
  if (typeof ex.value === 'string' && ex.value.length >= 13) ex.value = flat(ex.value);
  list.splice(i, 0, ex);
}

export function mergeExamples(a: Example[], b: Example[], max = MAX_EXAMPLES): Example[] {
  const out = a.slice();
  for (const e of b) addExample(out, e, max);
  return out;
}

/** An IssueLog as plain data. */
export type IssueLogData = [string, Entry][];

export interface Entry {
  id: string;
  dimension: Dimension | null;
  severity: Severity;
  column: string | null;
  message: string;
  count: number;
  examples: Example[];
  data?: Record<string, unknown>;
}

/**
 * Collects problems found while reading (ragged rows, invalid lines, blank lines, ...):
 * a count and the first examples per (id, column). Readers call `add`; the engine turns the log into findings.
 */
export class IssueLog {
  private entries = new Map<string, Entry>();
  /** Told every problem as it is added (dq clean logs each one of its input's with its line). */
  onAdd?: (id: string, p: { severity: Severity; message: string; line: number | null; row: number | null; count: number }) => void;

  add(
    id: string,
    opts: {
      message: string;
      severity?: Severity;
      dimension?: Dimension | null;
      column?: string | null;
      row?: number | null;
      line?: number | null;
      value?: string | null;
      count?: number;
      data?: Record<string, unknown>;
    },
  ): void {
    const key = `${id}\u0000${opts.column ?? ''}`;
    let e = this.entries.get(key);
    if (!e) {
      e = {
        id,
        dimension: opts.dimension ?? null,
        severity: opts.severity ?? 'warn',
        column: opts.column ?? null,
        message: opts.message,
        count: 0,
        examples: [],
        data: opts.data,
      };
      this.entries.set(key, e);
    }
    e.count += opts.count ?? 1;
    this.onAdd?.(id, { severity: e.severity, message: e.message, line: opts.line ?? null, row: opts.row ?? null, count: opts.count ?? 1 });
    if (opts.row !== undefined || opts.line !== undefined) {
      addExample(e.examples, { row: opts.row ?? null, line: opts.line ?? null, value: opts.value ?? null });
    }
  }

  /** The log as plain data (for worker threads): entries in first-seen order. */
  toData(): IssueLogData {
    return [...this.entries.entries()].map(([key, e]) => [key, { ...e, examples: e.examples.slice() }]);
  }

  /**
   * Adds another log's entries, as if its problems had been found after this log's (`other` covers later rows):
   * counts add up, examples keep the lowest rows, message and data stay those of the first occurrence.
   */
  merge(other: IssueLog | IssueLogData): this {
    const data = other instanceof IssueLog ? other.toData() : other;
    for (const [key, e] of data) {
      const cur = this.entries.get(key);
      if (!cur) this.entries.set(key, { ...e, examples: e.examples.slice() });
      else {
        cur.count += e.count;
        cur.examples = mergeExamples(cur.examples, e.examples);
      }
    }
    return this;
  }

  /** Total count for an id (all columns). */
  count(id: string): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.id === id) n += e.count;
    return n;
  }

  has(id: string): boolean {
    return this.count(id) > 0;
  }

  findings(check = 'reader'): Finding[] {
    return [...this.entries.values()].map((e) => ({
      check,
      id: e.id,
      dimension: e.dimension,
      severity: e.severity,
      column: e.column,
      message: e.message,
      count: e.count,
      examples: e.examples,
      ...(e.data ? { data: e.data } : {}),
    }));
  }
}
