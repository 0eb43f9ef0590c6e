/**
 * Names of the VAE stage graphs and of their inputs and outputs: the contract between the
 * builders (src/convert/wan-vae) and the runners (src/pipeline/vae).
 *
 * Every tensor is one frame, [1, C, s·H, s·W] with H × W the latent grid. Besides the names
 * below, a stage has for each causal conv the inputs `cache.<conv>.0` (oldest) … and the
 * output `cache.<conv>.new`; see {@link VaeStage.cacheOutput}.
 */
export const VAE_IO = {
  /** Decoder stage 0 input: one normalised latent frame [1, z, H, W], float32. Encoder output, same layout. */
  latent: 'latent',
  /** One RGB frame [1, 3, 16H, 16W], float32: decoder output (unclamped), encoder input (in [-1, 1]). */
  video: 'video',
  /** Decoder stage k > 0 input, encoder stage output: one frame in the activation type. */
  hidden: 'hidden',
  /** The two frames a time-doubling decoder stage emits, or a time-halving encoder stage takes. */
  hiddenFrame: (i: 0 | 1) => `hidden.${i}`,
  /** Encoder: the input of the down block whose time convolution the next stage applies (for its AvgDown3D shortcut). */
  skip: 'skip',
  skipFrame: (i: 0 | 1) => `skip.${i}`,
  /** bool [1]: true for the first chunk of a video (time convolutions skipped, DupUp3D's first frame dropped). */
  first: 'first',
} as const;

/** Prefix of cache inputs and outputs. */
export const CACHE_PREFIX = 'cache.';
/** Suffix of the cache output (the frame that enters the cache). */
export const CACHE_NEW = 'new';

/** Graph name of decoder stage `k` (one .onnx file each). */
export const decoderGraphName = (k: number) => `vae-decoder-${k}`;
/** Graph name of encoder stage `k`. */
export const encoderGraphName = (k: number) => `vae-encoder-${k}`;
