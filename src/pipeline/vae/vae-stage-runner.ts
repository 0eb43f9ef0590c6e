import type { Dim } from '../../onnx/index.ts';
import type { GraphContract, TensorContract } from '../../bundle/graph-contract.ts';
import { CACHE_NEW, CACHE_NEXT, CACHE_PREFIX, VAE_IO } from '../../bundle/vae-names.ts';
import type { OrtModule, OrtSession, OrtTensor } from '../ort-types.ts';
import { assert } from '../../assert.ts';
import { ManifestError } from '../../errors.ts';
import { REBUILD_ADVICE } from '../../bundle/manifest.ts';
import type { RowBand, RowData } from './row-bands.ts';
import { copyRows, planRowBands, sliceRows } from './row-bands.ts';

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

/** A symbolic contract dim ('H', '16*W') as its grid axis and multiple; undefined for anything else. */
function parseScaledDim(dim: Dim): { readonly axis: 'H' | 'W'; readonly scale: number } | undefined {
  const match = typeof dim === 'string' ? /^(?:(\d+)\*)?([HW])$/.exec(dim) : null;
  return match ? { axis: match[2] as 'H' | 'W', scale: Number(match[1] ?? 1) } : undefined;
}

/** Resolves a contract dim ('H', '16*W', 48) at a latent grid. */
export function resolveDim(dim: Dim, grid: LatentGrid): number {
  if (typeof dim === 'number') return dim;
  const scaled = parseScaledDim(dim);
  if (!scaled) throw new ManifestError(`VAE graph dim "${dim}" is not of the form H, W, k*H or k*W: the bundle was built by another version. ${REBUILD_ADVICE}`);
  return scaled.scale * (scaled.axis === 'H' ? grid.height : grid.width);
}

export function resolveDims(dims: readonly Dim[], grid: LatentGrid): number[] {
  return dims.map((d) => resolveDim(d, grid));
}

/** Where a tensor's rows are: the axis whose dim is H, 2*H, …, and that multiple of the latent grid. */
function rowAxis(dims: readonly Dim[]): { readonly axis: number; readonly scale: number } | undefined {
  const axis = dims.findIndex((dim) => parseScaledDim(dim)?.axis === 'H');
  return axis < 0 ? undefined : { axis, scale: parseScaledDim(dims[axis]!)!.scale };
}

/** The array of each VAE state type (float16 as its bit patterns, as onnxruntime takes them). */
const STATE_ARRAYS = { float32: Float32Array, float16: Uint16Array, int8: Int8Array } as const;

/** The array class of a state type. */
function stateArrayOf(dtype: TensorContract['dtype']): (typeof STATE_ARRAYS)[keyof typeof STATE_ARRAYS] {
  if (dtype in STATE_ARRAYS) return STATE_ARRAYS[dtype as keyof typeof STATE_ARRAYS];
  throw new ManifestError(`VAE state is float32, float16 or int8, not ${dtype}: the bundle was built by another version. ${REBUILD_ADVICE}`);
}

/** A zero-filled state array of its own, for a tensor of `dims`. */
function newStateArray(dtype: TensorContract['dtype'], dims: readonly number[]): RowData {
  return new (stateArrayOf(dtype))(dims.reduce((a, b) => a * b, 1));
}

/** A CPU tensor over a state array. */
function stateTensor(ort: OrtModule, data: RowData, dims: readonly number[]): OrtTensor {
  if (data instanceof Float32Array) return new ort.Tensor('float32', data, dims);
  return data instanceof Int8Array ? new ort.Tensor('int8', data, dims) : new ort.Tensor('float16', data, dims);
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
    const array = stateArrayOf(dtype);
    let buffer = this.buffers.get(dtype);
    if (!buffer || buffer.byteLength < count * array.BYTES_PER_ELEMENT) {
      buffer = new ArrayBuffer(count * array.BYTES_PER_ELEMENT);
      this.buffers.set(dtype, buffer);
    }
    const tensor = stateTensor(this.ort, new array(buffer, 0, count), dims);
    this.made.add(tensor);
    return tensor;
  }

  /** Disposes a tensor unless it is one of the shared zeros. */
  release(tensor: OrtTensor | undefined): void {
    if (tensor && !this.made.has(tensor)) tensor.dispose();
  }
}

/** Where each tensor of a graph has its rows, in rows per row of its frame input. */
interface TensorRows {
  readonly axis: number;
  readonly per: number;
}

