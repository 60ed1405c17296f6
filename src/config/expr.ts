/**
 * Cross-column rule expressions: a hand-written tokenizer, a Pratt parser and a closure compiler.
 * Nothing is ever evaluated with eval / new Function.
 *
 * Syntax
 *   literals     12  1.5  .5  1e3  'text' ('' inside quotes is a quote)  true  false  null
 *   columns      bare identifiers (letters, digits, _, may not start with a digit),
 *                or quoted: `unit price` or "unit price" (a doubled quote inside is a quote)
 *   arithmetic   + - * / %   (unary -)
 *   comparison   = == != <> < <= > >=   (not chainable: a < b < c is an error)
 *   logic        and or not            (keywords are case-insensitive)
 *   null tests   x is null, x is not null
 *   functions    abs(x) round(x[, digits]) min(a, b, ...) max(a, b, ...) len(s) lower(s) upper(s) coalesce(a, b, ...)
 *   precedence (loosest first): or, and, not, comparison / is null, + -, * / %, unary -, call / primary
 *
 * Semantics (README, "Cross-column rules")
 * - Cells are typed as the value parser reads them: numbers, booleans, dates (compared by time), text.
 * - Null (a missing cell): arithmetic and functions with a null argument give null (coalesce excepted);
 *   a comparison with null is UNKNOWN, and a rule whose result is unknown is NOT a violation
 *   (SQL three-valued logic: `not unknown` is unknown, `false and unknown` is false, `true or unknown` is true).
 *   Whether a value may be missing at all is the business of the column's `required` rule.
 * - Dates: date - date is a number of days; date + number / date - number shift by days; a date compared
 *   with text parses the text as a date.
 * - Text compared with a number is compared as a number when it reads as one.
 * - Type errors (arithmetic on text that is not a number, ordering a number against text, a condition that is
 *   not true/false) are INVALID: a violation of the rule, reported with the offending values.
 * - Division or modulo by zero gives null (unknown).
 */
import { Kind, type ColumnView } from '../core/types.js';
import { parseDateValue, toNumber } from '../schema/values.js';

export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%';

/** The AST: plain JSON (goes into AuditOptions.checks.rules). `at` is the offset in the source text. */
export type Expr =
  | { t: 'num'; v: number; at: number }
  | { t: 'str'; v: string; at: number }
  | { t: 'bool'; v: boolean; at: number }
  | { t: 'null'; at: number }
  | { t: 'col'; name: string; at: number }
  | { t: 'neg'; e: Expr; at: number }
  | { t: 'not'; e: Expr; at: number }
  | { t: 'arith'; op: ArithOp; l: Expr; r: Expr; at: number }
  | { t: 'cmp'; op: CmpOp; l: Expr; r: Expr; at: number }
  | { t: 'and'; l: Expr; r: Expr; at: number }
  | { t: 'or'; l: Expr; r: Expr; at: number }
  | { t: 'isnull'; e: Expr; neg: boolean; at: number }
  | { t: 'call'; fn: FnName; args: Expr[]; at: number };

export const FUNCTIONS = {
  abs: [1, 1],
  round: [1, 2],
  min: [1, 64],
  max: [1, 64],
  len: [1, 1],
  lower: [1, 1],
  upper: [1, 1],
  coalesce: [1, 64],
} as const;
export type FnName = keyof typeof FUNCTIONS;

export const MAX_EXPR_LENGTH = 10_000;
export const MAX_EXPR_DEPTH = 100;

export class ExprError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'ExprError';
  }
}

type Tok =
  | { k: 'num'; v: number; at: number }
  | { k: 'str'; v: string; at: number }
  | { k: 'id'; v: string; at: number }
  | { k: 'qid'; v: string; at: number }
  | { k: 'op'; v: string; at: number }
  | { k: 'eof'; at: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'true', 'false']);

function isIdStart(c: string): boolean {
  return /[\p{L}_]/u.test(c);
}
function isIdPart(c: string): boolean {
  return /[\p{L}\p{N}_]/u.test(c);
}

