/**
 * String(v) for a finite number, faster for the values data files are full of: decimals of up to 6 places.
 *
 * Number::toString writes the decimal with the fewest significant digits whose Number value is v. When v is the
 * double nearest m / 10^d for an integer m below 2^53 and the least such d <= 6, that decimal is m with its
 * point moved d places: any decimal with fewer significant digits that is still near v has fewer places (so
 * fails an earlier d), and of those with d places m is the nearest. `m / 10^d === v` checks "v is the double
 * nearest m / 10^d" exactly (both are exact doubles, and division is correctly rounded), and Math.round finds m:
 * v * 10^d is within a relative 2^-52 of it. Everything else (integers, tiny, huge or long values) goes to String.
 * Tested against String on random and adversarial doubles (test/schema/number-text.test.ts).
 */
const POW = [1, 10, 100, 1000, 10000, 100000, 1000000];
const ZEROS = ['', '0', '00', '000', '0000', '00000'];

export function numberText(v: number): string {
  if (Number.isInteger(v) || !(v > -1e15 && v < 1e15) || (v > -1e-6 && v < 1e-6)) return String(v);
  const a = v < 0 ? -v : v;
  for (let d = 1; d <= 6; d++) {
    const p = POW[d]!;
    const m = Math.round(a * p);
    if (m / p !== a) continue;
    if (m >= 2 ** 53) break;
    const ip = Math.floor(m / p);
    const f = String(m - ip * p);
    const s = `${ip}.${ZEROS[d - f.length]}${f}`;
    return v < 0 ? '-' + s : s;
  }
  return String(v);
}
