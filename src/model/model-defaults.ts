import { FASTWAN_DEFAULTS, WAN_DEFAULTS } from '../pipeline/generate/generation-settings.ts';
import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import type { InstalledModel } from './model-store.ts';
import { SELF_TEST_MODEL_ID } from './model-catalog.ts';

export type ModelDefaults = Partial<Omit<GenerationSettings, 'prompt' | 'negativePrompt' | 'seed'>>;

/**
 * The settings a model is meant to run with, applied when it is chosen: FastWan's 3 DMD steps
 * without guidance, Wan's 50 UniPC steps with guidance 5 and shift 5, and for the self-test
 * model a tiny clip that checks the GPU in seconds. FastWan is recognised by its name or source
 * (the catalog's repository, or a bundle named after it).
 */
export function modelDefaults(model: Pick<InstalledModel, 'id' | 'name' | 'source'>): ModelDefaults {
  if (model.id === SELF_TEST_MODEL_ID) return { width: 128, height: 96, frames: 5, steps: 2, guidance: 5, shift: 5, sampler: 'unipc' };
  const { steps, guidance, shift, sampler } = /fastwan/i.test(`${model.name} ${model.source}`) ? FASTWAN_DEFAULTS : WAN_DEFAULTS;
  return { steps, guidance, shift, sampler };
}
