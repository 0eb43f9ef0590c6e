import type { BuildContext } from '../build-context.ts';
import { derivedWeights, floatBytes } from '../build-context.ts';
import type { GraphContract, TensorContract } from '../../bundle/graph-contract.ts';
import type { AttrValue, DataType, Dim, GraphBuilder } from '../../onnx/index.ts';
import { BYTES_PER_ELEMENT } from '../../onnx/index.ts';
import { CAST_TO } from '../ops/graph-ops.ts';
import type { VaeCacheFormat, VaeWeightFormat } from '../../bundle/quant-config.ts';
import { quantizePerChannelInt8 } from '../quant/quantize-per-channel.ts';
import { expectShape } from '../weights/weight-source.ts';
import { ConvertError } from '../../errors.ts';
import { CACHE_NEW, CACHE_NEXT, CACHE_PREFIX, CACHE_SCALE, VAE_IO } from '../../bundle/vae-names.ts';

/** The float types a VAE graph computes in. */
export type Float = 'float32' | 'float16';

/** Element count of a tensor as a function of the latent grid (h × w latent cells). */
export type Extent = (h: number, w: number) => number;

/**
 * An activation of one frame, [1, channels, scale·H, scale·W], where H × W is the latent
 * grid: every VAE tensor's spatial size is a whole multiple of it (encoder input 16, patchified 8, …).
 */
export interface Act {
  readonly name: string;
  readonly channels: number;
  readonly scale: number;
  readonly dtype: Float;
}

/** A tensor the graph holds at run time (input or node output), with its size law. */
export interface TrackedTensor {
  readonly name: string;
  readonly dtype: DataType;
  readonly extent: Extent;
  readonly isInput: boolean;
}

/** Extent of [frames, channels, scale·H, scale·W]. */
export const frameExtent =
  (channels: number, scale: number, frames = 1): Extent =>
  (h, w) =>
    frames * channels * scale * h * scale * w;

/** Symbolic dim of a tensor at `scale` × the latent grid: 'H', '2*H', … */
export function scaledDim(axis: 'H' | 'W', scale: number): Dim {
  return scale === 1 ? axis : `${scale}*${axis}`;
}

/** How initializers are made from a source tensor: what they are, and their bytes from the source values. */
interface WeightRecipe {
  readonly specs: readonly { readonly name: string; readonly dtype: DataType; readonly dims: readonly number[] }[];
  readonly make: (source: Float32Array) => readonly Uint8Array[];
}

/**
 * Emits one VAE stage graph. Structure is built synchronously: every node declares its
 * output's size law (so a graph's largest tensor can be computed without weights or a
 * runtime), and weights are only named. `loadWeights` then streams each source tensor
 * once and adds the initializers derived from it. Without a weight source the same code
 * yields the tensor sizes alone (see vae-tensor-budget.ts).
 */
export class VaeStage {
  readonly inputs: TensorContract[] = [];
  readonly outputs: TensorContract[] = [];
  readonly tracked: TrackedTensor[] = [];
  private readonly recipes = new Map<string, { shape: readonly number[]; outputs: WeightRecipe[] }>();
  private readonly initializerNames = new Set<string>();
  /** Int8 conv weights already emitted: weight name → the float tensor its DequantizeLinear makes. */
  private readonly dequantized = new Map<string, string>();
  private firstFlag: string | undefined;
  /** Int8 cache outputs declared since the last {@link afterCaches}. */
  private readonly unsettled: string[] = [];
  /** See {@link GraphContract.rowReach}; undefined once an op mixes whole frames. */
  private rowReach: number | undefined = 0;

  constructor(
    readonly g: GraphBuilder,
    /** Activation type inside the graph. */
    readonly act: Float,
    /** Checkpoint prefix of this model half ('decoder' or 'encoder'); stripped from cache names. */
    readonly root: string,
    /** How convolution weights are stored (see {@link convWeight}). */
    readonly convWeights: VaeWeightFormat = 'float',
    /** How causal-conv caches are kept between calls (see {@link cacheInputs}). */
    readonly caches: VaeCacheFormat = 'float',
  ) {}

