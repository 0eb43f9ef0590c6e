import { GraphBuilder } from '../onnx/index.ts';
import type { BuiltGraph, MakeContext } from './built-graph.ts';
import { buildGraph } from './built-graph.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import type { BundleSink } from '../bundle/bundle-sink.ts';
import type { GraphEntry } from '../bundle/manifest.ts';
import type { FileRecord } from '../bundle/hashing-writer.ts';
import type { ConvertedComponent } from '../bundle/component-shelf.ts';
import type { AbortSignalLike } from '../safetensors/index.ts';
import { checkpointWeightSource } from './weights/weight-source.ts';
import type { WeightSource } from './weights/weight-source.ts';
import { ExternalWeightStore } from './bundle/external-weight-store.ts';
import { writeBundleFile } from './bundle/write-bundle-file.ts';
import type { ConversionJournal } from './bundle/conversion-journal.ts';
import type { SourceReadMeter } from './source-read-meter.ts';
import type { SourceModel } from './convert-checkpoint.ts';
import { parseDitConfig } from '../bundle/dit-config.ts';
import { buildDitContext } from './wan-dit/wan-dit-context.ts';
import { buildDitStep } from './wan-dit/wan-dit-step.ts';
import { parseUmt5Config } from '../bundle/umt5-config.ts';
import { buildUmt5Encoder } from './umt5/umt5-encoder.ts';
import { writeEmbeddingTable } from './umt5/embedding-table.ts';
import { buildVaeGraphs, parseVaeConfig } from './wan-vae/index.ts';

export type ComponentName = 'transformer' | 'vae' | 'textEncoder';

/** How one component's graphs are built, and the prefix of its weight files (so a component's files are its own). */
interface ComponentRecipe {
  readonly weightFilePrefix: string;
  build(make: MakeContext, source: SourceModel): Promise<readonly BuiltGraph[]>;
}

/** Every component's graphs, in build order. */
const RECIPES: Readonly<Record<ComponentName, ComponentRecipe>> = {
  textEncoder: {
    weightFilePrefix: 'text-encoder-',
    build: async (make, s) => [await buildGraph(make, 'text-encoder', (ctx) => buildUmt5Encoder(ctx, parseUmt5Config(s.configs.text_encoder)))],
  },
  transformer: {
    weightFilePrefix: 'dit-',
    build: async (make, s) => {
      const config = parseDitConfig(s.configs.transformer);
      return [await buildGraph(make, 'dit-context', (ctx) => buildDitContext(ctx, config)), await buildGraph(make, 'dit', (ctx) => buildDitStep(ctx, config))];
    },
  },
  vae: {
    weightFilePrefix: 'vae-',
    build: async (make, s) => [...(await buildVaeGraphs(make, parseVaeConfig(s.configs.vae), 'encoder')), ...(await buildVaeGraphs(make, parseVaeConfig(s.configs.vae), 'decoder'))],
  },
};

export const COMPONENT_ORDER: readonly ComponentName[] = ['textEncoder', 'transformer', 'vae'];

/** Where a component is written, and what the conversion around it provides. */
export interface ComponentTarget {
  readonly sink: BundleSink;
  readonly journal: ConversionJournal;
  readonly meter: SourceReadMeter;
  readonly quant: QuantConfig;
  readonly setPhase: (phase: string) => void;
  /** Changes what a component's graphs read, e.g. LoRAs merged into the transformer's weights. */
  readonly wrapWeights?: (kind: ComponentName, weights: WeightSource) => WeightSource;
  readonly signal?: AbortSignalLike;
}

/**
 * Builds one component's graphs with their weights in the component's own weight files (and,
 * for the text encoder, its embedding table and tokenizer), streaming tensor by tensor.
 */
export async function convertComponent(kind: ComponentName, source: SourceModel, target: ComponentTarget, tokenizer: Uint8Array | null): Promise<ConvertedComponent> {
  const { sink, journal, meter } = target;
  const recipe = RECIPES[kind];
  const store = await ExternalWeightStore.open(sink, { journal, sourceBytesRead: () => meter.read, filePrefix: recipe.weightFilePrefix });
  try {
    const checkpoint = source[kind];
    const read = meter.wrap(checkpointWeightSource(checkpoint, source.weightScales?.[kind]), checkpoint);
    const weights = target.wrapWeights ? target.wrapWeights(kind, read) : read;
    const builders = new Map<string, GraphBuilder>();
    const make: MakeContext = (name) => {
      target.setPhase(name);
      const g = new GraphBuilder(name);
      builders.set(name, g);
      return { g, weights, store, quant: target.quant };
    };
    const graphs: Record<string, GraphEntry> = {};
    const files: FileRecord[] = [];
    for (const graph of await recipe.build(make, source)) {
      const file = `${graph.name}.onnx`;
      files.push(await writeBundleFile(sink, file, graph.bytes));
      graphs[graph.name] = { file, externalData: builders.get(graph.name)?.externalDataFiles() ?? [], contract: graph.contract };
    }
    await store.checkpoint();
    if (kind !== 'textEncoder') return { graphs, files: [...files, ...(await store.finish())] };
    target.setPhase('text embedding table');
    const embedding = await writeEmbeddingTable(source.textEncoder, sink, {
      onBytes: (bytes) => meter.add(bytes),
      journal,
      sourceBytesRead: () => meter.read,
      int8: target.quant.textEmbedding === 'int8',
      ...(target.signal ? { signal: target.signal } : {}),
    });
    files.push(...embedding.files);
    if (tokenizer) files.push(await writeBundleFile(sink, 'tokenizer.json', tokenizer));
    return { graphs, files: [...files, ...(await store.finish())], textEmbedding: embedding.entry, tokenizer: tokenizer ? 'tokenizer.json' : null };
  } catch (error) {
    await store.abandon();
    throw error;
  }
}
