import type { VaeConfig } from '../../bundle/vae-config.ts';
import { encoderDims, spatialCompression } from '../../bundle/vae-config.ts';
import { VAE_IO, encoderGraphName } from '../../bundle/vae-names.ts';
import { add, avgDown, cast, causalConv3, channelRmsNorm, conv1x1, downsampleFrame, inlineFloats, midBlock, residualBlock, silu, timeDownsample } from './vae-layers.ts';
import { scopeOf } from './vae-scope.ts';
import type { VaeStage, VaeStagePlan } from './vae-stage.ts';
import { stateInput, stateOutput } from './vae-state-io.ts';
import type { Act } from './vae-tensors.ts';

/**
 * Which part of the encoder one stage graph runs. The encoder is cut before every time
 * halving: stage 0 (patchify, conv_in, down block 0, down block 1 up to its spatial
 * downsample) runs per video frame; stage k > 0 takes two frames of stage k−1's output,
 * applies the pending time_conv and AvgDown3D shortcut, and continues per frame. The last
 * stage ends with the mid block, head, quant_conv (mu half) and the latent normalisation.
 */
export interface EncoderStageLayout {
  readonly index: number;
  readonly name: string;
  /** Patchify and conv_in. */
  readonly entry: boolean;
  /** The down block whose time_conv and shortcut this stage starts with (takes `hidden.0/1`, `skip.0/1`). */
  readonly mergeBlock: number | null;
  /** Down blocks run from their start (the last one up to its spatial downsample when it halves time). */
  readonly blocks: readonly number[];
  /** Emits `hidden` and `skip` for the next stage (else: mid block, head, `latent`). */
  readonly halvesTime: boolean;
}

/** The encoder's stage graphs for a config (three for Wan2.2). */
export function encoderLayout(config: VaeConfig): EncoderStageLayout[] {
  const n = config.dimMult.length;
  const stages: EncoderStageLayout[] = [];
  let mergeBlock: number | null = null;
  let blocks: number[] = [];
  const close = (halvesTime: boolean) => {
    const index = stages.length;
    stages.push({ index, name: encoderGraphName(index), entry: index === 0, mergeBlock, blocks, halvesTime });
    blocks = [];
  };
  for (let i = 0; i < n; i++) {
    blocks.push(i);
    if (config.temporalDownsample[i]) {
      close(true);
      mergeBlock = i;
    }
  }
  close(false);
  return stages;
}

/** Spatial scale (× the latent grid) of down block i's input. */
const blockScale = (config: VaeConfig, i: number) => 2 ** (config.dimMult.length - 1 - i);

/**
 * One RGB frame [1, 3, 16H, 16W] → patchify (2×2: channel c·4 + w_offset·2 + h_offset) →
 * [1, 12, 8H, 8W], in the activation type.
 */
function patchify(s: VaeStage, config: VaeConfig): Act {
  const { g } = s;
  const p = config.patchSize;
  const channels = config.imageChannels;
  const frame = s.input(VAE_IO.video, channels, spatialCompression(config), 'float32');
  const scale = frame.scale / p;
  const grid = s.op('Shape', [frame.name], '/vae/encoder/patchify/grid/Shape', 'int64', null, { start: 2, end: 4 });
  const cells = s.op('Div', [grid, g.constant('int64', [2], [p, p])], '/vae/encoder/patchify/grid/Div', 'int64', null);
  const [h, w] = s.multiOp('Split', [cells], '/vae/encoder/patchify/grid/Split', 'int64', [() => 1, () => 1], { axis: 0, num_outputs: 2 }) as [string, string];
  const pDim = g.constant('int64', [1], [p]);
  const splitShape = s.op('Concat', [g.constant('int64', [1], [channels]), h, pDim, w, pDim], '/vae/encoder/patchify/split_shape', 'int64', null, { axis: 0 });
  const extent = (hh: number, ww: number) => channels * frame.scale * hh * frame.scale * ww;
  const split = s.op('Reshape', [frame.name, splitShape], '/vae/encoder/patchify/Reshape', 'float32', extent);
  // [c, h, q(h offset), w, r(w offset)] → [c, r, q, h, w]
  const ordered = s.op('Transpose', [split], '/vae/encoder/patchify/Transpose', 'float32', extent, { perm: [0, 4, 2, 1, 3] });
  const outShape = s.op('Concat', [g.constant('int64', [2], [1, channels * p * p]), h, w], '/vae/encoder/patchify/out_shape', 'int64', null, { axis: 0 });
  const patches = s.actOp('Reshape', [ordered, outShape], '/vae/encoder/patchify/out/Reshape', channels * p * p, scale, {}, 'float32');
  return cast(s, '/vae/encoder/input', patches, s.act);
}

