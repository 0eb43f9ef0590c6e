import type { BuildContext, FloatType } from '../build-context.ts';
import { activationType, floatParam, sourceParam } from '../build-context.ts';
import { float } from '../../onnx/index.ts';

/** A float parameter filled with one value, shared by every node that needs it. */
async function filledParam(ctx: BuildContext, value: number, dim: number): Promise<string> {
  const name = `/constants/filled/${value}/[${dim}]`;
  if (ctx.g.hasInitializer(name)) return name;
  return floatParam(ctx, name, new Float32Array(dim).fill(value), [dim]);
}

/**
 * LayerNorm over the last axis. Without `prefix` it has no affine parameters (Wan's
 * norm1/norm3); with it, `<prefix>.weight` and `<prefix>.bias` are read.
 */
export async function layerNorm(
  ctx: BuildContext,
  scope: string,
  x: string,
  dim: number,
  eps: number,
  prefix?: string,
): Promise<string> {
  const scale = prefix ? await sourceParam(ctx, `${prefix}.weight`, [dim]) : await filledParam(ctx, 1, dim);
  const bias = prefix ? await sourceParam(ctx, `${prefix}.bias`, [dim]) : await filledParam(ctx, 0, dim);
  return ctx.g.op('LayerNormalization', [x, scale, bias], `${scope}/LayerNormalization`, {
    attrs: { axis: -1, epsilon: float(eps), stash_type: 1 },
  });
}

/**
 * RMSNorm over the last axis with a learned gain `<weightName>`: x / √(mean(x²) + ε) · w, the
 * gain stored in `dtype` (the activation type by default).
 */
export async function lastAxisRmsNorm(
  ctx: BuildContext,
  scope: string,
  x: string,
  dim: number,
  eps: number,
  weightName: string,
  dtype: FloatType = activationType(ctx),
): Promise<string> {
  const weight = await sourceParam(ctx, weightName, [dim], dtype);
  return ctx.g.op('SimplifiedLayerNormalization', [x, weight], `${scope}/SimplifiedLayerNormalization`, {
    attrs: { axis: -1, epsilon: float(eps), stash_type: 1 },
  });
}
