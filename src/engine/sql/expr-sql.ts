/**
 * Cross-column rule expressions (src/config/expr.ts) as SQL with dq's semantics: three-valued logic, null
 * propagation, INVALID (type errors are violations), division by zero is null.
 *
 * Each node compiles to {type, v, inv}: `v` is the SQL value (NULL when dq's value is null), `inv` a SQL
 * boolean that is never NULL and says the value is INVALID (then `v` is meaningless). Columns are used only
 * when every non-missing cell has one kind family (numbers, text, booleans or dates), so the static type of
 * a node is the dynamic type of each of its values; otherwise (and for functions or operators outside the
 * subset) the rule is not pushed down and is reported as not evaluated.
 */
import { Kind, type ColumnProfile } from '../../core/types.js';
import type { ColumnDetail } from '../../checks/profile.js';
import type { Expr } from '../../config/expr.js';
import { parseDateValue, toNumber } from '../../schema/values.js';
import type { Ctx } from './pushdown.js';

type T = 'num' | 'text' | 'bool' | 'date' | 'null';
interface Node {
  t: T;
  v: string;
  inv: string;
}

const DAY = 86_400_000;

export function translateExpr(ctx: Ctx, ast: Expr, details: ColumnDetail[], profiles: ColumnProfile[]): { fail: string; unknown: string } | null {
  const d = ctx.c.d;
  const x = ctx.c.x;
  const F = x.bool(false);
  const T_ = x.bool(true);
  const or = (...a: string[]) => {
    const p = a.filter((s) => s !== F);
    return p.length === 0 ? F : p.length === 1 ? p[0]! : `(${p.join(' OR ')})`;
  };
  const isTrue = (b: string) => `coalesce(${b}, ${F})`;
  const nil = (v: string) => `(${v} IS NULL)`;

  const family = (name: string): T | null => {
    const i = profiles.findIndex((p) => p.name === name);
    if (i < 0) return null;
    const k = details[i]!.kinds;
    const fams: T[] = [];
    if (k[Kind.INT]! + k[Kind.FLOAT]! > 0) fams.push('num');
    if (k[Kind.BOOL]! > 0) fams.push('bool');
    if (k[Kind.DATE]! + k[Kind.DATETIME]! > 0) fams.push('date');
    if (k[Kind.TEXT]! > 0) fams.push('text');
    if (fams.length > 1) return null;
    return fams[0] ?? 'null';
  };

  const go = (e: Expr): Node | null => {
    switch (e.t) {
      case 'num':
        return { t: 'num', v: d.num(e.v), inv: F };
      case 'str':
        return { t: 'text', v: d.str(e.v), inv: F };
      case 'bool':
        return { t: 'bool', v: x.bool(e.v), inv: F };
      case 'null':
        return { t: 'null', v: 'NULL', inv: F };
      case 'col': {
        const col = ctx.cols.find((c) => c.name === e.name);
        const fam = family(e.name);
        if (!col || fam === null) return null;
        switch (fam) {
          case 'num':
            return { t: 'num', v: col.n, inv: F };
          case 'date':
            return { t: 'date', v: col.e, inv: F };
          case 'bool':
            return { t: 'bool', v: `(CASE WHEN ${col.k} = 0 THEN NULL ELSE ${d.lower(col.v)} IN ('true', 'yes', '1') END)`, inv: F };
          case 'text':
            return { t: 'text', v: `(CASE WHEN ${col.k} = 0 THEN NULL ELSE ${col.v} END)`, inv: F };
          default:
            return { t: 'null', v: 'NULL', inv: F };
        }
      }
      case 'neg':
        return go({ t: 'arith', op: '-', l: { t: 'num', v: 0, at: e.at }, r: e.e, at: e.at });
      case 'not': {
        const a = go(e.e);
        if (!a || (a.t !== 'bool' && a.t !== 'null')) return null;
        return { t: 'bool', v: `(NOT ${a.v})`, inv: a.inv };
      }
      case 'arith': {
        let a = go(e.l);
        let b = go(e.r);
        if (!a || !b) return null;
        a = coerceLit(e.l, a, 'num');
        b = coerceLit(e.r, b, 'num');
        if (a.t === 'null' || b.t === 'null') return { t: 'num', v: 'NULL', inv: or(a.inv, b.inv) };
        const inv = or(a.inv, b.inv);
        if (a.t === 'num' && b.t === 'num') {
          if (e.op === '/') return { t: 'num', v: `(CASE WHEN ${b.v} = 0 THEN NULL ELSE ${a.v} / ${b.v} END)`, inv };
          if (e.op === '%') return d.name === 'duckdb' ? { t: 'num', v: `(CASE WHEN ${b.v} = 0 THEN NULL ELSE fmod(${a.v}, ${b.v}) END)`, inv } : null;
          return { t: 'num', v: `(${a.v} ${e.op} ${b.v})`, inv };
        }
        if (a.t === 'date' && b.t === 'date' && e.op === '-') return { t: 'num', v: `((${a.v} - ${b.v}) / ${d.num(DAY)})`, inv };
        if (a.t === 'date' && b.t === 'num' && (e.op === '+' || e.op === '-')) return { t: 'date', v: `(${a.v} ${e.op} ${b.v} * ${d.num(DAY)})`, inv };
        if (a.t === 'num' && b.t === 'date' && e.op === '+') return { t: 'date', v: `(${b.v} + ${a.v} * ${d.num(DAY)})`, inv };
        // text or booleans in arithmetic: a type error wherever both sides are not null
        return { t: 'num', v: 'NULL', inv: or(inv, `(NOT ${nil(a.v)} AND NOT ${nil(b.v)})`) };
      }
      case 'cmp': {
        let a = go(e.l);
        let b = go(e.r);
        if (!a || !b) return null;
        const inv0 = or(a.inv, b.inv);
        if (a.t === 'null' || b.t === 'null') return { t: 'bool', v: 'NULL', inv: inv0 };
        // literals read as the other side's type (text vs number / date)
        if (a.t === 'text' && b.t !== 'text') a = coerceLit(e.l, a, b.t);
        if (b.t === 'text' && a.t !== 'text') b = coerceLit(e.r, b, a.t);
        const op = e.op === '!=' ? '<>' : e.op;
        if (a.t === b.t) {
          if (a.t === 'text' && (op !== '=' && op !== '<>')) return { t: 'bool', v: `(${d.collate(a.v)} ${op} ${d.collate(b.v)})`, inv: inv0 };
          if (a.t === 'bool' && op !== '=' && op !== '<>') return { t: 'bool', v: `(${d.b2i(a.v)} ${op} ${d.b2i(b.v)})`, inv: inv0 };
          return { t: 'bool', v: `(${a.v} ${op} ${b.v})`, inv: inv0 };
        }
        // values that can only be told unequal
        const both = `(NOT ${nil(a.v)} AND NOT ${nil(b.v)})`;
        if (op === '=' || op === '<>') return { t: 'bool', v: `(CASE WHEN ${both} THEN ${x.bool(op === '<>')} END)`, inv: inv0 };
        return { t: 'bool', v: 'NULL', inv: or(inv0, both) };
      }
      case 'and':
      case 'or': {
        const a = go(e.l);
        const b = go(e.r);
        if (!a || !b || (a.t !== 'bool' && a.t !== 'null') || (b.t !== 'bool' && b.t !== 'null')) return null;
        const isAnd = e.t === 'and';
        const decisive = (n: Node) => `(NOT ${n.inv} AND ${isTrue(isAnd ? `NOT ${n.v}` : n.v)})`;
        const dec = or(decisive(a), decisive(b));
        return {
          t: 'bool',
          v: `(CASE WHEN ${dec} THEN ${x.bool(!isAnd)} WHEN ${nil(a.v)} OR ${nil(b.v)} THEN NULL ELSE ${x.bool(isAnd)} END)`,
          inv: `(NOT ${dec} AND ${or(a.inv, b.inv)})`,
        };
      }
      case 'isnull': {
        const a = go(e.e);
        if (!a) return null;
        const isNull = `(NOT ${a.inv} AND ${nil(a.v)})`;
        return { t: 'bool', v: e.neg ? `(NOT ${isNull})` : isNull, inv: F };
      }
      case 'call': {
        const args = e.args.map(go);
        if (args.some((a) => !a)) return null;
        const as = args as Node[];
        const anyInv = or(...as.map((a) => a.inv));
        const anyNull = as.map((a) => nil(a.v)).join(' OR ');
        switch (e.fn) {
          case 'abs': {
            const a = asNum(as[0]!);
            return a.t === 'num' || a.t === 'null' ? { t: 'num', v: `abs(${a.v})`, inv: anyInv } : null;
          }
          case 'round': {
            const a = asNum(as[0]!);
            const dg = e.args[1] ? (e.args[1].t === 'num' ? e.args[1].v : NaN) : 0;
            if ((a.t !== 'num' && a.t !== 'null') || !Number.isInteger(dg) || dg < -15 || dg > 15) return null;
            const f = d.num(10 ** dg);
            return { t: 'num', v: `(floor(${a.v} * ${f} + ${d.num(0.5)}) / ${f})`, inv: anyInv };
          }
          case 'min':
          case 'max': {
            const t = as[0]!.t;
            if ((t !== 'num' && t !== 'date') || as.some((a) => a.t !== t)) return null;
            const fn = d.name === 'clickhouse' ? (e.fn === 'min' ? 'least' : 'greatest') : e.fn === 'min' ? 'least' : 'greatest';
            const v = d.name === 'clickhouse' ? as.map((a) => a.v).reduce((p, c) => `${fn}(${p}, ${c})`) : `${fn}(${as.map((a) => a.v).join(', ')})`;
            return { t, v: `(CASE WHEN ${anyNull} THEN NULL ELSE ${v} END)`, inv: anyInv };
          }
          case 'coalesce': {
            const t = as.find((a) => a.t !== 'null')?.t ?? 'null';
            if (as.some((a) => a.t !== t && a.t !== 'null')) return null;
            const inv = `(CASE ${as.map((a) => `WHEN ${a.inv} THEN ${x.bool(true)} WHEN NOT ${nil(a.v)} THEN ${x.bool(false)}`).join(' ')} ELSE ${x.bool(false)} END)`;
            return { t, v: `coalesce(${as.map((a) => a.v).join(', ')})`, inv };
          }
          case 'len':
            return as[0]!.t === 'text' || as[0]!.t === 'null' ? { t: 'num', v: d.toDouble(d.length(as[0]!.v)), inv: anyInv } : null;
          case 'lower':
          case 'upper':
            return as[0]!.t === 'text' || as[0]!.t === 'null' ? { t: 'text', v: e.fn === 'lower' ? d.lower(as[0]!.v) : d.upper(as[0]!.v), inv: anyInv } : null;
        }
        return null;
      }
    }
  };

  /** A text literal in arithmetic reads as a number when it is one. */
  const asNum = (n: Node): Node => n;
  const coerceLit = (e: Expr, n: Node, want: T): Node => {
    if (e.t !== 'str') return n;
    if (want === 'num') {
      const v = toNumber(e.v);
      return v === null ? n : { t: 'num', v: d.num(v), inv: F };
    }
    if (want === 'date') {
      const p = parseDateValue(e.v);
      return p ? { t: 'date', v: d.num(p.ms), inv: F } : n;
    }
    return n;
  };

  const top = go(ast);
  if (!top) return null;
  const unknown = `(NOT ${top.inv} AND ${nil(top.v)})`;
  const fail = top.t === 'bool' || top.t === 'null' ? `(${top.inv} OR ${isTrue(`NOT ${top.v}`)})` : `(${top.inv} OR NOT ${nil(top.v)})`;
  void T_;
  return { fail, unknown };
}
