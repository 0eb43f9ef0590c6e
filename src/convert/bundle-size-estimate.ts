import type { QuantConfig, WeightFormat } from '../bundle/quant-config.ts';
import { weightFormatOf } from '../bundle/quant-config.ts';
import { FLOAT32_FAMILIES, linearFamily } from '../bundle/tensor-families.ts';
import type { SourceModel } from './convert-checkpoint.ts';
import { EMBEDDING_TENSOR_NAMES } from '../bundle/umt5-names.ts';
import type { GgufCheckpoint } from '../gguf/index.ts';
import { copiedEmbeddingBytes, findEmbeddingRows } from './umt5/embedding-rows.ts';

const FLOAT_BYTES = { fp16: 2, fp32: 4 } as const;

/** Stored bytes per weight value of a linear layer: the values, plus a scale (`scaleBytes`) and a zero point per block when quantized. */
function linearBytesPerValue(format: WeightFormat, quant: QuantConfig, scaleBytes: number): number {
  const scale = scaleBytes / quant.blockSize;
  switch (format) {
    case 'int4':
      return 0.5 + scale + 0.5 / quant.blockSize;
    case 'int8':
      return 1 + scale + 1 / quant.blockSize;
    case 'fp16':
      return 2;
    case 'fp32':
      return 4;
  }
}

/** The graphs' own definitions (nodes, names, shapes): a few hundred kB whatever the widths, which only small test models notice. */
const GRAPH_DEFINITION_BYTES = 512 * 1024;

/** The float32 scales of an int8 VAE kernel: one per output channel and temporal tap. */
function int8ScaleBytes(shape: readonly number[]): number {
  const taps = shape.length === 5 ? shape[2]! : 1;
  return shape[0]! * taps * 4;
}

/**
 * About how many bytes the bundle of `source` takes at `quant`, before converting it, for
 * the space check. Linear layers of the DiT and the text encoder count in their family's
 * weight format, the token embedding table as copied, VAE convolution kernels at one byte with
 * int8 VAE weights, everything else (norms, biases) in its activation type (fp32 for the text
 * encoder), plus the graphs' definitions. `only` counts just those components (the others are
 * already stored, shared with another model).
 */
export function estimateBundleBytes(source: SourceModel, quant: QuantConfig, only?: ReadonlySet<keyof SourceTensorShapes>): number {
  const tensors = (kind: keyof SourceTensorShapes) => (only && !only.has(kind) ? [] : [...source[kind].tensors.values()]);
  // A table copied from a GGUF's quantized blocks is stored as float16, not in its stored size.
  const table = (source.textEncoder as Partial<GgufCheckpoint>).ggml ? findEmbeddingRows(source.textEncoder) : undefined;
  const textEncoder = tensors('textEncoder').map((t) => (t.name === table?.name ? { ...t, byteLength: copiedEmbeddingBytes(table) } : t));
  return estimateBundleBytesOf({ transformer: tensors('transformer'), textEncoder, vae: tensors('vae') }, quant);
}

/** A source tensor as the estimate sees it: its name, shape and stored size in the source. */
export interface SourceTensorShape {
  readonly name: string;
  readonly shape: readonly number[];
  readonly byteLength: number;
}

/** The tensors of a checkpoint's three components (from its headers, or from a table of the real model's shapes). */
export interface SourceTensorShapes {
  readonly transformer: readonly SourceTensorShape[];
  readonly textEncoder: readonly SourceTensorShape[];
  readonly vae: readonly SourceTensorShape[];
}

/** {@link estimateBundleBytes} from tensor shapes alone (the quality bench prices full-size bundles this way). */
export function estimateBundleBytesOf(source: SourceTensorShapes, quant: QuantConfig): number {
  let bytes = GRAPH_DEFINITION_BYTES;
  const components = [
    { tensors: source.transformer, kind: 'linear', other: FLOAT_BYTES[quant.activations] },
    { tensors: source.textEncoder, kind: 'text', other: 4 },
    { tensors: source.vae, kind: 'vae', other: FLOAT_BYTES[quant.activations] },
  ] as const;
  for (const { tensors, kind, other } of components) {
    for (const tensor of tensors) {
      const values = tensor.shape.reduce((a, b) => a * b, 1);
      const family = kind === 'vae' ? undefined : linearFamily(tensor.name);
      if (kind === 'text' && (EMBEDDING_TENSOR_NAMES as readonly string[]).includes(tensor.name)) {
        bytes += quant.textEmbedding === 'int8' ? values + 4 * (tensor.shape[0] ?? 1) : tensor.byteLength;
      } else if (family !== undefined) {
        const scaleBytes = FLOAT32_FAMILIES.has(family) ? 4 : FLOAT_BYTES[quant.activations];
        bytes += values * linearBytesPerValue(weightFormatOf(quant, family), quant, scaleBytes);
      } else if (kind === 'vae' && quant.vaeWeights === 'int8' && tensor.shape.length >= 4) bytes += values + int8ScaleBytes(tensor.shape);
      else bytes += values * other;
    }
  }
  return Math.ceil(bytes);
}
