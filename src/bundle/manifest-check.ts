import { ConvertError } from '../errors.ts';
import { describeJson, isJsonObject } from '../json-value.ts';
import { ONNX_DATA_TYPE } from '../onnx/index.ts';
import { CONFIG_ADVICE } from './config-fields.ts';
import { parseDitConfig } from './dit-config.ts';
import { ACTIVATION_TYPES, TEXT_EMBEDDING_FORMATS, VAE_CACHE_FORMATS, VAE_WEIGHT_FORMATS, WEIGHT_FORMATS } from './quant-config.ts';
import { TENSOR_FAMILIES } from './tensor-families.ts';
import { WEIGHT_PRESET_NAMES } from './weight-presets.ts';
import { parseUmt5Config } from './umt5-config.ts';
import { tinyDecoderGraphName } from './tiny-vae-names.ts';
import { parseVaeConfig } from './vae-config.ts';
import { VAE_IO } from './vae-names.ts';
import { embeddingRowBytes } from './embedding-row.ts';

/**
 * The field checks of manifest.json (see validateManifest in manifest.ts). Each takes `fail`,
 * which throws a ManifestError for "manifest.json <what>", so this module needs nothing from
 * manifest.ts.
 */
export type Fail = (what: string) => never;

/**
 * Largest file a manifest may list: 64 GiB. The builder writes files under 1.9 GB; no tensor
 * and no embedding file of a real bundle comes near this.
 */
export const MAX_BUNDLE_FILE_BYTES = 64 * 2 ** 30;
/** Largest bundle: 256 GiB, about 5× an all-fp32 Wan2.2 TI2V-5B bundle (about 50 GB). */
export const MAX_BUNDLE_BYTES = 256 * 2 ** 30;
/** Most files a manifest may list (a full bundle has about 30). */
export const MAX_BUNDLE_FILES = 10_000;
/** Largest tokenizer.json, which is read whole: 16× google/umt5-xxl's 16.8 MB. */
export const MAX_TOKENIZER_BYTES = 256 * 2 ** 20;
/** Longest text field (name, source, createdBy, tensor and dim names). */
const MAX_TEXT = 4096;

/**
 * A bundle file name: one plain name of letters, digits, ".", "_" and "-", not starting with
 * a dot, at most 255 characters. No folders, "..", absolute paths, backslashes, colons or
 * percent signs, so it is the same file in a folder, in OPFS and under a bundle URL.
 */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

/** Whether `name` may name a file of a bundle (see FILE_NAME). */
export function isBundleFileName(name: unknown): name is string {
  return typeof name === 'string' && FILE_NAME.test(name) && name !== 'manifest.json';
}

export function objectField(fail: Fail, value: unknown, where: string): Record<string, unknown> {
  if (!isJsonObject(value)) fail(`field "${where}" must be an object, not ${describeJson(value)}`);
  return value as Record<string, unknown>;
}

export function listField(fail: Fail, value: unknown, where: string, max: number): unknown[] {
  if (!Array.isArray(value)) fail(`field "${where}" must be a list, not ${describeJson(value)}`);
  if ((value as unknown[]).length > max) fail(`field "${where}" lists ${(value as unknown[]).length} entries; at most ${max} make sense`);
  // Array.from turns the holes of a sparse list (built in code, never parsed) into undefined, which the callers refuse.
  return Array.from(value as unknown[]);
}

export function textField(fail: Fail, value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length > MAX_TEXT) fail(`field "${where}" must be text of at most ${MAX_TEXT} characters, not ${describeJson(value)}`);
  return value as string;
}

export function integerField(fail: Fail, value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(`field "${where}" must be a whole number from ${min} to ${max}, not ${describeJson(value)}`);
  }
  return value as number;
}

