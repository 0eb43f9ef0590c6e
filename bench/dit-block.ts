/**
 * One Wan2.2 DiT block at full width (3072, 24 heads, ffn 14336) over the tokens of a
 * 1280x704, 121-frame video (31×22×40 = 27,280) on onnxruntime-node (CPU): time and peak
 * RSS. The RSS proves that no L×L attention tensor exists (one would be 71 GB in fp32).
 *   npm run bench:dit-block [-- --weights int4|int8|fp16|fp32 --frames 121 --size 1280x704]
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../src/onnx/index.ts';
import { resolveQuantConfig } from '../src/bundle/quant-config.ts';
import { inlineWeightStore } from '../src/convert/weights/weight-store.ts';
import { WAN22_TI2V_5B_CONFIGS, ditTensorSpecs, randomWeightSource } from '../src/convert/random-checkpoint/index.ts';
import { parseDitConfig } from '../src/bundle/dit-config.ts';
import { buildDitContext } from '../src/convert/wan-dit/wan-dit-context.ts';
import { buildDitStep } from '../src/convert/wan-dit/wan-dit-step.ts';
import { GRAPH_OPSETS } from '../src/onnx/index.ts';
import { computeCrossKv, runDitStep } from '../src/pipeline/dit/dit-runner.ts';
import { ditTokenCount } from '../src/pipeline/dit/dit-tokens.ts';

const { values } = parseArgs({ options: { weights: { type: 'string', default: 'int4' }, frames: { type: 'string', default: '121' }, size: { type: 'string', default: '1280x704' } } });
const [width, height] = values.size.split('x').map(Number) as [number, number];
const latent = [1, 48, (Number(values.frames) - 1) / 4 + 1, height / 16, width / 16];
const tokens = ditTokenCount(latent);

const transformer = { ...WAN22_TI2V_5B_CONFIGS.transformer, num_layers: 1 };
const config = parseDitConfig(transformer);
const weights = randomWeightSource(ditTensorSpecs(transformer), 1, 'transformer');
const quant = resolveQuantConfig({ weights: values.weights, activations: 'fp32' });
const build = async (name: string, fn: typeof buildDitStep) => {
  const g = new GraphBuilder(name);
  await fn({ g, weights, store: inlineWeightStore, quant }, config);
  return ort.InferenceSession.create(g.toModel({ opsets: GRAPH_OPSETS }), { enableCpuMemArena: false });
};

const t0 = performance.now();
const [contextSession, stepSession] = [await build('dit-context', buildDitContext), await build('dit', buildDitStep)];
const kv = await computeCrossKv(ort, contextSession, new Float32Array(512 * config.textDim).map(() => Math.random() - 0.5), config.textDim);
const x = new Float32Array(latent.reduce((a, b) => a * b, 1)).map(() => Math.random() * 2 - 1);
const t1 = performance.now();
const v = await runDitStep(ort, stepSession, config, x, latent, new Array<number>(latent[2]!).fill(500), kv);
const t2 = performance.now();

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
console.log(`| tokens | weights | build + session (s) | one block (s) | output finite | peak RSS |`);
console.log(`|---|---|---|---|---|---|`);
console.log(
  `| ${tokens} | ${values.weights} | ${((t1 - t0) / 1000).toFixed(1)} | ${((t2 - t1) / 1000).toFixed(1)} | ${v.every(Number.isFinite)} | ${gb(process.resourceUsage().maxRSS * 1024)} |`,
);
