// Seeded random weights for the tiny VAE decoder, drawn exactly as
// test/fixtures/taehv/make-reference.py draws them with torch, so upstream's outputs on them
// can be checked without shipping the weights (and the self-test model gets a tiny decoder).
import type { TaehvDecoderConfig, TaehvTensor } from '../convert/tiny-vae/index.ts';
import { decoderModule, headModule } from '../convert/tiny-vae/taehv-config.ts';
import { taehvDecoderTensors } from '../convert/tiny-vae/index.ts';
import type { WeightSource } from '../convert/weights/weight-source.ts';
import { ConvertError } from '../errors.ts';
import { TorchGenerator } from '../pipeline/noise/index.ts';
import type { RandnVariant } from '../pipeline/noise/index.ts';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../safetensors/float16.ts';

/** Standard deviation of the biases. */
const BIAS_STD = 0.1;
/** Added to the head's bias, so the output spreads around upstream's 0.5 rather than sitting in its clamp at 0. */
const OUTPUT_OFFSET = 0.5;

/** One random decoder tensor: its upstream key and shape, and its values as float16 bit patterns. */
export interface RandomTaehvTensor extends TaehvTensor {
  readonly halves: Uint16Array;
}

/**
 * Every decoder tensor of a TAEHV checkpoint with seeded random values: one
 * `torch.Generator().manual_seed(seed)` draws `torch.randn(shape)` for each tensor in
 * state_dict order; each is scaled in float32 (1/√fan_in for a conv weight, {@link BIAS_STD}
 * for a bias, plus {@link OUTPUT_OFFSET} on the head's bias) and rounded to float16.
 * `variant` is torch's CPU kernel to reproduce (make-reference.py ran on an AVX2 CPU).
 */
export function randomTaehvDecoderTensors(config: TaehvDecoderConfig, seed: number, variant: RandnVariant = 'avx2'): RandomTaehvTensor[] {
  const generator = new TorchGenerator(seed, variant);
  const headBias = `${decoderModule(headModule(config))}.bias`;
  return taehvDecoderTensors(config).map((tensor) => {
    const values = generator.randn(tensor.shape);
    const isWeight = tensor.shape.length === 4;
    const scale = Math.fround(isWeight ? 1 / Math.sqrt(tensor.shape.slice(1).reduce((n, d) => n * d, 1)) : BIAS_STD);
    const offset = tensor.name === headBias ? OUTPUT_OFFSET : 0;
    const halves = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) halves[i] = float32ToFloat16Bits(Math.fround(Math.fround(values[i]! * scale) + offset));
    return { ...tensor, halves };
  });
}

/** A weight source (component `taehv`, dtype F16) over tensors from {@link randomTaehvDecoderTensors}. */
export function randomTaehvWeightSource(tensors: readonly RandomTaehvTensor[]): WeightSource {
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  const tensor = (name: string) => {
    const found = byName.get(name);
    if (!found) throw new ConvertError(`The random tiny decoder has no tensor "${name}".`, 'taehv', name);
    return found;
  };
  return {
    component: 'taehv',
    has: (name) => byName.has(name),
    info: (name) => ({ dtype: 'F16', shape: tensor(name).shape }),
    read: async (name) => Float32Array.from(tensor(name).halves, float16BitsToFloat32),
  };
}
