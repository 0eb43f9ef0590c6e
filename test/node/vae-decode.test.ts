import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import type { BuiltGraph } from '../../src/convert/built-graph.ts';
import { clampUnit, createVaeDecoder } from '../../src/pipeline/vae/index.ts';
import type { DecodedChunk, VaeStageSession } from '../../src/pipeline/vae/index.ts';
import { GoldenCases } from '../helpers/golden-cases.ts';
import { compareToGolden } from '../helpers/golden-compare.ts';
import { FP16_CONFIG, stageSessionsOf, TinyVae } from '../helpers/tiny-vae.ts';

/** README "VAE" tolerance table. */
const TOLERANCE = {
  chunk0: { atol: 2e-5, rtol: 5e-4 },
  chunk1: { atol: 5e-5, rtol: 5e-4 },
  chunk2: { atol: 5e-5, rtol: 5e-4 },
  video: { atol: 5e-5, rtol: 5e-4 },
} as const;

let vae: TinyVae;
const goldenCases = new GoldenCases();
let fp32: readonly BuiltGraph[];
let fp32Sessions: VaeStageSession[];

async function collect(generator: AsyncGenerator<DecodedChunk>): Promise<DecodedChunk[]> {
  const chunks: DecodedChunk[] = [];
  for await (const chunk of generator) chunks.push(chunk);
  return chunks;
}

/** Concatenates chunks [3, n, H, W] along time. */
function concatTime(chunks: readonly DecodedChunk[]): Float32Array {
  const total = chunks.reduce((n, c) => n + c.frames, 0);
  const plane = chunks[0]!.height * chunks[0]!.width;
  const out = new Float32Array(3 * total * plane);
  for (const chunk of chunks) {
    for (let c = 0; c < 3; c++) out.set(chunk.data.subarray(c * chunk.frames * plane, (c + 1) * chunk.frames * plane), (c * total + chunk.firstFrame) * plane);
  }
  return out;
}

beforeAll(async () => {
  vae = await TinyVae.open();
  fp32 = await vae.build('decoder');
  fp32Sessions = await stageSessionsOf(fp32);
});

afterAll(async () => {
  await vae.close();
  await goldenCases.close();
});

/** A seeded N(0, 1)-ish latent (sum of uniforms), [C, F, H, W]. */
function randomLatent(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Float32Array.from({ length: count }, () => uniform() + uniform() + uniform() + uniform() - 2);
}

describe('VAE decoder against the official implementation (tiny-a, fp32)', () => {
  test('chunk by chunk (unclamped) and the clamped video', async () => {
    expect(fp32.map((g) => g.name)).toEqual(['vae-decoder-0', 'vae-decoder-1', 'vae-decoder-2']);
    const decoder = createVaeDecoder(ort, fp32Sessions);
    const c = await goldenCases.read('vae_decode');
    const z = await c.float('z');
    const [, , frames, height, width] = z.dims as number[];
    const started = performance.now();
    const chunks = await collect(decoder.decodeLatents(z.data, { frames: frames!, height: height!, width: width! }));
    const ms = performance.now() - started;
    expect(chunks.map((c) => [c.index, c.firstFrame, c.frames, c.height, c.width])).toEqual([
      [0, 0, 1, 64, 96],
      [1, 1, 4, 64, 96],
      [2, 5, 4, 64, 96],
    ]);
    for (const [i, key] of (['chunk0', 'chunk1', 'chunk2'] as const).entries()) {
      const golden = await c.float(key);
      const { maxAbs, worstExcess } = compareToGolden(chunks[i]!.data, golden.data, TOLERANCE[key].atol, TOLERANCE[key].rtol);
      console.log(`vae_decode ${key}: max |ours − official| = ${maxAbs.toExponential(2)} (atol ${TOLERANCE[key].atol})`);
      expect(maxAbs).toBeLessThanOrEqual(TOLERANCE[key].atol);
      expect(worstExcess).toBeLessThanOrEqual(0);
    }
    const video = clampUnit(concatTime(chunks));
    const { maxAbs } = compareToGolden(video, (await c.float('video')).data, TOLERANCE.video.atol, TOLERANCE.video.rtol);
    console.log(`vae_decode video: max |ours − official| = ${maxAbs.toExponential(2)} (atol ${TOLERANCE.video.atol}); decode ${ms.toFixed(0)} ms`);
    expect(maxAbs).toBeLessThanOrEqual(TOLERANCE.video.atol);
  });
});

