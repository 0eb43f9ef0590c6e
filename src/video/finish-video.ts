import type { VideoCodec } from 'mediabunny';
import { InvalidInputError } from '../errors.ts';
import { extendedProvenance } from './extended-provenance.ts';
import type { VideoOutputOptions } from './video-format.ts';
import { joinVideos } from './video-join.ts';
import type { VideoPart } from './video-join.ts';
import { lastFrameImage } from './last-frame.ts';
import { metadataTags, readEmbeddedSettings } from './video-metadata.ts';
import type { VideoProvenance } from './video-metadata.ts';
import type { SeamStats } from './seam-meter.ts';

/** The video a new segment continues: its file, a name for messages, and the measured joint. */
export interface VideoExtension {
  readonly previous: Blob;
  readonly name: string;
  readonly seam: SeamStats | null;
}

/** A frame as the decoder made it. */
export interface RgbaFrame {
  readonly rgba: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** The newly encoded video (a later segment's shared first frame already left out). */
export interface EncodedPart {
  readonly file: Blob;
  readonly provenance: VideoProvenance;
  /** Frames it holds. */
  readonly frames: number;
  readonly output: VideoOutputOptions;
  readonly lastFrame: RgbaFrame;
}

export interface FinishedVideo {
  readonly bytes: Uint8Array;
  readonly codec: VideoCodec;
  readonly frames: number;
  readonly provenance: VideoProvenance;
}

/**
 * Writes the final file: the new video's packets (after the previous video's, when it extends
 * one), the settings of every segment and the last frame, lossless, in the metadata. Packets are
 * copied, never re-encoded.
 */
export async function finishVideo(part: EncodedPart, extension?: VideoExtension): Promise<FinishedVideo> {
  const own: VideoPart = { file: part.file, name: extension ? 'the new segment' : 'the new video' };
  let provenance = part.provenance;
  const parts: VideoPart[] = [own];
  if (extension) {
    const previous = await readEmbeddedSettings(extension.previous, extension.name);
    if (previous.output.container !== part.output.container || previous.output.fps !== part.output.fps) {
      throw new InvalidInputError(
        `${extension.name} is ${previous.output.container.toUpperCase()} at ${previous.output.fps} fps; its extension must be the same (it was asked for as ${part.output.container.toUpperCase()} at ${part.output.fps} fps).`,
      );
    }
    provenance = extendedProvenance(previous.provenance, part.provenance, part.frames, extension.seam);
    parts.unshift({ file: extension.previous, name: extension.name });
  }
  const { rgba, width, height } = part.lastFrame;
  const tags = metadataTags(provenance, part.output, lastFrameImage(rgba, width, height));
  const joined = await joinVideos(parts, part.output.container, part.output.fps, tags);
  return { bytes: joined.bytes, codec: joined.codec, frames: joined.frames, provenance };
}
