import type { GraphContract } from '../../bundle/graph-contract.ts';
import type { VaeConfig } from '../../bundle/vae-config.ts';
import { assert } from '../../assert.ts';
import type { BuildContext } from '../build-context.ts';
import { activationType } from '../build-context.ts';
import type { BuiltGraph, MakeContext } from '../built-graph.ts';
import { STANDARD_OPSETS } from '../../onnx/index.ts';
import { buildGraph } from '../built-graph.ts';
import { decoderStagePlans } from './vae-decoder-graphs.ts';
import { encoderStagePlans } from './vae-encoder-graphs.ts';
import type { VaeStagePlan } from './vae-stage.ts';
import { VaeStage } from './vae-stage.ts';

/** A half of the VAE; also the checkpoint prefix of its weights. */
export type VaeHalf = 'encoder' | 'decoder';

const STAGE_PLANS: Record<VaeHalf, (config: VaeConfig) => VaeStagePlan[]> = {
  encoder: encoderStagePlans,
  decoder: decoderStagePlans,
};

/** The stage graphs of a VAE half for a config (three each for Wan2.2), in the order the runner chains them. */
export function vaeStagePlans(config: VaeConfig, half: VaeHalf): VaeStagePlan[] {
  return STAGE_PLANS[half](config);
}

/**
 * Builds stage `index` of a VAE half into `ctx.g` (weights through `ctx.store`) and returns its
 * contract. Convolution weights are float in the activation type, or int8 (`quant.vaeWeights`).
 */
export async function buildVaeStage(ctx: BuildContext, config: VaeConfig, half: VaeHalf, index: number): Promise<GraphContract> {
  const plans = vaeStagePlans(config, half);
  const plan = plans[index];
  assert(plan, `The VAE ${half} has ${plans.length} stage graphs; there is no stage ${index}.`);
  const s = new VaeStage(ctx.g, activationType(ctx), half, ctx.quant.vaeWeights, ctx.quant.vaeCache);
  plan.emit(s);
  await s.weights.load(ctx);
  return s.contract();
}

/** Builds every stage graph of a VAE half, each through its own context from `makeContext`. */
export async function buildVaeGraphs(makeContext: MakeContext, config: VaeConfig, half: VaeHalf): Promise<BuiltGraph[]> {
  const graphs: BuiltGraph[] = [];
  for (const [index, plan] of vaeStagePlans(config, half).entries()) {
    graphs.push(await buildGraph(makeContext, plan.name, (ctx) => buildVaeStage(ctx, config, half, index), STANDARD_OPSETS));
  }
  return graphs;
}
