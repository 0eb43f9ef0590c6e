import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/onnx/index.ts';
import type { BuildContext } from '../../src/convert/build-context.ts';
import { GRAPH_OPSETS } from '../../src/onnx/index.ts';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import { inlineWeightStore } from '../../src/convert/weights/weight-store.ts';
import { checkpointWeightSource } from '../../src/convert/weights/weight-source.ts';
import { openCheckpoint } from '../../src/safetensors/index.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { parseDitConfig } from '../../src/bundle/dit-config.ts';
import type { DitConfig } from '../../src/bundle/dit-config.ts';
import { buildDitContext } from '../../src/convert/wan-dit/wan-dit-context.ts';
import { buildDitStep } from '../../src/convert/wan-dit/wan-dit-step.ts';
import { computeCrossKv, perFrameTimesteps, runDitStep } from '../../src/pipeline/dit/dit-runner.ts';
import { chunkSelfAttention, queryChunkSize } from '../../src/pipeline/dit/chunk-attention.ts';
import { GoldenCases, TINY } from '../helpers/golden-cases.ts';
import { maxAbsDiff } from '../helpers/golden-compare.ts';

const goldenCases = new GoldenCases();
afterAll(() => goldenCases.close());

let config: DitConfig;
let contextSession: ort.InferenceSession;
let stepSession: ort.InferenceSession;
let stepModel: Uint8Array;

beforeAll(async () => {
  const checkpoint = await openCheckpoint(nodeCheckpointFiles(TINY), 'transformer');
  config = parseDitConfig(await checkpoint.readJson('config.json'));
  const weights = checkpointWeightSource(checkpoint);
  const context = (name: string): BuildContext => ({ g: new GraphBuilder(name), weights, store: inlineWeightStore, quant: FP32_CONFIG });
  const contextCtx = context('dit-context');
  await buildDitContext(contextCtx, config);
  const stepCtx = context('dit');
  await buildDitStep(stepCtx, config);
  contextSession = await ort.InferenceSession.create(contextCtx.g.toModel({ opsets: GRAPH_OPSETS }));
  stepModel = stepCtx.g.toModel({ opsets: GRAPH_OPSETS });
  stepSession = await ort.InferenceSession.create(stepModel);
});

describe('DiT against the official implementation (tiny-a, fp32)', () => {
  for (const name of ['dit_t2v', 'dit_i2v']) {
    test(name, async () => {
      const c = await goldenCases.read(name);
      const x = await c.float('x');
      const t = await c.float('t');
      const context = await c.float('context');
      const expected = await c.float('v');
      const kv = await computeCrossKv(ort, contextSession, context.data, config.textDim);
      const v = await runDitStep(ort, stepSession, config, x.data, x.dims, perFrameTimesteps(t.data, x.dims[2]!), kv);
      const diff = maxAbsDiff(v, expected.data);
      console.log(`${name}: max |v − official| = ${diff.toExponential(2)} (tolerance 1e-4)`);
      expect(diff).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('query-chunked self-attention (the path for devices without a correct flash kernel)', () => {
  test('gives the same velocity as the fused graph', async () => {
    const c = await goldenCases.read('dit_i2v');
    const x = await c.float('x');
    const t = await c.float('t');
    const kv = await computeCrossKv(ort, contextSession, (await c.float('context')).data, config.textDim);
    const tokens = t.dims[1]!;
    const chunked = await ort.InferenceSession.create(chunkSelfAttention(stepModel, tokens, 8));
    const fused = await runDitStep(ort, stepSession, config, x.data, x.dims, perFrameTimesteps(t.data, x.dims[2]!), kv);
    const split = await runDitStep(ort, chunked, config, x.data, x.dims, perFrameTimesteps(t.data, x.dims[2]!), kv);
    expect(maxAbsDiff(split, fused)).toBeLessThan(1e-5);
    expect(maxAbsDiff(split, (await c.float('v')).data)).toBeLessThanOrEqual(1e-4);
  });

  test('chunk sizes keep the probabilities under half a buffer', () => {
    const chunk = queryChunkSize(27_280, 24, 1024 ** 3);
    expect(24 * chunk * 27_280 * 4).toBeLessThanOrEqual(1024 ** 3 / 2);
    expect(chunk % 16).toBe(0);
    expect(chunk).toBeGreaterThanOrEqual(192);
    expect(() => queryChunkSize(27_280, 24, 1024)).toThrow(/does not fit/);
  });
});
