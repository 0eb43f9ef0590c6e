import { ConvertError } from '../../errors.ts';
import {
  booleanListField,
  configObject,
  gain,
  layerWithBias,
  positiveIntField,
  positiveIntListField,
} from './random-tensor-spec.ts';
import type { RandomTensorSpec } from './random-tensor-spec.ts';

const FILE = 'vae/config.json';
const BIAS_STD = 0.05;

/**
 * Every tensor of a diffusers `AutoencoderKLWan` with the Wan2.2 residual layout
 * (`is_residual: true`), in `state_dict()` order: encoder, quant_conv, post_quant_conv, decoder.
 *
 * `in_channels`/`out_channels` are the channel counts the convolutions see, i.e. after the 2×2
 * patchify (12 for RGB), as the Wan2.2-TI2V-5B-Diffusers config and checkpoint have them.
 * Encoder widths are `base_dim·[1, ...dim_mult]`, decoder widths
 * `decoder_base_dim·[dim_mult[-1], ...reversed(dim_mult)]`; the AvgDown3D/DupUp3D shortcuts
 * have no parameters.
 */
export function vaeTensorSpecs(vaeConfig: unknown): RandomTensorSpec[] {
  const c = configObject(vaeConfig, FILE);
  if (c.is_residual !== true) {
    throw new ConvertError(`${FILE}: "is_residual" must be true; only the Wan2.2 VAE layout (residual up/down blocks) is supported.`, FILE);
  }
  const attnScales = c.attn_scales ?? [];
  if (!Array.isArray(attnScales) || attnScales.length !== 0) {
    throw new ConvertError(`${FILE}: "attn_scales" ${JSON.stringify(attnScales)} is not supported; the Wan2.2 VAE has [].`, FILE);
  }
  const zDim = positiveIntField(c, 'z_dim', FILE);
  const baseDim = positiveIntField(c, 'base_dim', FILE);
  const decoderBaseDim = c.decoder_base_dim === null || c.decoder_base_dim === undefined ? baseDim : positiveIntField(c, 'decoder_base_dim', FILE);
  const dimMult = positiveIntListField(c, 'dim_mult', FILE);
  const numResBlocks = positiveIntField(c, 'num_res_blocks', FILE);
  const temporalDown = booleanListField(c, 'temperal_downsample', FILE);
  if (temporalDown.length !== dimMult.length - 1) {
    throw new ConvertError(
      `${FILE}: "temperal_downsample" needs ${dimMult.length - 1} entries (one per down block but the last), got ${temporalDown.length}.`,
      FILE,
    );
  }
  const inChannels = positiveIntField(c, 'in_channels', FILE);
  const outChannels = positiveIntField(c, 'out_channels', FILE);

  const encoderDims = [1, ...dimMult].map((m) => baseDim * m);
  const decoderDims = [dimMult[dimMult.length - 1] as number, ...[...dimMult].reverse()].map((m) => decoderBaseDim * m);
  const temporalUp = [...temporalDown].reverse();
  const blocks = dimMult.length;

  const specs: RandomTensorSpec[] = [];
  // Encoder.
  specs.push(...conv3d('encoder.conv_in', encoderDims[0] as number, inChannels, 3));
  for (let i = 0; i < blocks; i++) {
    const prefix = `encoder.down_blocks.${i}`;
    const out = encoderDims[i + 1] as number;
    let current = encoderDims[i] as number;
    for (let j = 0; j < numResBlocks; j++) {
      specs.push(...residualBlock(`${prefix}.resnets.${j}`, current, out));
      current = out;
    }
    if (i !== blocks - 1) {
      specs.push(...layerWithBias(`${prefix}.downsampler.resample.1`, [out, out, 3, 3], BIAS_STD));
      if (temporalDown[i]) specs.push(...layerWithBias(`${prefix}.downsampler.time_conv`, [out, out, 3, 1, 1], BIAS_STD));
    }
  }
  const encoderOut = encoderDims[blocks] as number;
  specs.push(...midBlock('encoder.mid_block', encoderOut));
  specs.push(gain('encoder.norm_out.gamma', [encoderOut, 1, 1, 1]));
  specs.push(...conv3d('encoder.conv_out', 2 * zDim, encoderOut, 3));
  // Latent projections.
  specs.push(...conv3d('quant_conv', 2 * zDim, 2 * zDim, 1));
  specs.push(...conv3d('post_quant_conv', zDim, zDim, 1));
  // Decoder.
  specs.push(...conv3d('decoder.conv_in', decoderDims[0] as number, zDim, 3));
  specs.push(...midBlock('decoder.mid_block', decoderDims[0] as number));
  for (let i = 0; i < blocks; i++) {
    const prefix = `decoder.up_blocks.${i}`;
    const out = decoderDims[i + 1] as number;
    let current = decoderDims[i] as number;
    for (let j = 0; j < numResBlocks + 1; j++) {
      specs.push(...residualBlock(`${prefix}.resnets.${j}`, current, out));
      current = out;
    }
    if (i !== blocks - 1) {
      specs.push(...layerWithBias(`${prefix}.upsampler.resample.1`, [out, out, 3, 3], BIAS_STD));
      if (temporalUp[i]) specs.push(...layerWithBias(`${prefix}.upsampler.time_conv`, [2 * out, out, 3, 1, 1], BIAS_STD));
    }
  }
  const decoderOut = decoderDims[blocks] as number;
  specs.push(gain('decoder.norm_out.gamma', [decoderOut, 1, 1, 1]));
  specs.push(...conv3d('decoder.conv_out', outChannels, decoderOut, 3));
  return specs;
}

/** A causal 3-D convolution with a cubic kernel. */
function conv3d(prefix: string, out: number, inp: number, kernel: number): RandomTensorSpec[] {
  return layerWithBias(prefix, [out, inp, kernel, kernel, kernel], BIAS_STD);
}

/** RMS_norm → SiLU → conv 3³ → RMS_norm → SiLU → conv 3³, plus a 1³ conv shortcut when widths differ. */
function residualBlock(prefix: string, inp: number, out: number): RandomTensorSpec[] {
  const specs = [
    gain(`${prefix}.norm1.gamma`, [inp, 1, 1, 1]),
    ...conv3d(`${prefix}.conv1`, out, inp, 3),
    gain(`${prefix}.norm2.gamma`, [out, 1, 1, 1]),
    ...conv3d(`${prefix}.conv2`, out, out, 3),
  ];
  if (inp !== out) specs.push(...conv3d(`${prefix}.conv_shortcut`, out, inp, 1));
  return specs;
}

/** WanMidBlock: the attention is registered before the residual blocks, so it comes first. */
function midBlock(prefix: string, dim: number): RandomTensorSpec[] {
  return [
    gain(`${prefix}.attentions.0.norm.gamma`, [dim, 1, 1]),
    ...layerWithBias(`${prefix}.attentions.0.to_qkv`, [3 * dim, dim, 1, 1], BIAS_STD),
    ...layerWithBias(`${prefix}.attentions.0.proj`, [dim, dim, 1, 1], BIAS_STD),
    ...residualBlock(`${prefix}.resnets.0`, dim, dim),
    ...residualBlock(`${prefix}.resnets.1`, dim, dim),
  ];
}
