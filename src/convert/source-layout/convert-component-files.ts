import type { CheckpointFiles } from '../../safetensors/index.ts';
import type { BundleSink } from '../../bundle/bundle-sink.ts';
import type { BundleManifest } from '../../bundle/manifest.ts';
import { ConvertError } from '../../errors.ts';
import { convertSourceModel } from '../convert-checkpoint.ts';
import type { ConvertOptions } from '../convert-checkpoint.ts';
import { openComponentFiles } from './open-component-files.ts';
import type { ComponentFilesOptions, ComponentPick } from './open-component-files.ts';
import type { ComponentKind } from './component-signatures.ts';

/** tokenizer.json files bigger than this are not tokenizers (UMT5's is 16 MB). */
const MAX_TOKENIZER_BYTES = 256 * 1024 * 1024;

export interface ComponentFilesConversion {
  readonly manifest: BundleManifest;
  readonly picks: Readonly<Record<ComponentKind, ComponentPick>>;
  /** Where the tokenizer came from: a path among the files, what `officialTokenizer` says, or null for none. */
  readonly tokenizerFrom: string | null;
}

export interface ComponentFilesConvertOptions extends ConvertOptions, Omit<ComponentFilesOptions, 'signal'> {
  /**
   * The tokenizer when the files have none (ComfyUI's never do): its bytes and where they came
   * from (the pinned official repository), or null to build without one.
   */
  readonly officialTokenizer: () => Promise<{ readonly bytes: Uint8Array; readonly from: string } | null>;
  /** Told which file was taken for each component, before converting. */
  readonly onPicks?: (picks: Readonly<Record<ComponentKind, ComponentPick>>) => void;
  /** The source the manifest records, once the files are chosen (default: `source`). */
  readonly sourceFor?: (picks: Readonly<Record<ComponentKind, ComponentPick>>) => ConvertOptions['source'];
}

/** Converts a model given as single component files (see {@link openComponentFiles}) into a bundle. */
export async function convertComponentFiles(
  files: CheckpointFiles,
  paths: readonly string[],
  sink: BundleSink,
  options: ComponentFilesConvertOptions,
): Promise<ComponentFilesConversion> {
  let opened;
  let tokenizer: { bytes: Uint8Array; from: string } | null;
  try {
    opened = await openComponentFiles(files, paths, { ...(options.configs ? { configs: options.configs } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    options.onPicks?.(opened.picks);
    tokenizer = opened.tokenizer ? { bytes: await readTokenizer(files, opened.tokenizer), from: opened.tokenizer } : await options.officialTokenizer();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  const manifest = await convertSourceModel(opened.source, sink, { ...options, source: options.sourceFor?.(opened.picks) ?? options.source }, tokenizer?.bytes ?? null);
  return { manifest, picks: opened.picks, tokenizerFrom: tokenizer?.from ?? null };
}

async function readTokenizer(files: CheckpointFiles, path: string): Promise<Uint8Array> {
  const source = await files.open(path);
  const size = await source.size();
  if (size > MAX_TOKENIZER_BYTES) throw new ConvertError(`${path} is ${size} bytes, too big for a tokenizer.json.`, path);
  return source.read(0, size);
}
