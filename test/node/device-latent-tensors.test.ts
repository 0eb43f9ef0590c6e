import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';
import { DeviceLatentTensors } from '../../src/pipeline/generate/device-latent-tensors.ts';
import { hostLatentTensors } from '../../src/pipeline/generate/latent-tensors.ts';
import { PreviewBudget } from '../../src/pipeline/preview/preview-budget.ts';
import { WanPipeline } from '../../src/pipeline/generate/wan-pipeline.ts';
import type { GenerationSettings } from '../../src/pipeline/generate/generation-settings.ts';
import type { OrtTensor } from '../../src/pipeline/ort-types.ts';

// onnxruntime-node cannot feed a GPU buffer back into a session, so the device path runs here
// on the CPU EP (where `preferredOutputLocation: 'gpu-buffer'` yields CPU tensors): the same
// graphs and the same ownership as on WebGPU, where the e2e tests and bench:webgpu-steps run it.
const CPU = { executionProviders: ['cpu'] };

let work: string;
let bundleDir: string;
/** The same model without its tiny decoder: previews through the latent → RGB map. */
let mapPreviewDir: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-device-tensors-'));
  bundleDir = join(work, 'bundle');
  await writeSelfTestBundle(bundleDir);
  mapPreviewDir = join(work, 'map-preview');
  await writeSelfTestBundle(mapPreviewDir, { tinyDecoder: false });
});
afterAll(() => rm(work, { recursive: true, force: true }));

const random = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) * 3);
const tensor = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);

test('a bundle with int8 VAE caches is refused on the device path, with what to install instead', async () => {
  const bundle = await openDirBundle(bundleDir);
  const manifest = { ...bundle.manifest, precision: { ...bundle.manifest.precision, vaeCache: 'int8' as const } };
  const int8Caches = { manifest, createSession: bundle.createSession.bind(bundle), readRange: bundle.readRange.bind(bundle), readText: bundle.readText.bind(bundle) };
  expect(() => new WanPipeline({ ort, bundle: int8Caches, sessionOptions: CPU, tensorsOnDevice: true })).toThrow(/--vae-cache int8.*Install a bundle converted without/);
  expect(() => new WanPipeline({ ort, bundle: int8Caches })).not.toThrow();
});

describe('latent tensor arithmetic as graphs', () => {
  const dims = [1, 3, 4, 2, 5];
  const n = dims.reduce((a, b) => a * b, 1);
  const device = new DeviceLatentTensors(ort, CPU);
  const host = hostLatentTensors(ort);
  afterAll(() => device.dispose());

  test('combine, place and withFirstFrame agree with the CPU arrays', async () => {
    const [a, b, c] = [random(n, 1), random(n, 2), random(n, 3)];
    const terms = [
      [0.75, tensor(a, dims)],
      [-1.5, tensor(b, dims)],
      [Math.PI, tensor(c, dims)],
    ] as const;
    const onDevice = await device.read(await device.combine(terms));
    const onHost = await host.read(await host.combine(terms));
    onDevice.forEach((v, i) => expect(v).toBeCloseTo(onHost[i]!, 5));
    expect(onDevice[7]).toBeCloseTo(0.75 * a[7]! - 1.5 * b[7]! + Math.PI * c[7]!, 5);

    const rope = tensor(random(12, 4), [6, 2]);
    expect(Array.from(await device.read(await device.place(rope)))).toEqual(Array.from(rope.data as Float32Array));

    const first = random(3 * 2 * 5, 5);
    const imposed = await device.read(await device.withFirstFrame(tensor(a, dims), tensor(first, [1, 3, 1, 2, 5])));
    expect(Array.from(imposed)).toEqual(Array.from(await host.read(await host.withFirstFrame(tensor(a, dims), tensor(first, [1, 3, 1, 2, 5])))));
    const map = { channels: 3, weights: Float32Array.from(random(9, 6)), bias: Float32Array.of(0.1, -0.2, 0.3) };
    const rgb = await device.toRgb(tensor(a, dims), map);
    expect(rgb.dims).toEqual([1, 3, 4, 2, 5]);
    const rgbValues = await device.read(rgb);
    const expected = await host.read(await host.toRgb(tensor(a, dims), map));
    rgbValues.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    // Red at frame 2, row 1, column 3: Σ_c w[0][c]·a[c, 2, 1, 3] + b[0].
    const at = (c: number) => a[((c * 4 + 2) * 2 + 1) * 5 + 3]!;
    expect(rgbValues[(2 * 2 + 1) * 5 + 3]).toBeCloseTo(map.weights[0]! * at(0) + map.weights[1]! * at(1) + map.weights[2]! * at(2) + 0.1, 5);
    await expect(device.toRgb(tensor(a, dims), { ...map, channels: 4, weights: new Float32Array(12) })).rejects.toThrow(/4 latent channels/);

    // Frame 0 of channel 1 is the start frame's channel 1; frame 1 is untouched.
    expect(imposed.slice(40, 50)).toEqual(first.slice(10, 20));
    expect(imposed.slice(50, 60)).toEqual(a.slice(50, 60));
  });
});

