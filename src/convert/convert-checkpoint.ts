import type { ConvertProgress } from '../bundle/convert-progress.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { QuantConfig } from '../bundle/quant-config.ts';
import type { WeightScales } from './weights/weight-source.ts';
import { checkSourceShapes } from './weights/source-shapes.ts';
import { ditTensorSpecs, umt5TensorSpecs, vaeTensorSpecs } from './random-checkpoint/index.ts';
import { SafetensorsError, openCheckpoint, readCheckpointJson } from '../safetensors/index.ts';
import type { AbortSignalLike, Checkpoint, CheckpointFiles } from '../safetensors/index.ts';
import type { GgufCheckpoint } from '../gguf/index.ts';
import type { BundleSink } from '../bundle/bundle-sink.ts';
import { checkTinyDecoderFits, withTinyDecoder, writeTinyDecoder } from './tiny-vae/tiny-decoder-bundle.ts';
import type { TinyDecoderInput } from './tiny-vae/tiny-decoder-bundle.ts';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, MANIFEST_FILE } from '../bundle/manifest.ts';
import type { BundleManifest, GraphEntry } from '../bundle/manifest.ts';
import { ConvertError } from '../errors.ts';
import { ConversionJournal } from './bundle/conversion-journal.ts';
import { estimateBundleBytes } from './bundle-size-estimate.ts';
import type { CheckpointPolicy } from './bundle/conversion-journal.ts';
import { parseDitConfig } from '../bundle/dit-config.ts';
import { parseUmt5Config } from '../bundle/umt5-config.ts';
import { parseVaeConfig } from './wan-vae/index.ts';
import type { ComponentShelf, ConvertedComponent } from '../bundle/component-shelf.ts';
import { COMPONENT_ORDER, convertComponent } from './convert-component.ts';
import type { ComponentName } from './convert-component.ts';
import { componentKey } from './component-key.ts';
import { convertOnShelf, shelvedProgress } from './shelved-component.ts';
import { SourceReadMeter, checkpointBytes } from './source-read-meter.ts';
import type { LoraFile } from './lora/lora-file.ts';
import { loraRecord } from './lora/lora-file.ts';
import { checkpointWeightSource } from './weights/weight-source.ts';
import type { WeightSource } from './weights/weight-source.ts';
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
  /** The text encoder's weights from elsewhere than the checkpoint folder (a UMT5 GGUF file); its config.json stays the folder's. */
  readonly textEncoderWeights?: Checkpoint;
  /** Also build the tiny decoder into the bundle (checked before anything is written). */
  readonly tinyDecoder?: TinyDecoderInput;
  /** Keep the text encoder and the VAE once for every model that uses them (the browser's OPFS); without it the bundle holds everything. */
  readonly shelf?: ComponentShelf;
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
  /** Scales of float8 weights, per component (ComfyUI's scaled fp8 files). */
  readonly weightScales?: Partial<Record<'transformer' | 'vae' | 'textEncoder', WeightScales>>;
}

/** Components whose weights come from elsewhere than the checkpoint folder (GGUF files). */
export type ComponentWeights = Partial<Record<'transformer' | 'text_encoder', Checkpoint>>;

