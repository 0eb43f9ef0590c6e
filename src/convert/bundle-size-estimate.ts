import type { QuantConfig } from '../bundle/quant-config.ts';
import type { SourceModel } from './convert-checkpoint.ts';
import { EMBEDDING_TENSOR_NAMES } from '../bundle/umt5-names.ts';

const FLOAT_BYTES = { fp16: 2, fp32: 4 } as const;

/** Stored bytes per weight value of a linear layer: the values, plus a scale and a zero point per block when quantized. */
function linearBytesPerValue(quant: QuantConfig): number {
  const scale = FLOAT_BYTES[quant.activations] / quant.blockSize;
  switch (quant.weights) {
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
 * the space check. Matrices of the DiT and the text encoder count as linear layers in the
 * weight format, the token embedding table as copied, VAE convolution kernels at one byte with
 * int8 VAE weights, everything else (norms, biases) in its activation type (fp32 for the text
 * encoder), plus the graphs' definitions. `only` counts just those components (the others are
 * already stored, shared with another model).
 */
export function estimateBundleBytes(source: SourceModel, quant: QuantConfig, only?: ReadonlySet<'transformer' | 'textEncoder' | 'vae'>): number {
  let bytes = GRAPH_DEFINITION_BYTES;
  const components = [
    { kind: 'transformer', checkpoint: source.transformer, other: FLOAT_BYTES[quant.activations] },
    { kind: 'textEncoder', checkpoint: source.textEncoder, other: 4 },
    { kind: 'vae', checkpoint: source.vae, other: FLOAT_BYTES[quant.activations] },
  ] as const;
  for (const { kind, checkpoint, other } of components) {
    if (only && !only.has(kind)) continue;
    for (const tensor of checkpoint.tensors.values()) {
      const values = tensor.shape.reduce((a, b) => a * b, 1);
      if (checkpoint === source.textEncoder && (EMBEDDING_TENSOR_NAMES as readonly string[]).includes(tensor.name)) {
        bytes += quant.textEmbedding === 'int8' ? values + 4 * (tensor.shape[0] ?? 1) : tensor.byteLength;
      }
      else if (checkpoint !== source.vae && tensor.shape.length >= 2) bytes += values * linearBytesPerValue(quant);
      else if (checkpoint === source.vae && quant.vaeWeights === 'int8' && tensor.shape.length >= 4) bytes += values + int8ScaleBytes(tensor.shape);
      else bytes += values * other;
    }
  }
  return Math.ceil(bytes);
}
