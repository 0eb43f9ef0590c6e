import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { COMPONENTS } from '../../pipeline/components.ts';
import type { ComponentName } from '../../pipeline/components.ts';
import type { BundleAccess } from '../../pipeline/bundle-access.ts';
import { relativeRmsError } from '../../relative-rms-error.ts';
import { readCaseFile } from '../cli/tensor-files.ts';

/** One output of a golden case that the quality measurement compares with the official one. */
export interface QualityCase {
  /** Column heading. */
  readonly label: string;
  /** `<golden>/cases/<file>.safetensors` */
  readonly file: string;
  readonly component: ComponentName;
  /** The output tensor compared (the case file holds the official one under the same name). */
  readonly tensor: string;
}

export const DIT_STEP_CASE: QualityCase = { label: 'DiT step', file: 'dit_t2v', component: 'dit', tensor: 'v' };
export const TEXT_ENCODER_CASE: QualityCase = { label: 'text encoder', file: 'text_encoder', component: 'text-encoder', tensor: 'output' };
export const SAMPLE_RUN_CASE: QualityCase = { label: '8-step run', file: 'sample_t2v', component: 'sample', tensor: 'final' };

/** What the quality bench measures per precision: one DiT step, the text encoder, the VAE decoder, a whole 8-step sampling run. */
export const QUALITY_CASES: readonly QualityCase[] = [
  DIT_STEP_CASE,
  TEXT_ENCODER_CASE,
  { label: 'VAE decode', file: 'vae_decode', component: 'vae-decode', tensor: 'video' },
  SAMPLE_RUN_CASE,
];

/**
 * Runs one component of `bundle` on onnxruntime-node (CPU) from a golden case's inputs and
 * returns the relative RMS error of its output against the official one.
 */
export async function goldenError(bundle: BundleAccess, goldenDir: string, c: QualityCase): Promise<number> {
  const input = await readCaseFile(join(goldenDir, 'cases', `${c.file}.safetensors`));
  try {
    const outputs = await COMPONENTS[c.component]({ ort, bundle }, input);
    const ours = outputs[c.tensor];
    if (!ours) throw new Error(`${c.component} gave no "${c.tensor}" output`);
    return relativeRmsError(ours.data, (await input.float(c.tensor)).data);
  } finally {
    await input.close();
  }
}