export function tokenize(src: string): Tok[] {
  if (src.length > MAX_EXPR_LENGTH) throw new ExprError(`expression is longer than ${MAX_EXPR_LENGTH} characters`, 0);
  const out: Tok[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const at = i;
    if ((c >= '0' && c <= '9') || (c === '.' && i + 1 < n && src[i + 1]! >= '0' && src[i + 1]! <= '9')) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 400));
      if (!m) throw new ExprError('invalid number', at);
      i += m[0].length;
      if (i < n && isIdPart(src[i]!)) throw new ExprError(`invalid number "${src.slice(at, i + 1)}"`, at);
      out.push({ k: 'num', v: Number(m[0]), at });
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      let s = '';
      for (;;) {
        if (j >= n) throw new ExprError(c === "'" ? 'unterminated string' : 'unterminated quoted column name', at);
        const d = src[j]!;
        if (d === c) {
          if (src[j + 1] === c) {
            s += c;
            j += 2;
            continue;
          }
          break;
        }
        s += d;
        j++;
      }
      i = j + 1;
      if (c === "'") out.push({ k: 'str', v: s, at });
      else {
        if (s.length === 0) throw new ExprError('empty column name', at);
        out.push({ k: 'qid', v: s, at });
      }
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdPart(src[j]!)) j++;
      out.push({ k: 'id', v: src.slice(i, j), at });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '!=' || two === '<>' || two === '==') {
      out.push({ k: 'op', v: two, at });
      i += 2;
      continue;
    }
    if ('+-*/%=<>(),'.includes(c)) {
      out.push({ k: 'op', v: c, at });
      i++;
      continue;
    }
    throw new ExprError(`unexpected character "${c}"`, at);
  }
  out.push({ k: 'eof', at: n });
  return out;
}

/** Binding powers (higher binds tighter). */
const BP = { or: 1, and: 2, not: 3, cmp: 4, add: 5, mul: 6, neg: 7 } as const;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private kw(t: Tok, w: string): boolean {
    return t.k === 'id' && t.v.toLowerCase() === w;
  }
  private isOp(t: Tok, v: string): boolean {
    return t.k === 'op' && t.v === v;
  }
  private enter(at: number): void {
    if (++this.depth > MAX_EXPR_DEPTH) throw new ExprError(`expression is nested more than ${MAX_EXPR_DEPTH} levels deep`, at);
  }

  parseAll(): Expr {
    const e = this.expr(0);
    const t = this.peek();
    if (t.k !== 'eof') throw new ExprError(`unexpected ${describe(t)}`, t.at);
    return e;
  }

  private expr(minBp: number): Expr {
    const start = this.peek();
    this.enter(start.at);
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      let bp = -1;
      if (this.kw(t, 'or')) bp = BP.or;
      else if (this.kw(t, 'and')) bp = BP.and;
      else if (this.kw(t, 'is')) bp = BP.cmp;
      else if (t.k === 'op') {
        if (['=', '==', '!=', '<>', '<', '<=', '>', '>='].includes(t.v)) bp = BP.cmp;
        else if (t.v === '+' || t.v === '-') bp = BP.add;
        else if (t.v === '*' || t.v === '/' || t.v === '%') bp = BP.mul;
      }
      if (bp < 0 || bp <= minBp) break;
      this.next();
      if (bp === BP.or || bp === BP.and) {
        const right = this.expr(bp);
        left = { t: bp === BP.or ? 'or' : 'and', l: left, r: right, at: t.at };
      } else if (this.kw(t, 'is')) {
        if (left.t === 'cmp' || left.t === 'isnull') throw new ExprError('comparisons cannot be chained; use "and"', t.at);
        let neg = false;
        if (this.kw(this.peek(), 'not')) {
          this.next();
          neg = true;
        }
        const nt = this.next();
        if (!this.kw(nt, 'null')) throw new ExprError(`expected "null" after "is${neg ? ' not' : ''}", found ${describe(nt)}`, nt.at);
        left = { t: 'isnull', e: left, neg, at: t.at };
      } else if (bp === BP.cmp) {
        if (left.t === 'cmp' || left.t === 'isnull') throw new ExprError('comparisons cannot be chained; use "and"', t.at);
        const right = this.expr(BP.cmp);
        const tv = (t as { v: string }).v;
        const op: CmpOp = tv === '==' ? '=' : tv === '<>' ? '!=' : (tv as CmpOp);
        left = { t: 'cmp', op, l: left, r: right, at: t.at };
      } else {
        const right = this.expr(bp);
        left = { t: 'arith', op: (t as { v: string }).v as ArithOp, l: left, r: right, at: t.at };
      }
    }
    this.depth--;
    return left;
  }

  private prefix(): Expr {
    const t = this.next();
    switch (t.k) {
      case 'num':
        return { t: 'num', v: t.v, at: t.at };
      case 'str':
        return { t: 'str', v: t.v, at: t.at };
      case 'qid':
        return { t: 'col', name: t.v, at: t.at };
      case 'eof':
        throw new ExprError('unexpected end of expression', t.at);
      case 'op':
        if (t.v === '(') {
          const e = this.expr(0);
          const c = this.next();
          if (!this.isOp(c, ')')) throw new ExprError(`expected ")", found ${describe(c)}`, c.at);
          return e;
        }
        if (t.v === '-') return { t: 'neg', e: this.expr(BP.neg - 1), at: t.at };
        if (t.v === '+') return this.expr(BP.neg - 1);
        throw new ExprError(`unexpected ${describe(t)}`, t.at);
      case 'id': {
        const w = t.v.toLowerCase();
        if (w === 'not') return { t: 'not', e: this.expr(BP.not - 1), at: t.at };
        if (w === 'null') return { t: 'null', at: t.at };
        if (w === 'true' || w === 'false') return { t: 'bool', v: w === 'true', at: t.at };
        if (KEYWORDS.has(w)) throw new ExprError(`unexpected keyword "${t.v}"`, t.at);
        if (this.isOp(this.peek(), '(')) {
          this.next();
          const fn = w as FnName;
          if (!Object.prototype.hasOwnProperty.call(FUNCTIONS, w)) {
            const s = suggest(w, Object.keys(FUNCTIONS));
            throw new ExprError(
              `unknown function "${t.v}"${s ? ` (did you mean "${s}"?)` : ''}; functions: ${Object.keys(FUNCTIONS).join(', ')}`,
              t.at,
            );
          }
          const args: Expr[] = [];
          if (!this.isOp(this.peek(), ')')) {
            for (;;) {
              args.push(this.expr(0));
              const s = this.next();
              if (this.isOp(s, ')')) break;
              if (!this.isOp(s, ',')) throw new ExprError(`expected "," or ")", found ${describe(s)}`, s.at);
            }
          } else this.next();
          const [lo, hi] = FUNCTIONS[fn];
          if (args.length < lo || args.length > hi) {
            throw new ExprError(`${fn}() takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, got ${args.length}`, t.at);
          }
          return { t: 'call', fn, args, at: t.at };
        }
        return { t: 'col', name: t.v, at: t.at };
      }
    }
  }
}

