import type { DecoderChoice } from '../../src/bundle/tiny-vae-names.ts';
import { latentDims } from '../../src/pipeline/generate/generation-settings.ts';
import { WanPipeline } from '../../src/pipeline/generate/wan-pipeline.ts';
import type { PipelineOptions } from '../../src/pipeline/generate/wan-pipeline.ts';
import { seededRandom, uniformArray } from '../../src/seeded-random.ts';

export interface DecodeTiming {
  /** The first latent frame: session creation and shader compilation included. */
  readonly firstFrameSeconds: number;
  /** Median over the later latent frames (each decodes to 4 video frames). */
  readonly secondsPerLatentFrame: number;
}

/**
 * Seconds per decoded latent frame at width × height through the pipeline's own streamed decode
 * (frames and caches in GPU buffers), `latentFrames` random latent frames (at least 2).
 */
export async function timeDecode(options: Omit<PipelineOptions, 'memory'>, size: { width: number; height: number }, latentFrames: number, decoder: DecoderChoice): Promise<DecodeTiming> {
  const pipeline = new WanPipeline({ ...options, memory: 'one-at-a-time' });
  const dims = latentDims({ ...size, frames: 4 * (latentFrames - 1) + 1 });
  const latents = uniformArray(seededRandom(5), dims.reduce((a, b) => a * b, 1), 1);
  const stamps: number[] = [performance.now()];
  try {
    await pipeline.decode(latents, dims, { decoder, onFrames: () => void stamps.push(performance.now()) });
  } finally {
    await pipeline.dispose();
  }
  const seconds = stamps.slice(1).map((t, i) => (t - stamps[i]!) / 1000);
  const later = seconds.slice(1).sort((a, b) => a - b);
  return { firstFrameSeconds: seconds[0]!, secondsPerLatentFrame: later[later.length >> 1]! };
}
