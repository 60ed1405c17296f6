// Timing of the model-based imputers on 100,000 x 10 numeric columns with 10% missing cells.
// Usage: npm run build && node bench/impute.mjs [knn|mice|forest|all] [rows]
// DQ_MODEL_DIR overrides the module folder (default dist/clean/model), e.g. a tsc --outDir build.
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const dir = path.resolve(process.env.DQ_MODEL_DIR ?? 'dist/clean/model');
const load = (f) => import(pathToFileURL(path.join(dir, f)).href);
const which = process.argv[2] ?? 'all';
const n = Number(process.argv[3] ?? 100_000);
const p = 10;

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(42);
const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

// Known truth: two latent factors, nonlinear terms, noise.
const truth = [];
const z1 = new Float64Array(n), z2 = new Float64Array(n);
for (let i = 0; i < n; i++) { z1[i] = normal(); z2[i] = normal(); }
for (let j = 0; j < p; j++) {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = z1[i], b = z2[i];
    v[i] = j % 3 === 0 ? 2 * a + b + 0.3 * normal() : j % 3 === 1 ? Math.sin(2 * a) + b * b + 0.3 * normal() : a * b + 0.5 * a + 0.3 * normal();
  }
  truth.push(v);
}
const columns = truth.map((v, j) => {
  const x = new Float64Array(v);
  for (let i = 0; i < n; i++) if (r() < 0.1) x[i] = NaN;
  return { name: `x${j}`, kind: 'numeric', values: x };
});
const input = { columns };

function rmse(cols) {
  let s = 0, m = 0;
  for (let j = 0; j < p; j++) {
    const x = columns[j].values, y = cols[j].values, t = truth[j];
    for (let i = 0; i < n; i++) if (x[i] !== x[i]) { s += (y[i] - t[i]) ** 2; m++; }
  }
  return Math.sqrt(s / m);
}
function meanImpute() {
  return columns.map((c) => {
    let s = 0, k = 0;
    for (const v of c.values) if (v === v) { s += v; k++; }
    return { values: c.values.map((v) => (v === v ? v : s / k)) };
  });
}
console.log(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`rows=${n} cols=${p} missing=10%  mean-imputation RMSE=${rmse(meanImpute()).toFixed(4)}`);

async function time(name, f) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const res = await f();
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0).user / 1e6;
  const cols = res.columns ?? res.datasets[0];
  console.log(`${name}: ${s.toFixed(1)} s wall, ${cpu.toFixed(1)} s cpu (all threads)  RMSE=${rmse(cols).toFixed(4)}  rss=${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  return res;
}

if (which === 'knn' || which === 'all') {
  const { knnImpute } = await load('knn.js');
  const res = await time('knn k=5', () => knnImpute(input, { k: 5 }));
  console.log('  workers:', res.summary.workers, 'exact:', res.summary.exact);
}
if (which === 'mice' || which === 'all') {
  const { mice } = await load('mice.js');
  const res = await time('mice pmm m=5 it=5', () => mice(input, { m: 5, iterations: 5, method: 'pmm', seed: 1 }));
  console.log('  pooled x0 mean:', JSON.stringify(res.summary.pooled?.[0]));
}
if (which === 'forest' || which === 'all') {
  const { missForest } = await load('missforest.js');
  const res = await time('missForest trees=100', () => missForest(input, { trees: 100, seed: 1 }));
  console.log('  iterations:', res.summary.iterations, 'approx:', !res.summary.exact, 'oob:', res.summary.columns.map((c) => c.oobError.toFixed(3)).join(' '));
}
