/**
 * Names of the VAE stage graphs and of their inputs and outputs: the contract between the
 * builders (src/convert/wan-vae) and the runners (src/pipeline/vae).
 *
 * Every graph call handles one frame (a time-halving encoder stage: two). Tensors the host
 * reads or writes (`latent`, `video`) are float32 and channels-first, [1, C, s·H, s·W], with
 * H × W the latent grid. Everything else — frames passed between stages and the causal-conv
 * caches — is opaque to the host: the runner hands each output to the next call unread. Those
 * are in the activation type and channels-last, [1, s·H, s·W, C].
 *
 * Caches: for each causal conv a graph takes `cache.<conv>.0` (oldest) and `cache.<conv>.1`
 * (the encoder's stride-2 time convs take only `.0`) and returns either
 *   - `cache.<conv>.new`: the runner drops `.0`, shifts, and appends `.new` (cached input frames), or
 *   - `cache.<conv>.<i>.next` for every slot: each replaces its slot (cached partial sums, for a
 *     conv that narrows the width; see `partialSumConv3`).
 * With int8 caches (`--vae-cache int8`) every cache tensor above is int8 and has a companion
 * `cache.<conv>.scale.…` (same suffix), float32 [1, s·H, s·W, 1]: one scale per position, the
 * value being q · scale. The companion is a state of its own with the same update rule.
 * They start as zeros, which is the official code's zero padding. First chunk (`first` = true): a time-doubling decoder stage
 * skips its time_conv and only `hidden.1` is a real frame; a time-halving encoder stage gets its
 * one real frame as `hidden.1`/`skip.1` and zeros as `hidden.0`/`skip.0`.
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
/** Suffix of a slot's replacement (`cache.<conv>.<i>.next`). */
export const CACHE_NEXT = 'next';
/** The part of an int8 cache's name that marks its per-position scales (`cache.<conv>.scale.<i>`). */
export const CACHE_SCALE = 'scale';

/** Graph name of decoder stage `k` (one .onnx file each). */
export const decoderGraphName = (k: number) => `vae-decoder-${k}`;
export const isDecoderGraph = (name: string) => /^vae-decoder-\d+$/.test(name);
/** Graph name of encoder stage `k`. */
export const encoderGraphName = (k: number) => `vae-encoder-${k}`;
