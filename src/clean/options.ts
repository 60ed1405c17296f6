/**
 * Options of `dq clean`: the treatments and their settings, from flags (src/cli/clean.ts) or from the `clean:`
 * section of dq.yml (`cleanOptionsFromConfig`). Every bad value is a UsageError (exit 2).
 */
import { UsageError } from '../errors.js';
import type { MaskSpec } from '../privacy/mask.js';

export const STEP_ORDER = ['standardize', 'dedupe', 'outliers', 'impute', 'smooth', 'normalize', 'anonymize', 'mask'] as const;
export type StepName = (typeof STEP_ORDER)[number];

export type DedupeMode = 'exact' | 'key' | 'near';
export type KeepMode = 'first' | 'last';
export type OutlierMode = 'clip' | 'winsorize' | 'null' | 'drop';
export type NormalizeMethod = 'zscore' | 'minmax' | 'robust';

/** Built-in per-column strategies; model strategies (knn, mice, forest) are looked up in the registry (impute.ts). */
export type ImputeStrategy =
  | { kind: 'mean' }
  | { kind: 'median' }
  | { kind: 'mode' }
  | { kind: 'constant'; value: string }
  | { kind: 'model'; name: string; arg: string | null };

export type SmoothSpec = { method: 'moving-average'; window: number } | { method: 'ewm'; alpha: number };

export interface CleanOptions {
  standardize: boolean;
  /** A reviewed mapping {column: {variant: canonical}} used instead of the spelling clusters. */
  mapping: Record<string, Record<string, string>> | null;
  dedupe: DedupeMode | null;
  keep: KeepMode;
  key: string[] | null;
  outliers: OutlierMode | null;
  /** Percentiles for winsorize (shares). */
  limits: [number, number];
  /** Columns the outlier treatment applies to (null: every numeric column). */
  outlierColumns: string[] | null;
  impute: { all: ImputeStrategy | null; columns: Record<string, ImputeStrategy> };
  normalize: { all: NormalizeMethod | null; columns: Record<string, NormalizeMethod> };
  /** Target range of minmax. */
  range: [number, number];
  smooth: Record<string, SmoothSpec>;
  orderBy: string | null;
  /** Settings of kNN / MICE / forest imputation (--k, --weights, --m, --iterations, --mice-method, --pick, --trees, --seed). */
  model?: Partial<import('./model/register.js').ModelSettings>;
  /** --mask COL:METHOD */
  mask: MaskSpec[];
  /** --k-anonymity K with --quasi-identifiers */
  kAnonymity: { k: number; quasiIdentifiers: string[] } | null;
}

export function defaultCleanOptions(): CleanOptions {
  return {
    standardize: false,
    mapping: null,
    dedupe: null,
    keep: 'first',
    key: null,
    outliers: null,
    limits: [0.01, 0.99],
    outlierColumns: null,
    impute: { all: null, columns: {} },
    normalize: { all: null, columns: {} },
    range: [0, 1],
    smooth: {},
    orderBy: null,
    mask: [],
    kAnonymity: null,
  };
}

const DEDUPE: DedupeMode[] = ['exact', 'key', 'near'];
const KEEP: KeepMode[] = ['first', 'last'];
const OUTLIERS: OutlierMode[] = ['clip', 'winsorize', 'null', 'drop'];
const METHODS: NormalizeMethod[] = ['zscore', 'minmax', 'robust'];
/** Model-based strategies reserved for src/clean/model (registered at run time, see impute.ts). */
export const MODEL_STRATEGIES = ['knn', 'mice', 'forest'];

