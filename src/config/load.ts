/**
 * Reading and validating dq.yml. Every problem is a ConfigError naming the file, line and column,
 * what is wrong and what is allowed; unknown keys get a "did you mean".
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Node as YNode, type Scalar, type YAMLSeq } from 'yaml';
import { DIMENSIONS, type Dimension } from '../core/types.js';
import { ConfigError } from '../errors.js';
import type { Encoding } from '../io/readers/types.js';
import { parseDateValue } from '../schema/values.js';
import { ExprError, parseExpr, suggest } from './expr.js';
import { compilePattern, parseDateFormat, parseDuration, parsePercent } from './formats.js';
import {
  DECLARED_TYPES,
  DEFAULT_TOLERANCES,
  type Bound,
  type ColumnConfig,
  type Config,
  type DeclaredType,
  type ExprRule,
  type Format,
  type Limit,
  type Pos,
  type Rule,
  type RuleSeverity,
  type ScoreKey,
} from './types.js';

export const CONFIG_FILE_NAMES = ['dq.yml', 'dq.yaml'];

export const TOP_KEYS = [
  'version',
  'min_scores',
  'rows',
  'max_duplicate_rate',
  'timestamp_column',
  'max_age',
  'checks',
  'skip_checks',
  'missing_values',
  'extra_missing_values',
  'key',
  'delimiter',
  'encoding',
  'header',
  'decimal',
  'dayfirst',
  'types',
  'columns',
  'rules',
  'baseline',
  'clean',
  'plugins',
] as const;
export const COLUMN_KEYS = [
  'description',
  'type',
  'required',
  'max_missing',
  'unique',
  'min',
  'max',
  'pattern',
  'allowed',
  'max_outliers',
  'format',
] as const;
export const RULE_OBJECT_KEYS = ['value', 'severity', 'id'] as const;
export const EXPR_RULE_KEYS = ['id', 'expr', 'severity', 'description'] as const;
export const ROWS_KEYS = ['min', 'max'] as const;
export const SCORE_KEYS: ScoreKey[] = ['overall', ...DIMENSIONS];
export const BASELINE_KEYS = [
  'path',
  'max_score_drop',
  'max_row_drop',
  'max_missing_rise',
  'psi_warn',
  'psi_fail',
  'ks_warn',
  'ks_fail',
] as const;
export const ENCODINGS: Encoding[] = ['utf-8', 'utf-16', 'utf-16le', 'utf-16be', 'latin1', 'windows-1252'];
export const NAMED_FORMATS = ['email', 'url', 'uuid'] as const;

type Entry = { key: Scalar; value: YNode | null };

class Ctx {
  readonly ids = new Map<string, Pos>();
  constructor(
    readonly file: string,
    readonly lc: LineCounter,
  ) {}

  posAt(offset: number): Pos {
    const p = this.lc.linePos(offset);
    return { line: p.line, column: p.col };
  }

  pos(node: unknown): Pos {
    const r = (node as { range?: [number, number, number] | null } | null)?.range;
    return this.posAt(r?.[0] ?? 0);
  }

  fail(node: unknown, message: string): never {
    const p = this.pos(node);
    throw new ConfigError(message, this.file, p.line, p.column);
  }

  /** A mapping's entries, rejecting unknown and non-string keys. */
  map(node: YNode | null, path: string, allowed: readonly string[], parent?: unknown): Map<string, Entry> {
    if (!isMap(node)) this.fail(node ?? parent, `${path || 'the config'} must be a mapping (key: value); allowed keys: ${allowed.join(', ')}`);
    const out = new Map<string, Entry>();
    for (const pair of node.items) {
      const k = pair.key;
      if (isAlias(k) || !isScalar(k) || typeof k.value !== 'string') this.fail(k ?? node, `keys in ${path || 'the config'} must be plain names`);
      const name = k.value;
      if (allowed.length && !allowed.includes(name)) {
        const s = suggest(name, allowed);
        this.fail(k, `unknown key "${name}"${path ? ` in ${path}` : ''}${s ? ` (did you mean "${s}"?)` : ''}; allowed: ${allowed.join(', ')}`);
      }
      if (isAlias(pair.value)) this.fail(pair.value, 'YAML aliases (*name) are not supported in dq.yml');
      out.set(name, { key: k, value: (pair.value as YNode | null) ?? null });
    }
    return out;
  }

  scalar(node: YNode | null, path: string, what: string, parent: unknown): Scalar {
    if (!isScalar(node) || node.value === null) this.fail(node ?? parent, `${path} must be ${what}`);
    return node;
  }

  number(node: YNode | null, path: string, parent: unknown, o: { min?: number; max?: number; int?: boolean } = {}): number {
    const s = this.scalar(node, path, 'a number', parent);
    const v = s.value;
    const range = `${o.int ? 'an integer' : 'a number'}${o.min !== undefined ? ` >= ${o.min}` : ''}${o.max !== undefined ? ` and <= ${o.max}` : ''}`;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(s, `${path} must be ${range}, got ${show(s)}`);
    if ((o.int && !Number.isInteger(v)) || (o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max)) {
      this.fail(s, `${path} must be ${range}, got ${v}`);
    }
    return v;
  }

  string(node: YNode | null, path: string, parent: unknown, what = 'a string'): string {
    const s = this.scalar(node, path, what, parent);
    if (typeof s.value !== 'string') this.fail(s, `${path} must be ${what}, got ${show(s)}`);
    return s.value;
  }

  bool(node: YNode | null, path: string, parent: unknown): boolean {
    const s = this.scalar(node, path, 'true or false', parent);
    if (typeof s.value !== 'boolean') this.fail(s, `${path} must be true or false, got ${show(s)}`);
    return s.value;
  }

  oneOf<T extends string>(node: YNode | null, path: string, parent: unknown, allowed: readonly T[]): T {
    const s = this.scalar(node, path, `one of: ${allowed.join(', ')}`, parent);
    const v = typeof s.value === 'string' ? s.value : String(s.source ?? s.value);
    if (!(allowed as readonly string[]).includes(v)) {
      const sg = suggest(v, allowed);
      this.fail(s, `${path} must be one of: ${allowed.join(', ')}; got "${v}"${sg ? ` (did you mean "${sg}"?)` : ''}`);
    }
    return v as T;
  }

  /** A list of tokens: plain scalars keep their source text (so `null`, `NA`, `-` are all tokens). */
  tokens(node: YNode | null, path: string, parent: unknown, o: { nonEmpty?: boolean } = {}): string[] {
    const items = isSeq(node) ? node.items : isScalar(node) && node.value !== null ? [node] : null;
    if (!items) this.fail(node ?? parent, `${path} must be a list of strings`);
    if (o.nonEmpty && items.length === 0) this.fail(node ?? parent, `${path} must not be empty`);
    return items.map((it) => {
      if (!isScalar(it)) this.fail(it ?? node, `${path} must be a list of strings`);
      if (it.type === 'PLAIN' && it.source !== undefined) return String(it.source);
      return String(it.value ?? '');
    });
  }

  ruleId(node: unknown, id: string): string {
    if (id.trim() === '' || /[\r\n]/.test(id)) this.fail(node, 'a rule id must be a non-empty single-line string');
    const prev = this.ids.get(id);
    if (prev) this.fail(node, `duplicate rule id "${id}" (first used at line ${prev.line}); give one of them another id`);
    this.ids.set(id, this.pos(node));
    return id;
  }

  /** A rule leaf: a scalar/list value, or {value, severity?, id?}. */
  rule<T>(node: YNode | null, path: string, defaultId: string, parent: unknown, parse: (n: YNode | null, p: string, parent: unknown) => T): Rule<T> {
    if (isMap(node)) {
      const m = this.map(node, path, RULE_OBJECT_KEYS);
      const v = m.get('value');
      if (!v) this.fail(node, `${path} needs "value" when written as an object ({value, severity, id})`);
      const severity: RuleSeverity = m.has('severity') ? this.oneOf(m.get('severity')!.value, `${path}.severity`, m.get('severity')!.key, ['warn', 'error'] as const) : 'error';
      const idNode = m.get('id');
      const id = idNode ? this.string(idNode.value, `${path}.id`, idNode.key) : defaultId;
      return { id: this.ruleId(idNode?.value ?? node, id), value: parse(v.value, `${path}.value`, v.key), severity, pos: this.pos(node) };
    }
    const value = parse(node, path, parent);
    return { id: this.ruleId(node ?? parent, defaultId), value, severity: 'error', pos: this.pos(node ?? parent) };
  }

  limit(node: YNode | null, path: string, parent: unknown, countAllowed: boolean): Limit {
    const what = countAllowed ? 'a percentage like 5% or a count like 12' : 'a percentage like 1% or a fraction between 0 and 1';
    const s = this.scalar(node, path, what, parent);
    if (typeof s.value === 'string') {
      const r = parsePercent(s.value);
      if (r === null || r > 1) this.fail(s, `${path} must be ${what}, got ${show(s)}`);
      return { kind: 'rate', value: r };
    }
    if (typeof s.value === 'number') {
      if (countAllowed) {
        if (!Number.isInteger(s.value) || s.value < 0) this.fail(s, `${path} must be ${what} (a count is a whole number >= 0), got ${s.value}`);
        return { kind: 'count', value: s.value };
      }
      if (!(s.value >= 0 && s.value <= 1)) this.fail(s, `${path} must be ${what}, got ${s.value}`);
      return { kind: 'rate', value: s.value };
    }
    this.fail(s, `${path} must be ${what}, got ${show(s)}`);
  }

  /** A share for baseline tolerances: `10%` or a fraction. */
  share(node: YNode | null, path: string, parent: unknown): number {
    const l = this.limit(node, path, parent, false);
    return l.value;
  }
}

