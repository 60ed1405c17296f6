/** Setup file: after each test file, remove the temporary folders made by test/helpers.ts's tempDir. */
import { rmSync } from 'node:fs';
import { afterAll } from 'vitest';

afterAll(() => {
  const temps = (globalThis as Record<symbol, Set<string> | undefined>)[Symbol.for('dq.test.temps')];
  for (const d of temps ?? []) rmSync(d, { recursive: true, force: true });
  temps?.clear();
});
