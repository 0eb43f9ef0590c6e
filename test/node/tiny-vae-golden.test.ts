import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VAE_IO } from '../../src/bundle/vae-names.ts';
import type { BuiltGraph } from '../../src/convert/built-graph.ts';
import type { RandomTaehvTensor } from '../../src/convert-install/random-tiny-decoder.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import type { CaseFile } from '../../src/node/cli/tensor-files.ts';
import type { OrtTensor } from '../../src/pipeline/ort-types.ts';
import { VaeStageRunner, ZeroTensors } from '../../src/pipeline/vae/index.ts';
import type { LatentGrid, VaeStageSession } from '../../src/pipeline/vae/index.ts';
import { TAEHV_CASES, TAEHV_FIXTURES, TAEHV_WEIGHTS, buildFixtureTinyDecoder } from '../helpers/taehv-fixture.ts';
import { stageSessionsOf } from '../helpers/tiny-vae.ts';

/** fp32 on both sides; the measured worst case is 2.2e-6 (see the README's table). */
const ATOL = 5e-6;
/** Startup frames of the first latent that upstream drops (`frames_to_trim` = 4 − 1). */
const FRAMES_TO_TRIM = 3;

let tensors: RandomTaehvTensor[];
let cases: CaseFile;
let graphs: readonly BuiltGraph[];
let sessions: VaeStageSession[];

beforeAll(async () => {
  ({ tensors, graphs } = await buildFixtureTinyDecoder());
  sessions = await stageSessionsOf(graphs);
  cases = await readCaseFile(join(TAEHV_FIXTURES, 'cases.safetensors'));
});

afterAll(async () => {
  await cases.close();
});

/**
 * Streams a latent video [1, T, C, H, W] through the stage graphs one latent frame at a time
 * (depth first, as the VAE decoder does, but running every frame: there is no `first` to skip)
 * and returns upstream's output layout [1, 4T − 3, 3, 16H, 16W], mapped back to [0, 1] and clamped.
 */
