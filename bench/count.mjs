#!/usr/bin/env node
/** The raw-read ceiling: read the file in 1 MiB chunks and count newlines (CSV, JSONL) or just bytes (Parquet). */
import { createReadStream } from 'node:fs';

const file = process.argv[2];
let lines = 0;
let bytes = 0;
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
  bytes += chunk.length;
  let i = -1;
  while ((i = chunk.indexOf(10, i + 1)) !== -1) lines++;
}
process.stdout.write(JSON.stringify({ bytes, lines }) + '\n');
