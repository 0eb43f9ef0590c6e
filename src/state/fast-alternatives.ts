import { modelDefaults } from '../model/model-defaults.ts';
import { installedModel } from '../model/model-location.ts';
import type { ModelLocation } from '../model/model-location.ts';
import { MODEL_CATALOG } from '../model/model-catalog.ts';
import type { CatalogModel } from '../model/model-catalog.ts';
import type { InstalledModel } from '../model/model-store.ts';
import { FASTWAN_DEFAULTS } from '../pipeline/generate/generation-settings.ts';
import { modelLocation } from './settings-store.ts';
import type { Settings } from './settings-store.ts';

/** An estimate over this is long enough to offer something faster beside Generate. */
export const LONG_ESTIMATE_MS = 10 * 60_000;

/** The draft area: 640×352, the smallest 16:9 size Wan2.2 makes well. */
const DRAFT_AREA = 640 * 352;

/** One click towards a shorter wait, with its own estimate where this machine has measured that model. */
export type FastAlternative =
  | { readonly kind: 'use-model'; readonly model: InstalledModel; readonly estimateMs: number | null }
  | { readonly kind: 'settings'; readonly label: string; readonly changes: Partial<Settings>; readonly estimateMs: number | null }
  | { readonly kind: 'install'; readonly model: CatalogModel };

/** The estimate for the model at `location` with `settings`, from this machine's measurements, or null. */
export type EstimateOf = (location: ModelLocation, settings: Settings) => number | null;

const isDistilled = (model: InstalledModel) => modelDefaults(model).sampler === 'dmd';

/** The same shape at the draft area (sides on the 32-pixel grid), or null when the size is not larger than that. */
export function draftSize(width: number, height: number): { width: number; height: number } | null {
  const factor = Math.sqrt(DRAFT_AREA / (width * height));
  if (factor >= 1) return null;
  const side = (length: number) => Math.max(32, Math.round((length * factor) / 32) * 32);
  return { width: side(width), height: side(height) };
}

/**
 * Faster ways to the same video when the estimate is over LONG_ESTIMATE_MS: FastWan (chosen
 * when installed, else offered to install), its DMD sampler with 3 steps when FastWan runs
 * with another sampler, and a draft size.
 */
export function fastAlternatives(settings: Settings, estimateMs: number | null, installed: readonly InstalledModel[], estimateOf: EstimateOf): FastAlternative[] {
  const location = modelLocation(settings);
  if (estimateMs === null || estimateMs <= LONG_ESTIMATE_MS || !location) return [];
  const chosen = installed.find((model) => location.kind === 'installed' && model.id === location.id);
  const alternatives: FastAlternative[] = [];
  const fast = installed.find(isDistilled);
  if (chosen && isDistilled(chosen)) {
    if (settings.sampler !== 'dmd') {
      const changes = { steps: FASTWAN_DEFAULTS.steps, guidance: FASTWAN_DEFAULTS.guidance, sampler: FASTWAN_DEFAULTS.sampler };
      alternatives.push({ kind: 'settings', label: 'DMD sampler, 3 steps', changes, estimateMs: estimateOf(location, { ...settings, ...changes }) });
    }
  } else if (fast) {
    alternatives.push({ kind: 'use-model', model: fast, estimateMs: estimateOf(installedModel(fast.id), { ...settings, ...modelDefaults(fast) }) });
  } else {
    const catalogFast = MODEL_CATALOG.find((model) => model.sampler === 'dmd');
    if (catalogFast) alternatives.push({ kind: 'install', model: catalogFast });
  }
  const draft = draftSize(settings.width, settings.height);
  if (draft) {
    alternatives.push({ kind: 'settings', label: `Draft size ${draft.width}×${draft.height}`, changes: draft, estimateMs: estimateOf(location, { ...settings, ...draft }) });
  }
  return alternatives;
}