/**
 * The merge that opens stage k > 0: down block i's time_conv over the pair `hidden.0/1` (its
 * spatially downsampled frames) plus AvgDown3D (factor_t 2) of the pair `skip.0/1` (its inputs).
 */
function mergePair(s: VaeStage, config: VaeConfig, i: number): Act {
  const dims = encoderDims(config);
  const prefix = `encoder.down_blocks.${i}`;
  const scale = blockScale(config, i);
  const hidden = [0, 1].map((f) => stateInput(s, VAE_IO.hiddenFrame(f as 0 | 1), dims[i + 1]!, scale / 2)) as [Act, Act];
  const skip = [0, 1].map((f) => stateInput(s, VAE_IO.skipFrame(f as 0 | 1), dims[i]!, scale)) as [Act, Act];
  const main = timeDownsample(s, scopeOf(`${prefix}.downsampler.time_conv`), hidden, `${prefix}.downsampler.time_conv`);
  const shortcut = avgDown(s, `${scopeOf(prefix)}/shortcut`, skip, dims[i + 1]!, 2);
  return add(s, scopeOf(prefix), main, shortcut);
}

/**
 * Down block i (Wan's Down_ResidualBlock) on one frame: residual blocks, then the spatial
 * downsample and the AvgDown3D shortcut. A block that also halves time stops after its spatial
 * downsample and hands `hidden` (that frame) and `skip` (the block input) to the next stage.
 */
function downBlock(s: VaeStage, config: VaeConfig, i: number, x: Act): Act | null {
  const dims = encoderDims(config);
  const prefix = `encoder.down_blocks.${i}`;
  const input = x;
  for (let r = 0; r < config.numResBlocks; r++) x = residualBlock(s, `${prefix}.resnets.${r}`, x, dims[i + 1]!);
  const spatial = i < config.dimMult.length - 1;
  if (spatial) x = downsampleFrame(s, `${scopeOf(prefix)}/downsampler`, x, `${prefix}.downsampler.resample.1`);
  if (config.temporalDownsample[i]) {
    stateOutput(s, VAE_IO.hidden, x);
    stateOutput(s, VAE_IO.skip, input);
    return null;
  }
  return add(s, scopeOf(prefix), x, avgDown(s, `${scopeOf(prefix)}/shortcut`, [input], dims[i + 1]!, spatial ? 2 : 1));
}

/** Head, quant_conv (mu rows only) and (mu − mean) · (1/std), in float32. */
function tail(s: VaeStage, config: VaeConfig, x: Act): void {
  const z = config.zDim;
  x = midBlock(s, 'encoder.mid_block', x);
  const normed = channelRmsNorm(s, scopeOf('encoder.norm_out'), x, 'encoder.norm_out.gamma', [x.channels, 1, 1, 1]);
  const moments = causalConv3(s, scopeOf('encoder.conv_out'), silu(s, '/vae/encoder/head/act', normed), 'encoder.conv_out', 2 * z);
  const momentsF32 = cast(s, '/vae/encoder/output', moments, 'float32');
  const mu = conv1x1(s, scopeOf('quant_conv'), momentsF32, 'quant_conv', [2 * z, 2 * z, 1, 1, 1], z, 'float32');
  const mean = inlineFloats(s, 'vae.latents_mean', config.latentsMean, [z, 1, 1]);
  const invStd = inlineFloats(s, 'vae.latents_inv_std', config.latentsStd.map((v) => 1 / Math.fround(v)), [z, 1, 1]);
  const centred = s.actOp('Sub', [mu.name, mean], '/vae/normalize/Sub', z, mu.scale, {}, 'float32');
  s.output(VAE_IO.latent, s.actOp('Mul', [centred.name, invStd], '/vae/normalize/Mul', z, mu.scale, {}, 'float32'));
}

/** Emits one encoder stage's structure (weights are only named; see {@link VaeStage}). */
function emitEncoderStage(s: VaeStage, config: VaeConfig, stage: EncoderStageLayout): void {
  const dims = encoderDims(config);
  let x: Act | null = stage.entry
    ? causalConv3(s, scopeOf('encoder.conv_in'), patchify(s, config), 'encoder.conv_in', dims[0]!)
    : mergePair(s, config, stage.mergeBlock!);
  for (const i of stage.blocks) {
    x = downBlock(s, config, i, x!);
    if (x === null) return;
  }
  tail(s, config, x!);
}

/** The encoder's stage graphs for a config, in the order the runner chains them. */
export function encoderStagePlans(config: VaeConfig): VaeStagePlan[] {
  return encoderLayout(config).map((stage) => ({ name: stage.name, emit: (s) => emitEncoderStage(s, config, stage) }));
}
