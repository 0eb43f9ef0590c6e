import type { TaehvDecoderConfig } from './taehv-config.ts';
import { blockModules, decoderModule, headModule } from './taehv-config.ts';

/** One decoder tensor of a TAEHV checkpoint: its upstream key and shape. */
export interface TaehvTensor {
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * Every decoder tensor of a TAEHV checkpoint, in upstream `state_dict()` order (modules by
 * index; in a MemBlock its three convs, weight before bias; MemBlocks of equal widths have no
 * skip conv). taew2_2 has 64, 9.9 M values.
 */
export function taehvDecoderTensors(config: TaehvDecoderConfig): TaehvTensor[] {
  const [n0] = config.widths;
  const tensors: TaehvTensor[] = [];
  const conv = (prefix: string, cout: number, cin: number, kernel: number, bias: boolean) => {
    tensors.push({ name: `${prefix}.weight`, shape: [cout, cin, kernel, kernel] });
    if (bias) tensors.push({ name: `${prefix}.bias`, shape: [cout] });
  };
  conv(decoderModule(1), n0, config.latentChannels, 3, true);
  config.timeUpscale.forEach((doubles, b) => {
    const n = config.widths[b]!;
    const modules = blockModules(b);
    for (const index of modules.memBlocks) {
      conv(`${decoderModule(index)}.conv.0`, n, 2 * n, 3, true);
      conv(`${decoderModule(index)}.conv.2`, n, n, 3, true);
      conv(`${decoderModule(index)}.conv.4`, n, n, 3, true);
    }
    conv(`${decoderModule(modules.tGrow)}.conv`, doubles ? 2 * n : n, n, 1, false);
    conv(decoderModule(modules.conv), config.widths[b + 1]!, n, 3, false);
  });
  conv(decoderModule(headModule(config)), config.imageChannels * config.patchSize ** 2, config.widths[3], 3, true);
  return tensors;
}
