import type { BuildContext } from '../build-context.ts';
import { activationType, addWeight, floatBytes, sourceParam } from '../build-context.ts';
import { quantizeBlockwise } from '../quant/quantize-blockwise.ts';

/**
 * y = x·Wᵀ (+ b) for a weight in PyTorch layout [N = out, K = in], stored as the
 * quantization config says:
 *
 *   int4/int8:  x ─ MatMulNBits(B, scales, zero_points) ─ (+ b) ─ y
 *   fp16/fp32:  x ─ MatMul(Wᵀ [K, N]) ─ (+ b) ─ y
 *
 * `weight` is the source values (already reshaped to [N, K] by the caller if needed);
 * it is stored under `name`.
 */
export async function linearFromValues(
  ctx: BuildContext,
  scope: string,
  x: string,
  name: string,
  weight: Float32Array,
  n: number,
  k: number,
  bias?: string,
): Promise<string> {
  const { g, quant } = ctx;
  let y: string;
  if (quant.weights === 'int4' || quant.weights === 'int8') {
    const bits = quant.weights === 'int4' ? 4 : 8;
    const q = quantizeBlockwise(weight, n, k, bits, quant.blockSize);
    const floatType = activationType(ctx);
    const data = await addWeight(ctx, `${name}.q${bits}`, 'uint8', [n, q.kBlocks, (quant.blockSize * bits) / 8], q.data);
    const scales = await addWeight(ctx, `${name}.scales`, floatType, [n * q.kBlocks], floatBytes(q.scales, floatType));
    const zeroPoints = await addWeight(ctx, `${name}.zero_points`, 'uint8', [q.zeroPoints.length], q.zeroPoints);
    y = g.op('MatMulNBits', [x, data, scales, zeroPoints], `${scope}/MatMulNBits`, {
      domain: 'com.microsoft',
      attrs: { K: k, N: n, bits, block_size: quant.blockSize, accuracy_level: quant.accuracyLevel },
    });
  } else {
    const transposed = new Float32Array(n * k);
    for (let row = 0; row < n; row++) for (let col = 0; col < k; col++) transposed[col * n + row] = weight[row * k + col]!;
    const dtype = quant.weights === 'fp16' ? 'float16' : 'float32';
    const w = await addWeight(ctx, `${name}.T`, dtype, [k, n], floatBytes(transposed, dtype));
    y = g.op('MatMul', [x, w], `${scope}/MatMul`);
  }
  return bias === undefined ? y : g.op('Add', [y, bias], `${scope}/Add`);
}

/**
 * A Linear layer read from the source checkpoint: `<prefix>.weight` [N, K] and, when the
 * checkpoint has it, `<prefix>.bias` [N].
 */
export async function linear(ctx: BuildContext, scope: string, x: string, prefix: string): Promise<string> {
  const weightName = `${prefix}.weight`;
  const [n, k] = ctx.weights.info(weightName).shape as [number, number];
  const weight = await ctx.weights.read(weightName);
  const bias = ctx.weights.has(`${prefix}.bias`) ? await sourceParam(ctx, `${prefix}.bias`, [n]) : undefined;
  return linearFromValues(ctx, scope, x, weightName, weight, n, k, bias);
}
