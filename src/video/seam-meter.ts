/**
 * How much a video changes across the joint of two segments compared with inside the new one,
 * as mean absolute differences of 8-bit RGB values (0–255) between consecutive frames.
 */
export interface SeamStats {
  /** Previous segment's last frame → the new segment's first frame in the file (its second decoded frame). */
  readonly joint: number;
  /** Mean over the consecutive frame pairs of the new segment that the file holds (its first decoded frame is not one of them). */
  readonly within: number;
  /** Previous segment's last frame → the new segment's own first decoded frame (which is dropped): how far the VAE's reconstruction of the start frame is off. */
  readonly startGap: number;
}

/** Mean absolute difference of the RGB channels of two RGBA frames of the same size. */
export function meanAbsRgbDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length % 4 !== 0) throw new Error(`frames of different sizes (${a.length} and ${b.length} values)`);
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) sum += Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!);
  return sum / ((a.length / 4) * 3);
}

/** Takes the new segment's decoded frames in order (its first one included) and measures its seam with the previous segment's last frame. */
export class SeamMeter {
  private previous: Uint8ClampedArray | null = null;
  private count = 0;
  private withinSum = 0;
  private startGap = 0;
  private joint = 0;

  constructor(private readonly previousLast: ArrayLike<number>) {}

  add(frame: Uint8ClampedArray): void {
    if (this.count === 0) this.startGap = meanAbsRgbDifference(this.previousLast, frame);
    if (this.count === 1) this.joint = meanAbsRgbDifference(this.previousLast, frame);
    if (this.count >= 2) this.withinSum += meanAbsRgbDifference(this.previous!, frame);
    // Only the last frame is kept: a copy, since the caller may hand the frame's buffer on.
    this.previous = frame.slice();
    this.count++;
  }

  /** The measurement, or null with fewer than three new frames (no pair inside the new segment to compare with). */
  result(): SeamStats | null {
    if (this.count < 3) return null;
    return { joint: this.joint, within: this.withinSum / (this.count - 2), startGap: this.startGap };
  }
}
