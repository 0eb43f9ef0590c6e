import type { AbortSignalLike, CheckpointFiles, SafetensorsFile } from '../../safetensors/index.ts';
import { openSafetensors, readCheckpointJson } from '../../safetensors/index.ts';
import { ConvertError } from '../../errors.ts';
import { openGguf } from '../../gguf/index.ts';
import type { GgufFile } from '../../gguf/index.ts';

/** One safetensors file, the shards of one `*.safetensors.index.json`, or one GGUF file, as a candidate component file. */
export interface CandidateFile {
  /** The path shown to the user: the file, or the index of a sharded set. */
  readonly path: string;
  readonly files: readonly SafetensorsFile[];
  /** A GGUF file (ComfyUI-GGUF's quantised diffusion models), instead of `files`. */
  readonly gguf?: GgufFile;
}

/** What a folder (or a set of picked files) offers: safetensors and GGUF candidates, pickles, a tokenizer. */
export interface FolderContents {
  readonly candidates: readonly CandidateFile[];
  /** PyTorch pickles (.pth, .pt, .ckpt, .bin), never opened: running a pickle runs code. */
  readonly pickles: readonly string[];
  readonly tokenizer: string | null;
}

/** ComfyUI's model folders that hold diffusion models, text encoders and VAEs. */
const COMFY_FOLDERS = ['diffusion_models', 'unet', 'text_encoders', 'clip', 'vae'];

const INDEX_SUFFIX = '.safetensors.index.json';
const PICKLE = /\.(pth|pt|ckpt|bin)$/i;

/**
 * Sorts the paths of a folder (or picked files) into what to open. In a ComfyUI `models` folder
 * only its diffusion_models/, unet/, text_encoders/, clip/ and vae/ subfolders are looked at (LoRAs,
 * upscalers and the rest are not). Shards listed by an index are one candidate.
 */
export async function folderContents(files: CheckpointFiles, paths: readonly string[], signal?: AbortSignalLike): Promise<FolderContents> {
  const comfy = paths.some((path) => COMFY_FOLDERS.includes(path.split('/')[0] ?? ''));
  const relevant = [...paths].sort().filter((path) => !comfy || COMFY_FOLDERS.includes(path.split('/')[0] ?? ''));
  const sharded = new Set<string>();
  const candidates: CandidateFile[] = [];
  for (const index of relevant.filter((path) => path.endsWith(INDEX_SUFFIX))) {
    const folder = index.includes('/') ? index.slice(0, index.lastIndexOf('/') + 1) : '';
    const shardNames = shardNamesOf(index, await readCheckpointJson(files, index, signal));
    for (const name of shardNames) sharded.add(`${folder}${name}`);
    candidates.push({ path: index, files: await Promise.all(shardNames.map(async (name) => openSafetensors(await files.open(`${folder}${name}`), signal))) });
  }
  for (const path of relevant.filter((p) => p.endsWith('.safetensors') && !sharded.has(p))) {
    candidates.push({ path, files: [await openSafetensors(await files.open(path), signal)] });
  }
  for (const path of relevant.filter((p) => p.toLowerCase().endsWith('.gguf'))) {
    candidates.push({ path, files: [], gguf: await openGguf(await files.open(path), signal) });
  }
  const tokenizers = paths.filter((path) => path === 'tokenizer.json' || path.endsWith('/tokenizer.json'));
  // Wan's original layout keeps the UMT5 tokenizer in google/umt5-xxl/.
  const tokenizer = tokenizers.find((path) => /umt5/i.test(path)) ?? tokenizers[0] ?? null;
  return { candidates, pickles: relevant.filter((path) => PICKLE.test(path)), tokenizer };
}

function shardNamesOf(index: string, json: unknown): string[] {
  const map = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null) throw new ConvertError(`${index} has no "weight_map" object. Download the file again.`, index);
  const names = [...new Set(Object.values(map as Record<string, unknown>))];
  if (!names.every((name): name is string => typeof name === 'string' && name !== '' && !name.split('/').includes('..') && !name.startsWith('/'))) {
    throw new ConvertError(`${index} names a shard outside its folder. Download the file again.`, index);
  }
  return names;
}
