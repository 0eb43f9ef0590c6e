import type { FloatType } from '../build-context.ts';
import type { GraphContract, TensorContract } from '../../bundle/graph-contract.ts';
import type { VaeCacheFormat, VaeWeightFormat } from '../../bundle/quant-config.ts';
import { VAE_IO } from '../../bundle/vae-names.ts';
import type { AttrValue, DataType, Dim, GraphBuilder } from '../../onnx/index.ts';
import { assert } from '../../assert.ts';
import { CausalConvCaches } from './vae-caches.ts';
import type { Act, Extent, TrackedTensor } from './vae-tensors.ts';
import { frameExtent, scaledDim } from './vae-tensors.ts';
import { VaeWeightRecipes } from './vae-weight-recipes.ts';

/** One stage graph of a VAE half: its bundle name, and how its structure is emitted into a stage. */
export interface VaeStagePlan {
  readonly name: string;
  readonly emit: (s: VaeStage) => void;
}

/**
 * Emits one VAE stage graph. Structure is built synchronously: every node declares its
 * output's size law (so a graph's largest tensor can be computed without weights or a
 * runtime), and weights are only named ({@link VaeWeightRecipes}). `weights.load` then
 * streams each source tensor once and adds the initializers derived from it. Without a
 * weight source the same code yields the tensor sizes alone (see vae-tensor-budget.ts).
 */
export class VaeStage {
  readonly inputs: TensorContract[] = [];
  readonly outputs: TensorContract[] = [];
  readonly tracked: TrackedTensor[] = [];
  /** The weights this graph names, and how each is made from the source. */
  readonly weights: VaeWeightRecipes;
  /** The causal convolutions' frame caches. */
  readonly caches: CausalConvCaches;
  private firstFlag: string | undefined;
  /** See {@link GraphContract.rowReach}; undefined once an op mixes whole frames. */
  private rowReach: number | undefined = 0;

  constructor(
    readonly g: GraphBuilder,
    /** Activation type inside the graph. */
    readonly act: FloatType,
    /** Checkpoint prefix of this model half ('decoder' or 'encoder'); stripped from cache names. */
    root: string,
    /** How convolution weights are stored (see {@link VaeWeightRecipes.conv}). */
    convWeightFormat: VaeWeightFormat = 'float',
    /** How causal-conv caches are kept between calls (see {@link CausalConvCaches}). */
    cacheFormat: VaeCacheFormat = 'float',
  ) {
    this.weights = new VaeWeightRecipes(this, convWeightFormat);
    this.caches = new CausalConvCaches(this, root, cacheFormat);
  }

  /** Declares a graph input holding one frame that the host writes (channels-first, like the official tensors). */
  input(name: string, channels: number, scale: number, dtype: FloatType = this.act): Act {
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

  /** Declares a graph input of any layout, with its size law. */
  declareInput(name: string, dtype: DataType, dims: Dim[], extent: Extent): string {
    assert(!this.inputs.some((i) => i.name === name), `VAE graph ${this.g.name}: input ${name} declared twice.`);
    this.g.input(name, dtype, dims);
    this.inputs.push({ name, dtype, dims });
    this.tracked.push({ name, dtype, extent, isInput: true });
    return name;
  }

  /** Declares the tensor `source` as the graph output `name`, a new tensor with the size law `extent`. */
  declareOutput(name: string, source: string, dtype: DataType, dims: Dim[], extent: Extent): void {
    this.g.output(name, dtype, dims, source);
    this.outputs.push({ name, dtype, dims });
    this.tracked.push({ name, dtype, extent, isInput: false });
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
  actOp(opType: string, inputs: readonly string[], name: string, channels: number, scale: number, attrs: Readonly<Record<string, AttrValue>> = {}, dtype: FloatType = this.act): Act {
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
}