/** Opens the three components of a diffusers Wan2.2 TI2V checkpoint (headers and configs only). */
export async function openSourceModel(files: CheckpointFiles, signal?: AbortSignalLike, weights: ComponentWeights = {}): Promise<SourceModel> {
  const [transformer, vae, textEncoder] = await Promise.all(
    (['transformer', 'vae', 'text_encoder'] as const).map((component) =>
      component !== 'vae' && weights[component] ? Promise.resolve(weights[component]) : openCheckpoint(files, component, signal),
    ),
  );
  const config = async (checkpoint: Checkpoint, component: 'transformer' | 'vae' | 'text_encoder') => {
    // Weights from elsewhere (a GGUF file) have no config.json: the folder's is used.
    const json = component !== 'vae' && checkpoint === weights[component] ? await readCheckpointJson(files, `${component}/config.json`, signal) : await checkpoint.readJson('config.json', signal);
    if (typeof json !== 'object' || json === null) throw new ConvertError(`${checkpoint.component}/config.json is not a JSON object.`, `${checkpoint.component}/config.json`);
    return json as Record<string, unknown>;
  };
  const configs = { transformer: await config(transformer!, 'transformer'), vae: await config(vae!, 'vae'), text_encoder: await config(textEncoder!, 'text_encoder') };
  // The parsers bound every size and count before the specs below enumerate layers and blocks.
  parseDitConfig(configs.transformer);
  parseVaeConfig(configs.vae);
  parseUmt5Config(configs.text_encoder);
  checkSourceShapes(transformer!, ditTensorSpecs(configs.transformer));
  checkSourceShapes(vae!, vaeTensorSpecs(configs.vae));
  checkSourceShapes(textEncoder!, umt5TensorSpecs(configs.text_encoder));
  return { transformer: transformer!, vae: vae!, textEncoder: textEncoder!, configs };
}

/**
 * Converts an opened diffusers checkpoint into a bundle: every graph (.onnx) with its
 * weights in each component's own external data files, the text embedding table, the tokenizer
 * and manifest.json (written last). Weights stream tensor by tensor: memory holds a few
 * tensors, never the checkpoint. With a component shelf, the text encoder and the VAE are
 * converted once into it (or taken from it, without reading their source) and shared.
 * On failure everything written is removed.
 */
