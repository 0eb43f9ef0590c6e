import type { ConvertProgress } from '../bundle/convert-progress.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { GraphBuilder } from '../onnx/index.ts';
import type { BuiltGraph, MakeContext } from './built-graph.ts';
import { buildGraph } from './built-graph.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import { checkpointWeightSource } from './weights/weight-source.ts';
import { checkSourceShapes } from './weights/source-shapes.ts';
import { ditTensorSpecs, umt5TensorSpecs, vaeTensorSpecs } from './random-checkpoint/index.ts';
import { SafetensorsError, openCheckpoint, readCheckpointJson } from '../safetensors/index.ts';
import type { AbortSignalLike, Checkpoint, CheckpointFiles } from '../safetensors/index.ts';
import type { GgufCheckpoint } from '../gguf/index.ts';
import type { BundleSink } from '../bundle/bundle-sink.ts';
import { ExternalWeightStore } from './bundle/external-weight-store.ts';
import { writeBundleFile } from './bundle/write-bundle-file.ts';
import { checkTinyDecoderFits, withTinyDecoder, writeTinyDecoder } from './tiny-vae/tiny-decoder-bundle.ts';
import type { TinyDecoderInput } from './tiny-vae/tiny-decoder-bundle.ts';
import type { FileRecord } from '../bundle/hashing-writer.ts';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, MANIFEST_FILE } from '../bundle/manifest.ts';
import type { BundleManifest, GraphEntry } from '../bundle/manifest.ts';
import { ConvertError } from '../errors.ts';
import { ConversionJournal } from './bundle/conversion-journal.ts';
import { SourceReadMeter, totalSourceBytes } from './source-read-meter.ts';
import { estimateBundleBytes } from './bundle-size-estimate.ts';
import type { CheckpointPolicy } from './bundle/conversion-journal.ts';
import { parseDitConfig } from '../bundle/dit-config.ts';
import { buildDitContext } from './wan-dit/wan-dit-context.ts';
import { buildDitStep } from './wan-dit/wan-dit-step.ts';
import { parseUmt5Config } from '../bundle/umt5-config.ts';
import { buildUmt5Encoder } from './umt5/umt5-encoder.ts';
import { writeEmbeddingTable } from './umt5/embedding-table.ts';
import { buildVaeGraphs, parseVaeConfig } from './wan-vae/index.ts';
import type { LoraFile } from './lora/lora-file.ts';
import { loraRecord } from './lora/lora-file.ts';
import { prepareLoraMerge } from './lora/lora-merge.ts';
import type { LowRankProduct } from './lora/lora-merged-source.ts';

export interface ConvertOptions {
  readonly quant: QuantConfig;
  readonly source: { readonly repo: string; readonly revision: string };
  readonly name?: string;
  readonly onProgress?: (progress: ConvertProgress) => void;
  readonly signal?: AbortSignalLike;
  /** How often a resumable sink's journal is brought up to date (default: every 2 s or 256 MiB). */
  readonly checkpointPolicy?: CheckpointPolicy;
  /**
   * Called before anything is written with about how many bytes the bundle still needs
   * ({@link estimateBundleBytes} less what an interrupted run kept); throw to refuse.
   */
  readonly beforeWriting?: (bytesToWrite: number) => Promise<void>;
  /** The transformer's weights from elsewhere than the checkpoint folder (a GGUF file, see src/gguf). */
  readonly transformerWeights?: Checkpoint;
  /** Also build the tiny decoder into the bundle (checked before anything is written). */
  readonly tinyDecoder?: TinyDecoderInput;
  /** LoRAs merged into the transformer's weights before quantisation (recorded in the manifest). */
  readonly loras?: readonly LoraFile[];
  /** How the LoRAs' low-rank products are computed (default: in JavaScript). */
  readonly loraProduct?: LowRankProduct;
}

/** The opened source: one checkpoint per component, with its config. */
export interface SourceModel {
  readonly transformer: Checkpoint;
  readonly vae: Checkpoint;
  readonly textEncoder: Checkpoint;
  readonly configs: BundleManifest['configs'];
}

