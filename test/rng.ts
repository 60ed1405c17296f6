/** The engine's seeded generator (mulberry32, as `--sample` uses), for tests: uniform numbers in [0, 1). */
export { prng as rng } from '../src/engine/audit.js';
