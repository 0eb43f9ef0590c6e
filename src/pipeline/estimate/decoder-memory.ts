import type { DecoderChoice } from '../../bundle/tiny-vae-names.ts';
import type { GraphContract, TensorContract } from '../../bundle/graph-contract.ts';
import { CACHE_PREFIX, VAE_IO } from '../../bundle/vae-names.ts';
import { BYTES_PER_ELEMENT } from '../../onnx/tensor-types.ts';
import { resolveDim, resolveDims } from '../vae/vae-stage-runner.ts';

/** One decoder stage graph as the prediction reads it: its contract and the bytes of its weights. */
export interface DecoderStageShape {
  readonly contract: GraphContract;
  readonly weightBytes: number;
}

/**
 * A decoder's GPU memory as a function of the latent grid, before anything is measured. Every
 * activation and cache of the stage graphs is one frame of H×W times a fixed multiple, so the
 * bytes are `weightBytes + perLatentCell · H · W`.
 */
export interface DecoderMemoryLaw {
  readonly weightBytes: number;
  /** The most bytes live at once while a chunk decodes, beyond the weights, per latent cell. */
  readonly peakPerLatentCell: number;
  /** The largest single buffer, per latent cell. */
  readonly largestBufferPerLatentCell: number;
  /** The causal caches kept between chunks, per latent cell. */
  readonly cachePerLatentCell: number;
}

/** The law of each decoder a model has. */
export type DecoderMemoryLaws = Partial<Record<DecoderChoice, DecoderMemoryLaw>>;

export interface DecoderMemoryPrediction {
  readonly peakBytes: number;
  readonly largestBufferBytes: number;
  readonly cacheBytes: number;
  readonly weightBytes: number;
}

/**
 * Inside a stage the largest tensors are an upsampler's: it doubles both sides of its level's
 * widest one-frame tensor (same channels, 4× the bytes), and the convolution reading it writes one of
 * the next level's size; both are live at once (LIVE_UPSAMPLED of the upsampled size bounds them).
 * The last stage's video frame counts at half its side: both decoders end by unfolding
 * 2×2 patches of 12 channels into RGB, which needs no upsampler.
 */
const LIVE_UPSAMPLED = 2;
const PATCH = 2;

const UNIT = { height: 1, width: 1 };
const bytesPerCell = (tensor: TensorContract) => resolveDims(tensor.dims, UNIT).reduce((n, d) => n * d, BYTES_PER_ELEMENT[tensor.dtype]);
const sum = (tensors: readonly TensorContract[]) => tensors.reduce((total, t) => total + bytesPerCell(t), 0);
const isCache = (tensor: TensorContract) => tensor.name.startsWith(CACHE_PREFIX);
const isFrame = (tensor: TensorContract) => !isCache(tensor) && tensor.name !== VAE_IO.first;
/** How many times the latent grid a tensor's rows are (H → 1, 4*H → 4). */
const scaleOf = (tensor: TensorContract) => resolveDim(tensor.dims.find((d) => typeof d === 'string' && d.includes('H')) ?? 1, UNIT);

/** The largest upsampled tensor of a stage, per latent cell: each rise in resolution among its frames and caches, applied to the widest tensor below it. */
function upsampledPerCell(contract: GraphContract): number {
  const levels = [...contract.inputs.filter((t) => t.name !== VAE_IO.first), ...contract.outputs.filter((t) => !isCache(t))].map((t) =>
    t.name === VAE_IO.video ? { scale: scaleOf(t) / PATCH, bytes: bytesPerCell(t), cache: false } : { scale: scaleOf(t), bytes: bytesPerCell(t), cache: isCache(t) },
  );
  let largest = 0;
  for (const level of levels) {
    const below = levels.filter((l) => l.scale < level.scale);
    const from = Math.max(...below.map((l) => l.scale));
    // The level's caches carry the channels its convolutions (and so its upsampler) work at; a level without any passes its frame on.
    const atFrom = below.filter((l) => l.scale === from);
    const widest = Math.max(0, ...(atFrom.some((l) => l.cache) ? atFrom.filter((l) => l.cache) : atFrom).map((l) => l.bytes));
    largest = Math.max(largest, ((level.scale / from) ** 2) * widest);
  }
  return largest;
}

