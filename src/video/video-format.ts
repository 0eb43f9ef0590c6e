import type { VideoCodec } from 'mediabunny';
import type { VideoProvenance } from './video-metadata.ts';

/** The file the video is written to. */
export type VideoContainer = 'mp4' | 'webm';

/** Codecs tried in order, per container: H.264 plays everywhere, VP9 and AV1 where it cannot be encoded. */
export const CODEC_PREFERENCE: Readonly<Record<VideoContainer, readonly VideoCodec[]>> = {
  mp4: ['avc', 'vp9', 'av1'],
  webm: ['vp9', 'av1'],
};

export const MIME_TYPES: Readonly<Record<VideoContainer, string>> = { mp4: 'video/mp4', webm: 'video/webm' };

/** How a finished video is written: container, frame rate. */
export interface VideoOutputOptions {
  readonly container: VideoContainer;
  readonly fps: number;
}

export const DEFAULT_VIDEO_OUTPUT: VideoOutputOptions = { container: 'mp4', fps: 24 };

/** What the encoder made. */
export interface EncodedVideo {
  readonly bytes: Uint8Array;
  readonly mimeType: string;
  readonly container: VideoContainer;
  readonly codec: VideoCodec;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly fps: number;
  /** What it was made from (also in the file's metadata). */
  readonly provenance: VideoProvenance;
}
