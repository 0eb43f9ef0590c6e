/** Where one frame of a constant-rate video lies in time, in the units each API takes. */
export interface FrameTiming {
  /** Start, in microseconds (WebCodecs `VideoFrame`): rounded from the exact index / fps, never summed from durations. */
  readonly timestampUs: number;
  readonly durationUs: number;
  /** Start and duration in seconds (Mediabunny `VideoSample`). */
  readonly timestamp: number;
  readonly duration: number;
}

/** Frame `index` (from 0) of a video at `fps` frames per second. */
export function frameTiming(index: number, fps: number): FrameTiming {
  return {
    timestampUs: Math.round((index / fps) * 1e6),
    durationUs: Math.round(1e6 / fps),
    timestamp: index / fps,
    duration: 1 / fps,
  };
}
