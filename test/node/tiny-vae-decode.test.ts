import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CaseFile } from '../../src/node/cli/tensor-files.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { clampUnit, createVaeDecoder } from '../../src/pipeline/vae/index.ts';
import type { DecodedChunk, VaeStageSession } from '../../src/pipeline/vae/index.ts';
import { TAEHV_FIXTURES, buildFixtureTinyDecoder } from '../helpers/taehv-fixture.ts';
import { FP16_CONFIG, stageSessionsOf } from '../helpers/tiny-vae.ts';

/** As in tiny-vae-golden.test.ts (fp32 on both sides). */
const ATOL = 5e-6;
/** fp16 activations against upstream's fp32, on [0, 1] (measured 5.4e-4; the weights are float16 on both sides). */
const FP16_ATOL = 2e-3;

let cases: CaseFile;
let sessions: VaeStageSession[];

beforeAll(async () => {
  sessions = await stageSessionsOf((await buildFixtureTinyDecoder()).graphs);
  cases = await readCaseFile(join(TAEHV_FIXTURES, 'cases.safetensors'));
});

afterAll(async () => {
  await cases.close();
});

/** Upstream's [1, T, C, H, W] latent as the decoder takes it, [C, T, H, W]. */
function channelsFirst(latent: { data: Float32Array; dims: number[] }): { z: Float32Array; dims: { frames: number; height: number; width: number } } {
  const [, frames, channels, height, width] = latent.dims as [number, number, number, number, number];
  const plane = height * width;
  const z = new Float32Array(latent.data.length);
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < channels; c++) z.set(latent.data.subarray((t * channels + c) * plane, (t * channels + c + 1) * plane), (c * frames + t) * plane);
  }
  return { z, dims: { frames, height, width } };
}

/** The chunks [3, n, H, W] of a video in [-1, 1] as upstream returns it: [1, F, 3, H, W] in [0, 1]. */
function upstreamLayout(chunks: readonly DecodedChunk[]): Float32Array {
  const plane = chunks[0]!.height * chunks[0]!.width;
  const total = chunks.reduce((n, c) => n + c.frames, 0);
  const out = new Float32Array(3 * total * plane);
  for (const chunk of chunks) {
    const data = clampUnit(chunk.data.slice());
    for (let f = 0; f < chunk.frames; f++) {
      for (let c = 0; c < 3; c++) {
        const from = data.subarray((c * chunk.frames + f) * plane, (c * chunk.frames + f + 1) * plane);
        out.set(from.map((v) => (v + 1) / 2), ((chunk.firstFrame + f) * 3 + c) * plane);
      }
    }
  }
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('createVaeDecoder on the tiny decoder (taew2_2, random weights) against upstream TAEHV', () => {
  test.each(['t5_h3_w4', 't3_h2_w3', 't1_h2_w3'])('%s: streamed chunks as the full VAE streams them, equal to upstream', async (name) => {
    const { z, dims } = channelsFirst(await cases.float(`${name}/latent`));
    const decoder = createVaeDecoder(ort, sessions);
    expect(decoder.trimsStartupFrames).toBe(true);
    expect(decoder.framesPerChunk).toBe(4);
    const chunks: DecodedChunk[] = [];
    for await (const chunk of decoder.decodeLatents(z, dims)) chunks.push(chunk);
    expect(chunks.map((c) => [c.index, c.firstFrame, c.frames, c.height, c.width])).toEqual(
      Array.from({ length: dims.frames }, (_, t) => [t, t === 0 ? 0 : 1 + 4 * (t - 1), t === 0 ? 1 : 4, 16 * dims.height, 16 * dims.width]),
    );
    const ours = upstreamLayout(chunks);
    const errors = {
      streamed: maxAbsDiff(ours, (await cases.float(`${name}/streamed`)).data),
      whole: maxAbsDiff(ours, (await cases.float(`${name}/whole`)).data),
    };
    console.log(`tiny decoder via createVaeDecoder, ${name}: max |ours − upstream| streamed ${errors.streamed.toExponential(2)}, whole ${errors.whole.toExponential(2)}`);
    expect(errors.streamed).toBeLessThanOrEqual(ATOL);
    expect(errors.whole).toBeLessThanOrEqual(ATOL);
  });

  test('row bands and a second video on the same decoder give the same frames', async () => {
    const { z, dims } = channelsFirst(await cases.float('t3_h3_w4/latent'));
    const reference = (await cases.float('t3_h3_w4/streamed')).data;
    const decoder = createVaeDecoder(ort, sessions, { rowBands: 3 });
    for (let video = 0; video < 2; video++) {
      const chunks: DecodedChunk[] = [];
      for (let t = 0; t < dims.frames; t++) {
        const plane = dims.height * dims.width;
        const frame = new Float32Array(48 * plane);
        for (let c = 0; c < 48; c++) frame.set(z.subarray((c * dims.frames + t) * plane, (c * dims.frames + t + 1) * plane), c * plane);
        const data = await decoder.decodeChunk(frame, dims, t === 0);
        chunks.push({ index: t, firstFrame: t === 0 ? 0 : 1 + 4 * (t - 1), frames: t === 0 ? 1 : 4, height: 16 * dims.height, width: 16 * dims.width, data });
      }
      expect(maxAbsDiff(upstreamLayout(chunks), reference)).toBeLessThanOrEqual(ATOL);
    }
    decoder.dispose();
  });

  test('fp16 activations (what the browser runs): close to upstream', async () => {
    const fp16 = await stageSessionsOf((await buildFixtureTinyDecoder(FP16_CONFIG)).graphs);
    const { z, dims } = channelsFirst(await cases.float('t3_h3_w4/latent'));
    const chunks: DecodedChunk[] = [];
    for await (const chunk of createVaeDecoder(ort, fp16).decodeLatents(z, dims)) chunks.push(chunk);
    const error = maxAbsDiff(upstreamLayout(chunks), (await cases.float('t3_h3_w4/streamed')).data);
    console.log(`tiny decoder, fp16 activations, t3_h3_w4: max |ours − upstream| ${error.toExponential(2)}`);
    expect(error).toBeLessThanOrEqual(FP16_ATOL);
  });
});
