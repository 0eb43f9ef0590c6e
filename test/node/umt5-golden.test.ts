import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/onnx/index.ts';
import type { BuildContext } from '../../src/convert/build-context.ts';
import { GRAPH_OPSETS } from '../../src/onnx/index.ts';
import { FP32_CONFIG, resolveQuantConfig } from '../../src/bundle/quant-config.ts';
import type { QuantConfig } from '../../src/bundle/quant-config.ts';
import { inlineWeightStore } from '../../src/convert/weights/weight-store.ts';
import { checkpointWeightSource } from '../../src/convert/weights/weight-source.ts';
import { openCheckpoint } from '../../src/safetensors/index.ts';
import type { Checkpoint } from '../../src/safetensors/index.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { parseUmt5Config } from '../../src/bundle/umt5-config.ts';
import type { Umt5Config } from '../../src/bundle/umt5-config.ts';
import { buildUmt5Encoder } from '../../src/convert/umt5/umt5-encoder.ts';
import { writeEmbeddingTable } from '../../src/convert/umt5/embedding-table.ts';
import type { TextEmbeddings } from '../../src/pipeline/text/text-encoder-runner.ts';
import { encodeText, padContext } from '../../src/pipeline/text/text-encoder-runner.ts';
import { GoldenCases, TINY } from '../helpers/golden-cases.ts';
import { maxAbsDiff } from '../helpers/golden-compare.ts';
import { memorySink } from '../helpers/memory-sink.ts';

const checkpointFiles = nodeCheckpointFiles(TINY);
const goldenCases = new GoldenCases();
let checkpoint: Checkpoint;
let config: Umt5Config;
let session: ort.InferenceSession;
let embeddings: TextEmbeddings;

afterAll(async () => {
  await Promise.all([checkpointFiles.close(), goldenCases.close(), session?.release()]);
});

beforeAll(async () => {
  checkpoint = await openCheckpoint(checkpointFiles, 'text_encoder');
  config = parseUmt5Config(await checkpoint.readJson('config.json'));
  session = (await buildSession(FP32_CONFIG)).session;

  // Small files and blocks so that the table spans several files and reads.
  const files = new Map<string, Uint8Array>();
  const { entry } = await writeEmbeddingTable(checkpoint, memorySink(files), { maxFileBytes: 100 * 32 * 4 + 5, blockBytes: 7 * 32 * 4 });
  expect(entry.files.map((f) => f.rowCount)).toEqual([100, 100, 100, 84]);
  embeddings = {
    table: entry,
    readRange: async (path, offset, length) => files.get(path)!.subarray(offset, offset + length),
  };
});

async function buildSession(quant: QuantConfig, options: ort.InferenceSession.SessionOptions = {}) {
  const ctx: BuildContext = { g: new GraphBuilder('text-encoder'), weights: checkpointWeightSource(checkpoint), store: inlineWeightStore, quant };
  const contract = await buildUmt5Encoder(ctx, config);
  return { contract, session: await ort.InferenceSession.create(ctx.g.toModel({ opsets: GRAPH_OPSETS }), options) };
}

describe('UMT5 text encoder against the official implementation (tiny-a, fp32)', () => {
  const cases = [
    { prefix: '', mask: 'mask', n: 23, atolRaw: 2e-5, atolOut: 1e-5 },
    { prefix: 'long.', mask: 'long.mask', n: 200, atolRaw: 2e-5, atolOut: 2e-5 },
  ];
  for (const { prefix, mask, n: expectedN, atolRaw, atolOut } of cases) {
    test(`${prefix || 'short.'}output (n = ${expectedN})`, async () => {
      const c = await goldenCases.read('text_encoder');
      const ids = (await c.int64(`${prefix}ids`)).data;
      const maskValues = (await c.int64(mask)).data;
      const n = maskValues.reduce((sum, m) => sum + Number(m), 0);
      expect(n).toBe(expectedN);
      const d = config.dModel;

      const hidden = await encodeText(ort, session, config, embeddings, ids.subarray(0, n));
      const raw = (await c.float(`${prefix}output_raw`)).data.subarray(0, n * d);
      const rawDiff = maxAbsDiff(hidden, raw);

      const context = padContext(hidden, n);
      const official = (await c.float(`${prefix}output`)).data;
      const outDiff = maxAbsDiff(context, official);
      console.log(`${prefix}output n=${n}: max |raw − official| = ${rawDiff.toExponential(4)} (atol ${atolRaw}), max |padded − official| = ${outDiff.toExponential(4)} (atol ${atolOut})`);
      expect(rawDiff).toBeLessThanOrEqual(atolRaw);
      expect(outDiff).toBeLessThanOrEqual(atolOut);
      // The padding rows are exact zeros, in ours and in the official context.
      for (let i = n * d; i < context.length; i++) {
        if (context[i] !== 0 || official[i] !== 0) throw new Error(`padded value ${i} is not zero`);
      }
    });
  }
});