async function decodeStreamed(stages: readonly VaeStageSession[], latent: { data: Float32Array; dims: number[] }, rowBands = 1): Promise<Float32Array> {
  const [, frames, channels, height, width] = latent.dims as [number, number, number, number, number];
  const grid: LatentGrid = { height, width };
  const zeros = new ZeroTensors(ort);
  const runners = stages.map((stage, k) => new VaeStageRunner(ort, stage, zeros, k === 0 ? 1 : rowBands));
  for (const runner of runners) runner.reset(grid);
  const out: Float32Array[] = [];
  const descend = async (k: number, input: OrtTensor): Promise<void> => {
    const result = await runners[k]!.run({ [k === 0 ? VAE_IO.latent : VAE_IO.hidden]: input }, false);
    const rgb = result[VAE_IO.video];
    if (rgb) {
      out.push(Float32Array.from(rgb.data as Float32Array, (v) => Math.min(1, Math.max(0, (v + 1) / 2))));
      return;
    }
    await descend(k + 1, result[VAE_IO.hiddenFrame(0)]!);
    await descend(k + 1, result[VAE_IO.hiddenFrame(1)]!);
  };
  const plane = channels * height * width;
  for (let t = 0; t < frames; t++) {
    await descend(0, new ort.Tensor('float32', latent.data.slice(t * plane, (t + 1) * plane), [1, channels, height, width]));
  }
  for (const runner of runners) runner.dispose();
  const kept = out.slice(FRAMES_TO_TRIM);
  const video = new Float32Array(kept.reduce((n, f) => n + f.length, 0));
  kept.forEach((frame, i) => video.set(frame, i * frame.length));
  return video;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('random tiny decoder weights', () => {
  test("are make-reference.py's torch draws, bit for bit, in upstream's state_dict order", () => {
    expect(Object.fromEntries(tensors.map((t) => [t.name, t.shape]))).toEqual(TAEHV_WEIGHTS.tensors);
    expect(tensors.map((t) => t.name)).toEqual(Object.keys(TAEHV_WEIGHTS.tensors));
    const hash = sha256.create();
    for (const t of tensors) hash.update(new Uint8Array(t.halves.buffer, t.halves.byteOffset, t.halves.byteLength));
    expect(bytesToHex(hash.digest())).toBe(TAEHV_WEIGHTS.sha256_f16);
  });
});

describe('tiny VAE decoder (taew2_2) against upstream TAEHV (fp32, random weights)', () => {
  test.each(TAEHV_CASES)('%s: streamed one latent frame at a time, vs upstream streamed and whole', async (name) => {
    const latent = await cases.float(`${name}/latent`);
    const ours = await decodeStreamed(sessions, latent);
    const streamed = (await cases.float(`${name}/streamed`)).data;
    const whole = (await cases.float(`${name}/whole`)).data;
    const errors = { streamed: maxAbsDiff(ours, streamed), whole: maxAbsDiff(ours, whole) };
    console.log(`taew2_2 ${name}: max |ours − upstream| streamed ${errors.streamed.toExponential(2)}, whole ${errors.whole.toExponential(2)} (atol ${ATOL})`);
    expect(errors.streamed).toBeLessThanOrEqual(ATOL);
    expect(errors.whole).toBeLessThanOrEqual(ATOL);
  });

  test('stages 1–2 on row bands give the same frames', async () => {
    const latent = await cases.float('t3_h3_w4/latent');
    const banded = await decodeStreamed(sessions, latent, 3);
    const error = maxAbsDiff(banded, (await cases.float('t3_h3_w4/streamed')).data);
    console.log(`taew2_2 t3_h3_w4 on 3 row bands: max |ours − upstream| ${error.toExponential(2)}`);
    expect(error).toBeLessThanOrEqual(ATOL);
  });
});

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
describe.skipIf(!existsSync(SWIFTSHADER_ICD) || process.env.VK_ICD_FILENAMES !== SWIFTSHADER_ICD)('on the native WebGPU EP (SwiftShader)', () => {
  test('every node runs on WebGPU and t1_h2_w3 matches', async () => {
    const options = { executionProviders: ['webgpu'], extra: { session: { disable_cpu_ep_fallback: '1' } } };
    const gpu = await Promise.all(graphs.map(async (graph) => ({ session: await ort.InferenceSession.create(graph.bytes, options), contract: graph.contract })));
    try {
      const ours = await decodeStreamed(gpu, await cases.float('t1_h2_w3/latent'));
      const error = maxAbsDiff(ours, (await cases.float('t1_h2_w3/streamed')).data);
      console.log(`taew2_2 t1_h2_w3 on WebGPU: max |ours − upstream| ${error.toExponential(2)}`);
      expect(error).toBeLessThanOrEqual(ATOL);
    } finally {
      await Promise.all(gpu.map((stage) => stage.session.release()));
    }
  });
});

describe('tiny VAE decoder graphs', () => {
  test('three stages with symbolic H/W, channels-last state, no `first`, and a row reach', () => {
    expect(graphs.map((g) => g.name)).toEqual(['tiny-vae-decoder-0', 'tiny-vae-decoder-1', 'tiny-vae-decoder-2']);
    const [stage0, stage1, stage2] = graphs.map((g) => g.contract) as [BuiltGraph['contract'], BuiltGraph['contract'], BuiltGraph['contract']];
    const dims = (list: BuiltGraph['contract']['inputs'], name: string) => list.find((t) => t.name === name)?.dims;
    expect(dims(stage0.inputs, 'latent')).toEqual([1, 48, 'H', 'W']);
    expect(dims(stage0.inputs, 'cache.3.0')).toEqual([1, 'H', 'W', 256]);
    expect(dims(stage0.outputs, 'cache.3.new')).toEqual([1, 'H', 'W', 256]);
    expect(dims(stage0.outputs, 'hidden.1')).toEqual([1, '2*H', '2*W', 128]);
    expect(dims(stage1.inputs, 'hidden')).toEqual([1, '2*H', '2*W', 128]);
    expect(dims(stage1.outputs, 'hidden.0')).toEqual([1, '4*H', '4*W', 64]);
    expect(dims(stage2.outputs, 'video')).toEqual([1, 3, '16*H', '16*W']);
    expect(graphs.every((g) => !g.contract.inputs.some((i) => i.name === VAE_IO.first))).toBe(true);
    expect(stage2.inputs.filter((i) => i.name.startsWith('cache.'))).toEqual([]);
    expect([stage0.rowReach, stage1.rowReach, stage2.rowReach]).toEqual([10 + 9 / 2 + 1 / 2, 1 / 4 + 9 / 4, 1 / 8 + 1 / 8]);
  });
});
