import { describe, expect, test } from 'vitest';
import { toRgbaFrames } from '../../src/pipeline/generate/video-frames.ts';

// Decoded VAE output [3, F, H, W] → RGBA per frame, the way Wan's save_video does it:
// clamp to [-1, 1], (x + 1) / 2 · 255, truncated to uint8 (so 0 → 127.5 → 127, −0.75 → 31.875 → 31).
// 2 frames of 2 rows × 3 columns; every channel plane of every frame holds different values.
const H = 2;
const W = 3;
const planes = {
  red: [
    [-1, 0, 1, 0.5, -0.5, 2],
    [0.25, -0.25, 0.75, -0.75, -7, 0.99],
  ],
  green: [
    [0.99, -0.99, 1.0001, -1.0001, 0.1, -0.9],
    [1, -1, 0, 0.5, 0.25, 0.75],
  ],
  blue: [
    [-0.75, -0.5, -0.25, 0, 0.25, 0.5],
    [0.75, 1, 3, -3, -1, -0.25],
  ],
};

/** The expected pixels, [r, g, b] row by row, computed by hand from the table above. */
const expected = [
  [
    [0, 253, 31], [127, 1, 63], [255, 255, 95], // row 0: −1 → 0, 0.99 → 253.725 → 253, 1.0001 clamps to 255
    [191, 0, 127], [63, 140, 159], [255, 12, 191], // row 1: 2 clamps to 255, 0.1 → 140.25 → 140, −0.9 → 12.75 → 12
  ],
  [
    [159, 255, 223], [95, 0, 255], [223, 127, 255], // row 0: 0.25 → 159.375 → 159, 3 clamps to 255
    [31, 191, 0], [0, 159, 0], [253, 223, 95], // row 1: −7 and −3 clamp to 0, −0.25 → 95.625 → 95
  ],
];

describe('decoded frames to RGBA', () => {
  test('channel c of frame f at (y, x) is element [c, f, y, x]; clamped, scaled and truncated; alpha opaque', () => {
    const data = Float32Array.from([...planes.red.flat(), ...planes.green.flat(), ...planes.blue.flat()]);
    const frames = toRgbaFrames(data, 2, H, W);
    expect(frames.length).toBe(2);
    frames.forEach((rgba, f) => {
      expect(rgba.length).toBe(H * W * 4);
      expect(Array.from(rgba)).toEqual(expected[f]!.flatMap(([r, g, b]) => [r, g, b, 255]));
    });
  });

  test('a single pixel, one frame: the layout does not matter, only the arithmetic', () => {
    const [rgba] = toRgbaFrames(Float32Array.of(-1, 1, 0), 1, 1, 1);
    expect(Array.from(rgba!)).toEqual([0, 255, 127, 255]);
  });
});
