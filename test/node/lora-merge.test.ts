import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { GraphBuilder, GRAPH_OPSETS } from '../../src/onnx/index.ts';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import { validateManifest } from '../../src/bundle/manifest.ts';
import { parseDitConfig } from '../../src/bundle/dit-config.ts';
import type { BuildContext } from '../../src/convert/build-context.ts';
import { buildDitContext } from '../../src/convert/wan-dit/wan-dit-context.ts';
import { buildDitStep } from '../../src/convert/wan-dit/wan-dit-step.ts';
import { inlineWeightStore } from '../../src/convert/weights/weight-store.ts';
import { checkpointWeightSource } from '../../src/convert/weights/weight-source.ts';
import type { WeightSource } from '../../src/convert/weights/weight-source.ts';
import { openLoraFile } from '../../src/convert/lora/lora-file.ts';
import { prepareLoraMerge } from '../../src/convert/lora/lora-merge.ts';
import type { LowRankProduct } from '../../src/convert/lora/lora-merged-source.ts';
import { onnxLowRankProduct } from '../../src/node/lora-product.ts';
import { ConvertError } from '../../src/errors.ts';
import { encodeSafetensors, openCheckpoint } from '../../src/safetensors/index.ts';
import { fileByteSource, nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { readManifest } from '../../src/node/dir-bundle.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { computeCrossKv, perFrameTimesteps, runDitStep } from '../../src/pipeline/dit/dit-runner.ts';
import { GoldenCases, TINY, goldenCasePath } from '../helpers/golden-cases.ts';
import { maxAbsDiff } from '../helpers/golden-compare.ts';
import { randomDiffusersLora, randomKohyaLora, referenceMerge } from '../helpers/random-lora.ts';
import type { RandomLora } from '../helpers/random-lora.ts';

const DIFFUSERS = { lora: randomDiffusersLora(1), file: 'diffusers-lora.safetensors', strength: 0.8 };
const KOHYA = { lora: randomKohyaLora(2), file: 'kohya-lora.safetensors', strength: 0.5 };
const goldenCases = new GoldenCases();
let work: string;
let base: WeightSource;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-lora-'));
  for (const { lora, file } of [DIFFUSERS, KOHYA]) await writeFile(join(work, file), lora.bytes);
  base = checkpointWeightSource(await openCheckpoint(nodeCheckpointFiles(TINY), 'transformer'));
});
afterAll(async () => {
  await goldenCases.close();
  await Promise.all(opened.map((source) => source.close()));
  await rm(work, { recursive: true, force: true });
});

/** Every transformer tensor merged in float64 from the hand-written patches of these LoRAs. */
async function referenceWeights(loras: readonly { lora: RandomLora; strength: number }[]): Promise<Map<string, Float64Array>> {
  const out = new Map<string, Float64Array>();
  for (const name of (await openCheckpoint(nodeCheckpointFiles(TINY), 'transformer')).tensors.keys()) {
    const patches = loras.flatMap(({ lora, strength }) => lora.patches.filter((p) => p.target === name).map((patch) => ({ patch, strength })));
    out.set(name, referenceMerge(await base.read(name), patches));
  }
  return out;
}

async function ourMerge(files: readonly { file: string; strength: number }[], product?: LowRankProduct): Promise<WeightSource> {
  const sources = files.map(({ file }) => fileByteSource(join(work, file)));
  opened.push(...sources);
  const loras = await Promise.all(files.map(({ strength }, k) => openLoraFile(sources[k]!, strength)));
  return (await prepareLoraMerge(loras, base, product)).wrap(base);
}

