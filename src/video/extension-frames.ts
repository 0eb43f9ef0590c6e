import { InvalidInputError } from '../errors.ts';
import type { FramesEvent } from '../pipeline/generate/pipeline-events.ts';
import type { RgbImage } from '../pipeline/image/index.ts';
import { SeamMeter } from './seam-meter.ts';
import type { SeamStats } from './seam-meter.ts';

/** The start frame as RGBA at the video's size, or null when it has another size (then there is no seam to measure). */
function rgbaAt(image: RgbImage, width: number, height: number): Uint8ClampedArray | null {
  if (image.width !== width || image.height !== height) return null;
  if (image.channels === 4) return new Uint8ClampedArray(image.data);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
    rgba[p] = image.data[q]!;
    rgba[p + 1] = image.data[q + 1]!;
    rgba[p + 2] = image.data[q + 2]!;
    rgba[p + 3] = 255;
  }
  return rgba;
}

/**
 * The decoded frames of a segment that extends a video from its last frame (`start`): the
 * segment's first frame is that frame again, so it is left out of the file; the joint is measured.
 */
export class ExtensionFrames {
  private meter: SeamMeter | null | undefined;

  constructor(private readonly start: RgbImage) {}

  static forRequest(image: RgbImage | null): ExtensionFrames {
    if (!image) throw new InvalidInputError('Extending a video needs its last frame as the start image.');
    return new ExtensionFrames(image);
  }

  /** The frames of this chunk that go into the file. */
  take(event: FramesEvent): readonly Uint8ClampedArray[] {
    if (this.meter === undefined) {
      const start = rgbaAt(this.start, event.width, event.height);
      this.meter = start ? new SeamMeter(start) : null;
    }
    for (const frame of event.frames) this.meter?.add(frame);
    return event.firstFrame === 0 ? event.frames.slice(1) : event.frames;
  }

  seam(): SeamStats | null {
    return this.meter?.result() ?? null;
  }
}
