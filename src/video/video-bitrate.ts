/** Bits per pixel per frame for generated video: fine texture and motion survive, 5 s of 720p is about 3.5 MB. */
const BITS_PER_PIXEL = 0.25;
/** Small frames compress worse per pixel; below this a clip would lose its detail. */
const MIN_BITRATE = 1_500_000;

/** The target bitrate (bits per second) for a size and frame rate. */
export function videoBitrate(width: number, height: number, fps: number): number {
  return Math.max(MIN_BITRATE, Math.round(width * height * fps * BITS_PER_PIXEL));
}
