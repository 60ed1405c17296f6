/** Mergeable streaming statistics: hashing, hash sets, moments, quantiles, distinct counts, top values. See README.md. */
export * from './hash.js';
export * from './hashset.js';
export * from './moments.js';
export * from './quantiles.js';
export * from './distinct.js';
export * from './topk.js';
export * from './strings.js';
