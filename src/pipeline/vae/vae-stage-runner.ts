import type { Dim } from '../../convert/onnx/index.ts';
import type { GraphContract, TensorContract } from '../../convert/bundle/graph-contract.ts';
import { CACHE_NEW, CACHE_NEXT, CACHE_PREFIX, VAE_IO } from '../../convert/wan-vae/vae-names.ts';
import type { OrtModule, OrtSession, OrtTensor } from '../ort-types.ts';

/** A created session of one VAE stage graph, with the contract the bundle recorded for it. */
export interface VaeStageSession {
  readonly session: OrtSession;
  readonly contract: GraphContract;
}

/** The latent grid a video is processed at (latent cells; pixels are 16× that). */
export interface LatentGrid {
  readonly height: number;
  readonly width: number;
}

/** Resolves a contract dim ('H', '16*W', 48) at a latent grid. */
export function resolveDim(dim: Dim, grid: LatentGrid): number {
  if (typeof dim === 'number') return dim;
  const match = /^(?:(\d+)\*)?([HW])$/.exec(dim);
  if (!match) throw new TypeError(`VAE graph dim "${dim}" is not of the form H, W, k*H or k*W; the bundle was built by another version.`);
  return Number(match[1] ?? 1) * (match[2] === 'H' ? grid.height : grid.width);
}

export function resolveDims(dims: readonly Dim[], grid: LatentGrid): number[] {
  return dims.map((d) => resolveDim(d, grid));
}

/**
 * Zero tensors for empty caches and for the missing partner frame of a first chunk. They are
 * views of one shared zero buffer per type, created on the CPU (the runtime uploads them), and
 * never disposed.
 */
export class ZeroTensors {
  private readonly buffers = new Map<string, ArrayBuffer>();
  private readonly made = new WeakSet<OrtTensor>();

  constructor(private readonly ort: OrtModule) {}

  get(dtype: TensorContract['dtype'], dims: readonly number[]): OrtTensor {
    const count = dims.reduce((a, b) => a * b, 1);
    const bytesPer = dtype === 'float16' ? 2 : 4;
    let buffer = this.buffers.get(dtype);
    if (!buffer || buffer.byteLength < count * bytesPer) {
      buffer = new ArrayBuffer(count * bytesPer);
      this.buffers.set(dtype, buffer);
    }
    let tensor: OrtTensor;
    if (dtype === 'float32') tensor = new this.ort.Tensor('float32', new Float32Array(buffer, 0, count), dims);
    else if (dtype === 'float16') tensor = new this.ort.Tensor('float16', new Uint16Array(buffer, 0, count), dims);
    else throw new TypeError(`VAE caches are float32 or float16, not ${dtype}.`);
    this.made.add(tensor);
    return tensor;
  }

  /** Disposes a tensor unless it is one of the shared zeros. */
  release(tensor: OrtTensor | undefined): void {
    if (tensor && !this.made.has(tensor)) tensor.dispose();
  }
}

/**
 * One conv's cache: its slots (oldest first) and what the graph returns for them, either one
 * frame to shift in (`shift`) or a replacement per slot (`replace`). See vae-names.ts.
 */
interface CacheState {
  readonly slots: readonly TensorContract[];
  readonly update: { readonly kind: 'shift'; readonly output: string } | { readonly kind: 'replace'; readonly outputs: readonly string[] };
  current: OrtTensor[];
}

/**
 * Runs one VAE stage graph call after call, carrying its causal-conv caches: after each run,
 * every cache drops its oldest frame and appends `cache.<conv>.new`. Cache tensors stay wherever
 * the session puts its outputs (on the GPU with `preferredOutputLocation: 'gpu-buffer'`).
 */
export class VaeStageRunner {
  private readonly caches: CacheState[] = [];
  /** Whether the graph takes the `first` flag (it has a time convolution). */
  readonly takesFirst: boolean;

  constructor(
    private readonly ort: OrtModule,
    readonly stage: VaeStageSession,
    private readonly zeros: ZeroTensors,
  ) {
    const { inputs, outputs } = stage.contract;
    const byConv = new Map<string, TensorContract[]>();
    for (const input of inputs) {
      if (!input.name.startsWith(CACHE_PREFIX)) continue;
      const conv = input.name.slice(0, input.name.lastIndexOf('.'));
      byConv.set(conv, [...(byConv.get(conv) ?? []), input]);
    }
    const returns = (name: string) => outputs.some((o) => o.name === name);
    for (const [conv, unsorted] of byConv) {
      const slots = unsorted.sort((a, b) => a.name.localeCompare(b.name));
      const shifted = `${conv}.${CACHE_NEW}`;
      const replacements = slots.map((slot) => `${slot.name}.${CACHE_NEXT}`);
      let update: CacheState['update'];
      if (returns(shifted)) update = { kind: 'shift', output: shifted };
      else if (replacements.every(returns)) update = { kind: 'replace', outputs: replacements };
      else throw new TypeError(`VAE graph input ${slots[0]!.name} has no matching output ${shifted} or ${replacements[0]}.`);
      this.caches.push({ slots, update, current: [] });
    }
    this.takesFirst = inputs.some((i) => i.name === VAE_IO.first);
  }

  /** Empties every cache (start of a video) for the given latent grid. */
  reset(grid: LatentGrid): void {
    for (const cache of this.caches) {
      for (const tensor of cache.current) this.zeros.release(tensor);
      cache.current = cache.slots.map((slot) => this.zeros.get(slot.dtype, resolveDims(slot.dims, grid)));
    }
  }

  /** The declared input, for shapes and types of feeds the caller builds. */
  input(name: string): TensorContract {
    const input = this.stage.contract.inputs.find((i) => i.name === name);
    if (!input) throw new TypeError(`VAE graph has no input "${name}"; the bundle was built by another version.`);
    return input;
  }

  /** One call: `feeds` plus the caches (and `first` when the graph takes it). Returns the non-cache outputs. */
  async run(feeds: Readonly<Record<string, OrtTensor>>, first: boolean): Promise<Record<string, OrtTensor>> {
    const all: Record<string, OrtTensor> = { ...feeds };
    if (this.takesFirst) all[VAE_IO.first] = new this.ort.Tensor('bool', Uint8Array.of(first ? 1 : 0), [1]);
    for (const cache of this.caches) {
      if (cache.current.length !== cache.slots.length) throw new Error('VaeStageRunner.run called before reset().');
      cache.slots.forEach((slot, i) => (all[slot.name] = cache.current[i]!));
    }
    const result: Record<string, OrtTensor> = { ...(await this.stage.session.run(all)) };
    const take = (name: string) => {
      const tensor = result[name];
      if (!tensor) throw new Error(`VAE graph did not return ${name}.`);
      delete result[name];
      return tensor;
    };
    for (const cache of this.caches) {
      const { update } = cache;
      const dropped = update.kind === 'shift' ? cache.current.slice(0, 1) : cache.current;
      cache.current = update.kind === 'shift' ? [...cache.current.slice(1), take(update.output)] : update.outputs.map(take);
      for (const tensor of dropped) this.zeros.release(tensor);
    }
    return result;
  }

  /** Disposes the cache tensors (call when done with a video). */
  dispose(): void {
    for (const cache of this.caches) for (const tensor of cache.current) this.zeros.release(tensor);
    for (const cache of this.caches) cache.current = [];
  }
}
