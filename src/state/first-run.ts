import { MODEL_CATALOG, SELF_TEST_MODEL_ID, SELF_TEST_MODEL_NAME } from '../model/model-catalog.ts';
import type { CatalogModel } from '../model/model-catalog.ts';
import type { InstalledModel } from '../model/model-store.ts';

/** Where a newcomer is: the self-test model to install, its video to make, then a real model to install. */
export type OnboardingStep = 'install-self-test' | 'make-self-test-video' | 'install-real-model';

/** The onboarding step to show, or null once a real model is installed or the guide was closed. */
export function onboardingStep(models: readonly Pick<InstalledModel, 'id'>[], selfTestVideoMade: boolean, dismissed: boolean): OnboardingStep | null {
  if (dismissed || models.some((model) => model.id !== SELF_TEST_MODEL_ID)) return null;
  if (models.length === 0) return 'install-self-test';
  return selfTestVideoMade ? 'install-real-model' : 'make-self-test-video';
}

/** True for a video the self-test model made (its noise is by design). */
export const isSelfTestVideo = (modelName: string) => modelName === SELF_TEST_MODEL_NAME;

/** The real model to recommend first: FastWan, the fastest, where the catalog has it; else the first one. */
export function recommendedModel(catalog: readonly CatalogModel[] = MODEL_CATALOG): CatalogModel {
  const first = catalog.find((model) => model.sampler === 'dmd') ?? catalog[0];
  if (!first) throw new RangeError('the model catalog is empty');
  return first;
}

/** The connection speed a "typical" read time is given for: 100 Mbit/s. */
export const TYPICAL_BITS_PER_SECOND = 100e6;

/** What installing a catalog model costs, in bytes and seconds. */
export interface InstallCost {
  readonly readBytes: number;
  readonly diskBytes: number;
  readonly gpuBytes: number;
  /** Reading the source at `bitsPerSecond`. */
  readonly readSeconds: number;
}

export function installCost(model: Pick<CatalogModel, 'sourceGb' | 'installedGb' | 'gpuGb'>, bitsPerSecond = TYPICAL_BITS_PER_SECOND): InstallCost {
  const readBytes = model.sourceGb * 1e9;
  return { readBytes, diskBytes: model.installedGb * 1e9, gpuBytes: model.gpuGb * 1e9, readSeconds: (readBytes * 8) / bitsPerSecond };
}
