import type { FileWriter } from '../../bundle/bundle-sink.ts';
import { ConvertError } from '../../errors.ts';
import type { AbortSignalLike } from '../../safetensors/byte-source.ts';
import { throwIfAborted } from '../../safetensors/read-checks.ts';
import { createSafetensorsWriter } from '../../safetensors/safetensors-writer.ts';
import { buildRandomTokenizerJson, MIN_RANDOM_VOCAB } from '../tokenizer/random-tokenizer.ts';
import { ditTensorSpecs } from './dit-tensor-specs.ts';
import { randomTensorByteStream } from './random-tensor-bytes.ts';
import type { RandomCheckpointDtype } from './random-tensor-bytes.ts';
import type { RandomTensorSpec } from './random-tensor-spec.ts';
import { planComponentFiles } from './shard-plan.ts';
import type { ComponentFilePlan } from './shard-plan.ts';
import { umt5TensorSpecs } from './umt5-tensor-specs.ts';
import { vaeTensorSpecs } from './vae-tensor-specs.ts';
import type { WanCheckpointConfigs } from './wan22-ti2v-5b-configs.ts';

/** The weight-carrying folders of a Wan2.2 TI2V diffusers checkpoint. */
export type RandomComponent = 'transformer' | 'vae' | 'text_encoder';

/** Every component, in the order they are written. */
export const RANDOM_COMPONENTS: readonly RandomComponent[] = ['transformer', 'vae', 'text_encoder'];

/** Where the files go: `create` is all that is used of a {@link BundleSink}. */
export interface CheckpointFileSink {
  /** Creates (or truncates) a file at a `/`-separated path; writes are awaited one at a time. */
  create(path: string): Promise<FileWriter>;
}

/** What to generate. */
export interface RandomCheckpointOptions {
  readonly configs: WanCheckpointConfigs;
  /** Non-negative integer; the same seed and configs give the same bytes. Default 0. */
  readonly seed?: number;
  /** Element type per component; default F32 everywhere. The real text encoder is BF16. */
  readonly dtypes?: Partial<Record<RandomComponent, RandomCheckpointDtype>>;
  /**
   * Shard weight files larger than this many bytes, as `save_pretrained` does; one number for
   * every component or one per component ({@link WAN22_TI2V_5B_SHARD_BYTES} reproduces the real
   * repo's files). Default: one file per component.
   */
  readonly maxShardBytes?: number | Partial<Record<RandomComponent, number>>;
  /** Which components get weights and a config; default all. */
  readonly components?: readonly RandomComponent[];
  /**
   * Write `tokenizer/tokenizer.json` (a seeded random Unigram tokenizer over the text encoder's
   * vocabulary) along with the text encoder. Default true; needs a vocabulary of at least
   * {@link MIN_RANDOM_VOCAB} ids.
   */
  readonly tokenizer?: boolean;
  readonly onProgress?: (progress: RandomCheckpointProgress) => void;
  readonly signal?: AbortSignalLike;
}

/** Reported after every chunk of tensor data written. */
export interface RandomCheckpointProgress {
  readonly component: RandomComponent;
  /** The file being written, relative to the checkpoint root. */
  readonly path: string;
  readonly tensor: string;
  /** Weight bytes written so far, over all files. */
  readonly bytesWritten: number;
  /** Weight bytes of the whole checkpoint (headers excluded). */
  readonly totalBytes: number;
}

/** The tensors and files of one component. */
export interface ComponentPlan {
  readonly component: RandomComponent;
  readonly dtype: RandomCheckpointDtype;
  /** In `state_dict()` order. */
  readonly specs: readonly RandomTensorSpec[];
  readonly files: ComponentFilePlan;
}

/** A file that was written, with its size. */
export interface WrittenFile {
  readonly path: string;
  readonly bytes: number;
}

interface ComponentLayout {
  /** Weight file name without `.safetensors` (and without the shard suffix). */
  readonly baseName: string;
  readonly specs: (config: unknown) => RandomTensorSpec[];
  readonly config: keyof WanCheckpointConfigs;
}

const COMPONENT_LAYOUT: Readonly<Record<RandomComponent, ComponentLayout>> = {
  transformer: { baseName: 'diffusion_pytorch_model', specs: ditTensorSpecs, config: 'transformer' },
  vae: { baseName: 'diffusion_pytorch_model', specs: vaeTensorSpecs, config: 'vae' },
  text_encoder: { baseName: 'model', specs: umt5TensorSpecs, config: 'textEncoder' },
};

/**
 * The shard limits behind Wan-AI/Wan2.2-TI2V-5B-Diffusers: diffusers' default 10 GB (10¹⁰ bytes)
 * for the transformer (3 fp32 shards, the last one 179 MB) and the VAE (one 2.82 GB file),
 * transformers' 5 GB for the bf16 text encoder (4.94 + 4.98 + 1.44 GB).
 */
export const WAN22_TI2V_5B_SHARD_BYTES: Readonly<Record<RandomComponent, number>> = Object.freeze({
  transformer: 10e9,
  vae: 10e9,
  text_encoder: 5e9,
});

/** Tensor data is generated and written in pieces of this size (two are alive at a time). */
const CHUNK_BYTES = 8 << 20;

/** Works out every component's tensors and files without writing anything. */
export function planRandomCheckpoint(options: RandomCheckpointOptions): ComponentPlan[] {
  return selectedComponents(options).map((component) => {
    const layout = COMPONENT_LAYOUT[component];
    const dtype = options.dtypes?.[component] ?? 'F32';
    const specs = layout.specs(options.configs[layout.config]);
    const limit = options.maxShardBytes;
    const maxShardBytes = typeof limit === 'number' || limit === undefined ? limit : limit[component];
    return { component, dtype, specs, files: planComponentFiles(specs, dtype, layout.baseName, maxShardBytes) };
  });
}

