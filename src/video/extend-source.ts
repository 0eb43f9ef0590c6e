import { ALL_FORMATS, BlobSource, Input, VideoSampleSink } from 'mediabunny';
import { InvalidInputError } from '../errors.ts';
import type { RgbImage } from '../pipeline/image/index.ts';
import { readLastFrame } from './last-frame.ts';
import { embeddedIn } from './video-metadata.ts';
import type { EmbeddedSettings } from './video-metadata.ts';
import { segmentsOf } from './extended-provenance.ts';
import { MAX_SEGMENTS } from './video-segments.ts';

/** A finished video to continue: what it was made from and the frame the next segment starts at. */
export interface ExtendSource extends EmbeddedSettings {
  readonly lastFrame: RgbImage;
  /** True when the last frame came from the file's metadata as the VAE made it; false when it was decoded from the video (codec loss). */
  readonly lossless: boolean;
}

/**
 * Reads a video made by this app for extending: its settings (every segment's) and its last
 * frame, from the metadata where kept, else decoded with WebCodecs through Mediabunny (browsers
 * only). Throws InvalidInputError in words for a video that cannot be extended.
 */
export async function readExtendSource(file: Blob, name: string): Promise<ExtendSource> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const embedded = await embeddedIn(input, name);
    if (segmentsOf(embedded.provenance).length >= MAX_SEGMENTS) throw new InvalidInputError(`${name} has been extended as often as a video can be.`);
    const kept = await readLastFrame(input);
    if (kept) return { ...embedded, lastFrame: kept, lossless: true };
    return { ...embedded, lastFrame: await decodeLastFrame(input, name), lossless: false };
  } finally {
    input.dispose();
  }
}

async function decodeLastFrame(input: Input, name: string): Promise<RgbImage> {
  if (typeof VideoDecoder === 'undefined') {
    throw new InvalidInputError(
      `${name} does not keep its last frame in its metadata (videos made by wan-web before extending existed), and there is no video decoder here to read it. Extend it in the studio, which decodes it in the browser.`,
    );
  }
  const track = await input.getPrimaryVideoTrack();
  if (!track || !(await track.canDecode())) throw new InvalidInputError(`${name}'s video cannot be decoded in this browser, so it cannot be extended here.`);
  const sample = await new VideoSampleSink(track).getSample(Infinity);
  if (!sample) throw new InvalidInputError(`${name} has no frames.`);
  try {
    const data = new Uint8Array(sample.allocationSize({ format: 'RGBA' }));
    await sample.copyTo(data, { format: 'RGBA' });
    return { data, width: sample.codedWidth, height: sample.codedHeight, channels: 4 };
  } finally {
    sample.close();
  }
}
