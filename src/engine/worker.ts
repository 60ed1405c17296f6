/**
 * Worker thread entry for parallel audits (see parallel.ts): reads one part of a file into fresh states with
 * the profile and the checkers named in the job (given as workerData, or posted once the main thread has planned
 * the split: the modules below load meanwhile), then posts the states back (typed arrays transferred).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IssueLog } from '../core/issues.js';
import type { Checker } from '../core/types.js';
import { CHECKERS } from '../checks/registry.js';
import { parseOptionsFrom } from '../schema/values.js';
import { openInput } from '../io/source.js';
import { loadReader } from './read.js';
import { feeder, newScan, scanInput } from './scan.js';
import { transferables, type WorkerJob, type WorkerResult } from './parallel.js';

async function run(job: WorkerJob): Promise<void> {
  const checkers: Checker<any>[] = [];
  for (const id of job.checkerIds) {
    let c = CHECKERS.find((x) => x.meta.id === id);
    if (!c && id === 'rules') c = (await import('../gate/rules-checker.js')).default as Checker<any>;
    if (!c) throw new Error(`checker ${id} cannot run in a worker`);
    checkers.push(c);
  }
  const input = await openInput(job.path, { format: job.format });
  const scan = newScan(checkers, job.options, job.valuesBudget);
  const issues = new IssueLog();
  const meta: Record<string, unknown> = {};
  let part: { rows: number; columns: string[] };
  try {
    const reader = await loadReader(input.format);
    part = await scanInput(input, reader, job.reader, job, job.partitions, scan, issues, meta, 0, feeder(scan, checkers, parseOptionsFrom(job.options)));
  } finally {
    await input.close();
  }
  const result: WorkerResult = { scan, issues: issues.toData(), meta, rows: part.rows, columns: part.columns };
  parentPort!.postMessage({ ok: true, result }, transferables(scan));
}

function start(job: WorkerJob): void {
  run(job).catch((e: unknown) => {
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  });
}

// started with its job, or (started early, while the main thread plans the split) waiting for it
if (workerData) start(workerData as WorkerJob);
else parentPort!.once('message', (job: WorkerJob) => start(job));
