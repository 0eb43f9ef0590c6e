import { startImageCrop } from '../../pipeline/image/index.ts';
import type { GenerationEstimate } from '../../pipeline/estimate/generation-estimate.ts';
import { estimateFor, useEstimateStore } from '../../state/estimate-store.ts';
import { modelLocation, useSettingsStore } from '../../state/settings-store.ts';
import { useStartImageStore } from '../../state/start-image-store.ts';

/** The estimate for the current settings (at the start image's crop size when there is one), or null. */
export function useGenerationEstimate(): GenerationEstimate | null {
  const settings = useSettingsStore();
  const image = useStartImageStore((state) => state.image);
  const profiles = useEstimateStore((state) => state.profiles);
  const size = image ? startImageCrop(image.rgb.width, image.rgb.height, settings.width * settings.height) : settings;
  return estimateFor(profiles, modelLocation(settings), { ...settings, width: size.width, height: size.height, hasStartImage: image !== null });
}
