import type { WeightFormat } from './quant-config.ts';
import type { TensorFamily } from './tensor-families.ts';

/** A named choice of weight formats: one for every linear layer, and the families that differ from it. */
export interface WeightPresetSpec {
  readonly base: WeightFormat;
  readonly families: Readonly<Partial<Record<TensorFamily, WeightFormat>>>;
  /** One line for option lists. */
  readonly description: string;
}

/** The presets `--weights` and the install forms offer. The uniform ones keep their old names and bytes. */
export const WEIGHT_PRESETS = {
  int4: { base: 'int4', families: {}, description: 'every linear layer int4 (MatMulNBits, block 32)' },
  int8: { base: 'int8', families: {}, description: 'every linear layer int8 (MatMulNBits, block 32)' },
  fp16: { base: 'fp16', families: {}, description: 'every linear layer fp16' },
  fp32: { base: 'fp32', families: {}, description: 'every linear layer fp32' },
  /**
   * int4, except the small layers whose int4 rounding costs the most (bench:quality): the DiT's
   * patch embedding, time and text embedders, time_proj and output head at int8 (under 1 % of
   * the weights; int8 is as good as fp16 there on the bench).
   */
  'int4-mix': {
    base: 'int4',
    families: { 'patch-embedding': 'int8', 'time-embedder': 'int8', 'time-proj': 'int8', 'text-embedder': 'int8', head: 'int8' },
    description: 'int4, with the DiT\'s embedders, time_proj and output head int8',
  },
} as const satisfies Readonly<Record<string, WeightPresetSpec>>;

export type WeightPreset = keyof typeof WEIGHT_PRESETS;
export const WEIGHT_PRESET_NAMES = Object.keys(WEIGHT_PRESETS) as readonly WeightPreset[];
