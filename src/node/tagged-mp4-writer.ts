import { readFile, rm, writeFile } from 'node:fs/promises';
import { finishVideo } from '../video/finish-video.ts';
import type { VideoExtension } from '../video/finish-video.ts';
import type { VideoOutputOptions } from '../video/video-format.ts';
import type { VideoProvenance } from '../video/video-metadata.ts';
import { extname } from 'node:path';
import { createFrameWriter, hasFfmpeg } from './frame-writer.ts';
import type { FrameWriter } from './frame-writer.ts';

/** What the finished MP4 says about itself, and the video it continues. */
export interface Mp4Finish {
  readonly provenance: VideoProvenance;
  readonly output: VideoOutputOptions;
  /** Asked once every frame is written: the video this one extends, with the measured joint. */
  readonly extension?: () => VideoExtension;
}

/** What a tagged writer made. */
export interface TaggedWriter extends FrameWriter {
  /** Frames in the finished file (all segments); null until closed or when PNG frames were written. */
  readonly frames: () => number | null;
}

/**
 * An MP4 like the studio's: H.264 from ffmpeg (to a temporary file), then re-muxed with
 * Mediabunny, packets untouched, behind the video it extends, with every segment's settings and
 * the last frame (lossless) in the metadata. Without ffmpeg or for a folder: PNG frames as before.
 */
export async function createTaggedWriter(out: string, width: number, height: number, finish: Mp4Finish): Promise<TaggedWriter> {
  if (extname(out).toLowerCase() !== '.mp4' || !hasFfmpeg()) return { ...(await createFrameWriter(out, width, height, finish.output.fps)), frames: () => null };
  const temporary = `${out}.part.mp4`;
  const inner = await createFrameWriter(temporary, width, height, finish.output.fps);
  let last: Uint8ClampedArray | null = null;
  let written = 0;
  let total: number | null = null;
  return {
    description: `${out} (H.264 via ffmpeg)`,
    async write(rgba) {
      await inner.write(rgba);
      last = rgba;
      written++;
    },
    async close() {
      try {
        await inner.close();
        const part = { file: new Blob([await readFile(temporary)]), provenance: finish.provenance, frames: written, output: finish.output, lastFrame: { rgba: last!, width, height } };
        const finished = await finishVideo(part, finish.extension?.());
        await writeFile(out, finished.bytes);
        total = finished.frames;
      } finally {
        await rm(temporary, { force: true });
      }
    },
    frames: () => total,
  };
}
