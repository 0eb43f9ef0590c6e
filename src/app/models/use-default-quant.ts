import { DEFAULT_WEIGHT_PRESET, resolveQuantConfig } from '../../bundle/quant-config.ts';
import type { QuantConfig } from '../../bundle/quant-config.ts';
import { useSystemStore } from '../../state/system-store.ts';

/** The precision a one-click install uses: the default weight preset (int4-mix), fp16 activations where the GPU has shader-f16. */
export function useDefaultQuant(): QuantConfig {
  const capabilities = useSystemStore((state) => state.capabilities);
  const f16 = capabilities?.gpu.available === true && capabilities.gpu.shaderF16;
  return resolveQuantConfig({ weights: DEFAULT_WEIGHT_PRESET, activations: f16 ? 'fp16' : 'fp32' });
}
