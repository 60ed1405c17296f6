/**
 * Worker entry for knnImpute: runs knnSearchChunk on the receivers it is given. Loaded from the
 * built JS (dist/clean/model/knn-worker.js) via new Worker(new URL('./knn-worker.js', import.meta.url)).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { knnSearchChunk, type KnnChunk, type KnnKernelData } from './knn-kernel.js';

const { data, chunk } = workerData as { data: KnnKernelData; chunk: KnnChunk };
const res = knnSearchChunk(data, chunk);
parentPort!.postMessage(res, [res.idx.buffer as ArrayBuffer, res.dist.buffer as ArrayBuffer]);
