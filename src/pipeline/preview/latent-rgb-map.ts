import { ridgeLeastSquares } from './least-squares.ts';

/** A fixed linear map from latent channels to RGB in [-1, 1]: rgb = W·z + b, per latent pixel. */
export interface LatentRgbMap {
  readonly channels: number;
  /** [3][channels], row-major. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** Encodes an image [3, 1, H, W] in [-1, 1] into latents [C, 1, H/16, W/16] (the pipeline's VAE encoder). */
export type ImageEncoder = (pixels: Float32Array, width: number, height: number) => Promise<Float32Array>;

/** Levels per colour axis of the calibration image (levels³ flat tiles spanning the RGB cube; 64 colours over-determine the 49 unknowns per colour channel). */
const LEVELS = 4;
/** Changes whenever the fit does, so maps fitted before are fitted again. */
export const LATENT_RGB_FIT_VERSION = 2;
/** Image pixels per latent pixel (Wan2.2's VAE: 8× in the VAE, 2× patchify). */
const LATENT_STRIDE = 16;
/** A tile covers 2×2 latent pixels, so every latent pixel sees mostly its own colour. */
const TILE = 2 * LATENT_STRIDE;

/** Tiles of flat colour spanning the RGB cube, as the VAE takes images, and each tile's colour. */
export function calibrationImage(): { pixels: Float32Array; width: number; height: number; columns: number; colours: number[][] } {
  const colours: number[][] = [];
  for (let r = 0; r < LEVELS; r++) for (let g = 0; g < LEVELS; g++) for (let b = 0; b < LEVELS; b++) colours.push([r, g, b].map((v) => (2 * v) / (LEVELS - 1) - 1));
  const columns = Math.ceil(Math.sqrt(colours.length));
  const rows = Math.ceil(colours.length / columns);
  while (colours.length < columns * rows) colours.push([0, 0, 0]);
  const [width, height] = [columns * TILE, rows * TILE];
  const plane = width * height;
  const pixels = new Float32Array(3 * plane);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = colours[Math.floor(y / TILE) * columns + Math.floor(x / TILE)]!;
      for (let c = 0; c < 3; c++) pixels[c * plane + y * width + x] = colour[c]!;
    }
  }
  return { pixels, width, height, columns, colours };
}

/**
 * Fits the latent → RGB map of a model's VAE: encodes flat colour tiles and regresses each
 * latent pixel's colour on its channels (plus a bias). One small encoder run per model.
 */
export async function fitLatentRgbMap(encode: ImageEncoder): Promise<LatentRgbMap> {
  const image = calibrationImage();
  const latents = await encode(image.pixels, image.width, image.height);
  const [latentWidth, latentHeight] = [image.width / LATENT_STRIDE, image.height / LATENT_STRIDE];
  const plane = latentWidth * latentHeight;
  const channels = latents.length / plane;
  if (!Number.isInteger(channels)) throw new RangeError(`the VAE encoder returned ${latents.length} values for a ${latentWidth}x${latentHeight} latent`);
  const samples: Float64Array[] = [];
  const targets: Float64Array[] = [];
  for (let y = 0; y < latentHeight; y++) {
    for (let x = 0; x < latentWidth; x++) {
      const sample = new Float64Array(channels + 1);
      for (let c = 0; c < channels; c++) sample[c] = latents[c * plane + y * latentWidth + x]!;
      sample[channels] = 1;
      samples.push(sample);
      const tile = Math.floor((y * LATENT_STRIDE) / TILE) * image.columns + Math.floor((x * LATENT_STRIDE) / TILE);
      targets.push(Float64Array.from(image.colours[tile]!));
    }
  }
  const solution = ridgeLeastSquares(samples, targets, 1e-3 * samples.length);
  const weights = new Float32Array(3 * channels);
  for (let c = 0; c < channels; c++) for (let k = 0; k < 3; k++) weights[k * channels + c] = solution[c]![k]!;
  return { channels, weights, bias: Float32Array.from([0, 1, 2], (k) => solution[channels]![k]!) };
}
