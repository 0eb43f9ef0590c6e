// Converts the tiny-a checkpoint written in the layouts people have on disk (ComfyUI's single files
// in fp16, with a scaled-fp8 text encoder; Wan's original repository layout) and compares every
// component's output with the bundle converted from the diffusers layout.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { validateManifest } from '../../src/bundle/manifest.ts';
import { goldenCasePath, TINY } from '../helpers/golden-cases.ts';
import { maxAbsDiff } from '../helpers/golden-compare.ts';
import { convertTinyA } from '../helpers/convert-tiny-a.ts';
import type { TinyLayouts } from '../helpers/tiny-layouts.ts';
import { writeTinyLayouts } from '../helpers/tiny-layouts.ts';
import { randomDiffusersLora } from '../helpers/random-lora.ts';

const FP32 = ['--weights', 'fp32', '--activations', 'fp32'];
let work: string;
let reference: string;
let layouts: TinyLayouts;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-layouts-'));
  reference = await convertTinyA(join(work, 'reference'));
  layouts = await writeTinyLayouts(work);
}, 120_000);

afterAll(() => rm(work, { recursive: true, force: true }));

async function convertLayout(name: string, sources: readonly string[], extra: readonly string[] = []): Promise<{ dir: string; said: string }> {
  const dir = join(work, name);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await runCli(['convert', ...sources, dir, ...FP32, '--config', TINY, '--tokenizer', 'none', ...extra]);
    const said = stderr.mock.calls.map(([text]) => String(text)).join('');
    expect(code, said).toBe(0);
    return { dir, said };
  } finally {
    stderr.mockRestore();
  }
}

/** [case, debug component, output tensors] run on both bundles. */
const OUTPUTS: [string, string, string[]][] = [
  ['dit_t2v', 'dit', ['v']],
  ['text_encoder', 'text-encoder', ['output', 'long.output']],
  ['vae_decode', 'vae-decode', ['video']],
  ['vae_encode', 'vae-encode', ['mu']],
];

/** Largest |Δ| of each component's outputs between a bundle and the diffusers-source one, relative to the output's largest |value|. */
async function outputDifferences(bundle: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const [caseName, component, names] of OUTPUTS) {
    const run = async (dir: string) => {
      const out = join(work, `${caseName}.${dir.split('/').at(-1)}.out.safetensors`);
      expect(await runCli(['debug', component, '--bundle', dir, '--in', goldenCasePath(caseName), '--out', out])).toBe(0);
      return readCaseFile(out);
    };
    const [ours, theirs] = await Promise.all([run(bundle), run(reference)]);
    for (const name of names) {
      const [a, b] = [(await ours.float(name)).data, (await theirs.float(name)).data];
      result[`${component} ${name}`] = maxAbsDiff(a, b) / b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    }
    await Promise.all([ours.close(), theirs.close()]);
  }
  return result;
}

const weightFiles = async (dir: string) =>
  Object.fromEntries(validateManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))).files.filter((f) => f.path !== 'tokenizer.json').map((f) => [f.path, f.sha256]));

