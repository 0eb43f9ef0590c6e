/**
 * One key of a LoRA file, split into the module it patches and the part it holds. The shared
 * formats, as diffusers' Wan LoRA conversion and ComfyUI's LoRA loader read them:
 * - diffusers / PEFT: `transformer.<diffusers module>.lora_A.weight` / `.lora_B.weight` (also
 *   `base_model.model.` in PEFT's own files, `.lora.down.weight` in older diffusers files);
 * - Kohya / musubi-tuner: `lora_unet_<module, dots as underscores>.lora_down.weight` / `.lora_up.weight` / `.alpha`;
 * - ComfyUI and Wan trainers: `diffusion_model.<Wan module>.lora_down.weight` … in Wan's own names;
 * - full deltas: `<module>.diff` (added to the weight, or to a parameter such as `blocks.0.modulation`)
 *   and `<module>.diff_b` (added to the bias); PEFT's `lora_B.bias` is a bias delta on the LoRA's scale.
 */
export type LoraPart = 'down' | 'up' | 'alpha' | 'diff' | 'diff_b' | 'up_bias';

export interface LoraKey {
  readonly key: string;
  /** The module path with its format prefix removed, in whatever naming the file uses. */
  readonly module: string;
  /** True for Kohya keys, whose module path has its dots written as underscores. */
  readonly underscored: boolean;
  readonly part: LoraPart;
}

const SUFFIXES: readonly (readonly [string, LoraPart])[] = [
  ['.lora_A.weight', 'down'],
  ['.lora_B.weight', 'up'],
  ['.lora_B.bias', 'up_bias'],
  ['.lora_down.weight', 'down'],
  ['.lora_up.weight', 'up'],
  ['.lora.down.weight', 'down'],
  ['.lora.up.weight', 'up'],
  ['.alpha', 'alpha'],
  ['.diff_b', 'diff_b'],
  ['.diff', 'diff'],
];

/** Prefixes that name the transformer in one format or another; the first that matches is removed. */
const DOTTED_PREFIXES = ['base_model.model.transformer.', 'base_model.model.', 'transformer.', 'model.diffusion_model.', 'diffusion_model.'];
const KOHYA_PREFIX = 'lora_unet_';

/** The parsed key, or undefined when it is no LoRA part this reader knows (LoHa, LoKr, DoRA, text encoder …). */
export function parseLoraKey(key: string): LoraKey | undefined {
  const suffix = SUFFIXES.find(([s]) => key.endsWith(s));
  if (!suffix) return undefined;
  const path = key.slice(0, -suffix[0].length);
  if (path.startsWith(KOHYA_PREFIX)) return { key, module: path.slice(KOHYA_PREFIX.length), underscored: true, part: suffix[1] };
  const prefix = DOTTED_PREFIXES.find((p) => path.startsWith(p));
  return { key, module: prefix ? path.slice(prefix.length) : path, underscored: false, part: suffix[1] };
}
