import type { VaeConfig } from '../../bundle/vae-config.ts';
import { decoderDims, decoderTemporalUpsample } from '../../bundle/vae-config.ts';
import { VAE_IO, decoderGraphName } from '../../bundle/vae-names.ts';
import { add, cast, causalConv3, channelRmsNorm, conv1x1, dupUpFrame, inlineFloats, midBlock, residualBlock, silu, timeUpsample, upsampleFrame } from './vae-layers.ts';
import { scopeOf } from './vae-scope.ts';
import type { VaeStage, VaeStagePlan } from './vae-stage.ts';
import { stateInput, stateOutput } from './vae-state-io.ts';
import type { Act } from './vae-tensors.ts';

/**
 * Which part of the decoder one stage graph runs. The decoder is cut after every up block that
 * doubles time, so each stage runs once per frame it consumes and no tensor holds more than a
 * frame or two: stage 0 (conv_in, mid block, up block 0) runs per latent frame and emits two
 * frames, stage 1 (up block 1) runs per frame of those and emits two, stage 2 (up blocks 2–3,
 * head, unpatchify) emits one RGB frame per input frame.
 */
export interface DecoderStageLayout {
  readonly index: number;
  readonly name: string;
  /** Latent de-normalisation, post_quant_conv, conv_in and the mid block. */
  readonly entry: boolean;
  /** Up block indices, in order. */
  readonly blocks: readonly number[];
  /** Ends with a time-doubling up block: emits `hidden.0` and `hidden.1` (only `hidden.1` is valid when `first`). */
  readonly doublesTime: boolean;
  /** Head (norm_out, SiLU, conv_out) and unpatchify: emits one RGB frame. */
  readonly tail: boolean;
}

/** The decoder's stage graphs for a config (three for Wan2.2). */
export function decoderLayout(config: VaeConfig): DecoderStageLayout[] {
  const temporal = decoderTemporalUpsample(config);
  const last = config.dimMult.length - 1;
  const stages: DecoderStageLayout[] = [];
  let blocks: number[] = [];
  const close = (doublesTime: boolean) => {
    const index = stages.length;
    stages.push({ index, name: decoderGraphName(index), entry: index === 0, blocks, doublesTime, tail: !doublesTime });
    blocks = [];
  };
  for (let j = 0; j <= last; j++) {
    blocks.push(j);
    if (j < last && temporal[j]) close(true);
  }
  close(false);
  return stages;
}

/**
 * z (normalised, float32) → z / (1/std) + mean (the float32 reciprocal, as the official code
 * stores it) → post_quant_conv (1×1×1, so per frame equals the official whole-latent call).
 */
function latentEntry(s: VaeStage, config: VaeConfig): Act {
  const z = config.zDim;
  const latent = s.input(VAE_IO.latent, z, 1, 'float32');
  const invStd = inlineFloats(s, 'vae.latents_inv_std', config.latentsStd.map((v) => 1 / Math.fround(v)), [z, 1, 1]);
  const mean = inlineFloats(s, 'vae.latents_mean', config.latentsMean, [z, 1, 1]);
  const scaled = s.actOp('Div', [latent.name, invStd], '/vae/denormalize/Div', z, 1, {}, 'float32');
  const shifted = s.actOp('Add', [scaled.name, mean], '/vae/denormalize/Add', z, 1, {}, 'float32');
  const raw = conv1x1(s, scopeOf('post_quant_conv'), shifted, 'post_quant_conv', [z, z, 1, 1, 1], z, 'float32');
  return cast(s, '/vae/decoder/input', raw, s.act);
}

/**
 * conv_out's output channels reordered so that DepthToSpace (CRD) performs Wan's unpatchify,
 * whose channel index is c·p² + w_offset·p + h_offset (DepthToSpace wants c·p² + h_offset·p + w_offset).
 */
function unpatchifyOrder(channels: number, patch: number): number[] {
  const order: number[] = [];
  for (let c = 0; c < channels; c++) {
    for (let h = 0; h < patch; h++) for (let w = 0; w < patch; w++) order.push(c * patch * patch + w * patch + h);
  }
  return order;
}

function head(s: VaeStage, config: VaeConfig, x: Act): void {
  const p = config.patchSize;
  const out = config.imageChannels * p * p;
  const normed = channelRmsNorm(s, scopeOf('decoder.norm_out'), x, 'decoder.norm_out.gamma', [x.channels, 1, 1, 1]);
  const activated = silu(s, '/vae/decoder/head/act', normed);
  const patches = causalConv3(s, scopeOf('decoder.conv_out'), activated, 'decoder.conv_out', out, unpatchifyOrder(config.imageChannels, p));
  const rgb = cast(s, '/vae/decoder/output', patches, 'float32');
  const frame = s.actOp('DepthToSpace', [rgb.name], '/vae/decoder/unpatchify/DepthToSpace', config.imageChannels, rgb.scale * p, { blocksize: p, mode: 'CRD' }, 'float32');
  s.output(VAE_IO.video, frame);
}

/**
 * Up block j (Wan's Up_ResidualBlock): residual blocks, then — except in the last block — the
 * upsampler (time_conv when it doubles time, nearest ×2 + Conv2d) plus the DupUp3D shortcut of
 * the block's input. Returns one frame, or two when it doubles time.
 */
function upBlock(s: VaeStage, config: VaeConfig, j: number, x: Act): Act[] {
  const dims = decoderDims(config);
  const prefix = `decoder.up_blocks.${j}`;
  const input = x;
  for (let i = 0; i <= config.numResBlocks; i++) x = residualBlock(s, `${prefix}.resnets.${i}`, x, dims[j + 1]!);
  if (j === config.dimMult.length - 1) return [x];
  const doubles = decoderTemporalUpsample(config)[j]!;
  const frames = doubles ? timeUpsample(s, scopeOf(`${prefix}.upsampler.time_conv`), x, `${prefix}.upsampler.time_conv`) : [x];
  s.reachRows(1, x.scale * 2);
  return frames.map((frame, a) => {
    const scope = `${scopeOf(prefix)}/frame${a}`;
    const main = upsampleFrame(s, `${scope}/upsampler`, frame, `${prefix}.upsampler.resample.1`);
    const shortcut = dupUpFrame(s, `${scope}/shortcut`, input, dims[j + 1]!, doubles ? 2 : 1, a);
    return add(s, scope, main, shortcut);
  });
}

/** Emits one decoder stage's structure (weights are only named; see {@link VaeStage}). */
function emitDecoderStage(s: VaeStage, config: VaeConfig, stage: DecoderStageLayout): void {
  const dims = decoderDims(config);
  let x: Act;
  if (stage.entry) {
    x = causalConv3(s, scopeOf('decoder.conv_in'), latentEntry(s, config), 'decoder.conv_in', dims[0]!);
    x = midBlock(s, 'decoder.mid_block', x);
  } else {
    const j = stage.blocks[0]!;
    x = stateInput(s, VAE_IO.hidden, dims[j]!, 2 ** j);
  }
  for (const j of stage.blocks) {
    const frames = upBlock(s, config, j, x);
    if (frames.length === 2) {
      stateOutput(s, VAE_IO.hiddenFrame(0), frames[0]!);
      stateOutput(s, VAE_IO.hiddenFrame(1), frames[1]!);
      return;
    }
    x = frames[0]!;
  }
  head(s, config, x);
}

/** The decoder's stage graphs for a config, in the order the runner chains them. */
export function decoderStagePlans(config: VaeConfig): VaeStagePlan[] {
  return decoderLayout(config).map((stage) => ({ name: stage.name, emit: (s) => emitDecoderStage(s, config, stage) }));
}
