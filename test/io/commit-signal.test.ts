/**
 * A signal while a group of outputs (data, log, params) is renamed into place ends dq after the last rename,
 * never between two: exitAfterCommits waits for `committing`.
 */
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutputGroup, committing, exitAfterCommits } from '../../src/io/writers/atomic.js';
import { tempDir } from '../helpers.js';

afterEach(() => vi.restoreAllMocks());

describe('exitAfterCommits', () => {
  it('exits at once when nothing is being renamed', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    exitAfterCommits(130);
    expect(exit).toHaveBeenCalledWith(130);
  });

  it('waits for the renames in progress, then exits with the first code asked for', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    await committing(async () => {
      exitAfterCommits(143);
      await new Promise((r) => setTimeout(r, 5));
      exitAfterCommits(130);
      expect(exit).not.toHaveBeenCalled();
    });
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(143);
  });

  it('a signal after the first rename of a group ends dq after the last one', async () => {
    const dir = tempDir();
    const files = ['a.csv', 'b.jsonl', 'c.json'].map((n) => join(dir, n));
    let atExit: boolean[] | null = null;
    vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      atExit = files.map((f) => existsSync(f));
      expect(code).toBe(130);
    }) as never);
    // the signal comes right after the first rename
    const rename = fsp.rename.bind(fsp);
    let renames = 0;
    vi.spyOn(fsp, 'rename').mockImplementation(async (a, b) => {
      await rename(a, b);
      if (++renames === 1) exitAfterCommits(130);
    });
    const group = new OutputGroup();
    for (const f of files) await (await group.file(f, f)).write(`${f}\n`);
    await group.commitAll();
    expect(renames).toBe(3);
    expect(atExit).toEqual([true, true, true]);
    for (const f of files) expect(readFileSync(f, 'utf8')).toBe(`${f}\n`);
  });
});
