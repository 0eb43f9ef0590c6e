/** The DiT's token grid [F, H/2, W/2] over latents [1, C, F, H, W]: one token per 1×2×2 patch. */
export function ditTokenGrid(latentDims: readonly number[]): [frames: number, height: number, width: number] {
  const [, , frames, height, width] = latentDims as [number, number, number, number, number];
  return [frames, height / 2, width / 2];
}

/** The DiT's sequence length over latents [1, C, F, H, W]. */
export function ditTokenCount(latentDims: readonly number[]): number {
  const [frames, height, width] = ditTokenGrid(latentDims);
  return frames * height * width;
}
