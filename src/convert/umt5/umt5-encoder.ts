import type { BuildContext } from '../build-context.ts';
import { derivedParam } from '../build-context.ts';
import type { GraphContract, TensorContract } from '../../bundle/graph-contract.ts';
import { linear } from '../ops/linear.ts';
import { lastAxisRmsNorm } from '../ops/norms.ts';
import type { LinearOptions } from '../ops/linear.ts';
import { geluTanh, reshape } from '../ops/graph-ops.ts';
import { expectShape } from '../weights/weight-source.ts';
import type { Umt5Config } from '../../bundle/umt5-config.ts';
import { UMT5_FINAL_NORM, UMT5_IO, umt5BlockNames } from '../../bundle/umt5-names.ts';

/**
 * T5 overflows float16 (Wan clamps infinities when it runs in fp16), so the encoder
 * computes in float32 whatever the bundle's activation type; only the storage of the
 * linear weights follows the quantization config.
 */
const FP32: LinearOptions = { floatType: 'float32' };

/**
 * The UMT5 encoder (HF `UMT5EncoderModel`, Wan's `T5Encoder`) on the n real tokens of one
 * prompt, n dynamic. The token embeddings and the relative-position buckets come from
 * the host (the 2 GB embedding table never becomes a graph initializer):
 *
 *   inputs_embeds [1, n, d] ─ block 0 … block L−1 ─ RMSNorm ─ last_hidden_state [1, n, d]
 *   relative_buckets [n, n] ──┘ (each block gathers its own bias table)
 */
export async function buildUmt5Encoder(ctx: BuildContext, config: Umt5Config): Promise<GraphContract> {
  const { g } = ctx;
  const inputs: TensorContract[] = [
    { name: UMT5_IO.inputsEmbeds, dtype: 'float32', dims: [1, 'tokens', config.dModel] },
    { name: UMT5_IO.relativeBuckets, dtype: 'int64', dims: ['tokens', 'tokens'] },
  ];
  for (const input of inputs) g.input(input.name, input.dtype, input.dims);

  let x: string = UMT5_IO.inputsEmbeds;
  for (let i = 0; i < config.numLayers; i++) x = await encoderBlock(ctx, config, i, x);
  const out = await t5LayerNorm(ctx, '/encoder/final_layer_norm', x, config, UMT5_FINAL_NORM);

  const output: TensorContract = { name: UMT5_IO.lastHiddenState, dtype: 'float32', dims: [1, 'tokens', config.dModel] };
  g.output(output.name, output.dtype, output.dims, out);
  return { inputs, outputs: [output] };
}

/**
 * One pre-norm block:
 *   x += o(attention(RMSNorm(x)))
 *   x += wo(gelu_tanh(wi_0 h) · wi_1 h),  h = RMSNorm(x)
 */
async function encoderBlock(ctx: BuildContext, config: Umt5Config, i: number, xIn: string): Promise<string> {
  const { g } = ctx;
  const names = umt5BlockNames(i);
  const s = `/encoder/block.${i}`;

  const h = await t5LayerNorm(ctx, `${s}/attention/layer_norm`, xIn, config, names.attentionNorm);
  const attended = await selfAttention(ctx, config, i, h, `${s}/attention`);
  const x = g.op('Add', [xIn, attended], `${s}/attention/residual`);

  const f = await t5LayerNorm(ctx, `${s}/ffn/layer_norm`, x, config, names.ffnNorm);
  checkLinear(ctx, names.wi0, config.dFf, config.dModel);
  checkLinear(ctx, names.wi1, config.dFf, config.dModel);
  checkLinear(ctx, names.wo, config.dModel, config.dFf);
  const gate = geluTanh(g, await linear(ctx, `${s}/ffn/wi_0`, f, names.wi0, FP32), `${s}/ffn/gelu`);
  const up = await linear(ctx, `${s}/ffn/wi_1`, f, names.wi1, FP32);
  const down = await linear(ctx, `${s}/ffn/wo`, g.op('Mul', [gate, up], `${s}/ffn/Mul`), names.wo, FP32);
  return g.op('Add', [x, down], `${s}/ffn/residual`);
}

