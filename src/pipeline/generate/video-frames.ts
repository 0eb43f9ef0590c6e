/**
 * Decoded frames [3, frames, H, W] in [-1, 1] (unclamped) → one RGBA image per frame, the
 * way Wan saves video: clamp to [-1, 1], (x + 1) / 2 · 255, truncated to uint8.
 */
export function toRgbaFrames(data: Float32Array, frames: number, height: number, width: number): Uint8ClampedArray[] {
  const plane = height * width;
  const out: Uint8ClampedArray[] = [];
  for (let f = 0; f < frames; f++) {
    const rgba = new Uint8ClampedArray(plane * 4);
    for (let c = 0; c < 3; c++) {
      const offset = (c * frames + f) * plane;
      for (let p = 0; p < plane; p++) {
        const x = Math.min(1, Math.max(-1, data[offset + p]!));
        rgba[p * 4 + c] = Math.trunc(Math.fround(Math.fround(Math.fround(x + 1) / 2) * 255));
      }
    }
    for (let p = 0; p < plane; p++) rgba[p * 4 + 3] = 255;
    out.push(rgba);
  }
  return out;
}
