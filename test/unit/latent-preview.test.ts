import { describe, expect, test } from 'vitest';
import { ridgeLeastSquares } from '../../src/pipeline/preview/least-squares.ts';
import { calibrationImage, fitLatentRgbMap } from '../../src/pipeline/preview/latent-rgb-map.ts';
import { previewFrames, projectLatents } from '../../src/pipeline/preview/latent-preview.ts';
import { cleanEstimate, combineArrays } from '../../src/pipeline/sampling/index.ts';

/** A deterministic pseudo-random stream in [-1, 1). */
function stream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

describe('ridge least squares', () => {
  test('recovers an exact linear relation with a bias column', () => {
    const next = stream(1);
    const truth = [
      [2, -1],
      [0.5, 3],
      [-4, 0.25],
    ];
    const x = Array.from({ length: 40 }, () => Float64Array.from([next(), next(), 1]));
    const y = x.map((row) => Float64Array.from([0, 1], (k) => row.reduce((sum, v, i) => sum + v * truth[i]![k]!, 0)));
    const w = ridgeLeastSquares(x, y, 0);
    w.forEach((row, i) => row.forEach((value, k) => expect(value).toBeCloseTo(truth[i]![k]!, 10)));
  });

  test('says what is wrong with mismatched rows', () => {
    expect(() => ridgeLeastSquares([Float64Array.of(1)], [], 0)).toThrow(/as many target rows/);
  });
});

describe('latent → RGB preview map', () => {
  // A stand-in VAE encoder that is exactly linear: each 16×16 block's mean colour through a fixed 48×3 matrix plus an offset.
  const channels = 48;
  const next = stream(7);
  const mix = Float64Array.from({ length: channels * 3 }, () => next());
  const offset = Float64Array.from({ length: channels }, () => next());
  const linearEncoder = async (pixels: Float32Array, width: number, height: number) => {
    const [lw, lh] = [width / 16, height / 16];
    const out = new Float32Array(channels * lw * lh);
    for (let y = 0; y < lh; y++) {
      for (let x = 0; x < lw; x++) {
        const mean = [0, 1, 2].map((c) => {
          let sum = 0;
          for (let dy = 0; dy < 16; dy++) for (let dx = 0; dx < 16; dx++) sum += pixels[c * width * height + (16 * y + dy) * width + 16 * x + dx]!;
          return sum / 256;
        });
        for (let k = 0; k < channels; k++) out[k * lw * lh + y * lw + x] = offset[k]! + mean.reduce((s, m, c) => s + m * mix[k * 3 + c]!, 0);
      }
    }
    return out;
  };

  test('the calibration image spans the RGB cube in tiles of 2×2 latent pixels', () => {
    const image = calibrationImage();
    expect(image.width % 32).toBe(0);
    expect(image.height % 32).toBe(0);
    expect(image.colours).toContainEqual([-1, -1, -1]);
    expect(image.colours).toContainEqual([1, 1, 1]);
    expect(image.colours.some(([r, g, b]) => r === 1 && g === -1 && Math.abs(b! - 1 / 3) < 1e-9)).toBe(true);
    expect(new Set(image.colours.map(String)).size).toBe(64);
  });

  test('fitted on an encoder, it maps the encoder’s latents back to their colours', async () => {
    const map = await fitLatentRgbMap(linearEncoder);
    expect(map.channels).toBe(channels);
    // Latents of a 2-frame 32×16 video: frame 0 orange and blue halves, frame 1 grey.
    const colours = [
      [1, 0, -1],
      [-1, -0.5, 1],
      [0, 0, 0],
    ];
    const [frames, h, w] = [2, 1, 2];
    const latents = new Float32Array(channels * frames * h * w);
    const pixelColours = [colours[0]!, colours[1]!, colours[2]!, colours[2]!];
    pixelColours.forEach((colour, index) => {
      const [f, p] = [Math.floor(index / 2), index % 2];
      for (let k = 0; k < channels; k++) latents[(k * frames + f) * h * w + p] = offset[k]! + colour.reduce((s, v, c) => s + v * mix[k * 3 + c]!, 0);
    });
    const preview = previewFrames(projectLatents(latents, [1, channels, frames, h, w], map), [1, channels, frames, h, w]);
    expect(preview.frames).toHaveLength(2);
    expect([preview.width, preview.height]).toEqual([2, 1]);
    pixelColours.forEach((colour, index) => {
      const rgba = preview.frames[Math.floor(index / 2)]!;
      const p = index % 2;
      colour.forEach((v, c) => expect(Math.abs(rgba[4 * p + c]! - (v + 1) * 127.5)).toBeLessThanOrEqual(1.5));
      expect(rgba[4 * p + 3]).toBe(255);
    });
  });

  test('refuses latents with another channel count', async () => {
    const map = await fitLatentRgbMap(linearEncoder);
    expect(() => projectLatents(new Float32Array(16), [1, 16, 1, 1, 1], map)).toThrow(/48 latent channels/);
  });

  test('the clean-latent estimate inverts x_t = (1 − σ)·x₀ + σ·noise with v = noise − x₀', () => {
    const [x0, noise, sigma] = [Float32Array.of(0.5, -2), Float32Array.of(1, 0.25), 0.75];
    const xt = x0.map((v, i) => (1 - sigma) * v + sigma * noise[i]!);
    const v = noise.map((n, i) => n - x0[i]!);
    Array.from(combineArrays(cleanEstimate(xt, v, sigma))).forEach((value, i) => expect(value).toBeCloseTo(x0[i]!, 6));
  });
});
