import { ManifestError } from '../errors.ts';
import type { ActivationType, VaeCacheFormat, VaeWeightFormat, WeightFormat } from './quant-config.ts';
import type { GraphContract } from './graph-contract.ts';
import type { FileRecord } from './hashing-writer.ts';
import type { ModelSource } from './model-source.ts';

/** What to do about a bundle this version cannot run. */
export const REBUILD_ADVICE = 'Rebuild the bundle with this version of wan-web (wan-web convert), or reinstall the model.';

export const BUNDLE_FORMAT = 'wan-web-bundle';
export const BUNDLE_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

/** One ONNX graph of the bundle: its file, the weight files it references, and its I/O contract. */
export interface GraphEntry {
  readonly file: string;
  readonly externalData: readonly string[];
  readonly contract: GraphContract;
}

/** The token embedding table, stored as raw rows outside any graph (see the text encoder). */
export interface EmbeddingTableEntry {
  readonly dtype: 'F32' | 'F16' | 'BF16';
  readonly rows: number;
  readonly dim: number;
  readonly files: readonly { readonly path: string; readonly firstRow: number; readonly rowCount: number }[];
}

/** manifest.json: everything needed to load, verify and run a bundle. */
export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: typeof BUNDLE_FORMAT_VERSION;
  readonly name: string;
  readonly source: ModelSource;
  readonly createdBy: string;
  readonly precision: {
    readonly weights: WeightFormat;
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
  /** Every file of the bundle except manifest.json, with its size and SHA-256. */
  readonly files: readonly FileRecord[];
}

/**
 * Checks that parsed JSON is a manifest this version can load, and says what is wrong
 * (and what to do) when it is not.
 */
export function validateManifest(json: unknown): BundleManifest {
  const fail = (what: string): never => {
    throw new ManifestError(`manifest.json ${what}. ${REBUILD_ADVICE}`);
  };
  if (typeof json !== 'object' || json === null) fail('is not a JSON object');
  const m = json as Record<string, unknown>;
  if (m.format !== BUNDLE_FORMAT) fail(`is not a wan-web bundle manifest (format ${JSON.stringify(m.format)})`);
  if (m.formatVersion !== BUNDLE_FORMAT_VERSION) fail(`has format version ${String(m.formatVersion)}; this version reads ${BUNDLE_FORMAT_VERSION}`);
  if (!Array.isArray(m.files)) fail('has no file list');
  const files = m.files as unknown[];
  for (const file of files) {
    const f = file as Record<string, unknown>;
    if (typeof f.path !== 'string' || typeof f.bytes !== 'number' || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) {
      fail(`lists a malformed file entry ${JSON.stringify(file)}`);
    }
  }
  const listed = new Set(files.map((f) => (f as FileRecord).path));
  const graphs = m.graphs as Record<string, GraphEntry> | undefined;
  if (typeof graphs !== 'object' || graphs === null) fail('has no graphs');
  for (const [name, graph] of Object.entries(graphs!)) {
    for (const path of [graph.file, ...graph.externalData]) {
      if (!listed.has(path)) fail(`graph "${name}" references ${path}, which is not in the file list`);
    }
  }
  return json as BundleManifest;
}
