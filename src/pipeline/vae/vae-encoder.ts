import { VAE_IO } from '../../bundle/vae-names.ts';
import type { OrtModule, OrtTensor } from '../ort-types.ts';
import type { VaeStageSession } from './vae-stage-runner.ts';
import { VaeStageRunner, ZeroTensors, resolveDim } from './vae-stage-runner.ts';
import { assert } from '../../assert.ts';
import { ManifestError } from '../../errors.ts';
import { REBUILD_ADVICE } from '../../bundle/manifest.ts';
import type { StepReporter } from '../generate/pipeline-events.ts';

/** Shape of a pixel video [3, frames, height, width] (the official [1, 3, F, H, W] without the batch). */
export interface VideoDims {
  readonly frames: number;
  readonly height: number;
  readonly width: number;
}

/** A normalised latent video [C, frames, height, width]: what the sampler works on. */
export interface EncodedLatents {
  readonly data: Float32Array;
  readonly channels: number;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
}

/** Runs the encoder stage graphs (see `encoderLayout`). */
export interface VaeEncoder {
  /** Frames per chunk after the first (4): a video has 1 + 4k frames and encodes to 1 + k latent frames. */
  readonly framesPerChunk: number;
  /** Pixels per latent cell (16). */
  readonly spatialFactor: number;
  /**
   * Encodes RGB in [-1, 1], [3, F, H, W] with F = 1 + 4k (an image is F = 1) and H, W multiples
   * of 16, into the normalised mean latent [C, 1 + k, H/16, W/16] (Wan's `encode`: mu only).
   * `onRun` is told after every stage graph run: the first runs compile GPU programs and can
   * take long, so a caller can show them moving.
   */
  encodeVideo(video: Float32Array, dims: VideoDims, onRun?: StepReporter): Promise<EncodedLatents>;
}

/** Stage outputs handed to the next stage: `hidden` and `skip`. */
type Handoff = Record<string, OrtTensor>;

/**
 * An encoder over already-created sessions of the encoder stage graphs, in stage order. The
 * official chunking is kept: frame 0 alone, then 4 frames per latent frame. Stage 0 runs per
 * frame; each later stage takes its predecessor's outputs in pairs (in the first chunk, the one
 * output paired with zeros, as the official code zero-pads time there).
 */
export function createVaeEncoder(ort: OrtModule, stages: readonly VaeStageSession[]): VaeEncoder {
  assert(stages.length > 0, 'createVaeEncoder: stages must list the encoder stage sessions (vae-encoder-0, …).');
  const zeros = new ZeroTensors(ort);
  const runners = stages.map((stage) => new VaeStageRunner(ort, stage, zeros));
  const videoInput = runners[0]!.input(VAE_IO.video);
  const spatialFactor = resolveDim(videoInput.dims[2]!, { height: 1, width: 1 });
  const imageChannels = resolveDim(videoInput.dims[1]!, { height: 1, width: 1 });
  const latentOutput = stages[stages.length - 1]!.contract.outputs.find((o) => o.name === VAE_IO.latent);
  if (!latentOutput) throw new ManifestError(`The last VAE encoder stage has no "${VAE_IO.latent}" output. ${REBUILD_ADVICE}`);
  const channels = resolveDim(latentOutput.dims[1]!, { height: 1, width: 1 });
  const framesPerChunk = 2 ** (stages.length - 1);

  /** Stage runs for one latent frame: each stage once in the first chunk; later, stage k runs framesPerChunk / 2^k times. */
  const runsPerChunk = (first: boolean) => (first ? stages.length : 2 * framesPerChunk - 1);

  async function mergeStage(k: number, level: Handoff[], first: boolean, ran: () => void): Promise<Handoff[]> {
    const runner = runners[k]!;
    const pairs: [Handoff, Handoff][] = [];
    if (first) {
      const only = level[0]!;
      const zero = (name: string) => zeros.get(runner.input(`${name}.0`).dtype, only[name]!.dims);
      pairs.push([{ [VAE_IO.hidden]: zero(VAE_IO.hidden), [VAE_IO.skip]: zero(VAE_IO.skip) }, only]);
    } else {
      for (let i = 0; i < level.length; i += 2) pairs.push([level[i]!, level[i + 1]!]);
    }
    const next: Handoff[] = [];
    for (const [a, b] of pairs) {
      const feeds = {
        [VAE_IO.hiddenFrame(0)]: a[VAE_IO.hidden]!,
        [VAE_IO.hiddenFrame(1)]: b[VAE_IO.hidden]!,
        [VAE_IO.skipFrame(0)]: a[VAE_IO.skip]!,
        [VAE_IO.skipFrame(1)]: b[VAE_IO.skip]!,
      };
      next.push(await runner.run(feeds, first));
      ran();
      for (const tensor of Object.values(feeds)) zeros.release(tensor);
    }
    return next;
  }

  async function encodeVideo(video: Float32Array, dims: VideoDims, onRun?: StepReporter): Promise<EncodedLatents> {
    const { frames, height, width } = dims;
    if (!Number.isInteger((frames - 1) / framesPerChunk) || frames < 1) {
      throw new RangeError(`dims.frames is ${frames}; the VAE encodes 1 + ${framesPerChunk}·k frames (1 for an image).`);
    }
    if (height % spatialFactor !== 0 || width % spatialFactor !== 0) {
      throw new RangeError(`dims ${height}×${width}: height and width must be multiples of ${spatialFactor}.`);
    }
    const plane = height * width;
    if (video.length !== imageChannels * frames * plane) {
      throw new RangeError(`video has ${video.length} values; [${imageChannels}, ${frames}, ${height}, ${width}] needs ${imageChannels * frames * plane}.`);
    }
    const grid = { height: height / spatialFactor, width: width / spatialFactor };
    const latentFrames = 1 + (frames - 1) / framesPerChunk;
    const latentPlane = grid.height * grid.width;
    const out = new Float32Array(channels * latentFrames * latentPlane);
    const totalRuns = runsPerChunk(true) + (latentFrames - 1) * runsPerChunk(false);
    let runs = 0;
    const ran = () => onRun?.(++runs, totalRuns);
    for (const runner of runners) runner.reset(grid);
    try {
      for (let chunk = 0; chunk < latentFrames; chunk++) {
        const first = chunk === 0;
        const indices = first ? [0] : Array.from({ length: framesPerChunk }, (_, i) => 1 + (chunk - 1) * framesPerChunk + i);
        let level: Handoff[] = [];
        for (const f of indices) {
          const frame = new Float32Array(imageChannels * plane);
          for (let c = 0; c < imageChannels; c++) frame.set(video.subarray((c * frames + f) * plane, (c * frames + f + 1) * plane), c * plane);
          level.push(await runners[0]!.run({ [VAE_IO.video]: new ort.Tensor('float32', frame, [1, imageChannels, height, width]) }, first));
          ran();
        }
        for (let k = 1; k < runners.length; k++) level = await mergeStage(k, level, first, ran);
        const latent = level[0]![VAE_IO.latent]!;
        const data = (await latent.getData()) as Float32Array;
        for (let c = 0; c < channels; c++) out.set(data.subarray(c * latentPlane, (c + 1) * latentPlane), (c * latentFrames + chunk) * latentPlane);
        zeros.release(latent);
      }
    } finally {
      for (const runner of runners) runner.dispose();
    }
    return { data: out, channels, frames: latentFrames, height: grid.height, width: grid.width };
  }

  return { framesPerChunk, spatialFactor, encodeVideo };
}