export async function convertSourceModel(
  source: SourceModel,
  sink: BundleSink,
  options: ConvertOptions,
  tokenizer: Uint8Array | null,
): Promise<BundleManifest> {
  let phase = 'opening';
  try {
    const tiny = options.tinyDecoder;
    if (tiny) checkTinyDecoderFits(tiny, parseVaeConfig(source.configs.vae).zDim);
    const loras = options.loras?.length ? await prepareLoraMerge(options.loras, checkpointWeightSource(source.transformer), options.loraProduct) : undefined;
    const journal = await ConversionJournal.open(sink.resumable, conversionKey(source, options), options.checkpointPolicy);
    const plans = await planComponents(source, options, tokenizer, journal.continues);
    const toConvert = plans.filter((plan) => !plan.reused);
    // Progress counts every component's source; one taken from the shelf counts as read when it is reached.
    const total = plans.reduce((sum, plan) => sum + checkpointBytes(source[plan.kind]), 0);
    const shelved = plans.flatMap(({ kind, key, reused }) => (key === undefined || reused ? [] : [{ kind, key }]));
    const resumedRead = Math.max(journal.sourceBytesRead, journal.continues && options.shelf ? await shelvedProgress(options.shelf, shelved) : 0);
    const meter = new SourceReadMeter(
      Math.min(resumedRead, total),
      total,
      (read) => options.onProgress?.({ phase, sourceBytesRead: Math.min(read, total), sourceBytesTotal: total }),
      options.signal,
    );
    if (journal.resumed) meter.add(0);
    await options.beforeWriting?.(Math.max(0, estimateBundleBytes(source, options.quant, new Set(toConvert.map((plan) => plan.kind))) - journal.stagedBytes));
    await journal.begin();
    const target = (componentSink: BundleSink, componentJournal: ConversionJournal) => ({
      sink: componentSink,
      journal: componentJournal,
      meter,
      quant: options.quant,
      setPhase: (name: string) => void (phase = name),
      ...(loras ? { wrapWeights: (kind: ComponentName, weights: WeightSource) => (kind === 'transformer' ? loras.wrap(weights) : weights) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const parts: ConvertedComponent[] = [];
    let before = 0;
    for (const plan of plans) {
      meter.catchUp(before);
      before += checkpointBytes(source[plan.kind]);
      if (plan.reused) {
        parts.push(plan.reused);
        meter.catchUp(before);
      } else if (plan.key === undefined || !options.shelf) parts.push(await convertComponent(plan.kind, source, target(sink, journal), tokenizer));
      else {
        const convert = (shelfSink: BundleSink, shelfJournal: ConversionJournal) => {
          meter.catchUp(shelfJournal.sourceBytesRead);
          return convertComponent(plan.kind, source, target(shelfSink, shelfJournal), tokenizer);
        };
        parts.push(await convertOnShelf(plan.kind, plan.key, options.shelf, convert, options.checkpointPolicy));
      }
    }
    // A resumed conversion does not read again the tensors it kept.
    if (loras && !journal.resumed) loras.assertApplied();
    if (tiny) phase = 'tiny decoder';
    const tinyFiles = tiny ? await writeTinyDecoder(sink, tiny.weights, options.quant, tiny.config) : undefined;
    const text = parts.find((part) => part.textEmbedding)!;
    const built: BundleManifest = {
      format: BUNDLE_FORMAT,
      formatVersion: BUNDLE_FORMAT_VERSION,
      name: options.name ?? options.source.repo,
      source: options.source,
      createdBy: 'wan-web convert',
      precision: { ...options.quant },
      configs: source.configs,
      graphs: Object.assign({}, ...parts.map((part) => part.graphs)) as Record<string, GraphEntry>,
      textEmbedding: text.textEmbedding!,
      tokenizer: text.tokenizer ?? null,
      ...(loras ? { loras: loras.records } : {}),
      files: parts.flatMap((part) => part.files).sort((a, b) => a.path.localeCompare(b.path)),
    };
    const manifest = tiny && tinyFiles ? withTinyDecoder(built, tinyFiles, tiny.source) : built;
    const writer = await sink.create(MANIFEST_FILE);
    await writer.write(new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
    await writer.close();
    await sink.commit();
    return manifest;
  } catch (error) {
    // What a resumable sink staged stays for the next run, unless the source itself is at fault.
    if (!sink.resumable || error instanceof ConvertError) await sink.abort();
    throw error;
  }
}

interface ComponentPlan {
  readonly kind: ComponentName;
  /** The shelf's key, for a shared component. */
  readonly key?: string;
  /** Taken from the shelf, converted earlier for another model. */
  readonly reused?: ConvertedComponent;
}

/**
 * Which components to convert, and which the shelf already has. Resuming this model's
 * conversion (`continuing`: its journal matches the source's tensors, configs and settings),
 * the keys noted by the interrupted run are taken as they are: sampling the source for them
 * again would read it again at every resume.
 */
async function planComponents(source: SourceModel, options: ConvertOptions, tokenizer: Uint8Array | null, continuing: boolean): Promise<ComponentPlan[]> {
  const shelf = options.shelf;
  const plans: ComponentPlan[] = [];
  for (const kind of COMPONENT_ORDER) {
    if (!shelf || kind === 'transformer') {
      plans.push({ kind });
      continue;
    }
    const config = kind === 'vae' ? source.configs.vae : source.configs.text_encoder;
    const extra = { config, quant: options.quant, builderRevision: BUILDER_REVISION, ...(kind === 'textEncoder' ? { tokenizer } : {}) };
    const key = (continuing ? await shelf.noted(kind) : undefined) ?? (await componentKey(kind, source[kind], extra, options.signal));
    await shelf.use(kind, key);
    const reused = await shelf.find(key);
    plans.push(reused ? { kind, key, reused } : { kind, key });
  }
  return plans;
}

/**
 * Bump when the bytes the builder writes for a named weight change, so that a conversion
 * interrupted under an older version is not resumed into a mixed bundle.
 */
const BUILDER_REVISION = 2;

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
    const weights = { ...(options.transformerWeights ? { transformer: options.transformerWeights } : {}), ...(options.textEncoderWeights ? { text_encoder: options.textEncoderWeights } : {}) };
    source = await openSourceModel(files, options.signal, weights);
    tokenizer = await readSourceTokenizer(files, options.signal);
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return convertSourceModel(source, sink, options, tokenizer);
}
