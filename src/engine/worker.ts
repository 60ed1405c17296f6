/**
 * Worker thread entry for parallel audits (see parallel.ts): reads one part of a file into fresh states with
 * the profile and the checkers named in the job, then posts the states back (typed arrays transferred). For a
 * text file it first finds where its part starts (the pre-pass) and posts that, while the main thread reads
 * the first part.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IssueLog } from '../core/issues.js';
import type { Checker } from '../core/types.js';
import { CHECKERS } from '../checks/registry.js';
import { parseOptionsFrom } from '../schema/values.js';
import { bytesRead, openInput } from '../io/source.js';
import { loadReader } from './read.js';
import { feeder, newScan, scanInput, type ScanState } from './scan.js';
import { partValuesBudget, planTextSplit, splitRowEstimate, transferables, type WorkerJob, type WorkerResult } from './parallel.js';

async function run(job: WorkerJob): Promise<void> {
  const checkers: Checker<any>[] = [];
  for (const id of job.checkerIds) {
    let c = CHECKERS.find((x) => x.meta.id === id);
    if (!c && id === 'rules') c = (await import('../gate/rules-checker.js')).default as Checker<any>;
    if (!c) throw new Error(`checker ${id} cannot run in a worker`);
    checkers.push(c);
  }
  // (the main thread hashes the file)
  const input = await openInput(job.path, { format: job.format, hash: false });
  let part: { rows: number; columns: string[] };
  let scan: ScanState;
  const issues = new IssueLog();
  const meta: Record<string, unknown> = {};
  try {
    let { reader: opts, valuesBudget } = job;
    if (job.split !== undefined) {
      // any problem here (binary data, a bad delimiter) is left to the main thread's read to report
      const split = await planTextSplit(input, opts, job.split).catch(() => null);
      parentPort!.postMessage({ plan: split });
      if (!split) return; // the main thread reads the whole file
      opts = { ...opts, range: split.range };
      valuesBudget = partValuesBudget(splitRowEstimate(split, input.bytes!), job.options.exactBudgetBytes, true);
    }
    scan = newScan(checkers, job.options, valuesBudget);
    const reader = await loadReader(input.format);
    // progress: rows and bytes of this part (the pre-pass's reads are not part of it)
    const readBase = bytesRead(input);
    let last = 0;
    const onBatch = job.progress
      ? (rows: number) => {
          const now = Date.now();
          if (now - last < 200) return;
          last = now;
          parentPort!.postMessage({ progress: [rows, bytesRead(input) - readBase] });
        }
      : undefined;
    part = await scanInput(input, reader, opts, job, job.partitions, scan, issues, meta, 0, feeder(scan, checkers, parseOptionsFrom(job.options)), onBatch);
  } finally {
    await input.close();
  }
  const result: WorkerResult = { finishedAt: Date.now(), scan, issues: issues.toData(), meta, rows: part.rows, columns: part.columns };
  parentPort!.postMessage({ ok: true, result }, transferables(scan));
}

function start(job: WorkerJob): void {
  run(job).catch((e: unknown) => {
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  });
}

start(workerData as WorkerJob);
