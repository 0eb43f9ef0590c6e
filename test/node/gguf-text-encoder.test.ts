// The UMT5 text encoder from a GGUF file in llama.cpp's T5 names (as umt5-xxl-encoder-Q8_0.gguf
// stores it): tiny-a's text encoder written as Q8_0, F16 and mixed Q8_0/Q4_0 GGUFs, converted, and
// its output compared with the official golden and with the encoder built from the diffusers safetensors.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GRAPH_OPSETS, GraphBuilder } from '../../src/onnx/index.ts';
import { FP32_CONFIG, resolveQuantConfig } from '../../src/bundle/quant-config.ts';
import type { QuantConfig } from '../../src/bundle/quant-config.ts';
import { inlineWeightStore } from '../../src/convert/weights/weight-store.ts';
import { checkpointWeightSource } from '../../src/convert/weights/weight-source.ts';
import type { Checkpoint } from '../../src/safetensors/index.ts';
import { openCheckpoint } from '../../src/safetensors/index.ts';
import { openGguf } from '../../src/gguf/index.ts';
import type { GgufCheckpoint } from '../../src/gguf/index.ts';
import { fileByteSource, nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { parseUmt5Config } from '../../src/bundle/umt5-config.ts';
import type { Umt5Config } from '../../src/bundle/umt5-config.ts';
import { buildUmt5Encoder } from '../../src/convert/umt5/umt5-encoder.ts';
import { writeEmbeddingTable } from '../../src/convert/umt5/embedding-table.ts';
import { encodeText } from '../../src/pipeline/text/text-encoder-runner.ts';
import { ggufComponentCheckpoint } from '../../src/convert/source-layout/gguf-component.ts';
import { openComponentFiles } from '../../src/convert/source-layout/open-component-files.ts';
import { componentKey } from '../../src/convert/component-key.ts';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { GoldenCases, TINY } from '../helpers/golden-cases.ts';
import { memorySink } from '../helpers/memory-sink.ts';
import { runCliCaptured } from '../helpers/run-cli-captured.ts';
import { encodeGguf } from '../helpers/gguf-writer.ts';
import { ditOriginalName, readTinyComponent, tensorIn, vaeOriginalName, writeSafetensorsFile } from '../helpers/tiny-layouts.ts';
import type { NamedTensor } from '../helpers/tiny-layouts.ts';
import { allLinear, umt5Gguf } from '../helpers/tiny-umt5-gguf.ts';
import type { TensorTypeChooser } from '../helpers/tiny-umt5-gguf.ts';

const dir = mkdtempSync(join(tmpdir(), 'gguf-te-'));
const goldenCases = new GoldenCases();
const files = nodeCheckpointFiles(TINY);
let tensors: NamedTensor[];
let diffusers: Checkpoint;
let config: Umt5Config;
const opened: { close(): Promise<void> }[] = [];

/** Attention Q8_0, FFN Q4_0, the table Q4_0, the rest F32 (as a Q4_0 file of llama.cpp mixes them). */
const MIXED: TensorTypeChooser = (name, shape) => (allLinear('Q8_0')(name, shape) === 'F32' ? 'F32' : /DenseReluDense|shared/.test(name) ? 'Q4_0' : 'Q8_0');

async function writeTextGguf(file: string, choose: TensorTypeChooser): Promise<string> {
  writeFileSync(join(dir, file), umt5Gguf(tensors, choose));
  return join(dir, file);
}

async function openTextGguf(path: string): Promise<GgufCheckpoint> {
  const source = fileByteSource(path);
  opened.push(source);
  return ggufComponentCheckpoint(await openGguf(source), 'textEncoder');
}

/** The encoder's output on the golden long prompt (n = 200), built from `checkpoint` at `quant`, the table as `int8` asks. */
async function encode(checkpoint: Checkpoint, quant: QuantConfig, int8 = false): Promise<Float32Array> {
  const ctx = { g: new GraphBuilder('text-encoder'), weights: checkpointWeightSource(checkpoint), store: inlineWeightStore, quant };
  await buildUmt5Encoder(ctx, config);
  const session = await ort.InferenceSession.create(ctx.g.toModel({ opsets: GRAPH_OPSETS }));
  const tableFiles = new Map<string, Uint8Array>();
  const { entry } = await writeEmbeddingTable(checkpoint, memorySink(tableFiles), { int8, blockBytes: 7 * 34 });
  const c = await goldenCases.read('text_encoder');
  const ids = (await c.int64('long.ids')).data.subarray(0, 200);
  try {
    return await encodeText(ort, session, config, { table: entry, readRange: async (path, offset, length) => tableFiles.get(path)!.subarray(offset, offset + length) }, ids);
  } finally {
    await session.release();
  }
}

/** max |a − b| / max |b| */
function relative(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

beforeAll(async () => {
  tensors = await readTinyComponent('text_encoder');
  diffusers = await openCheckpoint(files, 'text_encoder');
  config = parseUmt5Config(await diffusers.readJson('config.json'));
});
afterAll(async () => {
  await Promise.all([goldenCases.close(), files.close(), ...opened.map((o) => o.close())]);
  rmSync(dir, { recursive: true, force: true });
});

const INT8 = resolveQuantConfig({ weights: 'int8', activations: 'fp32' });
const INT4 = resolveQuantConfig({ weights: 'int4', activations: 'fp32' });

describe('text encoder from a UMT5 GGUF (llama.cpp names)', () => {
  test('every tensor comes back under its transformers name and shape', async () => {
    const gguf = await openTextGguf(await writeTextGguf('names.gguf', MIXED));
    expect([...gguf.tensors.keys()].sort()).toEqual([...diffusers.tensors.keys()].sort());
    for (const info of diffusers.tensors.values()) expect(gguf.tensors.get(info.name)?.shape).toEqual(info.shape);
    // The same tensors under transformers' own names (a GGUF written without llama.cpp's renaming) are read as well.
    writeFileSync(join(dir, 'hf-names.gguf'), encodeGguf(tensors.map((t) => ({ ...t, type: 'F32' as const }))));
    const hfNamed = await openTextGguf(join(dir, 'hf-names.gguf'));
    expect([...hfNamed.tensors.keys()].sort()).toEqual([...diffusers.tensors.keys()].sort());
  });

  test('Q8_0 blocks become 8-bit MatMulNBits exactly, and the Q8_0 table float16 rows: = the fp32 encoder of the dequantized file', async () => {
    const gguf = await openTextGguf(await writeTextGguf('q8.gguf', allLinear('Q8_0')));
    const direct = await encode(gguf, INT4);
    const dequantized = await encode(gguf, FP32_CONFIG);
    const diff = relative(direct, dequantized);
    console.log(`UMT5 GGUF Q8_0 as MatMulNBits vs dequantized fp32: max |Δ| / max = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-5);
  });

  const official = async () => (await (await goldenCases.read('text_encoder')).float('long.output_raw')).data.subarray(0, 200 * config.dModel);
  const cases = [
    { file: 'q8.gguf', choose: allLinear('Q8_0'), quant: INT8, label: 'Q8_0 (table Q8_0 → F16), int8 weights' },
    { file: 'f16.gguf', choose: allLinear('F16'), quant: INT4, label: 'F16 (table copied), int4 weights (requantized)' },
    { file: 'mixed.gguf', choose: MIXED, quant: INT4, label: 'Q8_0/Q4_0 (table Q4_0 → int8 rows), int4 weights', int8: true },
  ];
  for (const { file, choose, quant, label, int8 } of cases) {
    test(`${label}: against the diffusers-source encoder and the official output`, async () => {
      const ours = await encode(await openTextGguf(await writeTextGguf(file, choose)), quant, int8);
      const fromDiffusers = await encode(diffusers, quant, int8);
      const truth = await official();
      const [vsBundle, vsOfficial, bundleVsOfficial] = [relative(ours, fromDiffusers), relative(ours, truth), relative(fromDiffusers, truth)];
      console.log(`UMT5 GGUF ${label}: vs diffusers-source ${vsBundle.toExponential(2)}; vs official ${vsOfficial.toExponential(2)}; diffusers-source vs official ${bundleVsOfficial.toExponential(2)}`);
      expect(vsOfficial).toBeLessThan(2 * bundleVsOfficial);
    });
  }

  test('two GGUFs of the same shapes in other types are different shared components', async () => {
    const extra = { config: {}, quant: INT4, builderRevision: 0 };
    const [q8, f16] = await Promise.all(['q8.gguf', 'f16.gguf'].map(async (file) => componentKey('textEncoder', await openTextGguf(join(dir, file)), extra)));
    expect(q8).not.toBe(f16);
  });

  test('a ComfyUI models folder with the GGUF text encoder: taken, and named', async () => {
    const [dit, vae] = await Promise.all([readTinyComponent('transformer'), readTinyComponent('vae')]);
    const comfy = join(dir, 'comfy');
    await writeSafetensorsFile(join(comfy, 'diffusion_models/wan_tiny_fp16.safetensors'), dit.map((t) => tensorIn(t, ditOriginalName(t.name), 'F16')));
    await writeSafetensorsFile(join(comfy, 'vae/wan_vae_tiny.safetensors'), vae.map((t) => tensorIn(t, vaeOriginalName(t.name, 2), 'F16')));
    mkdirSync(join(comfy, 'text_encoders'));
    writeFileSync(join(comfy, 'text_encoders/umt5-tiny-encoder-Q8_0.gguf'), umt5Gguf(tensors, allLinear('Q8_0')));
    const comfyFiles = nodeCheckpointFiles(comfy);
    try {
      const paths = ['diffusion_models/wan_tiny_fp16.safetensors', 'vae/wan_vae_tiny.safetensors', 'text_encoders/umt5-tiny-encoder-Q8_0.gguf'];
      const model = await openComponentFiles(comfyFiles, paths, { configs: { transformer: await readJson('transformer'), vae: await readJson('vae'), textEncoder: await readJson('text_encoder') } });
      expect(model.picks.textEncoder).toMatchObject({ path: 'text_encoders/umt5-tiny-encoder-Q8_0.gguf', naming: "llama.cpp's T5 names, GGUF", dtype: 'Q8_0' });
    } finally {
      await comfyFiles.close();
    }
  });

  test('wan-web convert <diffusers> --text-encoder x.gguf: 8-bit blocks as they are, the table as float16', async () => {
    const out = join(dir, 'bundle');
    expect(await runCli(['convert', TINY, out, '--text-encoder', join(dir, 'q8.gguf'), '--weights', 'int4', '--activations', 'fp32'])).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { textEmbedding: { dtype: string } };
    expect(manifest.textEmbedding.dtype).toBe('F16');
    expect(readFileSync(join(out, 'text-encoder.onnx')).includes('encoder.block.0.layer.0.SelfAttention.q.weight.q8_0.q8')).toBe(true);
  });

  test('a GGUF that holds no text encoder is refused, naming what it holds', async () => {
    const dit = [
      { name: 'blocks.0.self_attn.q.weight', shape: [32, 32], type: 'F32' as const, values: new Float32Array(1024) },
      { name: 'head.modulation', shape: [1, 2, 32], type: 'F32' as const, values: new Float32Array(64) },
    ];
    writeFileSync(join(dir, 'dit.gguf'), encodeGguf(dit));
    const { code, stderr } = await runCliCaptured(['convert', TINY, join(dir, 'refused'), '--text-encoder', join(dir, 'dit.gguf')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/dit\.gguf was given as the text encoder but holds a diffusion model/);
  });
});

async function readJson(component: string) {
  return JSON.parse(readFileSync(join(TINY, component, 'config.json'), 'utf8')) as Record<string, unknown>;
}
