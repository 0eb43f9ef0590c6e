import type { GenerationResult, WanPipeline } from '../../pipeline/generate/wan-pipeline.ts';
import type { FramesEvent, PipelineEvent } from '../../pipeline/generate/pipeline-events.ts';
import type { RgbImage } from '../../pipeline/image/index.ts';
import type { FrameWriter } from '../frame-writer.ts';
import type { GenerationJob } from './generation-options.ts';

export interface VideoToFileOptions {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PipelineEvent) => void;
  /** Which of each batch of decoded frames go to the file (default: all of them). */
  readonly keep?: (event: FramesEvent) => readonly Uint8ClampedArray[];
}

/**
 * Generates one video and streams its frames into the writer `open` gives once their size is
 * known (see createFrameWriter). On failure the
 * writer is still closed, so no ffmpeg is left waiting.
 */
export async function generateVideoToFile<W extends FrameWriter>(
  pipeline: WanPipeline,
  job: GenerationJob,
  image: RgbImage | null,
  open: (width: number, height: number) => W | Promise<W>,
  { signal, onEvent, keep }: VideoToFileOptions = {},
): Promise<{ result: GenerationResult; description: string; writer: W | null }> {
  const output: { writer: W | null } = { writer: null };
  try {
    const result = await pipeline.generate(job.settings, image, {
      decoder: job.decoder,
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onEvent } : {}),
      onFrames: async (event) => {
        output.writer ??= await open(event.width, event.height);
        for (const frame of keep ? keep(event) : event.frames) await output.writer.write(frame);
      },
    });
    const finished = output.writer;
    output.writer = null;
    await finished?.close();
    return { result, description: finished?.description ?? 'no frames', writer: finished };
  } finally {
    // Only after a failure: a short file is better than an ffmpeg that waits for frames forever.
    await output.writer?.close().catch(() => undefined);
  }
}
