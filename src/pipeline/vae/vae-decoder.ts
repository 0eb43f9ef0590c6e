import { VAE_IO } from '../../bundle/vae-names.ts';
import type { OrtModule, OrtTensor } from '../ort-types.ts';
import type { LatentGrid, VaeStageSession } from './vae-stage-runner.ts';
import { VaeStageRunner, ZeroTensors, resolveDim } from './vae-stage-runner.ts';
import { assert } from '../../assert.ts';
import { ManifestError } from '../../errors.ts';
import { REBUILD_ADVICE } from '../../bundle/manifest.ts';

/** Shape of a latent video [C, frames, height, width] (the official [1, C, F, H, W] without the batch). */
export interface LatentVideoDims {
  readonly frames: number;
  readonly height: number;
  readonly width: number;
}

/** The pixel frames one latent frame decodes to. */
export interface DecodedChunk {
  /** The latent frame it came from. */
  readonly index: number;
  /** Index of its first pixel frame in the video: 0, then 1 + 4·(index − 1). */
  readonly firstFrame: number;
  readonly frames: number;
  /** Pixels (16 × the latent grid). */
  readonly height: number;
  readonly width: number;
  /** RGB [3, frames, height, width], NOT clamped (the official decoder clamps the whole video to [-1, 1] at the end). */
  readonly data: Float32Array;
}

/** Streams latent frames through the decoder stage graphs (see `decoderLayout`). */
export interface VaeDecoder {
  /** Latent channels the decoder takes (48). */
  readonly latentChannels: number;
  /** Pixel frames per latent frame after the first (4); the first gives 1. */
  readonly framesPerChunk: number;
  /**
   * Whether the first chunk is decoded in full and all but its last frame dropped (the tiny
   * decoder, whose stages take no `first` flag: its first frames fill the caches), rather than
   * skipping the work of the frames the first chunk does not have (the full VAE).
   */
  readonly trimsStartupFrames: boolean;
  /**
   * Decodes one normalised latent frame [C, H, W] into RGB [3, n, 16H, 16W] (n = 1 when
   * `first`, else {@link framesPerChunk}). `first` starts a new video: every cache is emptied.
   * Later frames must follow in order, on the same grid.
   */
  decodeChunk(latentFrame: Float32Array, grid: LatentGrid, first: boolean): Promise<Float32Array>;
  /**
   * Decodes a latent video [C, F, H, W] frame by frame, yielding each chunk as soon as it is
   * ready; the caches are released when the generator finishes or is abandoned.
   */
  decodeLatents(z: Float32Array, dims: LatentVideoDims): AsyncGenerator<DecodedChunk>;
  /** Releases the cache tensors (after decoding a video with {@link decodeChunk}). */
  dispose(): void;
}

export interface VaeDecoderOptions {
  /**
   * Run the stages that allow it (all but the first, which has attention) on this many
   * horizontal bands of each frame, to bound memory at large sizes. Needs CPU tensors
   * (onnxruntime-node, or web sessions without GPU outputs). Default 1: whole frames.
   */
  readonly rowBands?: number;
}

/**
 * A streaming decoder over already-created sessions of the decoder stage graphs, in stage
 * order: the VAE's (`vae-decoder-*`) or the tiny decoder's (`tiny-vae-decoder-*`, see
 * tiny-vae-names.ts), told apart by their contracts. Works with any onnxruntime build (onnxruntime-node, onnxruntime-web on WebGPU):
 * intermediate frames and caches are passed between runs as the sessions return them.
 */
