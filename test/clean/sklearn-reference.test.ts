/**
 * `dq clean` against plain-TypeScript reference implementations of scikit-learn's documented algorithms
 * (SimpleImputer, KNNImputer, StandardScaler, MinMaxScaler, RobustScaler), on seeded generated data (ties,
 * constant and all-missing columns, a single row, near-constant columns) and on the bundled fixtures.
 *
 * The references follow scikit-learn's code paths, not dq's: naive sums, nan_euclidean distances computed
 * coordinate by coordinate, `_is_constant_feature` for StandardScaler and `_handle_zeros_in_scale` (10 eps)
 * for MinMaxScaler and RobustScaler, np.percentile's linear interpolation, most_frequent ties to the smallest.
 * kNN ties in distance go to the lower row (sklearn's argpartition leaves them unspecified).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, test } from 'vitest';
import { clean, tmpDir } from './helpers.js';
import { rng as mulberry32 } from '../rng.js';

const EPS = Number.EPSILON;
type Col = number[];

// ---------------------------------------------------------------------------------------------------------
// References (NaN = missing)

const observed = (v: Col) => v.filter((x) => !Number.isNaN(x));
const sorted = (v: Col) => observed(v).sort((a, b) => a - b);

function mean(v: Col): number {
  const o = observed(v);
  return o.length ? o.reduce((s, x) => s + x, 0) / o.length : NaN;
}
function median(v: Col): number {
  const s = sorted(v);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[n >> 1]! : (s[(n >> 1) - 1]! + s[n >> 1]!) / 2;
}
/** np.percentile, linear (numpy's _lerp). */
function percentile(v: Col, q: number): number {
  const s = sorted(v);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  if (lo + 1 >= s.length) return s[s.length - 1]!;
  const g = h - lo;
  const a = s[lo]!;
  const b = s[lo + 1]!;
  return g >= 0.5 ? b - (b - a) * (1 - g) : a + (b - a) * g;
}
/** SimpleImputer(strategy='most_frequent'): ties go to the smallest value. */
function mostFrequent(v: Col): number {
  const counts = new Map<number, number>();
  for (const x of observed(v)) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best = -1;
  let value = NaN;
  for (const [x, n] of counts) if (n > best || (n === best && x < value)) [best, value] = [n, x];
  return value;
}
function simpleImputer(v: Col, strategy: 'mean' | 'median' | 'most_frequent'): Col {
  const fill = strategy === 'mean' ? mean(v) : strategy === 'median' ? median(v) : mostFrequent(v);
  return v.map((x) => (Number.isNaN(x) ? fill : x));
}
/** StandardScaler: population variance; scale 1 where _is_constant_feature (not the 10-eps rule). */
function standardScaler(v: Col): Col {
  const o = observed(v);
  if (o.length === 0) return v;
  const n = o.length;
  const m = mean(v);
  // sklearn's _incremental_mean_and_var: corrected two-pass around the mean
  const dev = o.map((x) => x - m);
  const corr = dev.reduce((s, d) => s + d, 0);
  const variance = (dev.reduce((s, d) => s + d * d, 0) - (corr * corr) / n) / n;
  const constant = variance <= n * EPS * variance + (n * m * EPS) ** 2;
  const scale = constant ? 1 : Math.sqrt(variance);
  return v.map((x) => (x - m) / scale);
}
const zerosInScale = (s: number) => (s < 10 * EPS ? 1 : s);
function minMaxScaler(v: Col, a = 0, b = 1): Col {
  const s = sorted(v);
  if (s.length === 0) return v;
  const scale = (b - a) / zerosInScale(s[s.length - 1]! - s[0]!);
  const min = a - s[0]! * scale;
  return v.map((x) => x * scale + min);
}
function robustScaler(v: Col): Col {
  if (observed(v).length === 0) return v;
  const c = median(v);
  const scale = zerosInScale(percentile(v, 0.75) - percentile(v, 0.25));
  return v.map((x) => (x - c) / scale);
}
/** KNNImputer(n_neighbors=k, weights) with metric nan_euclidean, fit_transform on the same data. */
function knnImputer(cols: Col[], k = 5, weights: 'uniform' | 'distance' = 'uniform'): Col[] {
  const p = cols.length;
  const n = cols[0]?.length ?? 0;
  const dist = (a: number, b: number): number => {
    let s = 0;
    let c = 0;
    for (let j = 0; j < p; j++) {
      const x = cols[j]![a]!;
      const y = cols[j]![b]!;
      if (Number.isNaN(x) || Number.isNaN(y)) continue;
      s += (x - y) ** 2;
      c++;
    }
    return c === 0 ? NaN : Math.sqrt((s / c) * p);
  };
  return cols.map((col) => {
    const out = col.slice();
    const donors = col.flatMap((x, i) => (Number.isNaN(x) ? [] : [i]));
    if (donors.length === 0) return out; // all missing: sklearn drops the column, dq leaves it
    for (let a = 0; a < n; a++) {
      if (!Number.isNaN(col[a]!)) continue;
      const near = donors
        .map((b) => [dist(a, b), b] as const)
        .filter(([d]) => !Number.isNaN(d))
        .sort((x, y) => x[0] - y[0] || x[1] - y[1])
        .slice(0, k);
      if (near.length === 0) {
        out[a] = mean(col);
        continue;
      }
      const zero = near.some(([d]) => d === 0);
      const w = near.map(([d]) => (weights === 'uniform' ? 1 : zero ? (d === 0 ? 1 : 0) : 1 / d));
      const sw = w.reduce((s, x) => s + x, 0);
      out[a] = near.reduce((s, [, b], i) => s + w[i]! * col[b]!, 0) / sw;
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Data


type Table = { names: string[]; cols: Col[] };

/** Seeded columns: normal with 2 decimals, small integers (ties), a constant, all missing, a wide one, eighths. */
function generated(n: number, seed: number): Table {
  const r = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const names = ['a', 'b', 'c', 'd', 'e', 'f'];
  const cols: Col[] = names.map(() => []);
  for (let i = 0; i < n; i++) {
    const a = r() < 0.15 ? NaN : Math.round((10 + 3 * normal()) * 100) / 100;
    cols[0]!.push(a);
    cols[1]!.push(r() < 0.2 ? NaN : Math.floor(r() * 6));
    cols[2]!.push(r() < 0.1 ? NaN : 7);
    cols[3]!.push(NaN);
    cols[4]!.push(r() < 0.1 ? NaN : Math.round((Number.isNaN(a) ? 5 : a) * 2 + normal()) * 10 - 500);
    cols[5]!.push(r() < 0.25 ? NaN : Math.round(r() * 1000) / 8);
  }
  return { names, cols };
}

function writeTable(t: Table): string {
  const n = t.cols[0]!.length;
  // a text id column keeps rows whose numbers are all missing from being blank lines
  const lines = [['id', ...t.names].join(',')];
  for (let i = 0; i < n; i++) lines.push([`r${i}`, ...t.cols.map((c) => (Number.isNaN(c[i]!) ? '' : String(c[i])))].join(','));
  const p = join(tmpDir(), 'in.csv');
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

const num = (s: string | undefined) => (s === undefined || s.trim() === '' ? NaN : Number(s));

function readTable(path: string, names: string[]): Col[] {
  const text = readFileSync(path, 'utf8');
  let header: string[];
  let rows: string[][];
  if (path.endsWith('.jsonl')) {
    const objs = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    header = Object.keys(objs[0]!);
    rows = objs.map((o) => header.map((h) => (o[h] == null ? '' : String(o[h]))));
  } else {
    const data = Papa.parse<string[]>(text.replace(/\n$/, ''), { header: false }).data;
    header = data[0]!;
    rows = data.slice(1);
  }
  return names.map((name) => {
    const j = header.indexOf(name);
    if (j < 0) throw new Error(`no column ${name} in ${path}`);
    return rows.map((r) => num(r[j]));
  });
}

function expectClose(label: string, got: Col, want: Col, rel: number): void {
  expect(got.length, `${label}: rows`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w)) {
      expect(Number.isNaN(g), `${label}[${i}]: expected missing, got ${g}`).toBe(true);
      continue;
    }
    const tol = rel * Math.max(1, Math.abs(w));
    expect(Math.abs(g - w) <= tol, `${label}[${i}]: dq ${g}, reference ${w}`).toBe(true);
  }
}

type Method = { name: string; flags: Record<string, unknown>; ref: (cols: Col[]) => Col[]; rel: number };

const perColumn = (f: (v: Col) => Col) => (cols: Col[]) => cols.map(f);
const METHODS: Method[] = [
  { name: 'SimpleImputer mean', flags: { impute: ['mean'] }, ref: perColumn((v) => simpleImputer(v, 'mean')), rel: 1e-12 },
  { name: 'SimpleImputer median', flags: { impute: ['median'] }, ref: perColumn((v) => simpleImputer(v, 'median')), rel: 0 },
  { name: 'SimpleImputer most_frequent', flags: { impute: ['mode'] }, ref: perColumn((v) => simpleImputer(v, 'most_frequent')), rel: 0 },
  { name: 'StandardScaler', flags: { normalize: ['zscore'] }, ref: perColumn(standardScaler), rel: 1e-9 },
  { name: 'MinMaxScaler', flags: { normalize: ['minmax'] }, ref: perColumn((v) => minMaxScaler(v)), rel: 1e-12 },
  { name: 'MinMaxScaler (-1, 1)', flags: { normalize: ['minmax'], range: '-1,1' }, ref: perColumn((v) => minMaxScaler(v, -1, 1)), rel: 1e-12 },
  { name: 'RobustScaler', flags: { normalize: ['robust'] }, ref: perColumn(robustScaler), rel: 1e-12 },
  { name: 'KNNImputer k=5 uniform', flags: { impute: ['knn'] }, ref: (c) => knnImputer(c), rel: 1e-12 },
  { name: 'KNNImputer k=3 distance', flags: { impute: ['knn'], k: '3', weights: 'distance' }, ref: (c) => knnImputer(c, 3, 'distance'), rel: 1e-12 },
];

async function compare(input: string, names: string[], cols: Col[], m: Method, batchSize?: number): Promise<void> {
  const out = await clean(input, { ...m.flags, ...(batchSize ? { batchSize } : {}) } as never);
  const got = readTable(out, names);
  const want = m.ref(cols);
  names.forEach((name, j) => expectClose(`${m.name} ${name}`, got[j]!, want[j]!, m.rel));
}

describe('generated data (seeded): ties, a constant and an all-missing column', () => {
  // the last size is read in batches of 33 rows, so every fitted statistic crosses batch boundaries
  const sizes: [number, number | undefined][] = [[1, undefined], [2, undefined], [7, undefined], [60, undefined], [400, 33]];
  const cases = sizes.flatMap(([n, batch]) => METHODS.map((m) => ({ n, batch, m, label: `${m.name}, ${n} row(s)${batch ? ` in batches of ${batch}` : ''}` })));
  test.each(cases)('$label', async ({ n, batch, m }) => {
    const t = generated(n, 1000 + n);
    await compare(writeTable(t), t.names, t.cols, m, batch);
  });
});

describe('StandardScaler: constant features by _is_constant_feature, not by the 10-eps rule', () => {
  // sklearn: scale_ = 1 only where var <= n*eps*var + (n*mean*eps)^2
  const cases: { name: string; values: Col; want: Col }[] = [
    // a real spread far below 10 eps: scaled to unit variance (dq used to keep scale 1: -1e-16, 0, 1e-16)
    { name: 'tiny spread', values: [1e-16, 2e-16, 3e-16], want: [-Math.sqrt(1.5), 0, Math.sqrt(1.5)] },
    { name: 'tiny spread, shifted', values: [-3e-17, -1e-17, NaN, -2e-17], want: [-Math.sqrt(1.5), Math.sqrt(1.5), NaN, 0] },
    // one ulp around 1e8: indistinguishable from a constant, scale 1 (dq used to divide by 7.45e-9: 2.31)
    // (the mean rounds to 1e8 in sklearn and in dq: 4e8 + 2^-26 is 4e8 in doubles)
    { name: 'one ulp at 1e8', values: [1e8, 1e8 + 2 ** -26, 1e8, 1e8], want: [0, 2 ** -26, 0, 0] },
    { name: 'exact constant', values: [0.1, 0.1, NaN, 0.1], want: [0, 0, NaN, 0] },
    { name: 'small but real spread', values: [1e-10, 2e-10, 4e-10], want: standardScaler([1e-10, 2e-10, 4e-10]) },
  ];
  test.each(cases)('$name', async ({ values, want }) => {
    const input = writeTable({ names: ['x'], cols: [values] });
    const got = readTable(await clean(input, { normalize: ['zscore'] } as never), ['x'])[0]!;
    expectClose('zscore x', got, want, 1e-9);
    expectClose('reference x', standardScaler(values), want, 1e-9);
  });
});

describe('bundled fixtures', () => {
  const FIXTURES = resolve(import.meta.dirname, '../../fixtures');
  const files: { file: string; numeric: string[] }[] = [
    { file: 'penguins.csv', numeric: ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'] },
    { file: 'seattle-weather.csv', numeric: ['precipitation', 'temp_max', 'temp_min', 'wind'] },
    { file: 'cars.jsonl', numeric: ['Miles_per_Gallon', 'Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration'] },
  ];
  const cases = files.flatMap((f) => METHODS.map((m) => ({ ...f, m, label: `${f.file}: ${m.name}` })));
  test.each(cases)('$label', async ({ file, numeric, m }) => {
    const input = join(FIXTURES, file);
    await compare(input, numeric, readTable(input, numeric), m);
  });
});

describe('infinite numbers take part in no imputation fit (as mean/median already did)', () => {
  // x has an inf donor in row b; with it, kNN wrote Infinity into row c and MICE/forest did too.
  const csv = 'id,x,y\na,1,2\nb,inf,3\nc,,2.5\nd,2,\ne,3,4\nf,-inf,\n';
  const finiteCols: Col[] = [
    [1, NaN, NaN, 2, 3, NaN],
    [2, 3, 2.5, NaN, 4, NaN],
  ];
  const cases: { name: string; flags: Record<string, unknown>; want?: Col[] }[] = [
    { name: 'knn k=2', flags: { impute: ['knn'], k: '2' }, want: knnImputer(finiteCols, 2) },
    { name: 'knn k=5 distance', flags: { impute: ['knn'], weights: 'distance' }, want: knnImputer(finiteCols, 5, 'distance') },
    { name: 'mean', flags: { impute: ['mean'] }, want: finiteCols.map((c) => simpleImputer(c, 'mean')) },
    { name: 'mice regression', flags: { impute: ['mice'], miceMethod: 'regression' } },
    { name: 'mice pmm', flags: { impute: ['mice'] } },
    { name: 'forest', flags: { impute: ['forest'], trees: '10' } },
  ];
  test.each(cases)('$name', async ({ flags, want }) => {
    const input = join(tmpDir(), 'inf.csv');
    writeFileSync(input, csv);
    const out = await clean(input, flags as never);
    const rows = Papa.parse<string[]>(readFileSync(out, 'utf8').trim(), { header: false }).data.slice(1);
    // the infinite cells are written as read; every missing cell with a finite neighbour gets a finite number
    expect(rows.map((r) => r[1])[1]).toBe('inf');
    expect(rows.map((r) => r[1])[5]).toBe('-inf');
    const got = [rows.map((r) => num(r[1])), rows.map((r) => num(r[2]))];
    for (const [j, i] of [[0, 2], [1, 3], [1, 5]] as const) expect(Number.isFinite(got[j]![i]!), `column ${j} row ${i}: ${got[j]![i]}`).toBe(true);
    if (want) {
      expectClose('x', [got[0]![0]!, got[0]![2]!, got[0]![3]!, got[0]![4]!], [want[0]![0]!, want[0]![2]!, want[0]![3]!, want[0]![4]!], 1e-12);
      expectClose('y', got[1]!, want[1]!, 1e-12);
    }
  });
});