/** What a banded call needs to know of its graph, worked out once from the contract. */
interface BandLayout {
  /** Rows of the frame input a band reads beyond its own on each side. */
  readonly halo: number;
  /** The frame input's row axis. */
  readonly frameAxis: number;
  readonly inputRows: ReadonlyMap<string, TensorRows>;
  readonly outputRows: ReadonlyMap<string, TensorRows>;
}

/** The band layout of a graph that records its row reach and takes a `hidden` frame; else undefined. */
function bandLayout(contract: GraphContract): BandLayout | undefined {
  const frame = contract.inputs.find((i) => i.name === VAE_IO.hidden);
  const frameRows = frame && rowAxis(frame.dims);
  if (!frameRows || contract.rowReach === undefined) return undefined;
  const rowsOf = (t: TensorContract): [string, TensorRows] => {
    const rows = rowAxis(t.dims);
    if (!rows || rows.scale % frameRows.scale !== 0) throw new ManifestError(`VAE graph tensor ${t.name} has no rows in step with its frame input, so it cannot run on row bands. ${REBUILD_ADVICE}`);
    return [t.name, { axis: rows.axis, per: rows.scale / frameRows.scale }];
  };
  return {
    halo: Math.ceil(contract.rowReach * frameRows.scale),
    frameAxis: frameRows.axis,
    inputRows: new Map(contract.inputs.filter((i) => i.dtype !== 'bool').map(rowsOf)),
    outputRows: new Map(contract.outputs.map(rowsOf)),
  };
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
 * every cache drops its oldest frame and appends `cache.<conv>.new` (or takes its slots'
 * replacements). Cache tensors stay wherever the session puts its outputs (on the GPU with
 * `preferredOutputLocation: 'gpu-buffer'`).
 *
 * With `rowBands` > 1 and a graph that records its row reach, each call runs on horizontal bands
 * of the frame instead (CPU tensors only). The caches are then whole-frame arrays the runner owns:
 * a band reads views of their rows and its new rows are written back in place, so no call holds
 * more than a band's worth of new state or working tensors on top of them.
 */
export class VaeStageRunner {
  private readonly caches: CacheState[] = [];
  /** Whether the graph takes the `first` flag (it has a time convolution). */
  readonly takesFirst: boolean;

  /** How calls run on row bands; undefined: whole frames only. */
  private readonly bands: BandLayout | undefined;

  constructor(
    private readonly ort: OrtModule,
    readonly stage: VaeStageSession,
    private readonly zeros: ZeroTensors,
    private readonly rowBands = 1,
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
      else throw new ManifestError(`VAE graph input ${slots[0]!.name} has no matching output ${shifted} or ${replacements[0]}. ${REBUILD_ADVICE}`);
      this.caches.push({ slots, update, current: [] });
    }
    this.takesFirst = inputs.some((i) => i.name === VAE_IO.first);
    this.bands = rowBands > 1 ? bandLayout(stage.contract) : undefined;
  }

  /** Whether calls run on row bands. */
  get banded(): boolean {
    return this.bands !== undefined;
  }

  /** Empties every cache (start of a video) for the given latent grid. */
  reset(grid: LatentGrid): void {
    for (const cache of this.caches) {
      for (const tensor of cache.current) this.zeros.release(tensor);
      cache.current = cache.slots.map((slot) => {
        const dims = resolveDims(slot.dims, grid);
        // Banded calls write into the caches, so each slot needs its own zeros.
        return this.banded ? stateTensor(this.ort, newStateArray(slot.dtype, dims), dims) : this.zeros.get(slot.dtype, dims);
      });
    }
  }

  /** The declared input, for shapes and types of feeds the caller builds. */
  input(name: string): TensorContract {
    const input = this.stage.contract.inputs.find((i) => i.name === name);
    if (!input) throw new ManifestError(`VAE graph has no input "${name}": the bundle was built by another version. ${REBUILD_ADVICE}`);
    return input;
  }

  /** One call: `feeds` plus the caches (and `first` when the graph takes it). Returns the non-cache outputs. */
  async run(feeds: Readonly<Record<string, OrtTensor>>, first: boolean): Promise<Record<string, OrtTensor>> {
    const all = this.withState(feeds, first);
    const frame = feeds[VAE_IO.hidden];
    if (this.bands && frame) {
      const bands = planRowBands(frame.dims[this.bands.frameAxis]!, this.bands.halo, this.rowBands);
      if (bands.length > 1) return this.runInBands(all, bands, this.bands);
    }
    const result: Record<string, OrtTensor> = { ...(await this.stage.session.run(all)) };
    const take = (name: string) => {
      const tensor = result[name];
      if (!tensor) throw new ManifestError(`VAE graph did not return ${name}. ${REBUILD_ADVICE}`);
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

  private withState(feeds: Readonly<Record<string, OrtTensor>>, first: boolean): Record<string, OrtTensor> {
    const all: Record<string, OrtTensor> = { ...feeds };
    if (this.takesFirst) all[VAE_IO.first] = new this.ort.Tensor('bool', Uint8Array.of(first ? 1 : 0), [1]);
    for (const cache of this.caches) {
      assert(cache.current.length === cache.slots.length, 'VaeStageRunner.run called before reset().');
      cache.slots.forEach((slot, i) => (all[slot.name] = cache.current[i]!));
    }
    return all;
  }

  /**
   * One call as a run per band. Each band's outputs are copied into whole frames: the plain
   * outputs into new arrays, each cache's new rows into the slot it replaces (for a shift, the
   * oldest). A band's last `halo` rows are written only after the next band has run, because
   * that band still reads the old values there.
   */
  private async runInBands(all: Record<string, OrtTensor>, bands: readonly RowBand[], layout: BandLayout): Promise<Record<string, OrtTensor>> {
    const { halo, inputRows, outputRows } = layout;
    // Where each returned tensor goes: a cache slot, or a whole frame made here.
    const targets = new Map<string, OrtTensor>();
    for (const cache of this.caches) {
      if (cache.update.kind === 'shift') targets.set(cache.update.output, cache.current[0]!);
      else cache.update.outputs.forEach((name, i) => targets.set(name, cache.current[i]!));
    }
    const frames: Record<string, OrtTensor> = {};
    let pending: (() => void)[] = [];
    for (const [b, band] of bands.entries()) {
      const feeds: Record<string, OrtTensor> = {};
      for (const [name, tensor] of Object.entries(all)) {
        const rows = inputRows.get(name);
        feeds[name] = rows ? this.bandOf(tensor, rows.axis, band.readStart * rows.per, band.readEnd * rows.per) : tensor;
      }
      const result = await this.stage.session.run(feeds);
      for (const write of pending) write();
      pending = [];
      const last = b === bands.length - 1;
      for (const [name, out] of Object.entries(result)) {
        const { axis, per } = outputRows.get(name)!;
        const data = out.data as RowData;
        let target = targets.get(name);
        if (!target) {
          const dims = out.dims.map((d, i) => (i === axis ? bands.at(-1)!.end * per : d));
          target = frames[name] ??= stateTensor(this.ort, newStateArray(out.type as TensorContract['dtype'], dims), dims);
        }
        const into = target.data as RowData;
        const from = (band.start - band.readStart) * per;
        const held = target === frames[name] || last ? 0 : halo * per;
        const count = (band.end - band.start) * per;
        copyRows(data, out.dims, from, into, target.dims, band.start * per, count - held, axis);
        if (held > 0) {
          const tail = sliceRows(data, out.dims, axis, from + count - held, from + count).slice();
          const tailDims = out.dims.map((d, i) => (i === axis ? held : d));
          const at = (band.end - halo) * per;
          pending.push(() => copyRows(tail, tailDims, 0, into, target.dims, at, held, axis));
        }
        out.dispose();
      }
    }
    for (const write of pending) write();
    for (const cache of this.caches) if (cache.update.kind === 'shift') cache.current = [...cache.current.slice(1), cache.current[0]!];
    return frames;
  }

  private bandOf(tensor: OrtTensor, axis: number, from: number, to: number): OrtTensor {
    assert(tensor.location === 'cpu', 'Row bands need the VAE state on the CPU; create the decoder without rowBands when its sessions keep outputs on the GPU.');
    const dims = tensor.dims.map((d, i) => (i === axis ? to - from : d));
    return stateTensor(this.ort, sliceRows(tensor.data as RowData, tensor.dims, axis, from, to), dims);
  }

  /** Disposes the cache tensors (call when done with a video). */
  dispose(): void {
    for (const cache of this.caches) for (const tensor of cache.current) this.zeros.release(tensor);
    for (const cache of this.caches) cache.current = [];
  }
}