function show(s: Scalar): string {
  if (typeof s.value === 'string') return `"${s.value.length > 40 ? `${s.value.slice(0, 40)}...` : s.value}"`;
  return String(s.value);
}

function bound(ctx: Ctx, node: YNode | null, path: string, parent: unknown): Bound {
  const s = ctx.scalar(node, path, 'a number or a date (YYYY-MM-DD)', parent);
  if (typeof s.value === 'number' && Number.isFinite(s.value)) return { kind: 'number', value: s.value };
  if (typeof s.value === 'string') {
    const d = parseDateValue(s.value, null);
    if (d) return { kind: 'date', value: d.ms, text: s.value };
  }
  ctx.fail(s, `${path} must be a number or a date such as 2024-01-31, got ${show(s)}`);
}

function parseColumn(ctx: Ctx, name: string, keyNode: Scalar, node: YNode | null): ColumnConfig {
  const path = `columns.${name}`;
  const col: ColumnConfig = { name, pos: ctx.pos(keyNode) };
  if (node === null || (isScalar(node) && node.value === null)) return col;
  const m = ctx.map(node, path, COLUMN_KEYS, keyNode);
  const id = (r: string) => `${name}.${r}`;
  for (const [k, { key, value }] of m) {
    const p = `${path}.${k}`;
    switch (k) {
      case 'description':
        ctx.string(value, p, key);
        break;
      case 'type':
        col.type = ctx.rule(value, p, id(k), key, (n, pp, par) => ctx.oneOf(n, pp, par, DECLARED_TYPES));
        break;
      case 'required':
        col.required = ctx.rule(value, p, id(k), key, (n, pp, par) => ctx.bool(n, pp, par));
        break;
      case 'unique':
        col.unique = ctx.rule(value, p, id(k), key, (n, pp, par) => ctx.bool(n, pp, par));
        break;
      case 'max_missing':
        col.maxMissing = ctx.rule(value, p, id(k), key, (n, pp, par) => ctx.limit(n, pp, par, true));
        break;
      case 'max_outliers':
        col.maxOutliers = ctx.rule(value, p, id(k), key, (n, pp, par) => ctx.limit(n, pp, par, true));
        break;
      case 'min':
        col.min = ctx.rule(value, p, id(k), key, (n, pp, par) => bound(ctx, n, pp, par));
        break;
      case 'max':
        col.max = ctx.rule(value, p, id(k), key, (n, pp, par) => bound(ctx, n, pp, par));
        break;
      case 'pattern':
        col.pattern = ctx.rule(value, p, id(k), key, (n, pp, par) => {
          const src = ctx.string(n, pp, par, 'a regular expression (RE2 syntax)');
          try {
            compilePattern(src);
          } catch (e) {
            ctx.fail(n, `${pp} is not a supported regular expression: ${(e as Error).message}. dq uses RE2 syntax (linear time): backreferences (\\1) and lookaround ((?=, (?!, (?<=) are not supported`);
          }
          return src;
        });
        break;
      case 'allowed':
        col.allowed = ctx.rule(value, p, id(k), key, (n, pp, par) => {
          if (!isSeq(n) || n.items.length === 0) ctx.fail(n ?? par, `${pp} must be a non-empty list of values`);
          return n.items.map((it) => {
            if (!isScalar(it) || it.value === null || !['string', 'number', 'boolean'].includes(typeof it.value)) {
              ctx.fail(it ?? n, `${pp} must hold strings, numbers or booleans`);
            }
            return it.value as string | number | boolean;
          });
        });
        break;
      case 'format':
        col.format = ctx.rule(value, p, id(k), key, (n, pp, par) => {
          const f = ctx.string(n, pp, par, 'email, url, uuid or a date format like YYYY-MM-DD');
          if ((NAMED_FORMATS as readonly string[]).includes(f)) return { kind: f } as Format;
          if (!/[YMDHms]/.test(f) || /^[a-z]+$/.test(f)) {
            const s = suggest(f, NAMED_FORMATS);
            ctx.fail(n, `${pp} must be email, url, uuid or a date format like YYYY-MM-DD; got "${f}"${s ? ` (did you mean "${s}"?)` : ''}`);
          }
          try {
            parseDateFormat(f);
          } catch (e) {
            ctx.fail(n, `${pp}: ${(e as Error).message}`);
          }
          return { kind: 'date', format: f };
        });
        break;
    }
  }
  if (col.min && col.max) {
    if (col.min.value.kind !== col.max.value.kind) ctx.fail(m.get('max')!.value, `${path}: min and max must both be numbers or both be dates`);
    if (col.min.value.value > col.max.value.value) ctx.fail(m.get('max')!.value, `${path}: max (${valText(col.max.value)}) is below min (${valText(col.min.value)})`);
  }
  return col;
}