describe('converting the files people already have (tiny-a in each layout, fp32 bundles)', () => {
  test("with --lora, Wan's original layout gives the diffusers-source bundle with the same LoRA byte for byte", async () => {
    const lora = join(work, 'style-lora.safetensors');
    await writeFile(lora, randomDiffusersLora(5).bytes);
    const merged = join(work, 'reference-lora');
    expect(await runCli(['convert', TINY, merged, ...FP32, '--lora', `${lora}:0.7`])).toBe(0);
    const { dir } = await convertLayout('original-lora', [layouts.originalFolder], ['--lora', `${lora}:0.7`]);
    const manifest = validateManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    expect(manifest.loras?.map((l) => [l.file, l.strength])).toEqual([['style-lora.safetensors', 0.7]]);
    expect(await weightFiles(dir)).toEqual(await weightFiles(merged));
    expect(await weightFiles(dir)).not.toEqual(await weightFiles(reference));
  });

  test("Wan's original layout in float32 gives the diffusers-source bundle byte for byte, tokenizer from google/umt5-xxl", async () => {
    const { dir, said } = await convertLayout('from-original', [layouts.originalFolder]);
    expect(said).toMatch(/diffusion model: diffusion_pytorch_model\.safetensors\.index\.json \(Wan's original names, F32/);
    expect(said).toMatch(/text encoder: umt5-xxl-enc-fp32\.safetensors \(Wan's original names/);
    expect(said).toMatch(/VAE: wan2\.2_vae\.safetensors \(Wan's original names/);
    expect(said).toMatch(/tokenizer: google\/umt5-xxl\/tokenizer\.json/);
    expect(await weightFiles(dir)).toEqual(await weightFiles(reference));
  }, 120_000);

  test('a ComfyUI models folder (fp16) and the three files with the scaled-fp8 text encoder', async () => {
    const comfy = await convertLayout('from-comfy', [layouts.comfyFolder]);
    expect(comfy.said).toMatch(/diffusion model: diffusion_models\/wan2\.2_ti2v_tiny_fp16\.safetensors \(Wan's original names, F16/);
    expect(comfy.said).toMatch(/text encoder: text_encoders\/umt5_tiny_fp16\.safetensors \(transformers names, F16/);
    const fp8 = await convertLayout('from-comfy-fp8', layouts.comfyFp8Files);
    expect(fp8.said).toMatch(/text encoder: .*umt5_tiny_fp8_e4m3fn_scaled\.safetensors \(transformers names, F16, 14 scaled float8 weights;/);

    const rows: [string, Record<string, number>][] = [
      ['ComfyUI fp16', await outputDifferences(comfy.dir)],
      ['ComfyUI fp16 + fp8-scaled TE', await outputDifferences(fp8.dir)],
    ];
    for (const [layout, diffs] of rows) console.log(`${layout}: ${Object.entries(diffs).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
    const [fp16, fp8Diffs] = [rows[0]![1], rows[1]![1]];
    // fp16 storage rounds each weight by at most 2^-11 of itself.
    for (const value of Object.values(fp16)) expect(value).toBeLessThan(5e-3);
    // Only the text encoder changes with its fp8 file: e4m3 keeps 3 mantissa bits.
    expect(fp8Diffs['dit v']).toBe(fp16['dit v']);
    expect(fp8Diffs['text-encoder output']!).toBeGreaterThan(fp16['text-encoder output']!);
    expect(fp8Diffs['text-encoder output']!).toBeLessThan(0.15);
  }, 240_000);

  test('a ComfyUI folder whose diffusion model is a GGUF (Q8_0), and the three files with a Q4_0 GGUF', async () => {
    const q8 = await convertLayout('from-gguf-q8', [layouts.ggufQ8Folder]);
    expect(q8.said).toMatch(/diffusion model: unet\/wan2\.2-ti2v-tiny-Q8_0\.gguf \(Wan's original names, GGUF, Q8_0;/);
    const q4 = await convertLayout('from-gguf-q4', layouts.ggufQ4Files);
    expect(q4.said).toMatch(/diffusion model: .*wan2\.2-ti2v-tiny-Q4_0\.gguf \(Wan's original names, GGUF, Q4_0;/);
    const [q8Diffs, q4Diffs] = [await outputDifferences(q8.dir), await outputDifferences(q4.dir)];
    for (const [layout, diffs] of [['GGUF Q8_0', q8Diffs], ['GGUF Q4_0', q4Diffs]] as const) console.log(`${layout}: ${Object.entries(diffs).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
    // Q8_0 keeps 8 bits per block of 32, Q4_0 4 bits: the DiT moves, less with Q8_0; the fp16 text encoder and VAE files are the same.
    expect(q8Diffs['dit v']!).toBeGreaterThan(0);
    expect(q8Diffs['dit v']!).toBeLessThan(q4Diffs['dit v']!);
    expect(q4Diffs['dit v']!).toBeLessThan(0.5);
    expect(q8Diffs['text-encoder output']).toBe(q4Diffs['text-encoder output']);
    expect(q8Diffs['vae-decode video']!).toBeLessThan(5e-3);
  }, 240_000);
});