function describe(t: Tok): string {
  switch (t.k) {
    case 'eof':
      return 'end of expression';
    case 'num':
      return `number ${t.v}`;
    case 'str':
      return 'string';
    case 'qid':
      return `column "${t.v}"`;
    default:
      return `"${t.v}"`;
  }
}

/** Levenshtein distance (small strings). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length > 200 || b.length > 200) return Math.max(a.length, b.length);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate within a small edit distance, or null. */
export function suggest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const lw = word.toLowerCase();
  for (const c of candidates) {
    const d = levenshtein(lw, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== null && bestD <= limit ? best : null;
}

function depthOf(e: Expr): number {
  // iterative, so a pathological AST cannot overflow the stack here
  let max = 0;
  const stack: [Expr, number][] = [[e, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (d > max) max = d;
    for (const c of children(x)) stack.push([c, d + 1]);
  }
  return max;
}

function children(e: Expr): Expr[] {
  switch (e.t) {
    case 'neg':
    case 'not':
    case 'isnull':
      return [e.e];
    case 'arith':
    case 'cmp':
    case 'and':
    case 'or':
      return [e.l, e.r];
    case 'call':
      return e.args;
    default:
      return [];
  }
}

/** Column names an expression reads, in first-use order. */
export function columnsOf(e: Expr): string[] {
  const out: string[] = [];
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.t === 'col' && !out.includes(x.name)) out.push(x.name);
    const ch = children(x);
    for (let i = ch.length - 1; i >= 0; i--) stack.push(ch[i]!);
  }
  return out;
}

/** Node kinds that can give true/false. A rule whose top node is arithmetic or a literal number/string is rejected. */
function isCondition(e: Expr): boolean {
  return ['cmp', 'and', 'or', 'not', 'isnull', 'bool', 'col', 'call'].includes(e.t) && !(e.t === 'call' && e.fn !== 'coalesce');
}

