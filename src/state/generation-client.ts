import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import type { FramesEvent, PipelineEvent } from '../pipeline/generate/pipeline-events.ts';
import type { RgbImage } from '../pipeline/image/index.ts';
import type { VideoOutputOptions } from '../video/video-format.ts';
import type { MemoryMode } from '../pipeline/generate/memory-mode.ts';
import { proxy, wanWorker } from './worker-client.ts';
import type { WanWorker } from './worker-client.ts';

let nextJob = 0;

/**
 * Runs one generation in the worker. Progress and frames arrive through the callbacks
 * while it runs; with `video` the worker also encodes the file, with `preview` it sends a
 * latent preview after every denoising step. Aborting `signal` cancels
 * it in the worker (GenerationCanceledError).
 */
export async function runGeneration(
  bundleUrl: string,
  settings: GenerationSettings,
  image: RgbImage | null,
  callbacks: { onEvent?: (event: PipelineEvent) => void; onFrames?: (event: FramesEvent) => void; video?: VideoOutputOptions; preview?: boolean; memory?: MemoryMode } = {},
  signal?: AbortSignal,
  worker: WanWorker = wanWorker(),
) {
  const jobId = `job-${++nextJob}`;
  const cancel = () => void worker.cancel(jobId);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    return await worker.generate(
      jobId,
      bundleUrl,
      settings,
      image,
      proxy((event: PipelineEvent) => callbacks.onEvent?.(event)),
      proxy((event: FramesEvent) => callbacks.onFrames?.(event)),
      { ...(callbacks.video ? { video: callbacks.video } : {}), preview: callbacks.preview ?? false, ...(callbacks.memory ? { memory: callbacks.memory } : {}) },
    );
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}
