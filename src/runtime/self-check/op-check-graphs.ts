import { GRAPH_OPSETS, GraphBuilder, float } from '../../onnx/index.ts';
import { randomBytes, seededRandom, uniformArray } from '../../seeded-random.ts';

/** One input tensor of a check, as plain data. */
export interface CheckFeed {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** A small graph exercising one op our models depend on, with fixed inputs. */
export interface OpCheck {
  readonly id: string;
  readonly label: string;
  readonly model: Uint8Array;
  readonly feeds: Readonly<Record<string, CheckFeed>>;
  readonly output: string;
}


function bytesOf(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * MatMulNBits as the DiT uses it: 4-bit (or, for the layers the default preset keeps at 8 bits,
 * 8-bit) weights in blocks of 32, fp32 scales, accuracy_level 0 (no int8 activation rounding).
 */
function matMulNBitsCheck(bits: 4 | 8): OpCheck {
  const random = seededRandom(bits === 4 ? 11 : 15);
  const [m, k, n, block] = [64, 256, 128, 32];
  const blocks = k / block;
  const g = new GraphBuilder('matmulnbits-check');
  const a = g.input('a', 'float32', [1, m, k]);
  const blob = (block * bits) / 8;
  // 8-bit values span 16 times the 4-bit range: smaller scales keep the outputs (and their rounding) alike.
  const weights = g.initializer('b', 'uint8', [n, blocks, blob], randomBytes(random, n * blocks * blob));
  const scales = g.initializer('scales', 'float32', [n * blocks], bytesOf(uniformArray(random, n * blocks, bits === 4 ? 0.02 : 0.02 / 16)));
  const y = g.op('MatMulNBits', [a, weights, scales], '/MatMulNBits', {
    domain: 'com.microsoft',
    attrs: { K: k, N: n, bits, block_size: block, accuracy_level: 0 },
  });
  g.output('y', 'float32', [1, m, n], y);
  return {
    id: bits === 4 ? 'matmulnbits' : 'matmulnbits-int8',
    label: `MatMulNBits (int${bits}, block 32)`,
    model: g.toModel({ opsets: GRAPH_OPSETS }),
    feeds: { a: { data: uniformArray(random, m * k), dims: [1, m, k] } },
    output: 'y',
  };
}

/** A 3×3×3 Conv over a 5-D tensor, the shape of the VAE's causal convolutions. */
function conv3dCheck(): OpCheck {
  const random = seededRandom(12);
  const [c, t, h, w] = [16, 4, 12, 12];
  const g = new GraphBuilder('conv3d-check');
  const x = g.input('x', 'float32', [1, c, t, h, w]);
  const weight = g.initializer('w', 'float32', [c, c, 3, 3, 3], bytesOf(uniformArray(random, c * c * 27, 1 / Math.sqrt(c * 27))));
  const bias = g.initializer('bias', 'float32', [c], bytesOf(uniformArray(random, c, 0.1)));
  const y = g.op('Conv', [x, weight, bias], '/Conv', { attrs: { kernel_shape: [3, 3, 3], pads: [1, 1, 1, 1, 1, 1] } });
  g.output('y', 'float32', [1, c, t, h, w], y);
  return {
    id: 'conv3d',
    label: 'Conv 3-D (3×3×3)',
    model: g.toModel({ opsets: GRAPH_OPSETS }),
    feeds: { x: { data: uniformArray(random, c * t * h * w), dims: [1, c, t, h, w] } },
    output: 'y',
  };
}

/** com.microsoft MultiHeadAttention with the DiT's head size (128). */
function attentionCheck(id: string, label: string, seed: number, queries: number, keys: number): OpCheck {
  const random = seededRandom(seed);
  const [heads, headSize] = [2, 128];
  const hidden = heads * headSize;
  const g = new GraphBuilder(`${id}-check`);
  const q = g.input('q', 'float32', [1, queries, hidden]);
  const k = g.input('k', 'float32', [1, keys, hidden]);
  const v = g.input('v', 'float32', [1, keys, hidden]);
  const y = g.op('MultiHeadAttention', [q, k, v], '/MultiHeadAttention', {
    domain: 'com.microsoft',
    attrs: { num_heads: heads, scale: float(1 / Math.sqrt(headSize)) },
  });
  g.output('y', 'float32', [1, queries, hidden], y);
  // Scaled so that the softmax is neither uniform nor one-hot.
  return {
    id,
    label,
    model: g.toModel({ opsets: GRAPH_OPSETS }),
    feeds: {
      q: { data: uniformArray(random, queries * hidden, 0.6), dims: [1, queries, hidden] },
      k: { data: uniformArray(random, keys * hidden, 0.6), dims: [1, keys, hidden] },
      v: { data: uniformArray(random, keys * hidden), dims: [1, keys, hidden] },
    },
    output: 'y',
  };
}

/** Every op check, in the order they run. */
export function buildOpChecks(): OpCheck[] {
  return [
    matMulNBitsCheck(4),
    matMulNBitsCheck(8),
    conv3dCheck(),
    attentionCheck('mha-self', 'MultiHeadAttention, self (256 tokens, head 128)', 13, 256, 256),
    attentionCheck('mha-cross', 'MultiHeadAttention, cross (128 → 512 text tokens)', 14, 128, 512),
  ];
}
