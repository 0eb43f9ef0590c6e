// The transformer from a GGUF file in Wan's original key names (as ComfyUI-GGUF publishes it):
// tiny-a's transformer renamed and quantized (Q8_0, Q4_0, Q4_K, F32), converted, and its DiT
// output compared with the bundle converted from the diffusers safetensors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GRAPH_OPSETS, GraphBuilder } from '../../src/onnx/index.ts';
import type { QuantConfig } from '../../src/bundle/quant-config.ts';
import { resolveQuantConfig } from '../../src/bundle/quant-config.ts';
import { inlineWeightStore } from '../../src/convert/weights/weight-store.ts';
import { checkpointWeightSource } from '../../src/convert/weights/weight-source.ts';
import type { WeightSource } from '../../src/convert/weights/weight-source.ts';
import { ditDiffusersNameUnprefixed } from '../../src/convert/source-layout/wan-original-names.ts';
import { openCheckpoint } from '../../src/safetensors/index.ts';
import type { Checkpoint } from '../../src/safetensors/index.ts';
import { ggufCheckpoint, openGguf } from '../../src/gguf/index.ts';
import { fileByteSource, nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { parseDitConfig } from '../../src/bundle/dit-config.ts';
import type { DitConfig } from '../../src/bundle/dit-config.ts';
import { buildDitContext } from '../../src/convert/wan-dit/wan-dit-context.ts';
import { buildDitStep } from '../../src/convert/wan-dit/wan-dit-step.ts';
import { computeCrossKv, perFrameTimesteps, runDitStep } from '../../src/pipeline/dit/dit-runner.ts';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { GoldenCases, TINY } from '../helpers/golden-cases.ts';
import { maxAbsDiff } from '../helpers/golden-compare.ts';
import { encodeGguf } from '../helpers/gguf-writer.ts';
import { dequantizeBlockwise, quantizeBlockwise } from '../../src/convert/quant/quantize-blockwise.ts';
import type { GgufTensorToWrite } from '../helpers/gguf-writer.ts';

/** diffusers → Wan original names (the inverse of wan-original-names.ts, written out independently). */
const TO_ORIGINAL: readonly [RegExp, string][] = [
  [/^condition_embedder\.text_embedder\.linear_([12])\./, 'text_embedding.$1.'],
  [/^condition_embedder\.time_embedder\.linear_([12])\./, 'time_embedding.$1.'],
  [/^condition_embedder\.time_proj\./, 'time_projection.1.'],
  [/^proj_out\./, 'head.head.'],
  [/^scale_shift_table$/, 'head.modulation'],
  [/\.scale_shift_table$/, '.modulation'],
  [/\.attn1\.to_out\.0\./, '.self_attn.o.'],
  [/\.attn2\.to_out\.0\./, '.cross_attn.o.'],
  [/\.attn1\.(?:to_)?/, '.self_attn.'],
  [/\.attn2\.(?:to_)?/, '.cross_attn.'],
  [/\.ffn\.net\.0\.proj\./, '.ffn.0.'],
  [/\.ffn\.net\.2\./, '.ffn.2.'],
  [/\.norm2\./, '.norm3.'],
];
const originalName = (name: string) => `model.diffusion_model.${TO_ORIGINAL.reduce((n, [p, r]) => n.replace(p, r), name).replace(/text_embedding\.2/, 'text_embedding.2').replace(/_embedding\.1\./, '_embedding.0.').replace(/_embedding\.2\./, '_embedding.2.')}`;

type Chooser = (name: string, shape: readonly number[]) => GgufTensorToWrite['type'];
/** As a ComfyUI-GGUF Q4_K_M file mixes types: attention Q8_0, FFN and cross-attention Q4_0, one Q4_K, the rest float. */
const MIXED: Chooser = (name, shape) => {
  if (shape.length !== 2 || !name.endsWith('.weight')) return 'F32';
  if (name === 'condition_embedder.time_embedder.linear_1.weight') return 'Q4_K';
  return /attn2|ffn/.test(name) ? 'Q4_0' : 'Q8_0';
};
const NO_K_QUANTS: Chooser = (name, shape) => (MIXED(name, shape) === 'Q4_K' ? 'Q8_0' : MIXED(name, shape));

const dir = mkdtempSync(join(tmpdir(), 'gguf-convert-'));
const goldenCases = new GoldenCases();
let diffusers: Checkpoint;
let config: DitConfig;

async function writeGguf(file: string, choose: Chooser): Promise<string> {
  const tensors: GgufTensorToWrite[] = [];
  for (const info of diffusers.tensors.values()) {
    const values = new Float32Array((await diffusers.readTensor(info.name)).bytes.slice().buffer);
    tensors.push({ name: originalName(info.name), shape: info.shape, type: choose(info.name, info.shape), values });
  }
  writeFileSync(join(dir, file), encodeGguf(tensors, { 'general.architecture': 'wan' }));
  return join(dir, file);
}

async function openGgufWeights(path: string): Promise<WeightSource> {
  return checkpointWeightSource(ggufCheckpoint(await openGguf(fileByteSource(path)), 'transformer', ditDiffusersNameUnprefixed));
}

/** The tiny DiT's velocity on the golden t2v case, with the graphs built from `weights` at `quant`. */
async function velocity(weights: WeightSource, quant: QuantConfig): Promise<Float32Array> {
  const make = (name: string) => ({ g: new GraphBuilder(name), weights, store: inlineWeightStore, quant });
  const contextCtx = make('dit-context');
  await buildDitContext(contextCtx, config);
  const stepCtx = make('dit');
  await buildDitStep(stepCtx, config);
  const context = await ort.InferenceSession.create(contextCtx.g.toModel({ opsets: GRAPH_OPSETS }));
  const step = await ort.InferenceSession.create(stepCtx.g.toModel({ opsets: GRAPH_OPSETS }));
  const c = await goldenCases.read('dit_t2v');
  const x = await c.float('x');
  const kv = await computeCrossKv(ort, context, (await c.float('context')).data, config.textDim);
  return runDitStep(ort, step, config, x.data, x.dims, perFrameTimesteps((await c.float('t')).data, x.dims[2]!), kv);
}

beforeAll(async () => {
  diffusers = await openCheckpoint(nodeCheckpointFiles(TINY), 'transformer');
  config = parseDitConfig(await diffusers.readJson('config.json'));
});
afterAll(async () => {
  await goldenCases.close();
  rmSync(dir, { recursive: true, force: true });
});

const PATCH = 'patch_embedding.weight';
const INT4 = resolveQuantConfig({ weights: 'int4', activations: 'fp32' });
const FP32 = resolveQuantConfig({ weights: 'fp32', activations: 'fp32' });

describe('transformer from GGUF (Wan original names)', () => {
  test('every tensor comes back under its diffusers name and shape', async () => {
    const weights = await openGgufWeights(await writeGguf('names.gguf', MIXED));
    for (const info of diffusers.tensors.values()) expect(weights.info(info.name).shape).toEqual(info.shape);
  });

  test('Q8_0 and Q4_0 blocks become MatMulNBits weights exactly: int4 bundle = dequantized fp32 bundle', async () => {
    const weights = await openGgufWeights(await writeGguf('exact.gguf', NO_K_QUANTS));
    const direct = await velocity(weights, INT4);
    // The one float linear weight (the 5-D patch embedding, F32 in the file) is quantized to int4 in
    // the int4 bundle: give the fp32 bundle the same rounded values, so only the GGUF blocks differ.
    const [n, ...rest] = weights.info(PATCH).shape as [number, ...number[]];
    const k = rest.reduce((a, b) => a * b, 1);
    const rounded: WeightSource = {
      ...weights,
      read: async (name) => (name === PATCH ? dequantizeBlockwise(quantizeBlockwise(await weights.read(name), n, k, 4, 32), n, k, 4, 32) : weights.read(name)),
    };
    const dequantized = await velocity(rounded, FP32);
    const diff = maxAbsDiff(direct, dequantized);
    console.log(`GGUF Q8_0/Q4_0 as MatMulNBits vs dequantized fp32: max |Δv| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-5);
  });

  test('a mixed Q8_0/Q4_0/Q4_K file against the diffusers-source bundle (int4, fp32 activations)', async () => {
    const gguf = await velocity(await openGgufWeights(await writeGguf('mixed.gguf', MIXED)), INT4);
    const fromDiffusers = await velocity(checkpointWeightSource(diffusers), INT4);
    const official = (await (await goldenCases.read('dit_t2v')).float('v')).data;
    const [vsBundle, vsOfficial, bundleVsOfficial] = [maxAbsDiff(gguf, fromDiffusers), maxAbsDiff(gguf, official), maxAbsDiff(fromDiffusers, official)];
    console.log(`GGUF (mixed) vs diffusers int4 bundle: ${vsBundle.toExponential(2)}; vs official: ${vsOfficial.toExponential(2)}; diffusers int4 vs official: ${bundleVsOfficial.toExponential(2)}`);
    expect(vsOfficial).toBeLessThan(3 * bundleVsOfficial);
  });

  test('wan-web convert --transformer model.gguf builds a bundle with 8- and 4-bit MatMulNBits', async () => {
    const out = join(dir, 'bundle');
    expect(await runCli(['convert', TINY, out, '--transformer', join(dir, 'mixed.gguf'), '--weights', 'int4', '--activations', 'fp32'])).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { graphs: Record<string, unknown> };
    expect(Object.keys(manifest.graphs)).toContain('dit');
    const graph = readFileSync(join(out, 'dit.onnx'));
    expect(graph.includes('blocks.0.attn1.to_q.weight.q8_0.q8')).toBe(true);
    expect(graph.includes('blocks.0.ffn.net.0.proj.weight.q4_0.q4')).toBe(true);
  });
});