/**
 * The memory law of a streaming decoder (the VAE's or the tiny one's stage graphs, in order),
 * run as createVaeDecoder runs it: depth first, one frame per stage run, stage outputs and
 * caches kept in GPU buffers. While stage k runs, live are: all weights; every stage's caches,
 * plus stage k's new ones (its old ones are freed after the run); stage k's input and outputs;
 * the second frame each earlier time-doubling stage emitted, waiting its turn; the video frames
 * this chunk already decoded; and stage k's upsampled working tensors (see LIVE_UPSAMPLED).
 */
export function decoderMemoryLaw(stages: readonly DecoderStageShape[]): DecoderMemoryLaw {
  if (stages.length === 0) throw new RangeError('decoderMemoryLaw: a decoder has at least one stage graph.');
  const caches = stages.map((s) => sum(s.contract.inputs.filter(isCache)));
  const cachePerLatentCell = caches.reduce((a, b) => a + b, 0);
  const video = stages.at(-1)!.contract.outputs.find((o) => o.name === VAE_IO.video);
  const videoBytes = video ? bytesPerCell(video) : 0;
  const runs = stages.map(({ contract }, k) => {
    const frames = [...contract.inputs.filter(isFrame), ...contract.outputs.filter((o) => !isCache(o))];
    const upsampled = upsampledPerCell(contract);
    const second = contract.outputs.find((o) => o.name === VAE_IO.hiddenFrame(1));
    return {
      live: cachePerLatentCell + caches[k]! + sum(frames) + LIVE_UPSAMPLED * upsampled,
      largest: Math.max(upsampled, ...frames.map(bytesPerCell)),
      waits: second ? bytesPerCell(second) : null,
    };
  });
  // One chunk, depth first: returns the video frames the subtree decoded; `waiting` is the earlier stages' second frames, `held` the decoded video.
  let peak = 0;
  const descend = (k: number, waiting: number, held: number): number => {
    const run = runs[k]!;
    peak = Math.max(peak, run.live + waiting + held * videoBytes);
    if (k === runs.length - 1 || run.waits === null) return k === runs.length - 1 ? 1 : descend(k + 1, waiting, held);
    const first = descend(k + 1, waiting + run.waits, held);
    return first + descend(k + 1, waiting, held + first);
  };
  descend(0, 0, 0);
  return {
    weightBytes: stages.reduce((total, s) => total + s.weightBytes, 0),
    peakPerLatentCell: peak,
    largestBufferPerLatentCell: Math.max(...runs.map((r) => r.largest)),
    cachePerLatentCell,
  };
}

/** The law evaluated on a latent grid (a video's height and width over 16). */
export function predictDecoderMemory(law: DecoderMemoryLaw, grid: { readonly height: number; readonly width: number }): DecoderMemoryPrediction {
  const cells = grid.height * grid.width;
  return {
    peakBytes: law.weightBytes + law.peakPerLatentCell * cells,
    largestBufferBytes: law.largestBufferPerLatentCell * cells,
    cacheBytes: law.cachePerLatentCell * cells,
    weightBytes: law.weightBytes,
  };
}

/**
 * Whether a decoder will fit this GPU at a size, before anything was measured here: its
 * largest buffer against the device's limit, and its peak against the peak of a generation
 * that ran out of memory here (WebGPU tells no memory size, so that is all there is to go on).
 */
export function decoderFit(
  law: DecoderMemoryLaw,
  size: { readonly width: number; readonly height: number },
  limits: { readonly bufferLimitBytes: number | null; readonly outOfMemoryAtBytes: number | null },
): DecoderFit {
  const need = predictDecoderMemory(law, { height: Math.ceil(size.height / 16), width: Math.ceil(size.width / 16) });
  if (limits.bufferLimitBytes !== null && need.largestBufferBytes > limits.bufferLimitBytes) {
    return { kind: 'buffer-too-large', needBytes: need.largestBufferBytes, limitBytes: limits.bufferLimitBytes };
  }
  if (limits.outOfMemoryAtBytes !== null && need.peakBytes >= limits.outOfMemoryAtBytes) {
    return { kind: 'ran-out-before', needBytes: need.peakBytes, failedAtBytes: limits.outOfMemoryAtBytes };
  }
  return { kind: 'fits', needBytes: need.peakBytes };
}

export type DecoderFit =
  | { readonly kind: 'fits'; readonly needBytes: number }
  | { readonly kind: 'buffer-too-large'; readonly needBytes: number; readonly limitBytes: number }
  | { readonly kind: 'ran-out-before'; readonly needBytes: number; readonly failedAtBytes: number };