  /** Declares a graph input holding one frame that the host writes (channels-first, like the official tensors). */
  input(name: string, channels: number, scale: number, dtype: Float = this.act): Act {
    this.declareInput(name, dtype, [1, channels, scaledDim('H', scale), scaledDim('W', scale)], frameExtent(channels, scale));
    return { name, channels, scale, dtype };
  }

  /** Declares `x` as the graph output `name`, one frame the host reads (channels-first). */
  output(name: string, x: Act): void {
    const dims = [1, x.channels, scaledDim('H', x.scale), scaledDim('W', x.scale)];
    this.g.output(name, x.dtype, dims, x.name);
    this.outputs.push({ name, dtype: x.dtype, dims });
    if (name !== x.name) this.tracked.push({ name, dtype: x.dtype, extent: frameExtent(x.channels, x.scale), isInput: false });
  }

  /** The `first` input (bool [1]): true for a video's first chunk, whose time convolutions are skipped. */
  first(): string {
    if (this.firstFlag === undefined) this.firstFlag = this.declareInput(VAE_IO.first, 'bool', [1], () => 1);
    return this.firstFlag;
  }

  /**
   * Declares an input the runner passes along without reading it (a cache frame, a frame
   * between stages). It is stored channels-last, [1, s·H, s·W, C], and returned transposed to
   * [1, C, s·H, s·W]: on the WebGPU EP, which runs Conv in NHWC, that transpose cancels the one
   * the EP inserts before each Conv, so caches cost no layout copies.
   */
  stateInput(name: string, channels: number, scale: number, dtype: Float = this.act): Act {
    this.declareInput(name, dtype, [1, scaledDim('H', scale), scaledDim('W', scale), channels], frameExtent(channels, scale));
    return this.actOp('Transpose', [name], `/vae/state_in/${name}/Transpose`, channels, scale, { perm: [0, 3, 1, 2] }, dtype);
  }

  /** Declares `x` as a channels-last state output (see {@link stateInput}); returns the tensor output. */
  stateOutput(name: string, x: Act): string {
    const nhwc = this.op('Transpose', [x.name], `/vae/state_out/${name}/Transpose`, x.dtype, frameExtent(x.channels, x.scale), { perm: [0, 2, 3, 1] });
    this.declareStateOutput(name, nhwc, x.dtype, x.channels, x.scale);
    return nhwc;
  }

  /** Declares channels-last `source`, [1, s·H, s·W, channels], as the graph output `name`. */
  private declareStateOutput(name: string, source: string, dtype: DataType, channels: number, scale: number): void {
    const dims = [1, scaledDim('H', scale), scaledDim('W', scale), channels];
    this.g.output(name, dtype, dims, source);
    this.outputs.push({ name, dtype, dims });
    this.tracked.push({ name, dtype, extent: frameExtent(channels, scale), isInput: false });
  }

  /**
   * The cached input frames of a causal conv: `slots` state inputs `cache.<conv>.<i>` shaped
   * like `like`, slot 0 the oldest. See {@link cacheOutput} for what enters the cache. With int8
   * caches each slot is int8 with a companion `cache.<conv>.scale.<i>` (see {@link int8StateOutput}).
   */
  cacheInputs(conv: string, slots: 1 | 2, like: Act): Act[] {
    const name = `${CACHE_PREFIX}${this.moduleName(conv)}`;
    return Array.from({ length: slots }, (_, i) =>
      this.caches === 'int8' ? this.int8StateInput(`${name}.${i}`, `${name}.${CACHE_SCALE}.${i}`, like) : this.stateInput(`${name}.${i}`, like.channels, like.scale, like.dtype),
    );
  }

  /**
   * Declares `cache.<conv>.new` ← `next`, the frame that enters the conv's cache. After every
   * call the runner drops slot 0, shifts the others down and puts `.new` in the last slot.
   */
  cacheOutput(conv: string, next: Act): void {
    const name = `${CACHE_PREFIX}${this.moduleName(conv)}`;
    this.cacheState(`${name}.${CACHE_NEW}`, `${name}.${CACHE_SCALE}.${CACHE_NEW}`, next);
  }

  /** Declares `cache.<conv>.<slot>.next` ← `value`, which replaces that slot after the call. */
  cacheReplacement(conv: string, slot: number, value: Act): void {
    const name = `${CACHE_PREFIX}${this.moduleName(conv)}`;
    this.cacheState(`${name}.${slot}.${CACHE_NEXT}`, `${name}.${CACHE_SCALE}.${slot}.${CACHE_NEXT}`, value);
  }

