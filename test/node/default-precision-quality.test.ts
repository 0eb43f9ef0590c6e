import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import type { BundleAccess } from '../../src/pipeline/bundle-access.ts';
import { DEFAULT_WEIGHT_PRESET } from '../../src/bundle/quant-config.ts';
import { DIT_STEP_CASE, SAMPLE_RUN_CASE, goldenError } from '../../src/node/quality/golden-error.ts';
import { TINY } from '../helpers/golden-cases.ts';

/** Issue 27's bound: at most half of uniform int4's error (0.131 for one DiT step, 0.108 for the 8-step run). */
const MAX_RELATIVE_RMS = 0.06;

let work: string;
let bundle: BundleAccess;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-default-quality-'));
  // No precision flags: what `wan-web convert` and the one-click installs make.
  expect(await runCli(['convert', TINY, join(work, 'default')])).toBe(0);
  bundle = await openDirBundle(join(work, 'default'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('the default bundle against the official outputs (tiny-a, relative RMS error)', () => {
  test('is made with the default preset', () => {
    expect(bundle.manifest.precision.preset).toBe(DEFAULT_WEIGHT_PRESET);
    expect(bundle.manifest.precision.activations).toBe('fp16');
  });

  for (const c of [DIT_STEP_CASE, SAMPLE_RUN_CASE]) {
    test(`${c.label}: at most ${MAX_RELATIVE_RMS}`, async () => {
      const error = await goldenError(bundle, TINY, c);
      console.log(`${c.label} (${c.file}/${c.tensor}): relative RMS error ${error.toExponential(2)}`);
      expect(error).toBeLessThanOrEqual(MAX_RELATIVE_RMS);
    });
  }
});