/**
 * Writes a random-weight checkpoint in the diffusers layout of Wan-AI/Wan2.2-TI2V-5B-Diffusers:
 * `model_index.json`, `scheduler/scheduler_config.json`, per component `config.json` plus its
 * safetensors file(s) (and `*.safetensors.index.json` when sharded), and with the text encoder
 * `tokenizer/tokenizer.json`. Tensor data is streamed: at most two chunks of 8 MiB are held,
 * whatever the tensor sizes.
 */
export async function writeRandomCheckpointTo(sink: CheckpointFileSink, options: RandomCheckpointOptions): Promise<WrittenFile[]> {
  const seed = options.seed ?? 0;
  const plans = planRandomCheckpoint(options);
  const tokenizerVocab = plans.some((plan) => plan.component === 'text_encoder') && options.tokenizer !== false
    ? tokenizerVocabSize(options.configs)
    : undefined;
  const totalBytes = plans.reduce((n, plan) => n + plan.files.files.reduce((m, file) => m + file.dataBytes, 0), 0);
  const written: WrittenFile[] = [];
  const writeJson = async (path: string, json: unknown, indent: number | undefined = 2) => {
    const bytes = new TextEncoder().encode(`${JSON.stringify(json, null, indent)}\n`);
    const writer = await sink.create(path);
    await writer.write(bytes);
    await writer.close();
    written.push({ path, bytes: bytes.byteLength });
  };

  await writeJson('model_index.json', options.configs.modelIndex);
  await writeJson('scheduler/scheduler_config.json', options.configs.scheduler);
  let bytesWritten = 0;
  for (const plan of plans) {
    const { component, dtype } = plan;
    await writeJson(`${component}/config.json`, componentConfig(options.configs, component, dtype));
    for (const file of plan.files.files) {
      const path = `${component}/${file.fileName}`;
      const writer = await sink.create(path);
      const bytes = await writeRandomSafetensors(writer, file.specs, dtype, seed, component, (tensor, chunkBytes) => {
        bytesWritten += chunkBytes;
        options.onProgress?.({ component, path, tensor, bytesWritten, totalBytes });
      }, options.signal);
      await writer.close();
      written.push({ path, bytes });
    }
    if (plan.files.index) await writeJson(`${component}/${plan.files.index.fileName}`, plan.files.index.json);
    if (component === 'text_encoder' && tokenizerVocab !== undefined) {
      await writeJson('tokenizer/tokenizer.json', buildRandomTokenizerJson(tokenizerVocab, seed), undefined);
    }
  }
  return written;
}

/**
 * Streams one safetensors file of random tensors (stored in the given order, `format: pt`
 * metadata) into `writer`, generating the next chunk while the previous one is being written.
 * Returns the file size. Does not close the writer.
 */
export async function writeRandomSafetensors(
  writer: FileWriter,
  specs: readonly RandomTensorSpec[],
  dtype: RandomCheckpointDtype,
  seed: number,
  component: string,
  onChunk?: (tensor: string, bytes: number) => void,
  signal?: AbortSignalLike,
): Promise<number> {
  const layout = createSafetensorsWriter(
    specs.map((spec) => ({ name: spec.name, dtype, shape: spec.shape })),
    { format: 'pt' },
  );
  const buffers = [new Uint8Array(CHUNK_BYTES), new Uint8Array(CHUNK_BYTES)];
  let which = 0;
  // One write in flight at a time (a file handle must not be written concurrently); the
  // other buffer is filled meanwhile.
  let inFlight: Promise<void> = writer.write(layout.header);
  inFlight.catch(() => undefined);
  for (const spec of specs) {
    const stream = randomTensorByteStream(spec, dtype, seed, component);
    for (;;) {
      throwIfAborted(signal);
      const buffer = buffers[which] as Uint8Array;
      const length = stream.read(buffer);
      if (length === 0) break;
      await inFlight;
      inFlight = writer.write(buffer.subarray(0, length));
      inFlight.catch(() => undefined);
      which ^= 1;
      onChunk?.(spec.name, length);
    }
  }
  await inFlight;
  return layout.totalSize;
}

/** The component's config.json; the text encoder's `torch_dtype` follows the dtype written. */
function componentConfig(configs: WanCheckpointConfigs, component: RandomComponent, dtype: RandomCheckpointDtype): unknown {
  const config = configs[COMPONENT_LAYOUT[component].config];
  if (component !== 'text_encoder') return config;
  return { ...config, torch_dtype: dtype === 'BF16' ? 'bfloat16' : 'float32' };
}

/** The text encoder's vocabulary size, checked to be big enough for a random tokenizer. */
function tokenizerVocabSize(configs: WanCheckpointConfigs): number {
  const vocab = configs.textEncoder.vocab_size;
  if (typeof vocab !== 'number' || !Number.isInteger(vocab) || vocab < MIN_RANDOM_VOCAB) {
    throw new ConvertError(
      `text_encoder/config.json: a random tokenizer needs "vocab_size" ≥ ${MIN_RANDOM_VOCAB}, got ${JSON.stringify(vocab)}. ` +
        'Raise it, or pass tokenizer: false to write no tokenizer.',
      'text_encoder/config.json',
    );
  }
  return vocab;
}

function selectedComponents(options: RandomCheckpointOptions): RandomComponent[] {
  const selected = options.components ?? RANDOM_COMPONENTS;
  for (const component of selected) {
    if (!RANDOM_COMPONENTS.includes(component)) {
      throw new ConvertError(`Unknown checkpoint component "${String(component)}"; expected one of ${RANDOM_COMPONENTS.join(', ')}.`);
    }
  }
  return RANDOM_COMPONENTS.filter((component) => selected.includes(component));
}
