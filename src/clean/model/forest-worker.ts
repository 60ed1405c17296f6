/**
 * Worker for missForest: grows blocks of trees (runForestJob) on the shared binned features.
 * workerData: { binsBuffer: SharedArrayBuffer (P * n bytes, feature f at offset f * n), n, P }.
 * Loaded from the built JS via new Worker(new URL('./forest-worker.js', import.meta.url)).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runForestJob, type ForestJob } from './forest.js';
import { Rng } from './random.js';

const { binsBuffer, n, P } = workerData as { binsBuffer: SharedArrayBuffer; n: number; P: number };
const bins = Array.from({ length: P }, (_, f) => new Uint8Array(binsBuffer, f * n, n));
parentPort!.on('message', (job: ForestJob) => {
  const r = runForestJob(bins, n, job, Rng);
  parentPort!.postMessage(r, [r.oobSum.buffer as ArrayBuffer, r.oobCnt.buffer as ArrayBuffer, r.predSum.buffer as ArrayBuffer]);
});
