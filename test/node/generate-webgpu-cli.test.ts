import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';
import { relativeRmsError } from '../../src/relative-rms-error.ts';

// onnxruntime-node's native WebGPU EP reaches a GPU through Vulkan; here, through the SwiftShader
// driver that Debian's chromium ships (vitest.config.ts points VK_ICD_FILENAMES at it).
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const noIcd = !existsSync(SWIFTSHADER_ICD) || process.env.VK_ICD_FILENAMES !== SWIFTSHADER_ICD;

let work: string;
let bundle: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-generate-webgpu-'));
  bundle = join(work, 'bundle');
  await writeSelfTestBundle(bundle);
});
afterAll(() => rm(work, { recursive: true, force: true }));

// The tiny decoder keeps the decode short on SwiftShader; the latents are final before it. At 36 tokens
// SwiftShader's fused attention is wrong (at 8 it is not), so the unfused fallback is what makes this pass.
const args = (device: string, name: string) => [
  'generate', '--bundle', bundle, '--prompt', 'a red fox in fresh snow', '--size', '128x96', '--frames', '9', '--steps', '2',
  '--seed', '42', '--decoder', 'tiny', '--device', device, '--out', join(work, name), '--latents-out', join(work, `${name}.safetensors`),
];

test.skipIf(noIcd)(`generate --device webgpu gives the CPU's final latents (needs ${SWIFTSHADER_ICD}, from Debian's chromium)`, { timeout: 300_000 }, async () => {
  expect(await runCli(args('cpu', 'cpu'))).toBe(0);
  expect(await runCli(args('webgpu', 'gpu'))).toBe(0);
  const [cpu, gpu] = await Promise.all([readCaseFile(join(work, 'cpu.safetensors')), readCaseFile(join(work, 'gpu.safetensors'))]);
  const [a, b] = [await cpu.float('latents'), await gpu.float('latents')];
  await Promise.all([cpu.close(), gpu.close()]);
  expect(b.dims).toEqual(a.dims);
  // fp32 on both; the order of the GPU's sums differs (measured: relative RMS 7e-6 at 128×96×9, 3 steps).
  const error = relativeRmsError(b.data, a.data);
  console.log(`final latents, --device webgpu (SwiftShader) against --device cpu: relative RMS ${error.toExponential(2)}`);
  expect(error).toBeLessThan(1e-4);
  expect(b.data.some((v, i) => v !== a.data[i])).toBe(true);
});

test('an unknown device, and row bands on the GPU, are refused with what to do', async () => {
  expect(await runCli([...args('cuda', 'bad')])).toBe(1);
  expect(await runCli([...args('webgpu', 'bad'), '--vae-bands', '2'])).toBe(1);
});
