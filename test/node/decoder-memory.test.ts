import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GraphContract } from '../../src/bundle/graph-contract.ts';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import { WAN22_TI2V_5B_CONFIGS } from '../../src/convert/random-checkpoint/index.ts';
import { parseVaeConfig, vaeStagePlans, vaeTensorBudget } from '../../src/convert/wan-vae/index.ts';
import { VaeStage } from '../../src/convert/wan-vae/vae-stage.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';
import { GraphBuilder } from '../../src/onnx/index.ts';
import { bundleDecoderMemoryLaws } from '../../src/pipeline/estimate/bundle-decoder-memory.ts';
import { decoderFit, decoderMemoryLaw, predictDecoderMemory } from '../../src/pipeline/estimate/decoder-memory.ts';

/** The Wan2.2 VAE decoder's stage contracts at full size, emitted without weights. */
function wanDecoderContracts(): GraphContract[] {
  const config = parseVaeConfig(WAN22_TI2V_5B_CONFIGS.vae);
  return vaeStagePlans(config, 'decoder').map((plan) => {
    const s = new VaeStage(new GraphBuilder(plan.name), 'float32', 'decoder', 'float', 'float');
    plan.emit(s);
    return s.contract();
  });
}

describe('decoder memory prediction', () => {
  test("the largest buffer and the caches match the builder's own tensor budget of the Wan2.2 VAE decoder at 480p, 720p and a small grid", () => {
    const config = parseVaeConfig(WAN22_TI2V_5B_CONFIGS.vae);
    const law = decoderMemoryLaw(wanDecoderContracts().map((contract) => ({ contract, weightBytes: 1000 })));
    for (const [height, width] of [
      [6, 8],
      [30, 52],
      [44, 80],
    ] as const) {
      const budget = vaeTensorBudget(config, 'decoder', height, width);
      const predicted = predictDecoderMemory(law, { height, width });
      expect(predicted.largestBufferBytes).toBe(budget.largest.bytes);
      expect(predicted.cacheBytes).toBe(budget.cacheBytes);
      // Live at once: weights, every cache, the new caches of the widest stage, and the upsampled tensor.
      expect(predicted.peakBytes).toBeGreaterThan(1000 + budget.cacheBytes + budget.largest.bytes);
      expect(predicted.peakBytes).toBeLessThan(1000 + 3 * budget.cacheBytes + 4 * budget.largest.bytes);
    }
  });

  test('before any measurement: a 1 GiB buffer limit (SwiftShader) stops the full VAE at 1440p, not at 720p; a recorded out-of-memory peak stops it where it needs as much', () => {
    const law = decoderMemoryLaw(wanDecoderContracts().map((contract) => ({ contract, weightBytes: 2.2e9 })));
    const limits = { bufferLimitBytes: 2 ** 30, outOfMemoryAtBytes: null };
    expect(decoderFit(law, { width: 1280, height: 704 }, limits).kind).toBe('fits');
    expect(decoderFit(law, { width: 2560, height: 1440 }, limits)).toMatchObject({ kind: 'buffer-too-large', limitBytes: 2 ** 30 });
    const at720 = predictDecoderMemory(law, { height: 44, width: 80 }).peakBytes;
    const ranOut = { bufferLimitBytes: null, outOfMemoryAtBytes: at720 };
    expect(decoderFit(law, { width: 1280, height: 704 }, ranOut)).toEqual({ kind: 'ran-out-before', needBytes: at720, failedAtBytes: at720 });
    expect(decoderFit(law, { width: 832, height: 480 }, ranOut).kind).toBe('fits');
  });

  test('a two-stage decoder counts, while its last stage runs, the frame the first stage left waiting and the video frame already decoded', () => {
    const f = 'float32' as const;
    const stage0: GraphContract = {
      inputs: [
        { name: 'latent', dtype: f, dims: [1, 4, 'H', 'W'] },
        { name: 'cache.a', dtype: f, dims: [1, 'H', 'W', 8] },
      ],
      outputs: [
        { name: 'hidden.0', dtype: f, dims: [1, '2*H', '2*W', 2] },
        { name: 'hidden.1', dtype: f, dims: [1, '2*H', '2*W', 2] },
        { name: 'cache.a.new', dtype: f, dims: [1, 'H', 'W', 8] },
      ],
    };
    const stage1: GraphContract = {
      inputs: [
        { name: 'hidden', dtype: f, dims: [1, '2*H', '2*W', 2] },
        { name: 'cache.b', dtype: f, dims: [1, '2*H', '2*W', 2] },
      ],
      outputs: [
        { name: 'video', dtype: f, dims: [1, 3, '8*H', '8*W'] },
        { name: 'cache.b.new', dtype: f, dims: [1, '2*H', '2*W', 2] },
      ],
    };
    const law = decoderMemoryLaw([
      { contract: stage0, weightBytes: 100 },
      { contract: stage1, weightBytes: 50 },
    ]);
    // Per latent cell, in floats: caches 8 + 8 = 16. Stage 0: new caches 8, latent 4, outputs 8 + 8, upsampled
    // 4·8 = 32 (twice) → 108. Stage 1: new caches 8, input 8, video 192, upsampled from 2H (its cache, 8) to the
    // video's 4H (half its 8H) 4·8 = 32 (twice) → 288; on hidden.0 with hidden.1 waiting (8): 296; on hidden.1
    // with the first video frame held (192): 480.
    expect(law.peakPerLatentCell).toBe(480 * 4);
    expect(law.largestBufferPerLatentCell).toBe(192 * 4);
    expect(predictDecoderMemory(law, { height: 2, width: 3 }).peakBytes).toBe(150 + 6 * 480 * 4);
  });
});

describe('a bundle’s decoder memory laws', () => {
  let work: string;
  let bundle: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'wan-decoder-memory-'));
    bundle = join(work, 'bundle');
    await writeSelfTestBundle(bundle);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  test("read from the graphs' weight entries: the tiny decoder's weights are its whole weight file", async () => {
    const manifest = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8')) as BundleManifest;
    const laws = await bundleDecoderMemoryLaws({ manifest, readRange: async (path, offset, length) => (await readFile(join(bundle, path))).subarray(offset, offset + length) });
    const tinyWeightFiles = manifest.files.filter((file) => file.path.startsWith('tiny-vae-weights'));
    expect(tinyWeightFiles.length).toBeGreaterThan(0);
    let tinyBytes = 0;
    for (const file of tinyWeightFiles) tinyBytes += (await stat(join(bundle, file.path))).size;
    expect(laws.tiny!.weightBytes).toBe(tinyBytes);
    expect(laws.full!.weightBytes).toBeGreaterThan(0);
    expect(laws.full!.peakPerLatentCell).toBeGreaterThan(laws.tiny!.peakPerLatentCell);
  });
});
