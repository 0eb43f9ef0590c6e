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
} as const satisfies Readonly<Record<string, WeightPresetSpec>>;

export type WeightPreset = keyof typeof WEIGHT_PRESETS;
export const WEIGHT_PRESET_NAMES = Object.keys(WEIGHT_PRESETS) as readonly WeightPreset[];
