import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/onnx/index.ts';
import { ConvertError } from '../../src/errors.ts';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import { openCheckpoint } from '../../src/safetensors/index.ts';
import { checkpointWeightSource } from '../../src/convert/weights/weight-source.ts';
import { inlineWeightStore } from '../../src/convert/weights/weight-store.ts';
import {
  buildVaeStage,
  decoderDims,
  decoderLayout,
  encoderDims,
  encoderLayout,
  parseVaeConfig,
  spatialCompression,
} from '../../src/convert/wan-vae/index.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { TINY } from '../helpers/golden-cases.ts';

const tinyJson = JSON.parse(readFileSync(join(TINY, 'vae/config.json'), 'utf8')) as Record<string, unknown>;
/** The real Wan2.2-TI2V-5B vae/config.json differs from the tiny one only in its widths. */
const realJson = { ...tinyJson, base_dim: 160, decoder_base_dim: 256 };
const files = nodeCheckpointFiles(TINY);
afterAll(() => files.close());

describe('parseVaeConfig', () => {
  test('reads the Wan2.2 VAE config and derives the block widths and stage graphs', () => {
    const config = parseVaeConfig(realJson);
    expect(config).toMatchObject({ zDim: 48, baseDim: 160, decoderBaseDim: 256, numResBlocks: 2, patchSize: 2, imageChannels: 3 });
    expect(config.latentsStd[21]).toBe(1.4146);
    expect(encoderDims(config)).toEqual([160, 160, 320, 640, 640]);
    expect(decoderDims(config)).toEqual([1024, 1024, 1024, 512, 256]);
    expect(spatialCompression(config)).toBe(16);
    expect(decoderLayout(config).map((s) => [s.name, s.entry, s.blocks, s.doublesTime, s.tail])).toEqual([
      ['vae-decoder-0', true, [0], true, false],
      ['vae-decoder-1', false, [1], true, false],
      ['vae-decoder-2', false, [2, 3], false, true],
    ]);
    expect(encoderLayout(config).map((s) => [s.name, s.entry, s.mergeBlock, s.blocks, s.halvesTime])).toEqual([
      ['vae-encoder-0', true, null, [0, 1], true],
      ['vae-encoder-1', false, 1, [2], true],
      ['vae-encoder-2', false, 2, [3], false],
    ]);
  });

  test('decoder_base_dim defaults to base_dim, as in diffusers', () => {
    const { decoder_base_dim: _, ...rest } = tinyJson;
    expect(parseVaeConfig(rest).decoderBaseDim).toBe(16);
  });

  test.each([
    [{ is_residual: false }, /is_residual.*Wan2.1/],
    [{ patch_size: 1 }, /patch_size/],
    [{ attn_scales: [0.5] }, /attn_scales/],
    [{ temperal_downsample: [true, true, true] }, /exactly 2/],
    [{ temperal_downsample: [false, true] }, /3 booleans/],
    [{ latents_std: [1, 2] }, /latents_std.*2 values/],
    [{ z_dim: 0 }, /z_dim/],
    [{ out_channels: 6 }, /out_channels/],
    [{ _class_name: 'AutoencoderKL' }, /AutoencoderKLWan/],
    [{ scale_factor_spatial: 8 }, /scale_factor_spatial/],
    [{ dim_mult: [1, 2, 4] }, /temperal_downsample.*2 booleans/],
  ])('refuses %j', (change, message) => {
    const attempt = () => parseVaeConfig({ ...tinyJson, ...change });
    expect(attempt).toThrow(ConvertError);
    expect(attempt).toThrow(message);
  });

  test('a config that does not match the weights fails naming the tensor', async () => {
    const checkpoint = await openCheckpoint(files, 'vae');
    const weights = checkpointWeightSource(checkpoint);
    const wrong = parseVaeConfig({ ...tinyJson, decoder_base_dim: 32 });
    const ctx = { g: new GraphBuilder('vae-decoder-0'), weights, store: inlineWeightStore, quant: FP32_CONFIG };
    await expect(buildVaeStage(ctx, wrong, 'decoder', 0)).rejects.toThrow(/Tensor "decoder\.conv_in\.weight" of vae has shape \[64, 48, 3, 3, 3\], expected \[128, 48, 3, 3, 3\]: the weights do not match/);
    await expect(buildVaeStage(ctx, parseVaeConfig(tinyJson), 'decoder', 3)).rejects.toThrow(/3 stage graphs; there is no stage 3/);
  });
});
