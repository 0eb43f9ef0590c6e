import type { VaeWeightFormat } from '../../bundle/quant-config.ts';
import { ONNX_DATA_TYPE } from '../../onnx/index.ts';
import type { DataType } from '../../onnx/index.ts';
import type { BuildContext, FloatType } from '../build-context.ts';
import { derivedWeights, floatBytes } from '../build-context.ts';
import { quantizePerChannelInt8 } from '../quant/quantize-per-channel.ts';
import { expectShape } from '../weights/weight-source.ts';
import type { VaeStage } from './vae-stage.ts';
import type {  } from './vae-tensors.ts';

/** How initializers are made from a source tensor: what they are, and their bytes from the source values. */
interface WeightRecipe {
  readonly specs: readonly { readonly name: string; readonly dtype: DataType; readonly dims: readonly number[] }[];
  readonly make: (source: Float32Array) => readonly Uint8Array[];
}

/**
 * The weights of one VAE stage graph. While the structure is emitted each weight is only named,
 * with a recipe that makes its bytes from a source tensor; {@link load} then reads each source
 * tensor once and adds every initializer made from it.
 */
export class VaeWeightRecipes {
  private readonly recipes = new Map<string, { shape: readonly number[]; outputs: WeightRecipe[] }>();
  private readonly initializerNames = new Set<string>();
  /** Int8 conv weights already emitted: weight name → the float tensor its DequantizeLinear makes. */
  private readonly dequantized = new Map<string, string>();

  constructor(
    private readonly s: VaeStage,
    /** How convolution weights are stored (see {@link conv}). */
    readonly convFormat: VaeWeightFormat,
  ) {}

  /**
   * Names a float weight made from the source tensor `source` (checked to have `shape`) by
   * `make`. The same name asked twice is made once.
   */
  float(source: string, shape: readonly number[], name: string, dims: readonly number[], make: (values: Float32Array) => Float32Array, dtype: FloatType = this.s.act): string {
    if (this.initializerNames.has(name)) return name;
    this.initializerNames.add(name);
    this.addRecipe(source, shape, { specs: [{ name, dtype, dims }], make: (v) => [floatBytes(make(v), dtype)] });
    return name;
  }

  /**
   * A convolution weight ([cout, ...], made like {@link float}). With int8 storage it is kept
   * as int8 with one float32 scale per output channel and dequantised by a DequantizeLinear node
   * at every run: onnxruntime does not fold DequantizeLinear into a float initializer, so the
   * weight takes a quarter of the float32 memory and only one conv's float copy exists at a time.
   */
  conv(source: string, shape: readonly number[], name: string, dims: readonly number[], make: (values: Float32Array) => Float32Array, dtype: FloatType = this.s.act): string {
    if (this.convFormat === 'float') return this.float(source, shape, name, dims, make, dtype);
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
    const s = this.s;
    const weight = s.op('DequantizeLinear', [quantized, scales], `${name}/DequantizeLinear`, 'float32', () => count, { axis: 0 });
    const typed = dtype === 'float32' ? weight : s.op('Cast', [weight], `${name}/Cast`, dtype, () => count, { to: ONNX_DATA_TYPE[dtype] });
    this.dequantized.set(name, typed);
    return typed;
  }

  /** A weight taken as stored, under its own name. */
  asStored(source: string, shape: readonly number[], dims: readonly number[] = shape, dtype: FloatType = this.s.act): string {
    return this.float(source, shape, source, dims, (v) => v, dtype);
  }

  /** Checks every named source tensor's shape, then reads each once and adds its initializers. */
  async load(ctx: BuildContext): Promise<void> {
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
}
