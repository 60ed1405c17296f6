/** numberText equals String for every finite double: random bit patterns, short decimals and their neighbours. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberText } from '../../src/schema/values.js';

const neighbours = (v: number): number[] => {
  const b = new Float64Array([v]);
  const u = new BigInt64Array(b.buffer);
  const out: number[] = [];
  for (const k of [-2n, -1n, 1n, 2n]) {
    u[0] = new BigInt64Array(new Float64Array([v]).buffer)[0]! + k;
    if (Number.isFinite(b[0]!)) out.push(b[0]!);
  }
  return out;
};

describe('numberText', () => {
  it('equals String on any double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        expect(numberText(v)).toBe(String(v));
      }),
      { numRuns: 20_000 },
    );
  });

  it('equals String on decimals of up to 8 places, their negatives and their neighbouring doubles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 53 }), fc.integer({ min: 0, max: 8 }), (m, d) => {
        const v = m / 10 ** d;
        for (const x of [v, -v, ...neighbours(v)]) expect(numberText(x)).toBe(String(x));
      }),
      { numRuns: 20_000 },
    );
  });

  it('edge values', () => {
    const edge = [0.1, 0.2, 0.3, 0.1 + 0.2, 1e-6, 1.5e-6, 9.999999e-7, 1e15 - 0.5, 999999999999999.9, 123456789.123456, 4503599627370495.5];
    for (const v of [...edge, ...edge.map((x) => -x), -0, 0, 5e-324, 1e21, 1e-7]) expect(numberText(v)).toBe(String(v));
  });
});
