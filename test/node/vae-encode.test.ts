import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BuiltGraph } from '../../src/convert/built-graph.ts';
import { createVaeEncoder } from '../../src/pipeline/vae/index.ts';
import type { VaeEncoder } from '../../src/pipeline/vae/index.ts';
import { GoldenCases } from '../helpers/golden-cases.ts';
import { compareToGolden } from '../helpers/golden-compare.ts';
import { FP16_CONFIG, stageSessionsOf, TinyVae } from '../helpers/tiny-vae.ts';

/** README "VAE" tolerance table. */
const TOLERANCE = { mu: { atol: 2e-5, rtol: 2e-4 }, video_mu: { atol: 5e-5, rtol: 5e-4 } } as const;

let vae: TinyVae;
const goldenCases = new GoldenCases();
let fp32: readonly BuiltGraph[];
let encoder: VaeEncoder;

async function encoderOf(graphs: readonly BuiltGraph[]): Promise<VaeEncoder> {
  return createVaeEncoder(ort, await stageSessionsOf(graphs));
}

beforeAll(async () => {
  vae = await TinyVae.open();
  fp32 = await vae.build('encoder');
  encoder = await encoderOf(fp32);
});

afterAll(async () => {
  await vae.close();
  await goldenCases.close();
});

describe('VAE encoder against the official implementation (tiny-a, fp32)', () => {
  test.each([
    ['image', 'mu'],
    ['video', 'video_mu'],
  ] as const)('%s → %s', async (input, output) => {
    expect(fp32.map((g) => g.name)).toEqual(['vae-encoder-0', 'vae-encoder-1', 'vae-encoder-2']);
    const c = await goldenCases.read('vae_encode');
    const x = await c.float(input);
    const golden = await c.float(output);
    const [, , frames, height, width] = x.dims as number[];
    const started = performance.now();
    const latent = await encoder.encodeVideo(x.data, { frames: frames!, height: height!, width: width! });
    const ms = performance.now() - started;
    expect([1, latent.channels, latent.frames, latent.height, latent.width]).toEqual(golden.dims);
    const { atol, rtol } = TOLERANCE[output];
    const { maxAbs, worstExcess } = compareToGolden(latent.data, golden.data, atol, rtol);
    console.log(`vae_encode ${output}: max |ours − official| = ${maxAbs.toExponential(2)} (atol ${atol}); encode ${ms.toFixed(0)} ms`);
    expect(maxAbs).toBeLessThanOrEqual(atol);
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  test('refuses frame counts the chunking cannot take, and odd sizes', async () => {
    await expect(encoder.encodeVideo(new Float32Array(3 * 2 * 64 * 96), { frames: 2, height: 64, width: 96 })).rejects.toThrow(/1 \+ 4·k frames/);
    await expect(encoder.encodeVideo(new Float32Array(3 * 1 * 60 * 96), { frames: 1, height: 60, width: 96 })).rejects.toThrow(/multiples of 16/);
  });
});

describe('VAE encoder graphs', () => {
  test('have symbolic H/W: the same graphs encode a 5-frame 32×48 video', async () => {
    const [stage0, stage1, stage2] = fp32.map((g) => g.contract);
    expect(stage0!.inputs.find((i) => i.name === 'video')!.dims).toEqual([1, 3, '16*H', '16*W']);
    expect(stage1!.inputs.filter((i) => !i.name.startsWith('cache.')).map((i) => [i.name, i.dims])).toEqual([
      // State the runner passes along unread is channels-last (see VaeStage.stateInput).
      ['hidden.0', [1, '2*H', '2*W', 32]],
      ['hidden.1', [1, '2*H', '2*W', 32]],
      ['skip.0', [1, '4*H', '4*W', 16]],
      ['skip.1', [1, '4*H', '4*W', 16]],
      ['first', [1]],
    ]);
    expect(stage2!.outputs.find((o) => o.name === 'latent')!.dims).toEqual([1, 48, 'H', 'W']);
    const video = Float32Array.from({ length: 3 * 5 * 32 * 48 }, (_, i) => Math.sin(i * 0.37));
    const runs: [number, number][] = [];
    const latent = await encoder.encodeVideo(video, { frames: 5, height: 32, width: 48 }, (done, total) => runs.push([done, total]));
    // Frame 0 through the 3 stages, then 4 frames through stage 0, 2 pairs through stage 1, 1 through stage 2: every run told, in order.
    expect(runs).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 10]));
    expect([latent.channels, latent.frames, latent.height, latent.width]).toEqual([48, 2, 2, 3]);
    expect(latent.data.every(Number.isFinite)).toBe(true);
  });

  test('frame 0 encodes alone: the image latent equals the first latent frame of a video starting with it', async () => {
    const c = await goldenCases.read('vae_encode');
    const video = await c.float('video');
    const [, , frames, height, width] = video.dims as number[];
    const plane = height! * width!;
    const firstFrame = Float32Array.from({ length: 3 * plane }, (_, i) => video.data[(Math.floor(i / plane) * frames! + 0) * plane + (i % plane)]!);
    const image = await encoder.encodeVideo(firstFrame, { frames: 1, height: height!, width: width! });
    const whole = await encoder.encodeVideo(video.data, { frames: frames!, height: height!, width: width! });
    const latentPlane = image.height * image.width;
    for (let c = 0; c < 48; c++) {
      expect(whole.data.subarray(c * 2 * latentPlane, (c * 2 + 1) * latentPlane)).toEqual(image.data.subarray(c * latentPlane, (c + 1) * latentPlane));
    }
  });

  test('fp16 activations build and run', async () => {
    const graphs = await vae.build('encoder', FP16_CONFIG);
    expect(graphs[1]!.contract.inputs.find((i) => i.name === 'hidden.0')!.dtype).toBe('float16');
    const c = await goldenCases.read('vae_encode');
    const video = await c.float('video');
    const [, , frames, height, width] = video.dims as number[];
    const latent = await (await encoderOf(graphs)).encodeVideo(video.data, { frames: frames!, height: height!, width: width! });
    const golden = (await c.float('video_mu')).data;
    const maxAbs = latent.data.reduce((m, v, i) => Math.max(m, Math.abs(v - golden[i]!)), 0);
    console.log(`vae_encode video_mu, fp16 activations and weights: max |ours − official| = ${maxAbs.toExponential(2)}`);
    expect(maxAbs).toBeLessThan(2e-2);
  });
});
