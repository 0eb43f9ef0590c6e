import { validateSettings } from '../generate/generation-settings.ts';
import type { GenerationSettings } from '../generate/generation-settings.ts';

/** Sides scaled by `factor` and rounded to the 32-pixel grid (at least 32). */
const scaled = (side: number, factor: number) => Math.max(32, Math.round((side * factor) / 32) * 32);

/**
 * The short runs that measure a machine for estimates at `settings`' size: half its area and
 * all of it, so that DiT token counts and decoded pixels each take two values (what the
 * estimate's fits need). Three steps and three latent frames each, as the first step and the
 * first two decoded frames are not steady-state (see GenerationMeasurement). The user's
 * prompt, sampler and guidance: a step's own work (the sampler update, combining the guided
 * passes) counts too.
 */
export function calibrationRuns(settings: GenerationSettings): GenerationSettings[] {
  return [Math.SQRT1_2, 1].map((factor) =>
    validateSettings({
      prompt: settings.prompt,
      ...(settings.negativePrompt !== undefined ? { negativePrompt: settings.negativePrompt } : {}),
      width: scaled(settings.width, factor),
      height: scaled(settings.height, factor),
      frames: 9,
      steps: 3,
      guidance: settings.guidance,
      shift: settings.shift,
      sampler: settings.sampler,
      seed: 0,
    }),
  );
}
