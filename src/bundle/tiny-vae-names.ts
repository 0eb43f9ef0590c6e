/**
 * Names of the tiny VAE decoder's stage graphs (madebyollin/taehv's `taew2_2`, built by
 * src/convert/tiny-vae). Their inputs and outputs are named and laid out as the VAE
 * decoder's (`VAE_IO` in vae-names.ts: `latent`, `hidden`, `hidden.0`/`hidden.1`, `video`,
 * caches `cache.<module>.0` → `cache.<module>.new`), with two differences a runner must know:
 *
 * - There is no `first` input. A time-doubling stage always emits two real frames, so every
 *   latent frame decodes to 4 pixel frames, the first one included; of the first latent's four,
 *   the first three are startup frames to drop (upstream `frames_to_trim`), which keeps the
 *   frame count of the full VAE (1 + 4·(F − 1)). They must still be run: they fill the caches.
 * - The `video` output is 2·y − 1 for upstream's y (whose range is [0, 1]), so that it shares
 *   the full decoder's range and its clamp to [-1, 1].
 */

/** Graph name of tiny decoder stage `k` (one .onnx file each). */
export const tinyDecoderGraphName = (k: number) => `tiny-vae-decoder-${k}`;
export const isTinyDecoderGraph = (name: string) => /^tiny-vae-decoder-\d+$/.test(name);

/** Prefix of the tiny decoder's files in a bundle (its graphs and its own weight files), which nothing else uses. */
export const TINY_DECODER_FILE_PREFIX = 'tiny-vae-';

/** Which decoder turns latents into video: the VAE's, or the tiny one (faster, a little less detail). */
export type DecoderChoice = 'full' | 'tiny';
export const DECODER_CHOICES: readonly DecoderChoice[] = ['full', 'tiny'];