  private cacheState(name: string, scaleName: string, x: Act): void {
    if (this.caches === 'int8') this.unsettled.push(this.int8StateOutput(name, scaleName, x));
    else this.stateOutput(name, x);
  }

  /**
   * `x`, made to depend on every int8 cache output declared since the last call. onnxruntime
   * orders nodes by a depth-first walk back from the graph's outputs, so a cache output that
   * nothing reads would be made at the very end of the run, and every float frame the caches
   * are quantised from (four times their bytes) would be held until then. Here `x` goes through
   * a Reshape to its own shape (an alias, no copy) whose target is computed from the caches'
   * shapes, so each cache is made as soon as its frame exists. Float caches need none of this:
   * their outputs are as large as their frames and are held to the end of the run either way.
   */
  afterCaches(x: Act): Act {
    const caches = this.unsettled.splice(0);
    if (caches.length === 0) return x;
    const scope = `/vae/after_caches/${x.name}`;
    const g = this.g;
    // A symbolic dim of each (a static one would be constant-folded, and the dependency with it).
    const dims = caches.map((cache, i) => this.op('Shape', [cache], `${scope}/Shape_${i}`, 'int64', null, { start: 1, end: 2 }));
    const all = dims.length === 1 ? dims[0]! : this.op('Concat', dims, `${scope}/Concat`, 'int64', null, { axis: 0 });
    const zeros = this.op('Sub', [all, all], `${scope}/Sub`, 'int64', null);
    const zero = this.op('ReduceMin', [zeros], `${scope}/ReduceMin`, 'int64', null, { keepdims: 1 });
    // Reshape's 0 keeps that dim of the input.
    const keep = this.op('Expand', [zero, g.constant('int64', [1], [4])], `${scope}/Expand`, 'int64', null);
    return this.actOp('Reshape', [x.name, keep], `${scope}/Reshape`, x.channels, x.scale, {}, x.dtype);
  }

  /**
   * An int8 state input (channels-last, like {@link stateInput}) and its float32 scale per
   * position, [1, s·H, s·W, 1]: x = q · scale, in the activation type and channels-first.
   */
  private int8StateInput(name: string, scaleName: string, like: Act): Act {
    const { channels, scale } = like;
    const [h, w] = [scaledDim('H', scale), scaledDim('W', scale)];
    this.declareInput(name, 'int8', [1, h, w, channels], frameExtent(channels, scale));
    this.declareInput(scaleName, 'float32', [1, h, w, 1], frameExtent(1, scale));
    const scope = `/vae/state_in/${name}`;
    const values = this.op('Cast', [name], `${scope}/Cast`, 'float32', frameExtent(channels, scale), { to: CAST_TO.float32 });
    const scaled = this.op('Mul', [values, scaleName], `${scope}/Mul`, 'float32', frameExtent(channels, scale));
    const typed = like.dtype === 'float32' ? scaled : this.op('Cast', [scaled], `${scope}/Cast_act`, like.dtype, frameExtent(channels, scale), { to: CAST_TO[like.dtype] });
    return this.actOp('Transpose', [typed], `${scope}/Transpose`, channels, scale, { perm: [0, 3, 1, 2] }, like.dtype);
  }

