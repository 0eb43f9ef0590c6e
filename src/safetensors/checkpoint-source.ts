import type { AbortSignalLike, ByteSource } from './byte-source.ts';
import { SafetensorsError } from '../errors.ts';
import { openSafetensors } from './safetensors-reader.ts';
import type { SafetensorsFile, TensorData, TensorInfo } from './safetensors-reader.ts';
import { decodeUtf8 } from './utf8.ts';

/** The files of a checkpoint folder, by path relative to its root (e.g. `transformer/config.json`). */
export interface CheckpointFiles {
  open(relPath: string): ByteSource | Promise<ByteSource>;
  /** Optional cheap existence check; without it, files are probed by asking for their size. */
  exists?(relPath: string): Promise<boolean>;
}

/** One component (`transformer`, `vae`, …) of a diffusers checkpoint, sharded or not. */
export interface Checkpoint {
  readonly component: string;
  /** The safetensors files, in the order the index first names them. */
  readonly shards: readonly SafetensorsFile[];
  /** Every tensor of the component, across shards. */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readTensor(name: string, signal?: AbortSignalLike): Promise<TensorData>;
  /** Parses a JSON file of the component folder, e.g. `readJson('config.json')`. */
  readJson(relPath: string, signal?: AbortSignalLike): Promise<unknown>;
}

const INDEX_FILES = ['diffusion_pytorch_model.safetensors.index.json', 'model.safetensors.index.json'];
const SINGLE_FILES = ['diffusion_pytorch_model.safetensors', 'model.safetensors'];

/** JSON files bigger than this are not configs or indexes; refuse rather than load them. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Opens the weights of one component folder: a sharded checkpoint through its
 * `*.safetensors.index.json`, else a single `diffusion_pytorch_model.safetensors` or
 * `model.safetensors`. Only headers are read here.
 */
export async function openCheckpoint(
  files: CheckpointFiles,
  component: string,
  signal?: AbortSignalLike,
): Promise<Checkpoint> {
  const { files: shards, owners } = await openComponentShards(files, component, signal);
  const tensors = new Map<string, TensorInfo>();
  for (const [name, shard] of owners) tensors.set(name, shard.tensors.get(name) as TensorInfo);

  return {
    component,
    shards,
    tensors,
    readTensor(name, readSignal) {
      const shard = owners.get(name);
      if (shard === undefined) {
        const where = component === '' ? 'The checkpoint' : `Component "${component}"`;
        const error = new SafetensorsError(`${where} has no tensor "${name}".`, component, name, { reason: 'not-found' });
        return Promise.reject(error);
      }
      return shard.readTensor(name, readSignal);
    },
    readJson: (relPath, readSignal) => readCheckpointJson(files, joinPath(component, relPath), readSignal),
  };
}

/** Reads and parses a JSON file of a checkpoint, e.g. `model_index.json`. */
export async function readCheckpointJson(
  files: CheckpointFiles,
  relPath: string,
  signal?: AbortSignalLike,
): Promise<unknown> {
  const source = await files.open(relPath);
  const size = await source.size();
  if (size > MAX_JSON_BYTES) {
    throw new SafetensorsError(`${source.name} is ${size} bytes, too big for a JSON config file.`, source.name);
  }
  const bytes = await source.read(0, size, signal);
  try {
    return JSON.parse(decodeUtf8(bytes));
  } catch (error) {
    throw new SafetensorsError(
      `${source.name} is not valid JSON (${String(error)}). Re-download the file.`,
      source.name,
      undefined,
      { reason: 'malformed', cause: error },
    );
  }
}

interface ComponentShards {
  readonly files: SafetensorsFile[];
  /** Which file holds each tensor (for sharded checkpoints, as the index says). */
  readonly owners: ReadonlyMap<string, SafetensorsFile>;
}

async function openComponentShards(
  files: CheckpointFiles,
  component: string,
  signal?: AbortSignalLike,
): Promise<ComponentShards> {
  for (const indexName of INDEX_FILES) {
    const indexPath = joinPath(component, indexName);
    if (await fileExists(files, indexPath)) return openSharded(files, component, indexPath, signal);
  }
  for (const fileName of SINGLE_FILES) {
    const path = joinPath(component, fileName);
    if (await fileExists(files, path)) {
      const file = await openSafetensors(await files.open(path), signal);
      return { files: [file], owners: new Map([...file.tensors.keys()].map((name) => [name, file])) };
    }
  }
  const tried = [...INDEX_FILES, ...SINGLE_FILES].map((name) => joinPath(component, name)).join(', ');
  throw new SafetensorsError(
    `No weights found for "${component}": none of ${tried} exists. Check that the folder is a diffusers checkpoint and is complete.`,
    component,
    undefined,
    { reason: 'not-found' },
  );
}

async function openSharded(
  files: CheckpointFiles,
  component: string,
  indexPath: string,
  signal?: AbortSignalLike,
): Promise<ComponentShards> {
  const entries = parseWeightMap(indexPath, await readCheckpointJson(files, indexPath, signal));
  const shardNames = [...new Set(entries.map(([, shard]) => shard))];
  const opened = await Promise.all(shardNames.map((name) => openShard(files, joinPath(component, name), indexPath, signal)));
  const shardsByName = new Map(shardNames.map((name, i) => [name, opened[i] as SafetensorsFile]));

  const owners = new Map<string, SafetensorsFile>();
  for (const [tensor, shardName] of entries) {
    const shard = shardsByName.get(shardName) as SafetensorsFile;
    if (!shard.tensors.has(tensor)) {
      throw new SafetensorsError(
        `${shard.source.name} has no tensor "${tensor}", but ${indexPath} says it is there. ` +
          'The index and the shards do not match; re-download the checkpoint folder.',
        shard.source.name,
        tensor,
        { reason: 'malformed' },
      );
    }
    owners.set(tensor, shard);
  }
  return { files: opened, owners };
}

async function openShard(
  files: CheckpointFiles,
  path: string,
  indexPath: string,
  signal?: AbortSignalLike,
): Promise<SafetensorsFile> {
  if (!(await fileExists(files, path))) {
    throw new SafetensorsError(
      `Shard ${path} is missing (${indexPath} lists it). Download every file of the checkpoint folder.`,
      path,
      undefined,
      { reason: 'not-found' },
    );
  }
  return openSafetensors(await files.open(path), signal);
}

function parseWeightMap(indexPath: string, index: unknown): [string, string][] {
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  const bad = (what: string) =>
    new SafetensorsError(`${indexPath} ${what}. Re-download the checkpoint folder.`, indexPath, undefined, {
      reason: 'malformed',
    });
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw bad('has no "weight_map" object');
  }
  const entries = Object.entries(weightMap);
  for (const [tensor, shard] of entries) {
    if (typeof shard !== 'string' || !isPlainRelativePath(shard)) {
      throw bad(`maps tensor "${tensor}" to ${JSON.stringify(shard)}, which is not a file of the folder`);
    }
  }
  return entries as [string, string][];
}

/** Whether an index's shard name stays inside the component folder. */
function isPlainRelativePath(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.split(/[\\/]/).some((part) => part === '..' || part === '');
}

async function fileExists(files: CheckpointFiles, relPath: string): Promise<boolean> {
  if (files.exists) return files.exists(relPath);
  try {
    await (await files.open(relPath)).size();
    return true;
  } catch (error) {
    if (error instanceof SafetensorsError && error.reason === 'not-found') return false;
    throw error;
  }
}

function joinPath(folder: string, name: string): string {
  return folder === '' ? name : `${folder.replace(/\/+$/, '')}/${name}`;
}
