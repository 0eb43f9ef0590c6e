import type { SamplerName } from '../pipeline/generate/generation-settings.ts';

/** An official model the app can install by converting its diffusers weights in the browser. */
export interface CatalogModel {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly repo: string;
  /**
   * A commit of the repository, so the same install always converts the same weights; a
   * branch is pinned to its current commit when an install starts (see pinnedRevision).
   */
  readonly revision: string;
  /** The official weights read during conversion (they are never stored whole). */
  readonly sourceGb: number;
  /**
   * What the installed bundle takes in this browser's storage with the default weights (11.1 GB measured by
   * bench:full-browser with uniform int4; the default int4-mix is 0.5 % more, by bench:quality).
   */
  readonly installedGb: number;
  /** The GPU memory it takes to generate a small clip with int4 weights in the Balanced mode (5.7 GB measured by bench:full-browser); larger videos need more. */
  readonly gpuGb: number;
  /** The sampler it is meant for (FastWan is distilled for 3 DMD steps). */
  readonly sampler: SamplerName;
}

export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    key: 'wan22-ti2v-5b',
    name: 'Wan2.2 TI2V-5B',
    description: "Alibaba's text- and image-to-video model, 720p at 24 fps; 50 UniPC steps with guidance 5.",
    repo: 'Wan-AI/Wan2.2-TI2V-5B-Diffusers',
    revision: 'b8fff7315c768468a5333511427288870b2e9635',
    sourceGb: 34,
    installedGb: 11,
    gpuGb: 6,
    sampler: 'unipc',
  },
  {
    key: 'fastwan22-ti2v-5b',
    name: 'FastWan2.2 TI2V-5B (3 steps)',
    description: 'The same model distilled by FastVideo (DMD) to 3 steps without guidance: about 30× fewer DiT passes.',
    repo: 'FastVideo/FastWan2.2-TI2V-5B-FullAttn-Diffusers',
    revision: 'main',
    sourceGb: 34,
    installedGb: 11,
    gpuGb: 6,
    sampler: 'dmd',
  },
];

/** The folder name of the built-in self-test model (see self-test-model.ts). */
export const SELF_TEST_MODEL_ID = 'self-test';

/** The self-test model's name, which its videos carry as their model. */
export const SELF_TEST_MODEL_NAME = 'Self-test model (tiny random weights)';

/** Where a Hugging Face repository's files are served at a revision. */
export const huggingFaceResolveUrl = (repo: string, revision: string) => `https://huggingface.co/${repo}/resolve/${revision}`;