  /**
   * Declares `x` as int8 state: channels-last values q = round(x / scale) and, per position,
   * scale = max(|x| over channels) / 127 (at least 1e-30, so an all-zero position stays zero).
   * Positions are quantised independently, so row bands give the same bytes as whole frames.
   * Returns the int8 tensor.
   */
  private int8StateOutput(name: string, scaleName: string, x: Act): string {
    const { channels, scale } = x;
    const scope = `/vae/state_out/${name}`;
    const size = frameExtent(channels, scale);
    const g = this.g;
    const f32 = x.dtype === 'float32' ? x.name : this.op('Cast', [x.name], `${scope}/Cast_f32`, 'float32', size, { to: CAST_TO.float32 });
    const nhwc = this.op('Transpose', [f32], `${scope}/Transpose`, 'float32', size, { perm: [0, 2, 3, 1] });
    const magnitude = this.op('Abs', [nhwc], `${scope}/Abs`, 'float32', size);
    const peak = this.op('ReduceMax', [magnitude, g.constant('int64', [1], [3])], `${scope}/ReduceMax`, 'float32', frameExtent(1, scale), { keepdims: 1 });
    const step = this.op('Mul', [peak, g.constant('float32', [], [1 / 127])], `${scope}/step/Mul`, 'float32', frameExtent(1, scale));
    const safeStep = this.op('Max', [step, g.constant('float32', [], [1e-30])], `${scope}/step/Max`, 'float32', frameExtent(1, scale));
    const ratio = this.op('Div', [nhwc, safeStep], `${scope}/Div`, 'float32', size);
    const rounded = this.op('Round', [ratio], `${scope}/Round`, 'float32', size);
    const clipped = this.op('Clip', [rounded, g.constant('float32', [], [-127]), g.constant('float32', [], [127])], `${scope}/Clip`, 'float32', size);
    const q = this.op('Cast', [clipped], `${scope}/Cast_int8`, 'int8', size, { to: CAST_TO.int8 });
    this.declareStateOutput(name, q, 'int8', channels, scale);
    this.declareStateOutput(scaleName, safeStep, 'float32', 1, scale);
    return q;
  }

  /** Adds a node with one output whose size law is `extent` (null: a scalar-sized shape tensor). */
  op(
    opType: string,
    inputs: readonly string[],
    name: string,
    dtype: DataType,
    extent: Extent | null,
    attrs: Readonly<Record<string, AttrValue>> = {},
  ): string {
    const out = this.g.op(opType, inputs, name, { attrs });
    this.tracked.push({ name: out, dtype, extent: extent ?? (() => 1), isInput: false });
    return out;
  }

  /** A node whose output is a one-frame activation. */
  actOp(opType: string, inputs: readonly string[], name: string, channels: number, scale: number, attrs: Readonly<Record<string, AttrValue>> = {}, dtype: Float = this.act): Act {
    const out = this.op(opType, inputs, name, dtype, frameExtent(channels, scale), attrs);
    return { name: out, channels, scale, dtype };
  }

  /** A node with several outputs of the given size laws. */
  multiOp(opType: string, inputs: readonly string[], name: string, dtype: DataType, extents: readonly Extent[], attrs: Readonly<Record<string, AttrValue>> = {}): string[] {
    const outs = this.g.node(opType, inputs, name, { attrs, outputs: extents.length });
    outs.forEach((out, i) => this.tracked.push({ name: out, dtype, extent: extents[i]!, isInput: false }));
    return outs;
  }

  /**
   * Names a float weight made from the source tensor `source` (checked to have `shape`) by
   * `make`. The same name asked twice is made once.
   */
  weight(source: string, shape: readonly number[], name: string, dims: readonly number[], make: (values: Float32Array) => Float32Array, dtype: Float = this.act): string {
    if (this.initializerNames.has(name)) return name;
    this.initializerNames.add(name);
    this.addRecipe(source, shape, { specs: [{ name, dtype, dims }], make: (v) => [floatBytes(make(v), dtype)] });
    return name;
  }

  /**
   * A convolution weight ([cout, ...], made like {@link weight}). With int8 storage it is kept
   * as int8 with one float32 scale per output channel and dequantised by a DequantizeLinear node
   * at every run: onnxruntime does not fold DequantizeLinear into a float initializer, so the
   * weight takes a quarter of the float32 memory and only one conv's float copy exists at a time.
   */
  convWeight(source: string, shape: readonly number[], name: string, dims: readonly number[], make: (values: Float32Array) => Float32Array, dtype: Float = this.act): string {
    if (this.convWeights === 'float') return this.weight(source, shape, name, dims, make, dtype);
    const made = this.dequantized.get(name);
    if (made) return made;
    const [quantized, scales] = [`${name}.int8`, `${name}.scale`];
    const count = dims.reduce((a, b) => a * b, 1);
    this.addRecipe(source, shape, {
      specs: [
        { name: quantized, dtype: 'int8', dims },
        { name: scales, dtype: 'float32', dims: [dims[0]!] },
      ],
      make: (v) => {
        const q = quantizePerChannelInt8(make(v), dims[0]!);
        return [new Uint8Array(q.values.buffer), new Uint8Array(q.scales.buffer)];
      },
    });
    const weight = this.op('DequantizeLinear', [quantized, scales], `${name}/DequantizeLinear`, 'float32', () => count, { axis: 0 });
    const typed = dtype === 'float32' ? weight : this.op('Cast', [weight], `${name}/Cast`, dtype, () => count, { to: CAST_TO[dtype] });
    this.dequantized.set(name, typed);
    return typed;
  }

