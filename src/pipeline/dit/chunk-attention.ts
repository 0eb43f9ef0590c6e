import { decodeModel, encodeModel } from '../../onnx/onnx-proto.ts';
import type { NodeObject, TensorProtoObject } from '../../onnx/onnx-proto.ts';

/**
 * The largest query chunk whose unfused attention probabilities [heads, chunk, keys]
 * fit in half a GPU buffer: onnxruntime's non-flash attention path materialises them.
 */
export function queryChunkSize(keys: number, heads: number, maxBufferBytes: number, bytesPerElement = 4): number {
  const rows = Math.floor(maxBufferBytes / 2 / (heads * keys * bytesPerElement));
  if (rows < 1) throw new RangeError(`attention over ${keys} keys does not fit a ${maxBufferBytes}-byte GPU buffer even one query at a time`);
  return rows >= 16 ? rows - (rows % 16) : rows;
}

/** Query rows per self-attention chunk for a token count and head count, or null to use the fused kernel. */
export type AttentionChunkSize = (tokens: number, heads: number) => number | null;

/** The DiT graph with its self-attention chunked for one token count: a session of its own. */
export interface ChunkedAttentionVariant {
  /** Tells this variant's session apart from the plain graph's and other token counts'. */
  readonly key: string;
  readonly rewrite: (model: Uint8Array) => Uint8Array;
}

/** The chunked variant of the DiT graph for `tokens`, or null where the fused kernel runs them whole. */
export function chunkedAttentionVariant(chunkSize: AttentionChunkSize | undefined, tokens: number, heads: number): ChunkedAttentionVariant | null {
  const chunk = chunkSize?.(tokens, heads) ?? null;
  if (chunk === null || chunk >= tokens) return null;
  return { key: `${tokens}/${chunk}`, rewrite: (model) => chunkSelfAttention(model, tokens, chunk) };
}

/**
 * Rewrites a graph so that every self-attention node (com.microsoft MultiHeadAttention
 * named `…/attn1/…`) runs over query chunks of at most `chunk` rows, for a fixed token
 * count. For devices where the fused flash-attention kernel is wrong or absent:
 *
 *   q ─ Split(axis 1, [chunk, chunk, …, rest]) ─ MHA(q_i, k, v) ─ … ─ Concat(axis 1) ─ out
 *
 * Only the graph structure changes; weights stay in the same external files.
 */
export function chunkSelfAttention(model: Uint8Array, tokens: number, chunk: number): Uint8Array {
  if (chunk >= tokens) return model;
  const decoded = decodeModel(model);
  const sizes: number[] = [];
  for (let start = 0; start < tokens; start += chunk) sizes.push(Math.min(chunk, tokens - start));
  const splitName = `/constants/attention_chunks/${tokens}/${chunk}`;
  const splitSizes: TensorProtoObject = {
    name: splitName,
    dims: [sizes.length],
    dataType: 7,
    rawData: new Uint8Array(BigInt64Array.from(sizes, BigInt).buffer),
  };
  const nodes: NodeObject[] = [];
  for (const node of decoded.graph.node) {
    if (node.opType !== 'MultiHeadAttention' || !node.name.includes('/attn1/')) {
      nodes.push(node);
      continue;
    }
    const [query, key, value] = node.input as [string, string, string];
    const parts = sizes.map((_, i) => `${node.name}/chunk_${i}/query`);
    nodes.push({ name: `${node.name}/SplitQueries`, opType: 'Split', domain: '', input: [query, splitName], output: parts, attribute: [{ name: 'axis', type: 2, i: 1 }] });
    const outputs = parts.map((part, i) => {
      const output = `${node.name}/chunk_${i}/output`;
      nodes.push({ ...node, name: `${node.name}/chunk_${i}`, input: [part, key, value], output: [output] });
      return output;
    });
    nodes.push({ name: `${node.name}/ConcatChunks`, opType: 'Concat', domain: '', input: outputs, output: node.output, attribute: [{ name: 'axis', type: 2, i: 1 }] });
  }
  decoded.graph.node = nodes;
  decoded.graph.initializer = [...decoded.graph.initializer, splitSizes];
  return encodeModel(decoded);
}
