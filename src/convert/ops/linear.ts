import type { BuildContext, FloatType } from '../build-context.ts';
import { activationType, derivedParam, derivedWeights, floatBytes, sourceParam } from '../build-context.ts';
import { quantizeBlockwise } from '../quant/quantize-blockwise.ts';
import { castIfNeeded } from './graph-ops.ts';
import { weightFormatOf } from '../../bundle/quant-config.ts';
import { linearFamily } from '../../bundle/tensor-families.ts';
import { linearFromGgmlBlocks } from './linear-ggml.ts';

/**
 * y = x·Wᵀ (+ b) for a weight in PyTorch layout [N = out, K = in], stored in the format the
 * quantization config gives the weight's tensor family:
 *
 *   int4/int8:  x ─ MatMulNBits(B, scales, zero_points, bias) ─ y
 *   fp16/fp32:  x ─ MatMul(Wᵀ [K, N]) ─ (+ b) ─ y
 *
 * `readWeight` gives the source values (as [N, K]); it is called only when the stored
 * weights, named after `name`, are not already there.
 */
export async function linearFromValues(
  ctx: BuildContext,
  scope: string,
  x: string,
  name: string,
  readWeight: () => Promise<Float32Array>,
  n: number,
  k: number,
  bias?: string,
  options: LinearOptions = {},
): Promise<string> {
  const { g, quant } = ctx;
  const floatType = options.floatType ?? activationType(ctx);
  const format = weightFormatOf(quant, linearFamily(name));
  if (format === 'int4' || format === 'int8') {
    const bits = format === 'int4' ? 4 : 8;
    const kBlocks = Math.ceil(k / quant.blockSize);
    const [data, scales, zeroPoints] = await derivedWeights(
      ctx,
      [
        { name: `${name}.q${bits}`, dtype: 'uint8', dims: [n, kBlocks, (quant.blockSize * bits) / 8] },
        { name: `${name}.scales`, dtype: floatType, dims: [n * kBlocks] },
        { name: `${name}.zero_points`, dtype: 'uint8', dims: [n * (bits === 4 ? Math.ceil(kBlocks / 2) : kBlocks)] },
      ],
      async () => {
        const q = ctx.weights.quantized?.read(name, n, k, bits, quant.blockSize) ?? quantizeBlockwise(await readWeight(), n, k, bits, quant.blockSize);
        return [q.data, floatBytes(q.scales, floatType), q.zeroPoints];
      },
    );
    // The bias rides in MatMulNBits' own input (after the unused g_idx): one [M, N] tensor fewer.
    const inputs = bias === undefined ? [x, data!, scales!, zeroPoints!] : [x, data!, scales!, zeroPoints!, '', bias];
    return g.op('MatMulNBits', inputs, `${scope}/MatMulNBits`, {
      domain: 'com.microsoft',
      attrs: { K: k, N: n, bits, block_size: quant.blockSize, accuracy_level: quant.accuracyLevel },
    });
  }
  const stored = format === 'fp16' ? 'float16' : 'float32';
  const transposedWeight = await derivedParam(ctx, `${name}.T`, [k, n], stored, async () => {
    const weight = await readWeight();
    const transposed = new Float32Array(n * k);
    for (let row = 0; row < n; row++) for (let col = 0; col < k; col++) transposed[col * n + row] = weight[row * k + col]!;
    return transposed;
  });
  // fp16 storage under fp32 activations: the file stays half size, the runtime folds the Cast.
  const w = castIfNeeded(g, transposedWeight, stored, floatType, `${scope}/CastWeight`);
  const y = g.op('MatMul', [x, w], `${scope}/MatMul`);
  return bias === undefined ? y : g.op('Add', [y, bias], `${scope}/Add`);
}

export interface LinearOptions {
  /** The float type of this layer's input and output, when it differs from the activation type (fp32 islands). */
  readonly floatType?: FloatType;
}

/**
 * A Linear layer read from the source checkpoint: `<prefix>.weight` [N, K] (any trailing
 * dims, e.g. a 1×1 conv, are flattened into K) and, when the checkpoint has it, `<prefix>.bias` [N].
 */
export async function linear(ctx: BuildContext, scope: string, x: string, prefix: string, options: LinearOptions = {}): Promise<string> {
  const weightName = `${prefix}.weight`;
  const [n, ...rest] = ctx.weights.info(weightName).shape as [number, ...number[]];
  const k = rest.reduce((a, b) => a * b, 1);
  const biasName = `${prefix}.bias`;
  const bias = ctx.weights.has(biasName) ? await sourceParam(ctx, biasName, [n], options.floatType ?? activationType(ctx)) : undefined;
  const fromBlocks = await linearFromGgmlBlocks(ctx, scope, x, weightName, n, k, bias, options.floatType ?? activationType(ctx));
  return fromBlocks ?? linearFromValues(ctx, scope, x, weightName, () => ctx.weights.read(weightName), n, k, bias, options);
}