describe('merging LoRAs into the tiny-a transformer', () => {
  for (const [label, cases, product] of [
    ['diffusers', [DIFFUSERS], undefined],
    ['kohya', [KOHYA], undefined],
    ['both at once', [DIFFUSERS, KOHYA], undefined],
    ['both, products on onnxruntime (as the CLI)', [DIFFUSERS, KOHYA], onnxLowRankProduct()],
  ] as const) {
    test(`${label}: our merge matches a float64 reference merge`, async () => {
      const merged = await ourMerge(cases, product);
      const reference = await referenceWeights(cases);
      let maxError = 0;
      let maxChange = 0;
      for (const [name, expected] of reference) {
        const ours = await merged.read(name);
        const original = await base.read(name);
        for (let i = 0; i < ours.length; i++) {
          maxError = Math.max(maxError, Math.abs(ours[i]! - expected[i]!));
          maxChange = Math.max(maxChange, Math.abs(expected[i]! - original[i]!));
        }
      }
      console.log(`LoRA ${label}: max |ours − float64 reference| = ${maxError.toExponential(2)} (largest weight change ${maxChange.toFixed(3)})`);
      expect(maxChange).toBeGreaterThan(0.05);
      expect(maxError).toBeLessThan(1e-6);
    });
  }

  test('a key that maps to no transformer tensor is refused with its name', async () => {
    const refused = async (key: string, shape: number[]) => {
      await writeFile(join(work, 'bad.safetensors'), encodeSafetensors([{ name: key, dtype: 'F32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]));
      const error = await ourMerge([{ file: 'bad.safetensors', strength: 1 }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConvertError);
      expect((error as ConvertError).message).toContain(`"${key}"`);
      expect((error as ConvertError).tensor).toBe(key);
    };
    await refused('lora_unet_blocks_7_self_attn_q.lora_down.weight', [4, 64]);
    await refused('diffusion_model.blocks.0.cross_attn.k_img.lora_down.weight', [4, 64]);
    await refused('lora_te_text_model_encoder_layers_0_mlp_fc1.hada_w1_a', [4, 64]);
    await refused('transformer.blocks.0.attn1.to_q.lora_A.weight', [4, 64]);
    await refused('transformer.blocks.0.ffn.net.2.lora_A.weight', [4, 64]);
  });
});

describe('wan-web convert --lora', () => {
  test('the merged bundle’s DiT output matches the DiT on the reference-merged weights', async () => {
    const dir = join(work, 'merged');
    const loraArgs = [DIFFUSERS, KOHYA].flatMap(({ file, strength }) => ['--lora', `${join(work, file)}:${strength}`]);
    expect(await runCli(['convert', TINY, dir, '--weights', 'fp32', '--activations', 'fp32', ...loraArgs])).toBe(0);
    const manifest = validateManifest(await readManifest(dir));
    expect(manifest.loras?.map((l) => [l.file, l.strength])).toEqual([
      [DIFFUSERS.file, 0.8],
      [KOHYA.file, 0.5],
    ]);
    expect(manifest.loras?.[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const info = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await runCli(['info', dir])).toBe(0);
    expect(info.mock.calls.map(([c]) => String(c)).join('')).toContain(`${KOHYA.file} at strength 0.5`);
    info.mockRestore();

    const out = join(work, 'v.safetensors');
    expect(await runCli(['debug', 'dit', '--bundle', dir, '--in', goldenCasePath('dit_t2v'), '--out', out])).toBe(0);
    const bundleV = (await (await readCaseFile(out)).float('v')).data;
    const reference = await referenceWeights([DIFFUSERS, KOHYA]);
    const referenceV = await ditOnWeights(reference);
    const golden = (await (await goldenCases.read('dit_t2v')).float('v')).data;
    const error = maxAbsDiff(bundleV, referenceV);
    const effect = maxAbsDiff(referenceV, golden);
    console.log(`convert --lora: max |v(bundle) − v(reference-merged weights)| = ${error.toExponential(2)} (tolerance 1e-4); the LoRAs move v by ${effect.toFixed(3)}`);
    expect(effect).toBeGreaterThan(1e-2);
    expect(error).toBeLessThanOrEqual(1e-4);
  });
});

/** The fp32 DiT (the graph checked against the official outputs in dit-golden.test.ts) on the given weights, on the dit_t2v case. */
async function ditOnWeights(weights: ReadonlyMap<string, Float64Array>): Promise<Float32Array> {
  const source: WeightSource = { ...base, read: async (name) => Float32Array.from(weights.get(name)!) };
  const checkpoint = await openCheckpoint(nodeCheckpointFiles(TINY), 'transformer');
  const config = parseDitConfig(await checkpoint.readJson('config.json'));
  const context = (name: string): BuildContext => ({ g: new GraphBuilder(name), weights: source, store: inlineWeightStore, quant: FP32_CONFIG });
  const contextCtx = context('dit-context');
  await buildDitContext(contextCtx, config);
  const stepCtx = context('dit');
  await buildDitStep(stepCtx, config);
  const c = await goldenCases.read('dit_t2v');
  const x = await c.float('x');
  const t = await c.float('t');
  const kv = await computeCrossKv(ort, await ort.InferenceSession.create(contextCtx.g.toModel({ opsets: GRAPH_OPSETS })), (await c.float('context')).data, config.textDim);
  const step = await ort.InferenceSession.create(stepCtx.g.toModel({ opsets: GRAPH_OPSETS }));
  return runDitStep(ort, step, config, x.data, x.dims, perFrameTimesteps(t.data, x.dims[2]!), kv);
}