function valText(b: Bound): string {
  return b.kind === 'date' ? b.text : String(b.value);
}

/** Position of an offset inside an expression scalar (exact for single-line plain and quoted scalars). */
function exprPos(ctx: Ctx, node: Scalar, offset: number): Pos {
  const r = node.range;
  if (!r) return ctx.pos(node);
  const len = String(node.value).length;
  const raw = r[1] - r[0];
  if (node.type === 'PLAIN' && raw === len) return ctx.posAt(r[0] + offset);
  // quoted: exact when nothing was escaped (the raw text is the value plus two quotes)
  if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && raw === len + 2) return ctx.posAt(r[0] + 1 + offset);
  return ctx.pos(node);
}

function parseRules(ctx: Ctx, node: YNode | null, parent: unknown): ExprRule[] {
  if (!isSeq(node)) ctx.fail(node ?? parent, 'rules must be a list of {id, expr, severity}');
  return node.items.map((item, i) => {
    const path = `rules[${i + 1}]`;
    const m = ctx.map(item as YNode, path, EXPR_RULE_KEYS, node);
    const e = m.get('expr');
    if (!e) ctx.fail(item, `${path} needs "expr", e.g. expr: "end_date >= start_date"`);
    const src = ctx.string(e.value, `${path}.expr`, e.key, 'an expression string');
    let ast;
    try {
      ast = parseExpr(src);
    } catch (err) {
      if (err instanceof ExprError) {
        const p = exprPos(ctx, e.value as Scalar, err.offset);
        throw new ConfigError(`${path}.expr: ${err.message}`, ctx.file, p.line, p.column);
      }
      if (err instanceof RangeError) ctx.fail(e.value, `${path}.expr is too deeply nested`);
      throw err;
    }
    const idNode = m.get('id');
    const id = ctx.ruleId(idNode?.value ?? item, idNode ? ctx.string(idNode.value, `${path}.id`, idNode.key) : `rule-${i + 1}`);
    const sev = m.get('severity');
    const severity: RuleSeverity = sev ? ctx.oneOf(sev.value, `${path}.severity`, sev.key, ['warn', 'error'] as const) : 'error';
    if (m.has('description')) ctx.string(m.get('description')!.value, `${path}.description`, m.get('description')!.key);
    return { id, expr: src, ast, severity, pos: ctx.pos(item) };
  });
}

