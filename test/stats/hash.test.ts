import { describe, expect, it } from 'vitest';
import { HASH_OUT, combine, hashFloat64, hashString, rowHashInit } from '../../src/stats/hash.js';

/** Collect 64-bit hashes as BigUint64Array, sort, count equal neighbours. */
function collisions(hashes: BigUint64Array): number {
  hashes.sort();
  let c = 0;
  for (let i = 1; i < hashes.length; i++) if (hashes[i] === hashes[i - 1]) c++;
  return c;
}

const key = (h: Uint32Array): bigint => (BigInt(h[0]!) << 32n) | BigInt(h[1]!);

describe('hashString', () => {
  it('is deterministic, seedable and writes into out or the scratch', () => {
    const out = new Uint32Array(2);
    const a = key(hashString('hello', 0, out));
    expect(key(hashString('hello'))).toBe(a);
    expect(hashString('hello')).toBe(HASH_OUT);
    expect(key(hashString('hello', 1))).not.toBe(a);
    expect(key(hashString('hellp'))).not.toBe(a);
    expect(key(hashString(''))).not.toBe(key(hashString('\0')));
    expect(key(hashString('a'))).not.toBe(key(hashString('a\0')));
  });

  it('has no collisions among 1M distinct short ids', () => {
    const n = 1_000_000;
    const hs = new BigUint64Array(n);
    for (let i = 0; i < n; i++) hs[i] = key(hashString(`id-${i}`));
    expect(collisions(hs)).toBe(0);
  });

  it('sets every output bit about half the time (1M keys, within 0.5%)', () => {
    const n = 1_000_000;
    const ones = new Float64Array(64);
    for (let i = 0; i < n; i++) {
      const h = hashString(String(i));
      for (let b = 0; b < 32; b++) {
        ones[b] += (h[0]! >>> b) & 1;
        ones[32 + b] += (h[1]! >>> b) & 1;
      }
    }
    for (let b = 0; b < 64; b++) expect(Math.abs(ones[b]! / n - 0.5)).toBeLessThan(0.005);
  });

  it('spreads low bits evenly over 1024 buckets (chi-square)', () => {
    const n = 1 << 20;
    const buckets = new Float64Array(1024);
    for (let i = 0; i < n; i++) buckets[hashString(`row${i}`)[1]! & 1023]++;
    const e = n / 1024;
    let chi = 0;
    for (const b of buckets) chi += ((b - e) * (b - e)) / e;
    // 1023 degrees of freedom: mean 1023, sd ~45; 1250 is ~5 sd.
    expect(chi).toBeLessThan(1250);
  });

  it('avalanches: flipping one input character flips ~half the output bits', () => {
    let flips = 0;
    let trials = 0;
    for (let i = 0; i < 2000; i++) {
      const s = `k${i}x`;
      const a = key(hashString(s));
      const t = s.slice(0, 1) + String.fromCharCode(s.charCodeAt(1) ^ 1) + s.slice(2);
      const b = key(hashString(t));
      let x = a ^ b;
      while (x) {
        flips += Number(x & 1n);
        x >>= 1n;
      }
      trials++;
    }
    expect(flips / trials / 64).toBeGreaterThan(0.45);
    expect(flips / trials / 64).toBeLessThan(0.55);
  });
});

describe('hashFloat64', () => {
  it('normalises -0 to 0 and every NaN to one value', () => {
    expect(key(hashFloat64(-0))).toBe(key(hashFloat64(0)));
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    u[0] = 1;
    u[1] = 0x7ff80000; // a NaN with a payload
    const weird = f[0]!;
    expect(Number.isNaN(weird)).toBe(true);
    expect(key(hashFloat64(weird))).toBe(key(hashFloat64(NaN)));
    expect(key(hashFloat64(1))).not.toBe(key(hashFloat64(-1)));
    expect(key(hashFloat64(Infinity))).not.toBe(key(hashFloat64(-Infinity)));
    expect(key(hashFloat64(1))).not.toBe(key(hashString('1')));
  });

  it('has no collisions among the integers 0..1e6 as floats, nor among i/7', () => {
    const n = 1_000_001;
    const hs = new BigUint64Array(n);
    for (let i = 0; i < n; i++) hs[i] = key(hashFloat64(i));
    expect(collisions(hs)).toBe(0);
    for (let i = 0; i < n; i++) hs[i] = key(hashFloat64(i / 7));
    expect(collisions(hs)).toBe(0);
  });

  it('spreads integer-valued floats over the low bits', () => {
    const buckets = new Float64Array(1024);
    const n = 1 << 20;
    for (let i = 0; i < n; i++) buckets[hashFloat64(i)[1]! & 1023]++;
    const e = n / 1024;
    let chi = 0;
    for (const b of buckets) chi += ((b - e) * (b - e)) / e;
    expect(chi).toBeLessThan(1250);
  });
});

describe('combine', () => {
  it('is order-sensitive and collision-free over a 1000 x 1000 grid of two-cell rows', () => {
    const h = new Uint32Array(2);
    const v = new Uint32Array(2);
    const a = new Uint32Array(2);
    const b = new Uint32Array(2);
    hashString('x', 0, a);
    hashString('y', 0, b);
    rowHashInit(0, h);
    combine(h, a[0]!, a[1]!);
    combine(h, b[0]!, b[1]!);
    const ab = key(h);
    rowHashInit(0, h);
    combine(h, b[0]!, b[1]!);
    combine(h, a[0]!, a[1]!);
    expect(key(h)).not.toBe(ab);

    const n = 1000;
    const hs = new BigUint64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        rowHashInit(0, h);
        hashFloat64(i, 0, v);
        combine(h, v[0]!, v[1]!);
        hashFloat64(j, 0, v);
        combine(h, v[0]!, v[1]!);
        hs[i * n + j] = key(h);
      }
    expect(collisions(hs)).toBe(0);
  });

  it('distinguishes rows with a value moved between columns', () => {
    const h = new Uint32Array(2);
    const row = (cells: string[]): bigint => {
      rowHashInit(7, h);
      const v = new Uint32Array(2);
      for (const c of cells) {
        hashString(c, 0, v);
        combine(h, v[0]!, v[1]!);
      }
      return key(h);
    };
    expect(row(['a', 'b', ''])).not.toBe(row(['a', '', 'b']));
    expect(row(['ab', ''])).not.toBe(row(['a', 'b']));
    expect(row([])).not.toBe(row(['']));
  });
});