export function oneOfField<T>(fail: Fail, value: unknown, where: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(`field "${where}" is ${describeJson(value)}; this version knows ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  return value as T;
}

/** The file list: plain names, each once, sane sizes, SHA-256 in lowercase hex. Returns the sizes by name. */
export function checkFiles(fail: Fail, value: unknown): Map<string, number> {
  const sizes = new Map<string, number>();
  let total = 0;
  listField(fail, value, 'files', MAX_BUNDLE_FILES).forEach((entry, i) => {
    const f = objectField(fail, entry, `files[${i}]`);
    if (!isBundleFileName(f.path)) {
      fail(`lists a file named ${describeJson(f.path)}: a bundle file is one plain name (letters, digits, ".", "_", "-"; no folders, "..", or leading dot)`);
    }
    const path = f.path as string;
    if (sizes.has(path)) fail(`lists ${path} twice`);
    const bytes = integerField(fail, f.bytes, `files[${i}].bytes`, 0, MAX_BUNDLE_FILE_BYTES);
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) fail(`lists ${path} with SHA-256 ${describeJson(f.sha256)}, not 64 lowercase hex digits`);
    total += bytes;
    sizes.set(path, bytes);
  });
  if (total > MAX_BUNDLE_BYTES) fail(`lists ${total} bytes of files; no bundle is bigger than ${MAX_BUNDLE_BYTES} (256 GiB)`);
  return sizes;
}

export function checkPrecision(fail: Fail, value: unknown): void {
  const p = objectField(fail, value, 'precision');
  oneOfField(fail, p.weights, 'precision.weights', WEIGHT_FORMATS);
  oneOfField(fail, p.activations, 'precision.activations', ACTIVATION_TYPES);
  oneOfField(fail, p.blockSize, 'precision.blockSize', [16, 32, 64, 128]);
  oneOfField(fail, p.accuracyLevel, 'precision.accuracyLevel', [0, 1, 2, 3, 4]);
  if (p.vaeWeights !== undefined) oneOfField(fail, p.vaeWeights, 'precision.vaeWeights', VAE_WEIGHT_FORMATS);
  if (p.vaeCache !== undefined) oneOfField(fail, p.vaeCache, 'precision.vaeCache', VAE_CACHE_FORMATS);
  if (p.textEmbedding !== undefined) oneOfField(fail, p.textEmbedding, 'precision.textEmbedding', TEXT_EMBEDDING_FORMATS);
  if (p.preset !== undefined) oneOfField(fail, p.preset, 'precision.preset', WEIGHT_PRESET_NAMES);
  if (p.families !== undefined) {
    const families = objectField(fail, p.families, 'precision.families');
    for (const [family, format] of Object.entries(families)) {
      oneOfField(fail, family, 'precision.families key', TENSOR_FAMILIES);
      oneOfField(fail, format, `precision.families.${family}`, WEIGHT_FORMATS);
    }
  }
}

/** The source configs, checked by the same parsers the builder used. */
export function checkConfigs(fail: Fail, value: unknown): void {
  const configs = objectField(fail, value, 'configs');
  const parsers: [string, (json: unknown) => unknown][] = [
    ['transformer', parseDitConfig],
    ['vae', parseVaeConfig],
    ['text_encoder', parseUmt5Config],
  ];
  for (const [component, parse] of parsers) {
    try {
      parse(objectField(fail, configs[component], `configs.${component}`));
    } catch (error) {
      if (!(error instanceof ConvertError)) throw error;
      fail(`field "configs.${component}" holds a config this version cannot run (${error.message.replace(` ${CONFIG_ADVICE}`, '')})`);
    }
  }
}

const DATA_TYPES = Object.keys(ONNX_DATA_TYPE);

function checkTensorList(fail: Fail, value: unknown, where: string): void {
  listField(fail, value, where, MAX_BUNDLE_FILES).forEach((entry, i) => {
    const t = objectField(fail, entry, `${where}[${i}]`);
    textField(fail, t.name, `${where}[${i}].name`);
    oneOfField(fail, t.dtype, `${where}[${i}].dtype`, DATA_TYPES);
    listField(fail, t.dims, `${where}[${i}].dims`, 16).forEach((dim, d) => {
      if (typeof dim !== 'string') integerField(fail, dim, `${where}[${i}].dims[${d}]`, 0, Number.MAX_SAFE_INTEGER);
      else textField(fail, dim, `${where}[${i}].dims[${d}]`);
    });
  });
}

/** Every graph: a listed .onnx file, listed weight files, and a well-formed I/O contract. */
export function checkGraphs(fail: Fail, value: unknown, files: ReadonlyMap<string, number>): void {
  const listed = (path: unknown, where: string) => {
    if (typeof path !== 'string' || !files.has(path)) fail(`graph "${where}" references ${describeJson(path)}, which is not in the file list`);
  };
  for (const [name, entry] of Object.entries(objectField(fail, value, 'graphs'))) {
    const graph = objectField(fail, entry, `graphs.${name}`);
    listed(graph.file, name);
    listField(fail, graph.externalData, `graphs.${name}.externalData`, MAX_BUNDLE_FILES).forEach((path) => listed(path, name));
    const contract = objectField(fail, graph.contract, `graphs.${name}.contract`);
    checkTensorList(fail, contract.inputs, `graphs.${name}.contract.inputs`);
    checkTensorList(fail, contract.outputs, `graphs.${name}.contract.outputs`);
    const reach = contract.rowReach;
    if (reach !== undefined && (typeof reach !== 'number' || !(reach >= 0 && reach <= 2 ** 20))) {
      fail(`field "graphs.${name}.contract.rowReach" must be a number from 0 to ${2 ** 20}, not ${describeJson(reach)}`);
    }
  }
}


/** The embedding table: its files cover rows 0..rows in order, each inside its listed file. */
export function checkTextEmbedding(fail: Fail, value: unknown, files: ReadonlyMap<string, number>): void {
  const t = objectField(fail, value, 'textEmbedding');
  const dtype = oneOfField(fail, t.dtype, 'textEmbedding.dtype', ['F32', 'F16', 'BF16', 'I8'] as const);
  const rows = integerField(fail, t.rows, 'textEmbedding.rows', 1, 2 ** 24);
  const rowBytes = embeddingRowBytes(dtype, integerField(fail, t.dim, 'textEmbedding.dim', 1, 2 ** 20));
  let next = 0;
  listField(fail, t.files, 'textEmbedding.files', MAX_BUNDLE_FILES).forEach((entry, i) => {
    const f = objectField(fail, entry, `textEmbedding.files[${i}]`);
    const firstRow = integerField(fail, f.firstRow, `textEmbedding.files[${i}].firstRow`, 0, rows);
    const rowCount = integerField(fail, f.rowCount, `textEmbedding.files[${i}].rowCount`, 1, rows);
    if (firstRow !== next) fail(`field "textEmbedding.files[${i}].firstRow" is ${firstRow}; the files before it end at row ${next}`);
    const size = typeof f.path === 'string' ? files.get(f.path) : undefined;
    if (size === undefined) fail(`textEmbedding references ${describeJson(f.path)}, which is not in the file list`);
    if (rowCount * rowBytes > size!) fail(`textEmbedding says ${f.path as string} holds ${rowCount} rows of ${rowBytes} bytes, but the file list gives it ${size} bytes`);
    next = firstRow + rowCount;
  });
  if (next !== rows) fail(`field "textEmbedding.files" covers ${next} of the table's ${rows} rows`);
}

/** The tokenizer: null, or a listed file small enough to read whole. */
export function checkTokenizer(fail: Fail, value: unknown, files: ReadonlyMap<string, number>): void {
  if (value === null) return;
  const size = typeof value === 'string' ? files.get(value) : undefined;
  if (size === undefined) fail(`names the tokenizer ${describeJson(value)}, which is not in the file list`);
  if (size! > MAX_TOKENIZER_BYTES) fail(`lists a tokenizer of ${size} bytes; it is read whole, and none is bigger than ${MAX_TOKENIZER_BYTES}`);
}

/**
 * The tiny decoder: absent, or its source and its stage graphs, named in order, each in
 * `graphs` (already checked); the first takes the latent and only the last returns video.
 */
export function checkTinyDecoder(fail: Fail, value: unknown, graphs: Readonly<Record<string, unknown>>): void {
  if (value === undefined) return;
  const tiny = objectField(fail, value, 'tinyDecoder');
  const source = objectField(fail, tiny.source, 'tinyDecoder.source');
  textField(fail, source.repo, 'tinyDecoder.source.repo');
  textField(fail, source.revision, 'tinyDecoder.source.revision');
  const names = listField(fail, tiny.graphs, 'tinyDecoder.graphs', 16);
  if (names.length === 0) fail('field "tinyDecoder.graphs" lists no graphs');
  const tensorNames = (list: unknown) => (list as { name: string }[]).map((t) => t.name);
  names.forEach((name, k) => {
    if (name !== tinyDecoderGraphName(k)) fail(`field "tinyDecoder.graphs[${k}]" is ${describeJson(name)}, not "${tinyDecoderGraphName(k)}"`);
    const contract = (graphs[name as string] as { contract?: { inputs: unknown; outputs: unknown } } | undefined)?.contract;
    if (!contract) fail(`names the tiny decoder graph "${name as string}", which is not among the graphs`);
    const { inputs, outputs } = contract!;
    if (k === 0 && !tensorNames(inputs).includes(VAE_IO.latent)) fail(`has a tiny decoder whose first graph takes no "${VAE_IO.latent}"`);
    if (tensorNames(outputs).includes(VAE_IO.video) !== (k === names.length - 1)) fail(`has a tiny decoder whose last graph is not the only one returning "${VAE_IO.video}"`);
  });
}

export function checkLoras(fail: Fail, value: unknown): void {
  if (value === undefined) return;
  listField(fail, value, 'loras', 64).forEach((item, k) => {
    const lora = objectField(fail, item, `loras[${k}]`);
    textField(fail, lora.file, `loras[${k}].file`);
    if (typeof lora.strength !== 'number' || !Number.isFinite(lora.strength)) fail(`field "loras[${k}].strength" is ${describeJson(lora.strength)}, not a number`);
    if (typeof lora.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(lora.sha256)) fail(`field "loras[${k}].sha256" is ${describeJson(lora.sha256)}, not a SHA-256 in hex`);
  });
}
