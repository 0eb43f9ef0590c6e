import { ditDiffusersNameUnprefixed } from '../source-layout/wan-original-names.ts';

/** A Kohya module path longer than this many segments is not one of the transformer's (and would make too many readings). */
const MAX_UNDERSCORES = 12;

/**
 * The transformer tensors (diffusers names, as our builders read them) that a LoRA module path
 * may mean: `<path>.weight` / `<path>.bias` of a layer, or a parameter of its own (`scale_shift_table`).
 * The path may be in diffusers' names or Wan's original ones (mapped by {@link ditDiffusersNameUnprefixed}).
 * A Kohya path has lost its dots (`blocks_0_self_attn_q`), so every reading of its underscores as
 * dots or underscores is tried; the readings that name a tensor of `has` are returned (normally
 * one; more than one is ambiguous and left to the caller to refuse).
 */
export function loraModuleTargets(module: string, underscored: boolean, has: (name: string) => boolean): string[] {
  const found = new Set<string>();
  for (const candidate of underscored ? dottedReadings(module) : [module]) {
    const layer = ditDiffusersNameUnprefixed(`${candidate}.weight`).replace(/\.weight$/, '');
    for (const path of [candidate, layer]) if (has(`${path}.weight`)) found.add(path);
    const parameter = ditDiffusersNameUnprefixed(candidate);
    if (has(parameter)) found.add(parameter);
  }
  return [...found];
}

/** `a_b_c` → `a_b_c`, `a.b_c`, `a_b.c`, `a.b.c`. */
function dottedReadings(module: string): string[] {
  const pieces = module.split('_');
  if (pieces.length - 1 > MAX_UNDERSCORES) return [];
  const readings: string[] = [];
  for (let mask = 0; mask < 1 << (pieces.length - 1); mask++) {
    readings.push(pieces.reduce((text, piece, i) => (i === 0 ? piece : `${text}${mask & (1 << (i - 1)) ? '.' : '_'}${piece}`), ''));
  }
  return readings;
}
