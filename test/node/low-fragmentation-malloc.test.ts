import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const SCRIPT = join(import.meta.dirname, '../fixtures/scripts/print-malloc-threshold.ts');
const run = (env: NodeJS.ProcessEnv, exitCode: number) => {
  const { MALLOC_MMAP_THRESHOLD_: _, ...rest } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, String(exitCode)], { encoding: 'utf8', env: { ...rest, ...env } });
};

test.runIf(process.platform === 'linux')("the CLI's relaunch runs the command once more with a fixed mmap threshold and keeps its exit code", () => {
  const relaunched = run({}, 3);
  expect(relaunched.stdout).toMatch(/^threshold 131072\nrelaunched, exit 3\n$/);
  expect(relaunched.status).toBe(3);
  // A threshold the user set is kept, and nothing is relaunched.
  const own = run({ MALLOC_MMAP_THRESHOLD_: '65536' }, 0);
  expect(own.stdout).toMatch(/^threshold 65536\n$/);
  expect(own.status).toBe(0);
});