  /** A weight taken as stored, under its own name. */
  sourceWeight(source: string, shape: readonly number[], dims: readonly number[] = shape, dtype: Float = this.act): string {
    return this.weight(source, shape, source, dims, (v) => v, dtype);
  }

  /** A small float32 tensor kept inline in the graph (not a checkpoint weight), e.g. latent statistics. */
  inlineFloats(name: string, values: readonly number[], dims: readonly number[]): string {
    if (this.g.hasInitializer(name)) return name;
    return this.g.initializer(name, 'float32', dims, new Uint8Array(Float32Array.from(values).buffer));
  }

  /** Checks every named source tensor's shape, then reads each once and adds its initializers. */
  async loadWeights(ctx: BuildContext): Promise<void> {
    for (const [source, recipe] of this.recipes) expectShape(ctx.weights, source, recipe.shape);
    for (const [source, recipe] of this.recipes) {
      let values: Promise<Float32Array> | undefined;
      const read = () => (values ??= ctx.weights.read(source));
      for (const out of recipe.outputs) await derivedWeights(ctx, out.specs, async () => out.make(await read()));
    }
  }

  private addRecipe(source: string, shape: readonly number[], recipe: WeightRecipe): void {
    let entry = this.recipes.get(source);
    if (!entry) {
      entry = { shape, outputs: [] };
      this.recipes.set(source, entry);
    }
    entry.outputs.push(recipe);
  }

  /**
   * Records a spatial kernel reaching `rows` rows beyond each output row, at `scale` × the latent
   * grid. The reaches add up: in the VAE every spatial kernel sits on the graph's one main chain
   * (shortcuts and a causal conv's parallel taps count once).
   */
  reachRows(rows: number, scale: number): void {
    if (this.rowReach !== undefined) this.rowReach += rows / scale;
  }

  /** Records an op that mixes a whole frame: the graph cannot run on row bands. */
  mixWholeFrame(): void {
    this.rowReach = undefined;
  }

  contract(): GraphContract {
    return { inputs: [...this.inputs], outputs: [...this.outputs], ...(this.rowReach === undefined ? {} : { rowReach: this.rowReach }) };
  }

  /** `decoder.up_blocks.0.resnets.1.conv1` → `up_blocks.0.resnets.1.conv1`. */
  moduleName(prefix: string): string {
    return prefix.startsWith(`${this.root}.`) ? prefix.slice(this.root.length + 1) : prefix;
  }

  private declareInput(name: string, dtype: DataType, dims: Dim[], extent: Extent): string {
    if (this.inputs.some((i) => i.name === name)) throw new ConvertError(`VAE graph ${this.g.name}: input ${name} declared twice.`);
    this.g.input(name, dtype, dims);
    this.inputs.push({ name, dtype, dims });
    this.tracked.push({ name, dtype, extent, isInput: true });
    return name;
  }
}

/** Bytes of a tracked tensor at the latent grid h × w. */
export function trackedBytes(t: TrackedTensor, h: number, w: number): number {
  return t.extent(h, w) * (t.dtype === 'bool' ? 1 : BYTES_PER_ELEMENT[t.dtype]);
}

/**
 * Node scope for a checkpoint prefix: `decoder.up_blocks.0.resnets.1.conv1` →
 * `/vae/decoder/up_blocks.0/resnets.1/conv1` (an index stays with its list's name).
 */
export function scopeOf(prefix: string): string {
  const parts: string[] = [];
  for (const part of prefix.split('.')) {
    if (/^\d+$/.test(part) && parts.length > 0) parts[parts.length - 1] += `.${part}`;
    else parts.push(part);
  }
  return `/vae/${parts.join('/')}`;
}