/** Parse an expression; throws ExprError with the offset of the problem. */
export function parseExpr(src: string): Expr {
  const toks = tokenize(src);
  if (toks.length === 1) throw new ExprError('empty expression', 0);
  const e = new Parser(toks).parseAll();
  if (depthOf(e) > MAX_EXPR_DEPTH * 4) throw new ExprError(`expression is nested more than ${MAX_EXPR_DEPTH * 4} levels deep`, 0);
  if (!isCondition(e)) throw new ExprError('a rule must be a condition (a comparison, "and"/"or"/"not", or "is null")', e.at);
  return e;
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/** A date value: epoch ms plus its text (for len/lower/upper and examples). */
export class DateVal {
  constructor(readonly ms: number, readonly text: string) {}
}
/** A type error: the rule is violated. */
export const INVALID: unique symbol = Symbol('invalid');
export type Val = number | string | boolean | null | DateVal | typeof INVALID;

/** Column slots: set once per batch; `views[k]` is the view of the k-th referenced column (null when absent). */
export interface Slots {
  views: (ColumnView | null)[];
}

type Fn = (row: number) => Val;

function cellValue(v: ColumnView | null, i: number): Val {
  if (!v) return null;
  switch (v.kind[i]) {
    case Kind.MISSING:
      return null;
    case Kind.INT:
    case Kind.FLOAT:
      return v.num[i]!;
    case Kind.BOOL:
      return v.num[i] === 1;
    case Kind.DATE:
    case Kind.DATETIME:
      return new DateVal(v.num[i]!, v.text[i] ?? '');
    default:
      return v.text[i] ?? null;
  }
}

function asNumber(v: Val): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return toNumber(v);
  return null;
}

function asText(v: Val): string {
  if (v instanceof DateVal) return v.text;
  return String(v);
}

const DAY = 86_400_000;

function arith(op: ArithOp, a: Val, b: Val): Val {
  if (a === INVALID || b === INVALID) return INVALID;
  if (a === null || b === null) return null;
  if (a instanceof DateVal || b instanceof DateVal) {
    if (a instanceof DateVal && b instanceof DateVal && op === '-') return (a.ms - b.ms) / DAY;
    if (a instanceof DateVal && (op === '+' || op === '-')) {
      const n = asNumber(b);
      if (n === null) return INVALID;
      const ms = op === '+' ? a.ms + n * DAY : a.ms - n * DAY;
      return new DateVal(ms, new Date(ms).toISOString());
    }
    if (b instanceof DateVal && op === '+') return arith('+', b, a);
    return INVALID;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return INVALID;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === null || y === null) return INVALID;
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? null : x / y;
    case '%':
      return y === 0 ? null : x % y;
  }
}

/** -1/0/1, or null when the two cannot be ordered, or 'ne' when they can only be told unequal. */
function order(a: Exclude<Val, null | typeof INVALID>, b: Exclude<Val, null | typeof INVALID>): number | 'ne' {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof DateVal || b instanceof DateVal) {
    const x = a instanceof DateVal ? a.ms : typeof a === 'string' ? (parseDateValue(a)?.ms ?? null) : null;
    const y = b instanceof DateVal ? b.ms : typeof b === 'string' ? (parseDateValue(b)?.ms ?? null) : null;
    if (x === null || y === null) return 'ne';
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    if (typeof a !== 'boolean' || typeof b !== 'boolean') return 'ne';
    return a === b ? 0 : a ? 1 : -1;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  // number vs string
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === null || y === null) return 'ne';
  return x < y ? -1 : x > y ? 1 : 0;
}

function compare(op: CmpOp, a: Val, b: Val): Val {
  if (a === INVALID || b === INVALID) return INVALID;
  if (a === null || b === null) return null;
  const o = order(a, b);
  if (o === 'ne') {
    if (op === '=') return false;
    if (op === '!=') return true;
    return INVALID;
  }
  switch (op) {
    case '=':
      return o === 0;
    case '!=':
      return o !== 0;
    case '<':
      return o < 0;
    case '<=':
      return o <= 0;
    case '>':
      return o > 0;
    case '>=':
      return o >= 0;
  }
}

function truth(v: Val): boolean | null | typeof INVALID {
  if (v === null || v === INVALID || typeof v === 'boolean') return v;
  return INVALID;
}

function callFn(fn: FnName, args: Val[]): Val {
  if (fn === 'coalesce') {
    for (const a of args) if (a !== null) return a;
    return null;
  }
  for (const a of args) {
    if (a === INVALID) return INVALID;
    if (a === null) return null;
  }
  switch (fn) {
    case 'abs': {
      const x = asNumber(args[0]!);
      return x === null ? INVALID : Math.abs(x);
    }
    case 'round': {
      const x = asNumber(args[0]!);
      const d = args.length > 1 ? asNumber(args[1]!) : 0;
      if (x === null || d === null || !Number.isInteger(d) || d < -15 || d > 15) return INVALID;
      const f = 10 ** d;
      return Math.round(x * f) / f;
    }
    case 'min':
    case 'max': {
      let best = args[0]!;
      for (let i = 1; i < args.length; i++) {
        const o = order(args[i] as Exclude<Val, null | typeof INVALID>, best as Exclude<Val, null | typeof INVALID>);
        if (o === 'ne') return INVALID;
        if (fn === 'min' ? o < 0 : o > 0) best = args[i]!;
      }
      return best;
    }
    case 'len':
      return [...asText(args[0]!)].length;
    case 'lower':
      return asText(args[0]!).toLowerCase();
    case 'upper':
      return asText(args[0]!).toUpperCase();
  }
}