describe('the pipeline with its tensors on the device', () => {
  const settings = (sampler: GenerationSettings['sampler']): GenerationSettings => ({
    prompt: 'a red fox in fresh snow',
    width: 64,
    height: 64,
    frames: 5,
    steps: 3,
    guidance: 5,
    shift: 5,
    sampler,
    seed: 11,
  });
  const image = { width: 64, height: 64, channels: 3 as const, data: Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 31) % 256) };

  for (const [sampler, start, source] of [['unipc', image, 'latent-map'], ['euler', null, 'tiny-decoder'], ['dmd', null, 'latent-map']] as const) {
    test(`${sampler}${start ? ', image-to-video' : ''}, ${source} previews: the same latents as on the CPU, and every tensor it made is released`, async () => {
      const dir = source === 'latent-map' ? mapPreviewDir : bundleDir;
      const made: OrtTensor[] = [];
      const record = <K extends 'combine' | 'place' | 'withFirstFrame' | 'toRgb'>(method: K) => {
        const original = DeviceLatentTensors.prototype[method] as (...args: unknown[]) => Promise<OrtTensor>;
        return vi.spyOn(DeviceLatentTensors.prototype, method).mockImplementation(async function (this: DeviceLatentTensors, ...args: unknown[]) {
          const out = await original.apply(this, args);
          made.push(out);
          return out;
        } as never);
      };
      const spies = [record('combine'), record('place'), record('withFirstFrame'), record('toRgb')];
      /** Whether a tensor was disposed (onnxruntime refuses to touch its data then). */
      const disposed = (tensor: OrtTensor) => {
        try {
          return tensor.data === undefined;
        } catch {
          return true;
        }
      };
      try {
        const onDevice = new WanPipeline({ ort, bundle: await openDirBundle(dir), sessionOptions: CPU, tensorsOnDevice: true });
        const onHost = new WanPipeline({ ort, bundle: await openDirBundle(dir) });
        const previews: Uint8ClampedArray[][] = [[], []];
        const sources = new Set<string>();
        const a = await onDevice.generate(settings(sampler), start, { preview: true, previewBudget: new PreviewBudget(Infinity), onEvent: (e) => e.type === 'preview' && sources.add(e.source) && previews[0]!.push(...e.frames) });
        const b = await onHost.generate(settings(sampler), start, { preview: true, previewBudget: new PreviewBudget(Infinity), onEvent: (e) => e.type === 'preview' && previews[1]!.push(...e.frames) });
        await Promise.all([onDevice.dispose(), onHost.dispose()]);
        let max = 0;
        for (let i = 0; i < a.latents.length; i++) max = Math.max(max, Math.abs(a.latents[i]! - b.latents[i]!));
        expect(a.latents.length).toBe(b.latents.length);
        expect(max).toBeLessThan(1e-5);
        // The step previews too: every step, every latent frame, within one level of 255.
        expect([...sources]).toEqual([source]);
        expect(previews[0]!.length).toBe(3 * 2);
        expect(previews[0]!.length).toBe(previews[1]!.length);
        previews[0]!.forEach((frame, f) => frame.forEach((v, i) => expect(Math.abs(v - previews[1]![f]![i]!)).toBeLessThanOrEqual(1)));
        expect(made.length).toBeGreaterThan(3 * 2);
        expect(made.filter((t) => !disposed(t))).toEqual([]);
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    });
  }
});
