import type { GenerationResult, WanPipeline } from '../../pipeline/generate/wan-pipeline.ts';
import type { PipelineEvent } from '../../pipeline/generate/pipeline-events.ts';
import type { RgbImage } from '../../pipeline/image/index.ts';
import type { FrameWriter } from '../frame-writer.ts';
import type { GenerationJob } from './generation-options.ts';

export interface VideoToFileOptions {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PipelineEvent) => void;
}

/** Opens where the frames go once their size is known (see createFrameWriter). */
export type OpenFrameWriter = (width: number, height: number) => FrameWriter | Promise<FrameWriter>;

/**
 * Generates one video and streams its frames into the writer `open` gives. On failure the
 * writer is still closed, so no ffmpeg is left waiting.
 */
export async function generateVideoToFile(
  pipeline: WanPipeline,
  job: GenerationJob,
  image: RgbImage | null,
  open: OpenFrameWriter,
  { signal, onEvent }: VideoToFileOptions = {},
): Promise<{ result: GenerationResult; description: string }> {
  const output: { writer: FrameWriter | null } = { writer: null };
  try {
    const result = await pipeline.generate(job.settings, image, {
      decoder: job.decoder,
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onEvent } : {}),
      onFrames: async (event) => {
        output.writer ??= await open(event.width, event.height);
        for (const frame of event.frames) await output.writer.write(frame);
      },
    });
    const finished = output.writer;
    output.writer = null;
    await finished?.close();
    return { result, description: finished?.description ?? 'no frames' };
  } finally {
    // Only after a failure: a short file is better than an ffmpeg that waits for frames forever.
    await output.writer?.close().catch(() => undefined);
  }
}