describe('VAE decoder graphs', () => {
  test('have symbolic H/W: the same graphs decode a 2×3 latent', async () => {
    const [stage0, stage1, stage2] = fp32.map((g) => g.contract);
    expect(stage0!.inputs.find((i) => i.name === 'latent')!.dims).toEqual([1, 48, 'H', 'W']);
    // Frames between stages and cache frames are channels-last (see VaeStage.stateInput).
    expect(stage0!.outputs.find((o) => o.name === 'hidden.1')!.dims).toEqual([1, '2*H', '2*W', 64]);
    expect(stage1!.inputs.find((i) => i.name === 'cache.up_blocks.1.resnets.0.conv1.0')!.dims).toEqual([1, '2*H', '2*W', 64]);
    expect(stage2!.outputs.find((o) => o.name === 'video')!.dims).toEqual([1, 3, '16*H', '16*W']);
    for (const contract of [stage0!, stage1!]) expect(contract.inputs.find((i) => i.name === 'first')).toEqual({ name: 'first', dtype: 'bool', dims: [1] });
    expect(stage2!.inputs.some((i) => i.name === 'first')).toBe(false);

    const decoder = createVaeDecoder(ort, fp32Sessions);
    const chunks = await collect(decoder.decodeLatents(randomLatent(48 * 2 * 2 * 3, 7), { frames: 2, height: 2, width: 3 }));
    expect(chunks.map((c) => [c.firstFrame, c.frames, c.height, c.width, c.data.length])).toEqual([
      [0, 1, 32, 48, 3 * 1 * 32 * 48],
      [1, 4, 32, 48, 3 * 4 * 32 * 48],
    ]);
    expect(chunks.every((c) => c.data.every(Number.isFinite))).toBe(true);
  });

  test('a conv that narrows the width caches partial sums at its output width (conv_out: 12 channels, not 16)', () => {
    const stage2 = fp32[2]!.contract;
    const cacheOf = (conv: string) => stage2.inputs.filter((i) => i.name.startsWith(`cache.${conv}.`)).map((i) => [i.name, i.dims.at(-1)]);
    expect(cacheOf('conv_out')).toEqual([
      ['cache.conv_out.0', 12],
      ['cache.conv_out.1', 12],
    ]);
    expect(stage2.outputs.filter((o) => o.name.startsWith('cache.conv_out.')).map((o) => o.name)).toEqual(['cache.conv_out.0.next', 'cache.conv_out.1.next']);
    // A conv that keeps its width caches its input frames.
    expect(cacheOf('up_blocks.3.resnets.1.conv1')).toEqual([
      ['cache.up_blocks.3.resnets.1.conv1.0', 16],
      ['cache.up_blocks.3.resnets.1.conv1.1', 16],
    ]);
  });

  test('row bands: stages 1 and 2 run on bands of each frame and decode the same video', async () => {
    const [, stage1, stage2] = fp32Sessions;
    expect(stage1!.contract.rowReach).toBe(3.25);
    expect(stage2!.contract.rowReach).toBe(2.5);
    expect(fp32Sessions[0]!.contract.rowReach).toBeUndefined();
    // 12 latent rows: stage 1 reads 24 rows with a 7-row halo (3 bands), stage 2 48 rows with a 10-row halo.
    const dims = { frames: 3, height: 12, width: 3 };
    const z = randomLatent(48 * dims.frames * dims.height * dims.width, 5);
    const whole = await collect(createVaeDecoder(ort, fp32Sessions).decodeLatents(z, dims));
    for (const rowBands of [2, 3, 4]) {
      const decoder = createVaeDecoder(ort, fp32Sessions, { rowBands });
      const banded = await collect(decoder.decodeLatents(z, dims));
      const { maxAbs } = compareToGolden(concatTime(banded), concatTime(whole), 0, 0);
      console.log(`${rowBands} row bands: max |banded − whole frames| = ${maxAbs.toExponential(2)}`);
      expect(maxAbs).toBeLessThan(1e-5);
    }
  });

  test('decodeChunk carries the caches: frame by frame equals decodeLatents, and a video must start with first = true', async () => {
    const decoder = createVaeDecoder(ort, fp32Sessions);
    const z = randomLatent(48 * 2 * 2 * 3, 11);
    const [, chunk1] = await collect(decoder.decodeLatents(z, { frames: 2, height: 2, width: 3 }));
    const frame = (t: number) => Float32Array.from({ length: 48 * 6 }, (_, i) => z[(Math.floor(i / 6) * 2 + t) * 6 + (i % 6)]!);
    const fresh = createVaeDecoder(ort, fp32Sessions);
    await expect(fresh.decodeChunk(frame(1), { height: 2, width: 3 }, false)).rejects.toThrow(/first = true/);
    await fresh.decodeChunk(frame(0), { height: 2, width: 3 }, true);
    expect(await fresh.decodeChunk(frame(1), { height: 2, width: 3 }, false)).toEqual(chunk1!.data);
    // Without the first frame's caches the second chunk differs.
    await fresh.decodeChunk(frame(1), { height: 2, width: 3 }, true);
    const uncached = await fresh.decodeChunk(frame(1), { height: 2, width: 3 }, false);
    expect(uncached).not.toEqual(chunk1!.data);
  });

  test('fp16 activations build and run (Cast at entry and exit; graph I/O stays float32)', async () => {
    const graphs = await vae.build('decoder', FP16_CONFIG);
    const contract = graphs[1]!.contract;
    expect(contract.inputs.find((i) => i.name === 'hidden')!.dtype).toBe('float16');
    expect(graphs[0]!.contract.inputs.find((i) => i.name === 'latent')!.dtype).toBe('float32');
    expect(graphs[2]!.contract.outputs.find((o) => o.name === 'video')!.dtype).toBe('float32');
    const decoder = createVaeDecoder(ort, await stageSessionsOf(graphs));
    const c = await goldenCases.read('vae_decode');
    const z = await c.float('z');
    const chunks = await collect(decoder.decodeLatents(z.data, { frames: 3, height: 4, width: 6 }));
    const { maxAbs } = compareToGolden(clampUnit(concatTime(chunks)), (await c.float('video')).data, 0, 0);
    console.log(`vae_decode video, fp16 activations and weights: max |ours − official| = ${maxAbs.toExponential(2)}`);
    expect(maxAbs).toBeLessThan(2e-2);
  });

  test('int8 conv weights: a quarter of the bytes, dequantised at run time, close to the official video', async () => {
    const graphs = await vae.build('decoder', { ...FP32_CONFIG, vaeWeights: 'int8' });
    const bytes = (graphs: readonly BuiltGraph[]) => graphs.reduce((sum, g) => sum + g.bytes.byteLength, 0);
    const ratio = bytes(graphs) / bytes(fp32);
    console.log(`int8 VAE decoder graphs: ${(ratio * 100).toFixed(1)} % of the fp32 bytes`);
    expect(ratio).toBeLessThan(0.3);
    const decoder = createVaeDecoder(ort, await stageSessionsOf(graphs));
    const c = await goldenCases.read('vae_decode');
    const z = await c.float('z');
    const chunks = await collect(decoder.decodeLatents(z.data, { frames: 3, height: 4, width: 6 }));
    const { maxAbs, psnr } = await againstOfficialVideo(chunks, 'int8 conv weights');
    expect(maxAbs).toBeGreaterThan(0);
    expect(psnr).toBeGreaterThan(40);
  });

  test('int8 caches: int8 state with one scale per position, close to the official video, the same on row bands', async () => {
    const graphs = await vae.build('decoder', { ...FP32_CONFIG, vaeCache: 'int8' });
    const stage2 = graphs[2]!.contract;
    const declared = (name: string) => [...stage2.inputs, ...stage2.outputs].find((t) => t.name === name);
    expect(declared('cache.up_blocks.3.resnets.1.conv1.0')).toEqual({ name: 'cache.up_blocks.3.resnets.1.conv1.0', dtype: 'int8', dims: [1, '8*H', '8*W', 16] });
    expect(declared('cache.up_blocks.3.resnets.1.conv1.scale.1')).toEqual({ name: 'cache.up_blocks.3.resnets.1.conv1.scale.1', dtype: 'float32', dims: [1, '8*H', '8*W', 1] });
    expect(declared('cache.up_blocks.3.resnets.1.conv1.scale.new')?.dtype).toBe('float32');
    expect(declared('cache.conv_out.scale.0.next')?.dtype).toBe('float32');
    expect(declared('hidden')?.dtype).toBe('float32');

    const sessions = await stageSessionsOf(graphs);
    const c = await goldenCases.read('vae_decode');
    const z = await c.float('z');
    const dims = { frames: 3, height: 4, width: 6 };
    const chunks = await collect(createVaeDecoder(ort, sessions).decodeLatents(z.data, dims));
    const { maxAbs, psnr } = await againstOfficialVideo(chunks, 'int8 caches');
    expect(maxAbs).toBeGreaterThan(0);
    expect(psnr).toBeGreaterThan(40);
    // Positions are quantised one by one, so bands (12 latent rows: 2 each in stages 1 and 2) give the same bytes.
    const tall = { frames: 3, height: 12, width: 3 };
    const zTall = randomLatent(48 * tall.frames * tall.height * tall.width, 5);
    const whole = await collect(createVaeDecoder(ort, sessions).decodeLatents(zTall, tall));
    const banded = await collect(createVaeDecoder(ort, sessions, { rowBands: 2 }).decodeLatents(zTall, tall));
    expect(concatTime(banded)).toEqual(concatTime(whole));
  });
});

/** Compares a decoded video with the official one of vae_decode: max |difference| and PSNR over the [-1, 1] range (above 40 dB is not visible). */
async function againstOfficialVideo(chunks: readonly DecodedChunk[], what: string): Promise<{ maxAbs: number; psnr: number }> {
  const video = clampUnit(concatTime(chunks));
  const official = (await (await goldenCases.read('vae_decode')).float('video')).data;
  const { maxAbs } = compareToGolden(video, official, 0, 0);
  const rms = Math.sqrt(video.reduce((sum, v, i) => sum + (v - official[i]!) ** 2, 0) / video.length);
  const psnr = 20 * Math.log10(2 / rms);
  console.log(`vae_decode video, ${what}: max |ours − official| = ${maxAbs.toExponential(2)}, PSNR ${psnr.toFixed(1)} dB`);
  return { maxAbs, psnr };
}