/**
 * Self-attention with T5's learned relative-position bias and no 1/√d scaling:
 *
 *   h ─ q ─ [1, H, n, d_kv] ─┐
 *   h ─ k ─ [1, H, d_kv, n] ─ MatMul ─ + bias [H, n, n] ─ Softmax ─ MatMul ─ [1, n, H·d_kv] ─ o
 *   h ─ v ─ [1, H, n, d_kv] ──────────────────────────────────────┘
 *   bias = Gather(table [H, buckets], relative_buckets [n, n], axis 1)
 *
 * n ≤ 512, so the probabilities (64 heads × 512² float32 = 64 MB) can be materialised.
 */
async function selfAttention(ctx: BuildContext, config: Umt5Config, i: number, h: string, s: string): Promise<string> {
  const { g } = ctx;
  const names = umt5BlockNames(i);
  const { numHeads, dKv, innerDim, dModel } = config;
  const heads = async (prefix: string, name: string, perm: number[]) => {
    checkLinear(ctx, prefix, innerDim, dModel);
    const projected = await linear(ctx, `${s}/${name}`, h, prefix, FP32);
    const split = reshape(g, projected, [1, -1, numHeads, dKv], `${s}/${name}/Reshape`);
    return g.op('Transpose', [split], `${s}/${name}/Transpose`, { attrs: { perm } });
  };
  const q = await heads(names.q, 'q', [0, 2, 1, 3]);
  const kT = await heads(names.k, 'k', [0, 2, 3, 1]);
  const v = await heads(names.v, 'v', [0, 2, 1, 3]);

  const scores = g.op('MatMul', [q, kT], `${s}/scores/MatMul`);
  const biased = g.op('Add', [scores, await relativeBias(ctx, config, names.relativeBias, s)], `${s}/scores/Add`);
  const probs = g.op('Softmax', [biased], `${s}/Softmax`, { attrs: { axis: -1 } });
  const context = g.op('MatMul', [probs, v], `${s}/context/MatMul`);
  const merged = g.op('Transpose', [context], `${s}/context/Transpose`, { attrs: { perm: [0, 2, 1, 3] } });
  checkLinear(ctx, names.o, dModel, innerDim);
  return linear(ctx, `${s}/o`, reshape(g, merged, [1, -1, innerDim], `${s}/context/Reshape`), names.o, FP32);
}

/** This block's bias [H, n, n]: its table [buckets, H], stored transposed, gathered by the bucket of each (query, key). */
async function relativeBias(ctx: BuildContext, config: Umt5Config, tensor: string, s: string): Promise<string> {
  const { numBuckets, numHeads } = config;
  expectShape(ctx.weights, tensor, [numBuckets, numHeads]);
  const byHead = await derivedParam(ctx, `${tensor}.T`, [numHeads, numBuckets], 'float32', async () => {
    const table = await ctx.weights.read(tensor);
    const transposed = new Float32Array(numHeads * numBuckets);
    for (let b = 0; b < numBuckets; b++) for (let h = 0; h < numHeads; h++) transposed[h * numBuckets + b] = table[b * numHeads + h]!;
    return transposed;
  });
  return ctx.g.op('Gather', [byHead, UMT5_IO.relativeBuckets], `${s}/relative_bias/Gather`, { attrs: { axis: 1 } });
}

/** T5LayerNorm (no mean subtraction, no bias) is RMSNorm over the last axis; in float32. */
async function t5LayerNorm(ctx: BuildContext, scope: string, x: string, config: Umt5Config, weightName: string): Promise<string> {
  expectShape(ctx.weights, weightName, [config.dModel]);
  return lastAxisRmsNorm(ctx, scope, x, config.dModel, config.eps, weightName, 'float32');
}

function checkLinear(ctx: BuildContext, prefix: string, out: number, inp: number): void {
  expectShape(ctx.weights, `${prefix}.weight`, [out, inp]);
}