export function createVaeDecoder(ort: OrtModule, stages: readonly VaeStageSession[], options: VaeDecoderOptions = {}): VaeDecoder {
  assert(stages.length > 0, 'createVaeDecoder: stages must list the decoder stage sessions (vae-decoder-0, …).');
  const zeros = new ZeroTensors(ort);
  const runners = stages.map((stage) => new VaeStageRunner(ort, stage, zeros, options.rowBands));
  const latentInput = runners[0]!.input(VAE_IO.latent);
  const latentChannels = resolveDim(latentInput.dims[1]!, { height: 1, width: 1 });
  const doubling = stages.filter((s) => s.contract.outputs.some((o) => o.name === VAE_IO.hiddenFrame(1))).length;
  const framesPerChunk = 2 ** doubling;
  const trimsStartupFrames = !stages.some((s) => s.contract.inputs.some((i) => i.name === VAE_IO.first));
  const videoOutput = stages[stages.length - 1]!.contract.outputs.find((o) => o.name === VAE_IO.video);
  if (!videoOutput) throw new ManifestError(`The last VAE decoder stage has no "${VAE_IO.video}" output. ${REBUILD_ADVICE}`);
  const pixelDims = videoOutput.dims;
  let current: LatentGrid | undefined;

  /** Depth first, so each stage sees its frames in time order and few frames are alive at once. */
  async function descend(k: number, input: OrtTensor, first: boolean, frames: OrtTensor[]): Promise<void> {
    const result = await runners[k]!.run({ [k === 0 ? VAE_IO.latent : VAE_IO.hidden]: input }, first);
    if (k > 0) zeros.release(input);
    const rgb = result[VAE_IO.video];
    if (rgb) {
      frames.push(rgb);
      return;
    }
    const [f0, f1] = [result[VAE_IO.hiddenFrame(0)], result[VAE_IO.hiddenFrame(1)]];
    if (!f0 || !f1) throw new ManifestError(`VAE decoder stage ${k} returned neither ${VAE_IO.video} nor ${VAE_IO.hiddenFrame(0)}/${VAE_IO.hiddenFrame(1)}. ${REBUILD_ADVICE}`);
    // In the full VAE's first chunk the time convolution is skipped: only frame 1 is real.
    if (first && !trimsStartupFrames) zeros.release(f0);
    else await descend(k + 1, f0, first, frames);
    await descend(k + 1, f1, first, frames);
  }

  async function decodeChunk(latentFrame: Float32Array, grid: LatentGrid, first: boolean): Promise<Float32Array> {
    const expected = latentChannels * grid.height * grid.width;
    if (latentFrame.length !== expected) {
      throw new RangeError(`latentFrame has ${latentFrame.length} values; a [${latentChannels}, ${grid.height}, ${grid.width}] frame has ${expected}.`);
    }
    if (first) {
      for (const runner of runners) runner.reset(grid);
      current = grid;
    } else if (!current || current.height !== grid.height || current.width !== grid.width) {
      throw new RangeError('decodeChunk: the first latent frame of a video must be decoded with first = true, and later frames on the same grid.');
    }
    const frames: OrtTensor[] = [];
    await descend(0, new ort.Tensor('float32', latentFrame, [1, latentChannels, grid.height, grid.width]), first, frames);
    if (first && trimsStartupFrames) for (const startup of frames.splice(0, frames.length - 1)) zeros.release(startup);
    const [, channels, height, width] = frames[0]!.dims as [number, number, number, number];
    const plane = height * width;
    const out = new Float32Array(channels * frames.length * plane);
    for (let f = 0; f < frames.length; f++) {
      const data = (await frames[f]!.getData()) as Float32Array;
      for (let c = 0; c < channels; c++) out.set(data.subarray(c * plane, (c + 1) * plane), (c * frames.length + f) * plane);
      zeros.release(frames[f]);
    }
    return out;
  }

  async function* decodeLatents(z: Float32Array, dims: LatentVideoDims): AsyncGenerator<DecodedChunk> {
    const { frames, height, width } = dims;
    const plane = height * width;
    if (z.length !== latentChannels * frames * plane) {
      throw new RangeError(`z has ${z.length} values; [${latentChannels}, ${frames}, ${height}, ${width}] needs ${latentChannels * frames * plane}.`);
    }
    try {
      for (let t = 0; t < frames; t++) {
        const frame = new Float32Array(latentChannels * plane);
        for (let c = 0; c < latentChannels; c++) frame.set(z.subarray((c * frames + t) * plane, (c * frames + t + 1) * plane), c * plane);
        const data = await decodeChunk(frame, { height, width }, t === 0);
        yield {
          index: t,
          firstFrame: t === 0 ? 0 : 1 + (t - 1) * framesPerChunk,
          frames: t === 0 ? 1 : framesPerChunk,
          height: resolveDim(pixelDims[2]!, { height, width }),
          width: resolveDim(pixelDims[3]!, { height, width }),
          data,
        };
      }
    } finally {
      dispose();
    }
  }

  function dispose(): void {
    for (const runner of runners) runner.dispose();
    current = undefined;
  }

  return {
    latentChannels,
    framesPerChunk,
    trimsStartupFrames,
    decodeChunk,
    decodeLatents,
    dispose,
  };
}

/** Clamps values to [-1, 1] in place (what the official decoder does to the whole video). */
export function clampUnit(data: Float32Array): Float32Array {
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(-1, data[i]!));
  return data;
}
