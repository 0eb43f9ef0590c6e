import type { OrtModule } from '../ort-types.ts';
import { previewFrames } from '../preview/latent-preview.ts';
import type { LatentPreviewFrames } from '../preview/latent-preview.ts';
import type { LatentRgbMap } from '../preview/latent-rgb-map.ts';
import { PreviewBudget } from '../preview/preview-budget.ts';
import { tinyDecoderPreview } from '../preview/tiny-decoder-preview.ts';
import { createVaeDecoder } from '../vae/index.ts';
import type { VaeStageSession } from '../vae/index.ts';
import type { StepView } from './denoise-loop.ts';
import { PhaseClock } from './pipeline-events.ts';
import type { PipelineEvent, StepReporter } from './pipeline-events.ts';

/** Makes a denoising step's preview pictures from what the step offers, or null when the step goes without one. */
export type StepPreview = (view: StepView) => Promise<LatentPreviewFrames | null>;

export interface StepPreviewSources {
  readonly ort: OrtModule;
  /** The tiny decoder's stage sessions, where the model has one. */
  readonly tinyDecoder: (() => Promise<VaeStageSession[]>) | null;
  /** The VAE's latent → RGB map (stored, or fitted by running the encoder). */
  readonly latentMap: (onRun: StepReporter) => Promise<LatentRgbMap>;
  /** Where the tiny decoder's previews stay a small part of denoising (default: a PreviewBudget). */
  readonly budget?: PreviewBudget;
  readonly now?: () => number;
}

/**
 * How a step's preview is made: its clean estimate through the tiny decoder when the model
 * has one (true colours, nothing to prepare; within `budget`), else through the latent → RGB
 * map, whose fitting is the 'preparing-preview' phase.
 */
export async function createStepPreview(sources: StepPreviewSources, dims: readonly number[], emit: (event: PipelineEvent) => void): Promise<StepPreview> {
  const [, , frames, height, width] = dims as [number, number, number, number, number];
  if (sources.tinyDecoder) {
    const decoder = createVaeDecoder(sources.ort, await sources.tinyDecoder());
    const budget = sources.budget ?? new PreviewBudget();
    const now = sources.now ?? (() => performance.now());
    let stepStart = now();
    return async (view) => {
      const stepEnd = now();
      try {
        if (!budget.allows()) {
          budget.stepTook(stepEnd - stepStart);
          return null;
        }
        // Reading the estimate back waits for the step's GPU work: that wait is the step's time.
        const latents = await view.denoised();
        const decodeStart = now();
        budget.stepTook(decodeStart - stepStart);
        const pictures = await tinyDecoderPreview(decoder, latents, { frames, height, width });
        budget.previewTook(now() - decodeStart);
        return pictures;
      } finally {
        stepStart = now();
      }
    };
  }
  // One step when the map is stored; else the encoder's runs on the calibration image (the first compile GPU programs).
  const clock = new PhaseClock('preparing-preview', 1);
  emit(clock.progress(0));
  const map = await sources.latentMap(clock.reporter(emit));
  return async (view) => previewFrames(await view.denoisedRgb(map), dims);
}
