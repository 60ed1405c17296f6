/**
 * The checker registry: one line per checker. To add a checker, write one module in src/checks/
 * (meta + init/update/merge/finalize, see README "Adding a checker") and add it here.
 */
import type { Checker } from '../core/types.js';
import consistency from './consistency.js';
import duplicates from './duplicates.js';
import missingness from './missingness.js';
import noise from './noise.js';
import outliers from './outliers.js';
import pii from './pii.js';
import privacy from './privacy.js';
import timeliness from './timeliness.js';

export const CHECKERS: Checker<any>[] = [missingness, outliers, noise, duplicates, consistency, timeliness, pii, privacy];

export function checkerIds(): string[] {
  return CHECKERS.map((c) => c.meta.id);
}
