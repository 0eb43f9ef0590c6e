import type { BuildContext } from '../build-context.ts';
import { activationType } from '../build-context.ts';
import type { GraphContract } from '../../bundle/graph-contract.ts';
import { linear } from '../ops/linear.ts';
import { lastAxisRmsNorm } from '../ops/norms.ts';
import { castIfNeeded, geluTanh } from '../ops/graph-ops.ts';
import type { DitConfig } from '../../bundle/dit-config.ts';
import { DIT_IO, TEXT_LEN } from '../../bundle/dit-names.ts';

/**
 * The per-prompt part of the DiT: the text MLP and every block's cross-attention keys
 * and values. They depend only on the prompt, so they are computed once per prompt and
 * fed to every denoising step (and reused by both CFG branches' steps).
 *
 *   context ─ text_embedder (Linear, GELU-tanh, Linear) ─┬─ attn2.to_k ─ RMSNorm ─ cross_k.i
 *                                                        └─ attn2.to_v ─────────── cross_v.i
 */
export async function buildDitContext(ctx: BuildContext, config: DitConfig): Promise<GraphContract> {
  const { g } = ctx;
  const act = activationType(ctx);
  const context = g.input(DIT_IO.context, 'float32', [1, TEXT_LEN, config.textDim]);
  let h = castIfNeeded(g, context, 'float32', act, '/text/CastIn');
  h = await linear(ctx, '/text/linear_1', h, 'condition_embedder.text_embedder.linear_1');
  h = geluTanh(g, h, '/text/act');
  h = await linear(ctx, '/text/linear_2', h, 'condition_embedder.text_embedder.linear_2');

  const outputs = [];
  for (let i = 0; i < config.numLayers; i++) {
    const scope = `/blocks.${i}/attn2`;
    const key = await lastAxisRmsNorm(ctx, `${scope}/norm_k`, await linear(ctx, `${scope}/to_k`, h, `blocks.${i}.attn2.to_k`), config.dim, config.eps, `blocks.${i}.attn2.norm_k.weight`);
    const value = await linear(ctx, `${scope}/to_v`, h, `blocks.${i}.attn2.to_v`);
    for (const [name, tensor] of [[DIT_IO.crossKey(i), key], [DIT_IO.crossValue(i), value]] as const) {
      const dims = [1, TEXT_LEN, config.dim];
      g.output(name, 'float32', dims, castIfNeeded(g, tensor, act, 'float32', `${name}/CastOut`));
      outputs.push({ name, dtype: 'float32' as const, dims });
    }
  }
  return { inputs: [{ name: DIT_IO.context, dtype: 'float32', dims: [1, TEXT_LEN, config.textDim] }], outputs };
}
