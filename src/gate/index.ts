/** The quality gate: rules checker, gate evaluation and baselines. */
export { evaluateGate, parseFailUnderDimension } from './evaluate.js';
export type { GateFlags } from './evaluate.js';
export { compareBaseline, psiKs, rebin } from './baseline.js';
export { default as rulesChecker } from './rules-checker.js';
export type { RuleMetric } from './rules-checker.js';