/**
 * Compile an AST to a closure over column slots. `slotOf` maps a column name to its slot index
 * (the caller fills `slots.views` per batch, since column positions may change between batches).
 */
export function compileExpr(e: Expr, slots: Slots, slotOf: (name: string) => number): Fn {
  switch (e.t) {
    case 'num':
    case 'str':
    case 'bool': {
      const v = e.v;
      return () => v;
    }
    case 'null':
      return () => null;
    case 'col': {
      const k = slotOf(e.name);
      return (i) => cellValue(slots.views[k] ?? null, i);
    }
    case 'neg': {
      const f = compileExpr(e.e, slots, slotOf);
      return (i) => arith('-', 0, f(i));
    }
    case 'not': {
      const f = compileExpr(e.e, slots, slotOf);
      return (i) => {
        const v = truth(f(i));
        return v === null || v === INVALID ? v : !v;
      };
    }
    case 'arith': {
      const l = compileExpr(e.l, slots, slotOf);
      const r = compileExpr(e.r, slots, slotOf);
      const op = e.op;
      return (i) => arith(op, l(i), r(i));
    }
    case 'cmp': {
      const l = compileExpr(e.l, slots, slotOf);
      const r = compileExpr(e.r, slots, slotOf);
      const op = e.op;
      return (i) => compare(op, l(i), r(i));
    }
    case 'and':
    case 'or': {
      const l = compileExpr(e.l, slots, slotOf);
      const r = compileExpr(e.r, slots, slotOf);
      const isAnd = e.t === 'and';
      return (i) => {
        const a = truth(l(i));
        if (a === !isAnd) return a; // false and .. / true or ..
        const b = truth(r(i));
        if (b === !isAnd) return b;
        if (a === INVALID || b === INVALID) return INVALID;
        if (a === null || b === null) return null;
        return isAnd;
      };
    }
    case 'isnull': {
      const f = compileExpr(e.e, slots, slotOf);
      const neg = e.neg;
      return (i) => (f(i) === null) !== neg;
    }
    case 'call': {
      const fs = e.args.map((a) => compileExpr(a, slots, slotOf));
      const fn = e.fn;
      return (i) => callFn(
        fn,
        fs.map((f) => f(i)),
      );
    }
  }
}

/** Outcome of a rule on one row. */
export type Outcome = 'pass' | 'fail' | 'unknown';

export function outcomeOf(v: Val): Outcome {
  if (v === true) return 'pass';
  if (v === null) return 'unknown';
  return 'fail';
}

/** Evaluate an expression on plain values (tests, docs): a row as {column: value}. */
export function evaluateOn(e: Expr, row: Record<string, string | number | boolean | null | Date>): Val {
  const names = columnsOf(e);
  const slots: Slots = { views: [] };
  const f = compileExpr(e, slots, (n) => names.indexOf(n));
  slots.views = names.map((n) => {
    const v = row[n];
    const view: ColumnView = {
      kind: new Uint8Array(1),
      num: new Float64Array(1),
      text: [null],
      alt: null,
      dayFirstEvidence: 0,
      monthFirstEvidence: 0,
    };
    if (v === undefined || v === null) view.kind[0] = Kind.MISSING;
    else if (typeof v === 'number') {
      view.kind[0] = Number.isInteger(v) ? Kind.INT : Kind.FLOAT;
      view.num[0] = v;
      view.text[0] = String(v);
    } else if (typeof v === 'boolean') {
      view.kind[0] = Kind.BOOL;
      view.num[0] = v ? 1 : 0;
      view.text[0] = String(v);
    } else if (v instanceof Date) {
      view.kind[0] = Kind.DATETIME;
      view.num[0] = v.getTime();
      view.text[0] = v.toISOString();
    } else {
      view.kind[0] = Kind.TEXT;
      view.text[0] = v;
    }
    return view;
  });
  return f(0);
}
