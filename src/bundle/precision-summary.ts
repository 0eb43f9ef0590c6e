import type { BundleManifest } from './manifest.ts';
import type { WeightFormat } from './quant-config.ts';
import { weightFormatOf } from './quant-config.ts';
import { TENSOR_FAMILIES } from './tensor-families.ts';
import type { TensorFamily } from './tensor-families.ts';

type Precision = BundleManifest['precision'];

/** Each family's weight format; a bundle written before families gives every family its one `weights` format. */
export function familyFormats(precision: Precision): readonly { readonly family: TensorFamily; readonly format: WeightFormat }[] {
  return TENSOR_FAMILIES.map((family) => ({ family, format: weightFormatOf(precision, family) }));
}

/**
 * The weights in one line: "int4" when every family has one format, else the most common
 * format and the families that differ, e.g. "int4, int8 for head, time-proj".
 */
export function describeWeights(precision: Precision): string {
  const formats = familyFormats(precision);
  const counts = new Map<WeightFormat, number>();
  for (const { format } of formats) counts.set(format, (counts.get(format) ?? 0) + 1);
  const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const others = [...counts.keys()].filter((format) => format !== main);
  const parts = others.map((format) => `${format} for ${formats.filter((f) => f.format === format).map((f) => f.family).join(', ')}`);
  const named = precision.preset !== undefined && precision.preset !== main ? `${precision.preset}: ` : '';
  return `${named}${[main, ...parts].join(', ')}`;
}