/** Opens the three components of a diffusers Wan2.2 TI2V checkpoint (headers and configs only). */
export async function openSourceModel(files: CheckpointFiles, signal?: AbortSignalLike, transformerWeights?: Checkpoint): Promise<SourceModel> {
  const [transformer, vae, textEncoder] = await Promise.all(
    (['transformer', 'vae', 'text_encoder'] as const).map((component) =>
      component === 'transformer' && transformerWeights ? Promise.resolve(transformerWeights) : openCheckpoint(files, component, signal),
    ),
  );
  const config = async (checkpoint: Checkpoint) => {
    // Weights from elsewhere (a GGUF file) have no config.json: the folder's is used.
    const json = checkpoint === transformerWeights ? await readCheckpointJson(files, 'transformer/config.json', signal) : await checkpoint.readJson('config.json', signal);
    if (typeof json !== 'object' || json === null) throw new ConvertError(`${checkpoint.component}/config.json is not a JSON object.`, `${checkpoint.component}/config.json`);
    return json as Record<string, unknown>;
  };
  const configs = { transformer: await config(transformer!), vae: await config(vae!), text_encoder: await config(textEncoder!) };
  // The parsers bound every size and count before the specs below enumerate layers and blocks.
  parseDitConfig(configs.transformer);
  parseVaeConfig(configs.vae);
  parseUmt5Config(configs.text_encoder);
  checkSourceShapes(transformer!, ditTensorSpecs(configs.transformer));
  checkSourceShapes(vae!, vaeTensorSpecs(configs.vae));
  checkSourceShapes(textEncoder!, umt5TensorSpecs(configs.text_encoder));
  return { transformer: transformer!, vae: vae!, textEncoder: textEncoder!, configs };
}

/** Graphs of one component: which checkpoint's weights they read and how they are built. */
interface GraphRecipe {
  readonly component: 'transformer' | 'vae' | 'textEncoder';
  build(makeContext: MakeContext, source: SourceModel): Promise<readonly BuiltGraph[]>;
}

