import type { GraphContract } from '../bundle/graph-contract.ts';
import type { BuildContext } from './build-context.ts';
import { GRAPH_OPSETS } from '../onnx/index.ts';

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