/** Parse and validate config text. `file` is used in messages. */
export function parseConfig(text: string, file: string): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const p = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
    const msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
    throw new ConfigError(`invalid YAML: ${msg}`, file, p.line, p.col);
  }
  const ctx: Ctx = new Ctx(file, lc);
  const cfg: Config = {
    file,
    minScores: {},
    rows: {},
    timestampColumn: null,
    checks: null,
    skipChecks: [],
    missingValues: null,
    extraMissingValues: [],
    key: null,
    reader: {},
    types: {},
    columns: [],
    rules: [],
    baseline: { path: null, tolerances: { ...DEFAULT_TOLERANCES } },
  };
  const root = doc.contents as YNode | null;
  if (root === null || (isScalar(root) && root.value === null)) return cfg; // an empty file is a valid (empty) config
  const top = ctx.map(root, '', TOP_KEYS);
  for (const [k, { key, value }] of top) {
    switch (k) {
      case 'version':
        ctx.number(value, 'version', key, { min: 1, max: 1, int: true });
        break;
      case 'min_scores': {
        const m = ctx.map(value, 'min_scores', SCORE_KEYS, key);
        for (const [d, e] of m) {
          cfg.minScores[d as ScoreKey] = ctx.rule(e.value, `min_scores.${d}`, `min_scores.${d}`, e.key, (n, p, par) =>
            ctx.number(n, p, par, { min: 0, max: 100 }),
          );
        }
        break;
      }
      case 'rows': {
        const m = ctx.map(value, 'rows', ROWS_KEYS, key);
        for (const [b, e] of m) {
          cfg.rows[b as 'min' | 'max'] = ctx.rule(e.value, `rows.${b}`, `rows.${b}`, e.key, (n, p, par) => ctx.number(n, p, par, { min: 0, int: true }));
        }
        if (cfg.rows.min && cfg.rows.max && cfg.rows.min.value > cfg.rows.max.value) ctx.fail(m.get('max')!.value, `rows.max (${cfg.rows.max.value}) is below rows.min (${cfg.rows.min.value})`);
        break;
      }
      case 'max_duplicate_rate':
        cfg.maxDuplicateRate = ctx.rule(value, k, k, key, (n, p, par) => ctx.limit(n, p, par, false));
        break;
      case 'timestamp_column':
        break; // with max_age below
      case 'max_age': {
        const ts = top.get('timestamp_column');
        if (!ts) ctx.fail(key, 'max_age needs timestamp_column (the column holding record times)');
        const column = ctx.string(ts.value, 'timestamp_column', ts.key, 'a column name');
        const maxAge = ctx.rule(value, 'max_age', 'freshness', key, (n, p, par) => {
          const s = ctx.scalar(n, p, 'a duration like 36h or 7d', par);
          const ms = typeof s.value === 'string' ? parseDuration(s.value) : null;
          if (ms === null || ms <= 0) ctx.fail(s, `${p} must be a duration like 90m, 36h, 7d or 2w (units s, m, h, d, w), got ${show(s)}`);
          return ms;
        });
        cfg.freshness = { column, maxAge };
        break;
      }
      case 'checks':
      case 'skip_checks': {
        const list = ctx.tokens(value, k, key);
        list.forEach((c, i) => {
          if (!/^[a-z][a-z0-9-]*$/.test(c)) ctx.fail(isSeq(value) ? value.items[i] : value, `${k} holds checker ids such as missingness, duplicates; got "${c}"`);
        });
        if (k === 'checks') cfg.checks = list;
        else cfg.skipChecks = list;
        break;
      }
      case 'missing_values':
        cfg.missingValues = ctx.tokens(value, k, key);
        break;
      case 'extra_missing_values':
        cfg.extraMissingValues = ctx.tokens(value, k, key);
        break;
      case 'key':
        cfg.key = ctx.tokens(value, k, key, { nonEmpty: true });
        break;
      case 'delimiter': {
        let d = ctx.string(value, k, key, 'a single character such as "," ";" "|" or "\\t" (or: tab)');
        if (d === 'tab' || d === '\\t') d = '\t';
        if ([...d].length !== 1 || d === '"' || d === '\n' || d === '\r') ctx.fail(value, `delimiter must be a single character such as "," ";" "|" or "\\t" (or: tab), got "${d}"`);
        cfg.reader.delimiter = d;
        break;
      }
      case 'encoding': {
        const s = ctx.scalar(value, k, `one of: ${ENCODINGS.join(', ')}`, key);
        const v = String(s.value).toLowerCase().replace(/^utf8$/, 'utf-8').replace(/^cp1252$/, 'windows-1252');
        if (!(ENCODINGS as string[]).includes(v)) {
          const sg = suggest(v, ENCODINGS);
          ctx.fail(s, `encoding must be one of: ${ENCODINGS.join(', ')}; got "${String(s.value)}"${sg ? ` (did you mean "${sg}"?)` : ''}`);
        }
        cfg.reader.encoding = v as Encoding;
        break;
      }
      case 'header':
        cfg.reader.header = ctx.bool(value, k, key);
        break;
      case 'dayfirst':
        cfg.reader.dayfirst = ctx.bool(value, k, key);
        break;
      case 'decimal':
        cfg.reader.decimal = ctx.oneOf(value, k, key, ['.', ','] as const);
        break;
      case 'types': {
        const m = ctx.map(value, 'types', [], key);
        for (const [c, e] of m) cfg.types[c] = ctx.oneOf(e.value, `types.${c}`, e.key, DECLARED_TYPES) as DeclaredType;
        break;
      }
      case 'columns': {
        const m = ctx.map(value, 'columns', [], key);
        for (const [c, e] of m) cfg.columns.push(parseColumn(ctx, c, e.key, e.value));
        break;
      }
      case 'rules':
        cfg.rules = parseRules(ctx, value, key);
        break;
      case 'clean':
        // validated by dq clean (cleanOptionsFromConfig); kept as plain data here
        ctx.map(value, 'clean', [], key);
        cfg.clean = (value as { toJSON(): unknown }).toJSON();
        cfg.cleanPos = ctx.pos(key);
        break;
      case 'plugins': {
        if (!isSeq(value)) ctx.fail(value ?? key, 'plugins must be a list of paths to checker modules (loaded only with --allow-plugins)');
        cfg.plugins = (value as YAMLSeq).items.map((n: unknown, i: number) => ctx.string(n as YNode, `plugins[${i}]`, key));
        break;
      }
      case 'baseline': {
        const m = ctx.map(value, 'baseline', BASELINE_KEYS, key);
        const t = cfg.baseline.tolerances;
        for (const [b, e] of m) {
          const p = `baseline.${b}`;
          switch (b) {
            case 'path':
              cfg.baseline.path = ctx.string(e.value, p, e.key, 'a path to a baseline report (JSON)');
              break;
            case 'max_score_drop':
              t.maxScoreDrop = ctx.number(e.value, p, e.key, { min: 0, max: 100 });
              break;
            case 'max_row_drop':
              t.maxRowDrop = ctx.share(e.value, p, e.key);
              break;
            case 'max_missing_rise':
              t.maxMissingRise = ctx.share(e.value, p, e.key);
              break;
            case 'psi_warn':
              t.psiWarn = ctx.number(e.value, p, e.key, { min: 0 });
              break;
            case 'psi_fail':
              t.psiFail = ctx.number(e.value, p, e.key, { min: 0 });
              break;
            case 'ks_warn':
              t.ksWarn = ctx.number(e.value, p, e.key, { min: 0, max: 1 });
              break;
            case 'ks_fail':
              t.ksFail = ctx.number(e.value, p, e.key, { min: 0, max: 1 });
              break;
          }
        }
        if (t.psiWarn > t.psiFail) ctx.fail(m.get('psi_warn')?.value ?? value, `baseline.psi_warn (${t.psiWarn}) must not exceed psi_fail (${t.psiFail})`);
        break;
      }
    }
  }
  const ts = top.get('timestamp_column');
  if (ts) cfg.timestampColumn = ctx.string(ts.value, 'timestamp_column', ts.key, 'a column name');
  return cfg;
}

/**
 * Find and load the config: `path` when given (a missing file is a ConfigError), else dq.yml / dq.yaml in `cwd`.
 * Null when no path was given and no file exists.
 */
export async function loadConfig(path: string | null, cwd: string): Promise<{ config: Config; file: string } | null> {
  let file: string | null = null;
  if (path !== null) file = resolve(cwd, path);
  else {
    for (const n of CONFIG_FILE_NAMES) {
      const f = resolve(cwd, n);
      if (existsSync(f)) {
        file = f;
        break;
      }
    }
    if (file === null) return null;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read config file (${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message})`, path ?? file);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const shown = path ?? CONFIG_FILE_NAMES.find((n) => resolve(cwd, n) === file) ?? file;
  return { config: parseConfig(text, shown), file };
}

export type { Dimension };
