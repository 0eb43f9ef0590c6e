import type { GraphContract } from '../bundle/graph-contract.ts';
import type { BuildContext } from './build-context.ts';

/** The opset of each operator domain the builder emits into: standard ONNX, and onnxruntime's contrib ops. */
export const GRAPH_OPSETS = { '': 21, 'com.microsoft': 1 } as const;

/** The opsets of a graph made of standard ONNX ops only (the VAE stages declare no contrib domain). */
export const STANDARD_OPSETS = { '': GRAPH_OPSETS[''] } as const;

/** One built graph: its bundle name, the serialised ONNX model, and its I/O contract. */
export interface BuiltGraph {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly contract: GraphContract;
}

/**
 * Gives each graph, by its bundle name, a fresh context: its own GraphBuilder, and the weight
 * source and store it shares with the other graphs (external data in a bundle, inline in tests).
 */
export type MakeContext = (graphName: string) => BuildContext;

/** Builds the graph `name` through a fresh context and serialises it. */
export async function buildGraph(
  makeContext: MakeContext,
  name: string,
  build: (ctx: BuildContext) => Promise<GraphContract>,
  opsets: Readonly<Record<string, number>> = GRAPH_OPSETS,
): Promise<BuiltGraph> {
  const ctx = makeContext(name);
  const contract = await build(ctx);
  return { name, bytes: ctx.g.toModel({ opsets, producer: 'wan-web' }), contract };
}
