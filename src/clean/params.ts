/**
 * Fitted parameters of a clean run (--save-params FILE / --apply-params FILE): versioned JSON.
 *
 * {
 *   "format": "dq-clean-params", "version": 1,
 *   "tool": {"name": "dq", "version": "..."}, "createdAt": "ISO time",
 *   "source": {"path": "train.csv", "rows": 1000},
 *   "options": CleanOptions,                       // the treatments as given (applied again as they are)
 *   "order": ["standardize", "dedupe", ...],       // the enabled steps, in pipeline order
 *   "steps": {
 *     "standardize": {"trim": true, "source": "clusters", "mapping": {col: {variant: canonical}},
 *                     "dates": {col: {"dayFirst": false}}, "numbers": {col: "point"}},
 *     "dedupe":      {"mode": "exact", "keep": "first", "key": null},
 *     "outliers":    {"mode": "clip", "limits": null, "columns": {col: {"lower": n, "upper": n}}, "approximate": false},
 *     "impute":      {"columns": {col: {"strategy": "median", "value": 3.5}}, "models": [], "skipped": [...], "approximate": false},
 *     "smooth":      {"orderBy": "t", "columns": {col: {"method": "ewm", "alpha": 0.3}}},
 *     "normalize":   {"columns": {col: {"method": "zscore", "center": n, "scale": n}
 *                                | {"method": "minmax", "scale": n, "offset": n, "dataMin": n, "dataMax": n, "range": [a, b]}},
 *                     "skipped": [...], "approximate": false}
 *   }
 * }
 * Numbers are JSON doubles (shortest round-trip form), so applying saved parameters gives bit-identical output.
 */
import { promises as fsp } from 'node:fs';
import { UsageError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { STEP_ORDER, defaultCleanOptions, type CleanOptions, type StepName } from './options.js';

export const PARAMS_FORMAT = 'dq-clean-params';
export const PARAMS_VERSION = 1;

export interface CleanParams {
  format: typeof PARAMS_FORMAT;
  version: number;
  tool: { name: 'dq'; version: string };
  createdAt: string;
  source: { path: string; rows: number };
  options: CleanOptions;
  order: StepName[];
  steps: Partial<Record<StepName, unknown>>;
}

export function makeParams(source: { path: string; rows: number }, options: CleanOptions, order: StepName[], steps: Partial<Record<StepName, unknown>>): CleanParams {
  return {
    format: PARAMS_FORMAT,
    version: PARAMS_VERSION,
    tool: { name: 'dq', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    source,
    options,
    order,
    steps,
  };
}

export function paramsToJson(p: CleanParams): string {
  return JSON.stringify(p, null, 2) + '\n';
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Validate parsed JSON as clean parameters. */
export function parseParams(obj: unknown, file: string): CleanParams {
  const bad = (msg: string) => new UsageError(`--apply-params ${file}: ${msg}`);
  if (!isObj(obj)) throw bad('not a dq clean parameters file (expected a JSON object)');
  if (obj.format !== PARAMS_FORMAT) throw bad(`not a dq clean parameters file (format is ${JSON.stringify(obj.format)}, expected "${PARAMS_FORMAT}")`);
  if (typeof obj.version !== 'number' || obj.version > PARAMS_VERSION || obj.version < 1) {
    throw bad(`version ${JSON.stringify(obj.version)} is not supported (this dq reads version ${PARAMS_VERSION})`);
  }
  if (!Array.isArray(obj.order) || !obj.order.every((s) => STEP_ORDER.includes(s as StepName))) throw bad('"order" must list steps among ' + STEP_ORDER.join(', '));
  if (!isObj(obj.steps)) throw bad('"steps" must be an object');
  if (!isObj(obj.options)) throw bad('"options" must be an object');
  for (const s of obj.order as StepName[]) if (!isObj(obj.steps[s])) throw bad(`"steps.${s}" is missing`);
  const options = { ...defaultCleanOptions(), ...(obj.options as Partial<CleanOptions>) };
  return { ...(obj as unknown as CleanParams), options };
}

export async function loadParams(file: string): Promise<CleanParams> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--apply-params ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--apply-params ${file}: invalid JSON (${(e as Error).message})`);
  }
  return parseParams(obj, file);
}
