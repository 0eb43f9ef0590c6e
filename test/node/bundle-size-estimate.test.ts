import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { estimateBundleBytes } from '../../src/convert/bundle-size-estimate.ts';
import { convertCheckpoint, openSourceModel } from '../../src/convert/convert-checkpoint.ts';
import { resolveQuantConfig } from '../../src/bundle/quant-config.ts';
import { dirBundleSink } from '../../src/node/dir-bundle-sink.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { TINY } from '../helpers/golden-cases.ts';

const files = nodeCheckpointFiles(TINY);
const work = await mkdtemp(join(tmpdir(), 'wan-estimate-'));
afterAll(async () => {
  await files.close();
  await rm(work, { recursive: true, force: true });
});

test.each([
  ['int4', 'fp16', 'float'],
  ['int8', 'fp32', 'float'],
  ['fp16', 'fp16', 'float'],
  ['fp32', 'fp32', 'int8'],
])('the space check’s size estimate is within a tenth of the bundle converted with %s weights, %s activations, %s VAE weights', async (weights, activations, vaeWeights) => {
  const quant = resolveQuantConfig({ weights, activations, vaeWeights });
  const estimate = estimateBundleBytes(await openSourceModel(files), quant);
  const folder = join(work, `${weights}-${activations}-${vaeWeights}`);
  const manifest = await convertCheckpoint(files, await dirBundleSink(folder), { quant, source: { repo: 'tiny-a', revision: 'test' } });
  const actual = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
  console.log(`${weights}/${activations}/${vaeWeights} VAE: estimate ${estimate}, bundle ${actual} (${(estimate / actual).toFixed(3)}×)`);
  expect(Math.abs(estimate / actual - 1)).toBeLessThan(0.1);
});
