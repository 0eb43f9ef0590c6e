import type { GraphContract } from '../../bundle/graph-contract.ts';
import { tinyDecoderGraphName } from '../../bundle/tiny-vae-names.ts';
import { VAE_IO } from '../../bundle/vae-names.ts';
import { STANDARD_OPSETS } from '../../onnx/index.ts';
import type { BuildContext } from '../build-context.ts';
import { activationType } from '../build-context.ts';
import type { BuiltGraph, MakeContext } from '../built-graph.ts';
import { buildGraph } from '../built-graph.ts';
import { cast } from '../wan-vae/vae-layers.ts';
import { VaeStage } from '../wan-vae/vae-stage.ts';
import { stateInput, stateOutput } from '../wan-vae/vae-state-io.ts';
import type { Act } from '../wan-vae/vae-tensors.ts';
import type { TaehvDecoderConfig } from './taehv-config.ts';
import { blockModules, decoderModule, headModule } from './taehv-config.ts';
import { conv3, conv3Op, memBlock, relu, softClamp, taehvScope, tGrow, upsample } from './taehv-layers.ts';

/**
 * One stage graph of the tiny decoder. Like the VAE decoder's stages, it is cut after every
 * time-doubling TGrow, so each stage runs once per frame it takes and emits one or two.
 */
export interface TaehvStageLayout {
  readonly index: number;
  readonly name: string;
  /** The block whose TGrow ended the previous stage: this stage takes its frame (`hidden`) and runs its upsample and conv. Undefined for stage 0, which takes the latent. */
  readonly resume: number | undefined;
  /** Blocks run from their MemBlocks on; the stage ends at the first time-doubling TGrow (emits `hidden.0`, `hidden.1`) or with the head (emits `video`). */
  readonly blocks: readonly number[];
}

/** The stage graphs for a config (three for taew2_2: blocks 0–1, block 2, the head). */
export function taehvDecoderLayout(config: TaehvDecoderConfig): TaehvStageLayout[] {
  const stages: TaehvStageLayout[] = [];
  let resume: number | undefined;
  let blocks: number[] = [];
  const close = () => {
    stages.push({ index: stages.length, name: tinyDecoderGraphName(stages.length), resume, blocks });
    blocks = [];
  };
  config.timeUpscale.forEach((doubles, b) => {
    blocks.push(b);
    if (doubles) {
      close();
      resume = b;
    }
  });
  close();
  return stages;
}

/** Width of block b's frames. */
const widthOf = (config: TaehvDecoderConfig, b: number) => config.widths[b]!;

/** The latent (float32, channels-first) → soft clamp → conv → ReLU, in the activation type. */
function entry(s: VaeStage, config: TaehvDecoderConfig): Act {
  const latent = s.input(VAE_IO.latent, config.latentChannels, 1, 'float32');
  const clamped = cast(s, '/taehv/decoder.0', softClamp(s, taehvScope(decoderModule(0)), latent), s.act);
  return relu(s, taehvScope(decoderModule(2)), conv3(s, decoderModule(1), clamped, widthOf(config, 0), true));
}

/** Block b after its TGrow: nearest ×2, then its conv to the next width. */
function blockTail(s: VaeStage, config: TaehvDecoderConfig, b: number, x: Act): Act {
  const conv = decoderModule(blockModules(b).conv);
  return conv3(s, conv, upsample(s, taehvScope(decoderModule(blockModules(b).tGrow - 1)), x), widthOf(config, b + 1), false);
}

/**
 * ReLU, the head conv to 3·p² channels, pixel shuffle (DepthToSpace CRD is torch's
 * pixel_shuffle). The conv is stored as 2·W and 2·b − 1, so the output is 2·y − 1 for
 * upstream's y in [0, 1]: the full VAE's range (see tiny-vae-names.ts).
 */
function head(s: VaeStage, config: TaehvDecoderConfig, x: Act): void {
  const index = headModule(config);
  const prefix = decoderModule(index);
  const p = config.patchSize;
  const cout = config.imageChannels * p * p;
  const shape = [cout, x.channels, 3, 3];
  const weight = s.weights.conv(`${prefix}.weight`, shape, `${prefix}.weight.scaled`, shape, (v) => v.map((w) => 2 * w));
  const bias = s.weights.float(`${prefix}.bias`, [cout], `${prefix}.bias.scaled`, [cout], (v) => v.map((b) => 2 * b - 1));
  const activated = relu(s, taehvScope(decoderModule(index - 1)), x);
  const patches = cast(s, '/taehv/decoder/output', conv3Op(s, taehvScope(prefix), activated, weight, bias, cout), 'float32');
  const frame = s.actOp('DepthToSpace', [patches.name], '/taehv/decoder/pixel_shuffle/DepthToSpace', config.imageChannels, patches.scale * p, { blocksize: p, mode: 'CRD' }, 'float32');
  s.output(VAE_IO.video, frame);
}

/** Emits one stage's structure (weights are only named; see {@link VaeStage}). */
function emitStage(s: VaeStage, config: TaehvDecoderConfig, stage: TaehvStageLayout): void {
  let x: Act;
  if (stage.resume === undefined) {
    x = entry(s, config);
  } else {
    const b = stage.resume;
    x = blockTail(s, config, b, stateInput(s, VAE_IO.hidden, widthOf(config, b), 2 ** b));
  }
  for (const b of stage.blocks) {
    const modules = blockModules(b);
    for (const index of modules.memBlocks) x = memBlock(s, decoderModule(index), x);
    const frames = tGrow(s, decoderModule(modules.tGrow), x, config.timeUpscale[b] ? 2 : 1);
    if (frames.length === 2) {
      stateOutput(s, VAE_IO.hiddenFrame(0), frames[0]!);
      stateOutput(s, VAE_IO.hiddenFrame(1), frames[1]!);
      return;
    }
    x = blockTail(s, config, b, frames[0]!);
  }
  head(s, config, x);
}

/** Builds one stage into `ctx.g` and returns its contract (conv weights and caches as `ctx.quant` says for the VAE). */
async function buildStage(ctx: BuildContext, config: TaehvDecoderConfig, stage: TaehvStageLayout): Promise<GraphContract> {
  const s = new VaeStage(ctx.g, activationType(ctx), 'decoder', ctx.quant.vaeWeights, ctx.quant.vaeCache);
  emitStage(s, config, stage);
  await s.weights.load(ctx);
  return s.contract();
}

/**
 * The tiny decoder's stage graphs from a TAEHV checkpoint (`decoder.*` tensors, e.g.
 * taew2_2.safetensors), each through its own context from `makeContext`, in the order a runner chains them.
 */
export async function buildTaehvDecoderGraphs(makeContext: MakeContext, config: TaehvDecoderConfig): Promise<BuiltGraph[]> {
  const graphs: BuiltGraph[] = [];
  for (const stage of taehvDecoderLayout(config)) {
    graphs.push(await buildGraph(makeContext, stage.name, (ctx) => buildStage(ctx, config, stage), STANDARD_OPSETS));
  }
  return graphs;
}
