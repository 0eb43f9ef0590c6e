import { GraphBuilder } from './onnx/index.ts';
import type { BuildContext } from './build-context.ts';
import type { QuantConfig } from './quant/quant-config.ts';
import type { WeightSource } from './weights/weight-source.ts';
import { checkpointWeightSource } from './weights/weight-source.ts';
import { openCheckpoint } from './safetensors/index.ts';
import type { AbortSignalLike, Checkpoint, CheckpointFiles } from './safetensors/index.ts';
import type { BundleSink } from './bundle/bundle-sink.ts';
import { ExternalWeightStore } from './bundle/external-weight-store.ts';
import { HashingWriter } from './bundle/hashing-writer.ts';
import type { FileRecord } from './bundle/hashing-writer.ts';
import type { GraphContract } from './bundle/graph-contract.ts';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, MANIFEST_FILE } from './bundle/manifest.ts';
import type { BundleManifest, EmbeddingTableEntry, GraphEntry } from './bundle/manifest.ts';
import { ConvertError } from './convert-error.ts';
import { parseDitConfig } from './wan-dit/dit-config.ts';
import { buildDitContext } from './wan-dit/wan-dit-context.ts';
import { buildDitStep } from './wan-dit/wan-dit-step.ts';

/** Opsets every graph is written with. */
export const GRAPH_OPSETS = { '': 21, 'com.microsoft': 1 } as const;

export interface ConvertProgress {
  /** What is being built, e.g. "dit" or "text embedding table". */
  readonly phase: string;
  readonly sourceBytesRead: number;
  readonly sourceBytesTotal: number;
}

export interface ConvertOptions {
  readonly quant: QuantConfig;
  readonly source: { readonly repo: string; readonly revision: string };
  readonly name?: string;
  readonly onProgress?: (progress: ConvertProgress) => void;
  readonly signal?: AbortSignalLike;
}

/** The opened source: one checkpoint per component, with its config. */
export interface SourceModel {
  readonly transformer: Checkpoint;
  readonly vae: Checkpoint;
  readonly textEncoder: Checkpoint;
  readonly configs: BundleManifest['configs'];
}

/** Opens the three components of a diffusers Wan2.2 TI2V checkpoint (headers and configs only). */
export async function openSourceModel(files: CheckpointFiles, signal?: AbortSignalLike): Promise<SourceModel> {
  const [transformer, vae, textEncoder] = await Promise.all(
    (['transformer', 'vae', 'text_encoder'] as const).map((component) => openCheckpoint(files, component, signal)),
  );
  const config = async (checkpoint: Checkpoint) => {
    const json = await checkpoint.readJson('config.json', signal);
    if (typeof json !== 'object' || json === null) throw new ConvertError(`${checkpoint.component}/config.json is not a JSON object.`, `${checkpoint.component}/config.json`);
    return json as Record<string, unknown>;
  };
  return {
    transformer: transformer!,
    vae: vae!,
    textEncoder: textEncoder!,
    configs: { transformer: await config(transformer!), vae: await config(vae!), text_encoder: await config(textEncoder!) },
  };
}

/** One graph of the bundle: which component's weights it reads and how it is built. */
interface GraphRecipe {
  readonly name: string;
  readonly component: 'transformer' | 'vae' | 'textEncoder';
  build(ctx: BuildContext, source: SourceModel): Promise<GraphContract>;
}

const GRAPH_RECIPES: readonly GraphRecipe[] = [
  { name: 'dit-context', component: 'transformer', build: (ctx, s) => buildDitContext(ctx, parseDitConfig(s.configs.transformer)) },
  { name: 'dit', component: 'transformer', build: (ctx, s) => buildDitStep(ctx, parseDitConfig(s.configs.transformer)) },
];

/** Counts source bytes as weights are read, for progress and ETA, and honours the abort signal. */
class SourceReadMeter {
  read = 0;
  constructor(
    readonly total: number,
    private readonly report: (read: number) => void,
    private readonly signal?: AbortSignalLike,
  ) {}

  wrap(source: WeightSource, checkpoint: Checkpoint): WeightSource {
    return {
      ...source,
      read: async (name) => {
        if (this.signal?.aborted) throw new ConvertError('The conversion was cancelled.');
        const values = await source.read(name);
        this.read += checkpoint.tensors.get(name)?.byteLength ?? 0;
        this.report(this.read);
        return values;
      },
    };
  }
}

function totalSourceBytes(source: SourceModel): number {
  let total = 0;
  for (const checkpoint of [source.transformer, source.vae, source.textEncoder]) {
    for (const tensor of checkpoint.tensors.values()) total += tensor.byteLength;
  }
  return total;
}

/**
 * Converts an opened diffusers checkpoint into a bundle: every graph (.onnx) with its
 * weights in shared external data files, the text embedding table, the tokenizer and
 * manifest.json (written last). Weights stream tensor by tensor: memory holds a few
 * tensors, never the checkpoint. On failure everything written is removed.
 */
export async function convertSourceModel(
  source: SourceModel,
  sink: BundleSink,
  options: ConvertOptions,
  extras: {
    readonly embedding: (source: SourceModel, sink: BundleSink, meter: { add(bytes: number): void }) => Promise<{ entry: EmbeddingTableEntry; files: FileRecord[] }>;
    readonly tokenizer?: Uint8Array | null;
    readonly recipes?: readonly GraphRecipe[];
  },
): Promise<BundleManifest> {
  let phase = 'opening';
  const meter = new SourceReadMeter(totalSourceBytes(source), (read) => options.onProgress?.({ phase, sourceBytesRead: read, sourceBytesTotal: meter.total }), options.signal);
  const store = new ExternalWeightStore(sink);
  const graphs: Record<string, GraphEntry> = {};
  const files: FileRecord[] = [];
  try {
    for (const recipe of [...(extras.recipes ?? []), ...GRAPH_RECIPES]) {
      phase = recipe.name;
      const checkpoint = source[recipe.component];
      const weights = meter.wrap(checkpointWeightSource(checkpoint), checkpoint);
      const g = new GraphBuilder(recipe.name);
      const contract = await recipe.build({ g, weights, store, quant: options.quant }, source);
      const file = `${recipe.name}.onnx`;
      files.push(await writeFile(sink, file, g.toModel({ opsets: GRAPH_OPSETS, producer: 'wan-web' })));
      graphs[recipe.name] = { file, externalData: g.externalDataFiles(), contract };
    }
    phase = 'text embedding table';
    const embedding = await extras.embedding(source, sink, { add: (bytes) => { meter.read += bytes; } });
    files.push(...embedding.files);
    if (extras.tokenizer) files.push(await writeFile(sink, 'tokenizer.json', extras.tokenizer));
    files.push(...(await store.finish()));

    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      formatVersion: BUNDLE_FORMAT_VERSION,
      name: options.name ?? source.configs.transformer._name_or_path?.toString() ?? options.source.repo,
      source: options.source,
      createdBy: 'wan-web convert',
      precision: { ...options.quant },
      configs: source.configs,
      graphs,
      textEmbedding: embedding.entry,
      tokenizer: extras.tokenizer ? 'tokenizer.json' : null,
      files: files.sort((a, b) => a.path.localeCompare(b.path)),
    };
    const writer = await sink.create(MANIFEST_FILE);
    await writer.write(new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
    await writer.close();
    await sink.commit();
    return manifest;
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

async function writeFile(sink: BundleSink, path: string, bytes: Uint8Array): Promise<FileRecord> {
  const writer = new HashingWriter(path, await sink.create(path));
  await writer.write(bytes);
  return writer.close();
}
