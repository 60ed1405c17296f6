import { describe, expect, it } from 'vitest';
import { evaluateOn, ExprError, INVALID, parseExpr, DateVal } from '../../src/config/expr.js';

type Row = Record<string, string | number | boolean | null | Date>;
const ev = (src: string, row: Row = {}) => {
  const v = evaluateOn(parseExpr(src), row);
  return v instanceof DateVal ? v.ms : v;
};

describe('expression parser: precedence and operators', () => {
  const cases: [string, Row, unknown][] = [
    ['1 + 2 * 3 = 7', {}, true],
    ['(1 + 2) * 3 = 9', {}, true],
    ['10 - 4 - 3 = 3', {}, true],
    ['12 / 3 / 2 = 2', {}, true],
    ['7 % 4 = 3', {}, true],
    ['-2 * 3 = -6', {}, true],
    ['- - 2 = 2', {}, true],
    ['2 * -3 < 0', {}, true],
    ['1 < 2 and 2 < 3', {}, true],
    ['1 > 2 or 2 < 3', {}, true],
    ['true or false and false', {}, true], // and binds tighter
    ['not 1 = 2', {}, true], // not binds looser than =
    ['not true or true', {}, true],
    ['1 == 1 and 1 <> 2 and 1 != 2', {}, true],
    ['a >= b', { a: 3, b: 2 }, true],
    ['abs(total - price * qty) <= 0.01', { total: 10.005, price: 2.5, qty: 4 }, true],
    ['abs(total - price * qty) <= 0.01', { total: 11, price: 2.5, qty: 4 }, false],
    ['`unit price` > 1', { 'unit price': 2 }, true],
    ['"unit price" > 1', { 'unit price': 0 }, false],
    ["name = 'O''Brien'", { name: "O'Brien" }, true],
    ['len(code) = 3', { code: 'abc' }, true],
    ["lower(c) = 'abc' and upper(c) = 'ABC'", { c: 'aBc' }, true],
    ['round(x, 1) = 2.3', { x: 2.34 }, true],
    ['round(x) = 2', { x: 2.4 }, true],
    ['min(a, b, 5) = 1 and max(a, b, 5) = 5', { a: 1, b: 3 }, true],
    ['coalesce(a, b) = 2', { a: null, b: 2 }, true],
    ['x is null', { x: null }, true],
    ['x is not null', { x: 1 }, true],
    ['x IS NOT NULL AND y Is Null', { x: 1, y: null }, true],
    ['end_date >= start_date', { start_date: new Date('2024-01-02'), end_date: new Date('2024-01-01') }, false],
    ["d >= '2024-01-01'", { d: new Date('2024-03-01') }, true],
    ['end_date - start_date = 31', { start_date: new Date('2024-01-01'), end_date: new Date('2024-02-01') }, true],
    ["code = 12", { code: '12' }, true],
  ];
  it.each(cases)('%s', (src, row, want) => {
    expect(ev(src, row)).toBe(want);
  });
});

describe('null semantics (three-valued)', () => {
  const cases: [string, Row, unknown][] = [
    ['a > 1', { a: null }, null],
    ['a + 1 > 1', { a: null }, null],
    ['not (a > 1)', { a: null }, null],
    ['a > 1 and false', { a: null }, false],
    ['a > 1 and true', { a: null }, null],
    ['a > 1 or true', { a: null }, true],
    ['a > 1 or false', { a: null }, null],
    ['abs(a) > 0', { a: null }, null],
    ['a = null', { a: 1 }, null],
    ['missing_col > 0', {}, null],
    ['x / 0 > 1', { x: 1 }, null],
  ];
  it.each(cases)('%s', (src, row, want) => {
    expect(ev(src, row)).toBe(want);
  });
  it('type errors are INVALID (violations), not unknown', () => {
    expect(evaluateOn(parseExpr("a * 2 > 1"), { a: 'abc' })).toBe(INVALID);
    expect(evaluateOn(parseExpr("a > 1"), { a: 'abc' })).toBe(INVALID);
    expect(evaluateOn(parseExpr("a"), { a: 5 })).toBe(5);
  });
});

describe('expression errors', () => {
  const bad: [string, RegExp, number | null][] = [
    ['a >', /end of expression/, 3],
    ['a > > b', /unexpected/, 4],
    ['(a > b', /expected "\)"/, 6],
    ['a < b < c', /cannot be chained/, 6],
    ['foo(a) > 1', /unknown function "foo"/, 0],
    ['abss(a) > 1', /did you mean "abs"/, 0],
    ['abs(a, b) > 1', /takes 1 argument/, 0],
    ["a = 'x", /unterminated string/, 4],
    ['a # b', /unexpected character/, 2],
    ['a + 1', /must be a condition/, null],
    ['', /empty expression/, 0],
    ['a is 3', /expected "null"/, 5],
    ['12abc > 1', /invalid number/, 0],
  ];
  it.each(bad)('%s', (src, re, offset) => {
    let err: unknown;
    try {
      parseExpr(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExprError);
    expect((err as ExprError).message).toMatch(re);
    if (offset !== null) expect((err as ExprError).offset).toBe(offset);
  });

  it.each([
    ['deep parentheses', '('.repeat(100_000) + 'a' + ')'.repeat(100_000) + ' > 1'],
    ['deep not', 'not '.repeat(50_000) + 'a'],
    ['deep unary minus', '-'.repeat(9000) + 'a > 1'],
    ['long flat chain', Array.from({ length: 3000 }, () => 'a').join('+') + ' > 1'],
  ])('hostile input (%s) is an ExprError, not a stack overflow', (_name, src) => {
    expect(() => parseExpr(src)).toThrow(ExprError);
  });

  it('a moderately nested expression is fine', () => {
    const src = '('.repeat(50) + 'a' + ')'.repeat(50) + ' > 1';
    expect(evaluateOn(parseExpr(src), { a: 2 })).toBe(true);
  });
});