/** Every graph of a bundle, in build order. */
const GRAPH_RECIPES: readonly GraphRecipe[] = [
  {
    component: 'textEncoder',
    build: async (make, s) => [await buildGraph(make, 'text-encoder', (ctx) => buildUmt5Encoder(ctx, parseUmt5Config(s.configs.text_encoder)))],
  },
  {
    component: 'transformer',
    build: async (make, s) => {
      const config = parseDitConfig(s.configs.transformer);
      return [await buildGraph(make, 'dit-context', (ctx) => buildDitContext(ctx, config)), await buildGraph(make, 'dit', (ctx) => buildDitStep(ctx, config))];
    },
  },
  { component: 'vae', build: (make, s) => buildVaeGraphs(make, parseVaeConfig(s.configs.vae), 'encoder') },
  { component: 'vae', build: (make, s) => buildVaeGraphs(make, parseVaeConfig(s.configs.vae), 'decoder') },
];

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
  tokenizer: Uint8Array | null,
): Promise<BundleManifest> {
  let phase = 'opening';
  const graphs: Record<string, GraphEntry> = {};
  const files: FileRecord[] = [];
  let store: ExternalWeightStore | undefined;
  try {
    const tiny = options.tinyDecoder;
    if (tiny) checkTinyDecoderFits(tiny, parseVaeConfig(source.configs.vae).zDim);
    const loras = options.loras?.length ? await prepareLoraMerge(options.loras, checkpointWeightSource(source.transformer), options.loraProduct) : undefined;
    const journal = await ConversionJournal.open(sink.resumable, conversionKey(source, options), options.checkpointPolicy);
    const total = totalSourceBytes(source);
    const meter = new SourceReadMeter(
      Math.min(journal.sourceBytesRead, total),
      total,
      (read) => options.onProgress?.({ phase, sourceBytesRead: Math.min(read, total), sourceBytesTotal: total }),
      options.signal,
    );
    if (journal.resumed) meter.add(0);
    await options.beforeWriting?.(Math.max(0, estimateBundleBytes(source, options.quant) - journal.stagedBytes));
    await journal.begin();
    store = await ExternalWeightStore.open(sink, { journal, sourceBytesRead: () => meter.read });
    const weightStore = store;
    for (const recipe of GRAPH_RECIPES) {
      const checkpoint = source[recipe.component];
      const read = meter.wrap(checkpointWeightSource(checkpoint), checkpoint);
      const weights = loras && recipe.component === 'transformer' ? loras.wrap(read) : read;
      const builders = new Map<string, GraphBuilder>();
      const makeContext: MakeContext = (name) => {
        phase = name;
        const g = new GraphBuilder(name);
        builders.set(name, g);
        return { g, weights, store: weightStore, quant: options.quant };
      };
      for (const graph of await recipe.build(makeContext, source)) {
        const file = `${graph.name}.onnx`;
        files.push(await writeBundleFile(sink, file, graph.bytes));
        graphs[graph.name] = { file, externalData: builders.get(graph.name)?.externalDataFiles() ?? [], contract: graph.contract };
      }
    }
    // A resumed conversion does not read again the tensors it kept.
    if (loras && !journal.resumed) loras.assertApplied();
    await store.checkpoint();
    phase = 'text embedding table';
    const embedding = await writeEmbeddingTable(source.textEncoder, sink, {
      onBytes: (bytes) => meter.add(bytes),
      journal,
      sourceBytesRead: () => meter.read,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    files.push(...embedding.files);
    if (tokenizer) files.push(await writeBundleFile(sink, 'tokenizer.json', tokenizer));
    files.push(...(await store.finish()));

    if (tiny) phase = 'tiny decoder';
    const tinyFiles = tiny ? await writeTinyDecoder(sink, tiny.weights, options.quant, tiny.config) : undefined;
    const built: BundleManifest = {
      format: BUNDLE_FORMAT,
      formatVersion: BUNDLE_FORMAT_VERSION,
      name: options.name ?? options.source.repo,
      source: options.source,
      createdBy: 'wan-web convert',
      precision: { ...options.quant },
      configs: source.configs,
      graphs,
      textEmbedding: embedding.entry,
      tokenizer: tokenizer ? 'tokenizer.json' : null,
      ...(loras ? { loras: loras.records } : {}),
      files: files.sort((a, b) => a.path.localeCompare(b.path)),
    };
    const manifest = tiny && tinyFiles ? withTinyDecoder(built, tinyFiles, tiny.source) : built;
    const writer = await sink.create(MANIFEST_FILE);
    await writer.write(new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
    await writer.close();
    await sink.commit();
    return manifest;
  } catch (error) {
    await store?.abandon();
    // What a resumable sink staged stays for the next run, unless the source itself is at fault.
    if (!sink.resumable || error instanceof ConvertError) await sink.abort();
    throw error;
  }
}

/**
 * Bump when the bytes the builder writes for a named weight change, so that a conversion
 * interrupted under an older version is not resumed into a mixed bundle.
 */
const BUILDER_REVISION = 1;

/** What a resumed conversion must share with the interrupted one: source tensors, precision, builder. */
function conversionKey(source: SourceModel, options: ConvertOptions): string {
  const tensors = [source.transformer, source.vae, source.textEncoder].flatMap((checkpoint) =>
    [...checkpoint.tensors.values()].map((t) => `${checkpoint.component}/${t.name}:${storedType(checkpoint, t.name) ?? t.dtype}:${t.shape.join('x')}`),
  );
  const loras = (options.loras ?? []).map(loraRecord);
  const identity = JSON.stringify({ BUNDLE_FORMAT_VERSION, BUILDER_REVISION, quant: options.quant, configs: source.configs, tensors: tensors.sort(), ...(loras.length ? { loras } : {}) });
  return bytesToHex(sha256(new TextEncoder().encode(identity)));
}

/** A GGUF tensor's ggml type (its checkpoint reads it as F32), so that resuming from another GGUF file is refused. */
function storedType(checkpoint: Checkpoint, name: string): string | undefined {
  return (checkpoint as Partial<GgufCheckpoint>).ggml?.get(name)?.type;
}

/** The tokenizer of a diffusers checkpoint (`tokenizer/tokenizer.json`), byte for byte, or null when it has none. */
export async function readSourceTokenizer(files: CheckpointFiles, signal?: AbortSignalLike): Promise<Uint8Array | null> {
  const path = 'tokenizer/tokenizer.json';
  if (files.exists && !(await files.exists(path))) return null;
  try {
    const source = await files.open(path);
    return await source.read(0, await source.size(), signal);
  } catch (error) {
    if (error instanceof SafetensorsError && error.reason === 'not-found') return null;
    throw error;
  }
}

/** Opens a diffusers checkpoint and converts it (see {@link convertSourceModel}). */
export async function convertCheckpoint(files: CheckpointFiles, sink: BundleSink, options: ConvertOptions): Promise<BundleManifest> {
  let source: SourceModel;
  let tokenizer: Uint8Array | null;
  try {
    source = await openSourceModel(files, options.signal, options.transformerWeights);
    tokenizer = await readSourceTokenizer(files, options.signal);
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return convertSourceModel(source, sink, options, tokenizer);
}