describe('the prompt contexts of the official sampling runs (tiny-a, fp32)', () => {
  const cases = [
    { file: 't2v', branch: 'cond', atol: 1e-5 },
    { file: 't2v', branch: 'uncond', atol: 2e-5 },
    { file: 'i2v', branch: 'cond', atol: 2e-5 },
    { file: 'i2v', branch: 'uncond', atol: 2e-5 },
  ] as const;
  for (const { file, branch, atol } of cases) {
    test(`sample_${file} context_${branch}`, async () => {
      const c = await goldenCases.read(`sample_${file}`);
      const ids = (await c.int64(`ids_${branch}`)).data;
      const n = (await c.int64(`mask_${branch}`)).data.reduce((sum, m) => sum + Number(m), 0);
      const context = padContext(await encodeText(ort, session, config, embeddings, ids.subarray(0, n)), n);
      const diff = maxAbsDiff(context, (await c.float(`context_${branch}`)).data);
      console.log(`sample_${file} context_${branch} n=${n}: max |ours − official| = ${diff.toExponential(4)} (atol ${atol})`);
      expect(diff).toBeLessThanOrEqual(atol);
    });
  }
});

describe('quantized weights: activations stay float32 (T5 overflows float16)', () => {
  // Measured on long.output (max |value| 3.4): fp16 2.60e-3, int8 3.98e-2, int4 0.659 (d_model 32 is a single
  // 32-value block per row, the worst case for int4). Bounds at about 1.3x: half the int4 or int8 levels
  // (range / 7 or / 127 steps) roughly doubles the error and fails them.
  const bounds = { fp16: 3.5e-3, int8: 0.052, int4: 0.85 } as const;
  for (const [weights, bound] of Object.entries(bounds)) {
    test(`${weights} weights with fp16 activations requested`, async () => {
      const { contract, session: quantized } = await buildSession(resolveQuantConfig({ weights, activations: 'fp16', blockSize: 32 }));
      try {
        expect([...contract.inputs, ...contract.outputs].map((t) => t.dtype)).toEqual(['float32', 'int64', 'float32']);
        const c = await goldenCases.read('text_encoder');
        const n = 200;
        const hidden = await encodeText(ort, quantized, config, embeddings, (await c.int64('long.ids')).data.subarray(0, n));
        const diff = maxAbsDiff(hidden, (await c.float('long.output_raw')).data.subarray(0, n * config.dModel));
        console.log(`${weights} weights: max |ours − official fp32| = ${diff.toExponential(2)} (bound ${bound})`);
        expect(diff).toBeGreaterThan(0);
        expect(diff).toBeLessThanOrEqual(bound);
      } finally {
        await quantized.release();
      }
    });
  }
});

describe('the token embedding table as int8 rows (--text-embedding int8)', () => {
  test('its error on long.output (n = 200) is below what int8 weights cost, a fraction of int4', async () => {
    const files = new Map<string, Uint8Array>();
    const { entry } = await writeEmbeddingTable(checkpoint, memorySink(files), { int8: true, maxFileBytes: 100 * 36 + 5, blockBytes: 7 * 32 * 4 });
    expect(entry).toMatchObject({ dtype: 'I8', rows: 384, dim: 32 });
    expect([...files.values()].reduce((sum, f) => sum + f.byteLength, 0)).toBe(384 * (32 + 4));
    const int8Table: TextEmbeddings = { table: entry, readRange: async (path, offset, length) => files.get(path)!.subarray(offset, offset + length) };
    const c = await goldenCases.read('text_encoder');
    const n = 200;
    const ids = (await c.int64('long.ids')).data.subarray(0, n);
    const official = (await c.float('long.output_raw')).data.subarray(0, n * config.dModel);
    const diff = maxAbsDiff(await encodeText(ort, session, config, int8Table, ids), official);
    // fp32 weights; the int8 and int4 weight bounds of the test above are 0.052 and 0.85.
    console.log(`int8 embedding table, fp32 weights: max |ours − official fp32| = ${diff.toExponential(2)}`);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(0.052);

    // With int4 weights (the default), the table's rounding adds little to what int4 costs.
    const { session: int4 } = await buildSession(resolveQuantConfig({ weights: 'int4', activations: 'fp16', blockSize: 32 }));
    try {
      const [withTable, withSource] = [await encodeText(ort, int4, config, int8Table, ids), await encodeText(ort, int4, config, embeddings, ids)];
      const [a, b] = [maxAbsDiff(withTable, official), maxAbsDiff(withSource, official)];
      console.log(`int4 weights: max |ours − official fp32| = ${a.toExponential(2)} with the int8 table, ${b.toExponential(2)} with the source table`);
      expect(a).toBeLessThanOrEqual(1.1 * b);
    } finally {
      await int4.release();
    }
  });
});

// onnxruntime-node's native WebGPU EP (the kernels of onnxruntime-web) through Debian chromium's
// SwiftShader Vulkan driver. CPU fallback is disabled: session creation fails if any node lacks a WebGPU kernel.
const swiftshaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';
describe.skipIf(!existsSync(swiftshaderIcd) || process.env.VK_ICD_FILENAMES !== swiftshaderIcd)('on the native WebGPU EP (SwiftShader)', () => {
  test('every node runs on WebGPU and long.output (n = 200) matches', async () => {
    const { session: gpu } = await buildSession(FP32_CONFIG, { executionProviders: ['webgpu'], extra: { session: { disable_cpu_ep_fallback: '1' } } });
    try {
      const c = await goldenCases.read('text_encoder');
      const n = 200;
      const hidden = await encodeText(ort, gpu, config, embeddings, (await c.int64('long.ids')).data.subarray(0, n));
      const diff = maxAbsDiff(padContext(hidden, n), (await c.float('long.output')).data);
      console.log(`WebGPU long.output: max |ours − official| = ${diff.toExponential(4)} (atol 2e-5)`);
      expect(diff).toBeLessThanOrEqual(2e-5);
    } finally {
      await gpu.release();
    }
  });
});
