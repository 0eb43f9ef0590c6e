import { resolveQuantConfig } from '../../bundle/quant-config.ts';
import type { QuantConfig } from '../../bundle/quant-config.ts';
import { useSystemStore } from '../../state/system-store.ts';

/** The precision a one-click install uses: int4 weights, fp16 activations where the GPU has shader-f16. */
export function useDefaultQuant(): QuantConfig {
  const capabilities = useSystemStore((state) => state.capabilities);
  const f16 = capabilities?.gpu.available === true && capabilities.gpu.shaderF16;
  return resolveQuantConfig({ weights: 'int4', activations: f16 ? 'fp16' : 'fp32' });
}
