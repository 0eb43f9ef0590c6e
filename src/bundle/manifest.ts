import { ManifestError } from '../errors.ts';
import { describeJson, isJsonObject } from '../json-value.ts';
import {
  checkConfigs,
  checkFiles,
  checkGraphs,
  checkLoras,
  checkPrecision,
  checkTextEmbedding,
  checkTinyDecoder,
  checkTokenizer,
  isBundleFileName,
  objectField,
  textField,
} from './manifest-check.ts';
import type { ActivationType, VaeCacheFormat, VaeWeightFormat, WeightFormat } from './quant-config.ts';
import type { TensorFamily } from './tensor-families.ts';
import type { WeightPreset } from './weight-presets.ts';
import type { GraphContract } from './graph-contract.ts';
import type { FileRecord } from './hashing-writer.ts';
import type { ModelSource } from './model-source.ts';

/** What to do about a bundle this version cannot run. */
export const REBUILD_ADVICE = 'Rebuild the bundle with this version of wan-web (wan-web convert), or reinstall the model.';

export const BUNDLE_FORMAT = 'wan-web-bundle';
export const BUNDLE_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export { embeddingRowBytes } from './embedding-row.ts';
export { MAX_BUNDLE_BYTES, MAX_BUNDLE_FILE_BYTES, MAX_BUNDLE_FILES, MAX_TOKENIZER_BYTES } from './manifest-check.ts';

/** One ONNX graph of the bundle: its file, the weight files it references, and its I/O contract. */
export interface GraphEntry {
  readonly file: string;
  readonly externalData: readonly string[];
  readonly contract: GraphContract;
}

/** The token embedding table, stored as raw rows outside any graph (see the text encoder). */
export interface EmbeddingTableEntry {
  /** I8: each row is `dim` int8 values and then its float32 scale (value = int8 × scale). */
  readonly dtype: 'F32' | 'F16' | 'BF16' | 'I8';
  readonly rows: number;
  readonly dim: number;
  readonly files: readonly { readonly path: string; readonly firstRow: number; readonly rowCount: number }[];
}

/** The optional tiny VAE decoder (madebyollin/taehv's taew2_2; see tiny-vae-names.ts), added by `wan-web convert --tiny-decoder`. */
export interface TinyDecoderEntry {
  /** Where its weights came from: a taew2_2.safetensors file, or the self-test model's seeded random weights. */
  readonly source: ModelSource;
  /** Its stage graphs, in order (`tiny-vae-decoder-0`, …), each an entry of `graphs` (whose external data are its own weight files). */
  readonly graphs: readonly string[];
}

/** A LoRA merged into the transformer by `wan-web convert --lora` or an install with LoRAs. */
export interface LoraEntry {
  /** The LoRA file's name. */
  readonly file: string;
  readonly strength: number;
  /** SHA-256 of the whole file, lowercase hex. */
  readonly sha256: string;
}

/** manifest.json: everything needed to load, verify and run a bundle. */
export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: typeof BUNDLE_FORMAT_VERSION;
  readonly name: string;
  readonly source: ModelSource;
  readonly createdBy: string;
  readonly precision: {
    /** The format of the linear layers `families` does not name (before families: of all of them). */
    readonly weights: WeightFormat;
    /** Each tensor family's format. Absent in bundles written before per-family precision: all `weights`. */
    readonly families?: Readonly<Partial<Record<TensorFamily, WeightFormat>>>;
    /** The preset the families came from. Absent in bundles written before presets. */
    readonly preset?: WeightPreset;
    readonly activations: ActivationType;
    readonly blockSize: number;
    readonly accuracyLevel: number;
    /** Absent in bundles written before the option: 'float'. */
    readonly vaeWeights?: VaeWeightFormat;
    /** Absent in bundles written before the option: 'float'. */
    readonly vaeCache?: VaeCacheFormat;
  };
  /** The source config.json of each component, as read. */
  readonly configs: Readonly<Record<'transformer' | 'vae' | 'text_encoder', Readonly<Record<string, unknown>>>>;
  readonly graphs: Readonly<Record<string, GraphEntry>>;
  readonly textEmbedding: EmbeddingTableEntry;
  readonly tokenizer: string | null;
  /** Absent when the bundle has no tiny decoder. */
  readonly tinyDecoder?: TinyDecoderEntry;
  /** The LoRAs merged into the transformer's weights, in order (absent when none). */
  readonly loras?: readonly LoraEntry[];
  /** Every file of the bundle except manifest.json, with its size and SHA-256. */
  readonly files: readonly FileRecord[];
}

/**
 * Checks that parsed JSON is a manifest this version can load, field by field, and says what is
 * wrong (and what to do) when it is not. File names are plain names (see {@link bundleFilePath}),
 * sizes are sane (at most 64 GiB a file, 256 GiB in all), and every file a graph, the embedding
 * table or the tokenizer names is in the file list, so nothing is fetched, written or read
 * outside the bundle.
 */
export function validateManifest(json: unknown): BundleManifest {
  const fail = (what: string): never => {
    throw new ManifestError(`manifest.json ${what}. ${REBUILD_ADVICE}`);
  };
  if (!isJsonObject(json)) fail('is not a JSON object');
  const m = json as Record<string, unknown>;
  if (m.format !== BUNDLE_FORMAT) fail(`is not a wan-web bundle manifest (format ${describeJson(m.format)})`);
  if (m.formatVersion !== BUNDLE_FORMAT_VERSION) fail(`has format version ${describeJson(m.formatVersion)}; this version reads ${BUNDLE_FORMAT_VERSION}`);
  textField(fail, m.name, 'name');
  const source = objectField(fail, m.source, 'source');
  textField(fail, source.repo, 'source.repo');
  textField(fail, source.revision, 'source.revision');
  textField(fail, m.createdBy, 'createdBy');
  checkPrecision(fail, m.precision);
  if (!Array.isArray(m.files)) fail('has no file list');
  const files = checkFiles(fail, m.files);
  checkConfigs(fail, m.configs);
  checkGraphs(fail, m.graphs, files);
  checkTextEmbedding(fail, m.textEmbedding, files);
  checkTokenizer(fail, m.tokenizer, files);
  checkTinyDecoder(fail, m.tinyDecoder, m.graphs as Record<string, unknown>);
  checkLoras(fail, m.loras);
  return json as BundleManifest;
}

/**
 * A file name from a manifest, checked before it becomes a path in a folder, in OPFS or under
 * a bundle URL: one plain name (letters, digits, ".", "_", "-"; no folders, "..", absolute
 * paths, backslashes or leading dot). Anything else is a ManifestError.
 */
export function bundleFilePath(name: unknown): string {
  if (!isBundleFileName(name)) {
    throw new ManifestError(
      `manifest.json lists a file named ${describeJson(name)}, which is not a plain file name of a bundle. ${REBUILD_ADVICE}`,
    );
  }
  return name;
}