export function parseChoice<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new UsageError(`${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

export function parseImputeStrategy(v: string, name = '--impute'): ImputeStrategy {
  if (v === 'mean' || v === 'median' || v === 'mode') return { kind: v };
  if (v === 'most_frequent' || v === 'most-frequent') return { kind: 'mode' };
  if (v.startsWith('constant:')) return { kind: 'constant', value: v.slice('constant:'.length) };
  const m = /^([a-z][a-z0-9-]*)(?::(.*))?$/.exec(v);
  if (m && MODEL_STRATEGIES.includes(m[1]!)) return { kind: 'model', name: m[1]!, arg: m[2] ?? null };
  throw new UsageError(`${name}: unknown strategy '${v}'; use mean, median, mode, constant:VALUE (or ${MODEL_STRATEGIES.join(', ')} when available)`);
}

export function strategyText(s: ImputeStrategy): string {
  switch (s.kind) {
    case 'constant':
      return `constant:${s.value}`;
    case 'model':
      return s.arg === null ? s.name : `${s.name}:${s.arg}`;
    default:
      return s.kind;
  }
}

/** Split `COL=VALUE` at the last `=` (column names may contain `=`); null when there is none. */
function splitSpec(s: string): [string, string] | null {
  const i = s.lastIndexOf('=');
  if (i <= 0) return null;
  return [s.slice(0, i), s.slice(i + 1)];
}

/** `--impute median` / `--impute COL=STRATEGY` (repeatable). `constant:a=b` is a constant when the left side is not a column spec. */
export function parseImputeSpecs(specs: string[]): CleanOptions['impute'] {
  const out: CleanOptions['impute'] = { all: null, columns: {} };
  for (const s of specs) {
    const parts = s.startsWith('constant:') ? null : splitSpec(s);
    if (parts) {
      if (out.columns[parts[0]]) throw new UsageError(`--impute: column '${parts[0]}' given twice`);
      out.columns[parts[0]] = parseImputeStrategy(parts[1], `--impute ${parts[0]}`);
    } else {
      if (out.all) throw new UsageError(`--impute: more than one strategy for all columns ('${strategyText(out.all)}' and '${s}'); use COL=STRATEGY for single columns`);
      out.all = parseImputeStrategy(s);
    }
  }
  return out;
}

export function parseNormalizeSpecs(specs: string[]): CleanOptions['normalize'] {
  const out: CleanOptions['normalize'] = { all: null, columns: {} };
  for (const s of specs) {
    const parts = splitSpec(s);
    if (parts) {
      if (out.columns[parts[0]]) throw new UsageError(`--normalize: column '${parts[0]}' given twice`);
      out.columns[parts[0]] = parseChoice(`--normalize ${parts[0]}`, parts[1], METHODS);
    } else {
      if (out.all) throw new UsageError(`--normalize: more than one method for all columns`);
      out.all = parseChoice('--normalize', s, METHODS);
    }
  }
  return out;
}

export function parseSmoothSpec(v: string, name: string): SmoothSpec {
  let m = /^(?:moving-average|ma|rolling):(\d+)$/.exec(v);
  if (m) {
    const k = Number(m[1]);
    if (!Number.isSafeInteger(k) || k < 1) throw new UsageError(`${name}: the window must be an integer >= 1, got '${m[1]}'`);
    return { method: 'moving-average', window: k };
  }
  m = /^ewm:(.+)$/.exec(v);
  if (m) {
    const a = Number(m[1]);
    if (!(a > 0 && a <= 1)) throw new UsageError(`${name}: ewm alpha must be in (0, 1], got '${m[1]}'`);
    return { method: 'ewm', alpha: a };
  }
  throw new UsageError(`${name}: expected moving-average:K or ewm:ALPHA, got '${v}'`);
}

export function parseSmoothSpecs(specs: string[]): Record<string, SmoothSpec> {
  const out: Record<string, SmoothSpec> = {};
  for (const s of specs) {
    const i = s.indexOf('=');
    // COL may contain '=', the spec never does: split at the last '='
    const j = s.lastIndexOf('=');
    if (i <= 0) throw new UsageError(`--smooth expects COL=moving-average:K or COL=ewm:ALPHA, got '${s}'`);
    const col = s.slice(0, j);
    if (out[col]) throw new UsageError(`--smooth: column '${col}' given twice`);
    out[col] = parseSmoothSpec(s.slice(j + 1), `--smooth ${col}`);
  }
  return out;
}

/** `a,b` -> [a, b] with a < b (numbers). */
export function parsePair(name: string, v: string, share: boolean): [number, number] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.length !== 2 || parts.some((p) => p === '')) throw new UsageError(`${name} expects two numbers a,b, got '${v}'`);
  const a = Number(parts[0]);
  const b = Number(parts[1]);
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(a < b)) throw new UsageError(`${name} expects two numbers a,b with a < b, got '${v}'`);
  if (share && (a < 0 || b > 1)) throw new UsageError(`${name} expects shares between 0 and 1, got '${v}'`);
  return [a, b];
}

/** Validate a mapping object {column: {variant: canonical}}. */
export function validateMapping(obj: unknown, where: string): Record<string, Record<string, string>> {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new UsageError(`${where}: expected a JSON object {column: {variant: canonical}}`);
  const out: Record<string, Record<string, string>> = {};
  for (const [col, m] of Object.entries(obj as Record<string, unknown>)) {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) throw new UsageError(`${where}: column '${col}' must map to an object {variant: canonical}`);
    const inner: Record<string, string> = {};
    for (const [variant, canon] of Object.entries(m as Record<string, unknown>)) {
      if (typeof canon !== 'string') throw new UsageError(`${where}: ${col}.${variant} must be a string`);
      inner[variant] = canon;
    }
    out[col] = inner;
  }
  return out;
}

/** Cross-option checks shared by flags and config. */
export function validateCleanOptions(o: CleanOptions): CleanOptions {
  if (o.dedupe === 'key' && (!o.key || o.key.length === 0)) throw new UsageError('--dedupe key needs --key COLS');
  if (o.key && o.dedupe === null) o.dedupe = 'key';
  if (o.mapping && !o.standardize) o.standardize = true;
  if (o.orderBy !== null && Object.keys(o.smooth).length === 0) throw new UsageError('--order-by is only used with --smooth');
  return o;
}

/** Whether any treatment is enabled. */
export function anyTreatment(o: CleanOptions): boolean {
  return (
    o.standardize ||
    o.dedupe !== null ||
    o.outliers !== null ||
    o.impute.all !== null ||
    Object.keys(o.impute.columns).length > 0 ||
    o.normalize.all !== null ||
    Object.keys(o.normalize.columns).length > 0 ||
    Object.keys(o.smooth).length > 0
  );
}

// ---------------------------------------------------------------------------------------------------------
// dq.yml `clean:` section

function cfgErr(path: string, msg: string): UsageError {
  return new UsageError(`dq.yml clean.${path}: ${msg}`);
}

function strList(v: unknown, path: string): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw cfgErr(path, 'expected a list of column names (or a comma-separated string)');
}

function pairOf(v: unknown, path: string, share: boolean): [number, number] {
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return parsePair(`dq.yml clean.${path}`, `${v[0]},${v[1]}`, share);
  if (typeof v === 'string') return parsePair(`dq.yml clean.${path}`, v, share);
  throw cfgErr(path, 'expected two numbers [a, b] or "a,b"');
}

/** Specs given as a string (all columns), a list of flag-like specs, or an object {column: spec} (`*` = all columns). */
function specsOf(v: unknown, path: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (v !== null && typeof v === 'object') {
    const out: string[] = [];
    for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
      if (typeof s !== 'string') throw cfgErr(`${path}.${k}`, 'expected a string');
      out.push(k === '*' ? s : `${k}=${s}`);
    }
    return out;
  }
  throw cfgErr(path, 'expected a string, a list of strings or an object {column: value}');
}

const CONFIG_KEYS = new Set([
  'standardize', 'mapping', 'dedupe', 'keep', 'key', 'outliers', 'limits', 'outlier_columns', 'outlierColumns',
  'impute', 'normalize', 'range', 'smooth', 'order_by', 'orderBy',
]);

/**
 * Validate the `clean:` section of dq.yml (a plain object, already parsed) and return clean options.
 * Keys (snake_case or camelCase): standardize (bool), mapping ({column: {variant: canonical}}; a file path is
 * resolved by the CLI, see `mappingFile` in the result), dedupe (exact|key|near), keep (first|last), key (list),
 * outliers (clip|winsorize|null|drop), limits ([lo, hi]), outlier_columns (list), impute (strategy, list of
 * specs, or {column: strategy, '*': strategy}), normalize (same shape), range ([a, b]), smooth ({column:
 * 'moving-average:5' | 'ewm:0.3'}), order_by (column).
 */
export function cleanOptionsFromConfig(obj: unknown): CleanOptions & { mappingFile: string | null } {
  const o = defaultCleanOptions();
  let mappingFile: string | null = null;
  if (obj === null || obj === undefined) return { ...o, mappingFile };
  if (typeof obj !== 'object' || Array.isArray(obj)) throw new UsageError('dq.yml clean: expected a mapping of settings');
  const c = obj as Record<string, unknown>;
  for (const k of Object.keys(c)) if (!CONFIG_KEYS.has(k)) throw cfgErr(k, `unknown setting; use ${[...CONFIG_KEYS].filter((x) => !/[A-Z]/.test(x)).join(', ')}`);
  if (c.standardize !== undefined) {
    if (typeof c.standardize !== 'boolean') throw cfgErr('standardize', 'expected true or false');
    o.standardize = c.standardize;
  }
  if (c.mapping !== undefined) {
    if (typeof c.mapping === 'string') mappingFile = c.mapping;
    else o.mapping = validateMapping(c.mapping, 'dq.yml clean.mapping');
  }
  if (c.dedupe !== undefined) {
    if (typeof c.dedupe !== 'string') throw cfgErr('dedupe', `expected one of ${DEDUPE.join(', ')}`);
    o.dedupe = parseChoice('dq.yml clean.dedupe', c.dedupe, DEDUPE);
  }
  if (c.keep !== undefined) {
    if (typeof c.keep !== 'string') throw cfgErr('keep', 'expected first or last');
    o.keep = parseChoice('dq.yml clean.keep', c.keep, KEEP);
  }
  if (c.key !== undefined) o.key = strList(c.key, 'key');
  if (c.outliers !== undefined) {
    if (typeof c.outliers !== 'string') throw cfgErr('outliers', `expected one of ${OUTLIERS.join(', ')}`);
    o.outliers = parseChoice('dq.yml clean.outliers', c.outliers, OUTLIERS);
  }
  if (c.limits !== undefined) o.limits = pairOf(c.limits, 'limits', true);
  const oc = c.outlier_columns ?? c.outlierColumns;
  if (oc !== undefined) o.outlierColumns = strList(oc, 'outlier_columns');
  if (c.impute !== undefined) o.impute = parseImputeSpecs(specsOf(c.impute, 'impute'));
  if (c.normalize !== undefined) o.normalize = parseNormalizeSpecs(specsOf(c.normalize, 'normalize'));
  if (c.range !== undefined) o.range = pairOf(c.range, 'range', false);
  if (c.smooth !== undefined) {
    if (c.smooth === null || typeof c.smooth !== 'object' || Array.isArray(c.smooth)) {
      o.smooth = parseSmoothSpecs(specsOf(c.smooth, 'smooth'));
    } else {
      for (const [col, s] of Object.entries(c.smooth as Record<string, unknown>)) {
        if (typeof s !== 'string') throw cfgErr(`smooth.${col}`, "expected 'moving-average:K' or 'ewm:ALPHA'");
        o.smooth[col] = parseSmoothSpec(s, `dq.yml clean.smooth.${col}`);
      }
    }
  }
  const ob = c.order_by ?? c.orderBy;
  if (ob !== undefined) {
    if (typeof ob !== 'string' || ob === '') throw cfgErr('order_by', 'expected a column name');
    o.orderBy = ob;
  }
  validateCleanOptions(o);
  return { ...o, mappingFile };
}
