import { ConvertError } from '../../errors.ts';
import { RANDOM_DTYPE_BYTES } from './random-tensor-bytes.ts';
import type { RandomCheckpointDtype } from './random-tensor-bytes.ts';
import type { RandomTensorSpec } from './random-tensor-spec.ts';

/** One safetensors file of a component, with its tensors in the order they are stored. */
export interface ShardFile {
  /** File name inside the component folder, e.g. `diffusion_pytorch_model-00001-of-00003.safetensors`. */
  readonly fileName: string;
  /** Sorted by name, as the safetensors library stores a single-dtype file. */
  readonly specs: readonly RandomTensorSpec[];
  /** Bytes of tensor data (without the header). */
  readonly dataBytes: number;
}

/** The weight files of one component and, when sharded, its `*.safetensors.index.json`. */
export interface ComponentFilePlan {
  readonly files: readonly ShardFile[];
  /** Present when there is more than one file. */
  readonly index?: { readonly fileName: string; readonly json: ShardIndexJson };
}

/** The `*.safetensors.index.json` format of diffusers/transformers. */
export interface ShardIndexJson {
  readonly metadata: { readonly total_size: number };
  readonly weight_map: Readonly<Record<string, string>>;
}

/**
 * Splits a component's tensors into files the way `save_pretrained` does (huggingface_hub's
 * `split_torch_state_dict_into_shards`): walk the tensors in `state_dict()` order and start a new
 * shard whenever the next tensor would push the current one past `maxShardBytes` (a tensor
 * bigger than the limit gets a shard of its own). One shard means a single
 * `<baseName>.safetensors` without an index. diffusers' default limit is 10 GB (10¹⁰ bytes),
 * transformers' 5 GB: with them the Wan2.2-TI2V-5B-Diffusers files come out as 3 + 1 + 3 files.
 */
export function planComponentFiles(
  specs: readonly RandomTensorSpec[],
  dtype: RandomCheckpointDtype,
  baseName: string,
  maxShardBytes = Number.POSITIVE_INFINITY,
): ComponentFilePlan {
  if (!(maxShardBytes > 0)) throw new ConvertError(`The maximum shard size must be a positive number of bytes, got ${maxShardBytes}.`);
  const bytesOf = (spec: RandomTensorSpec) => spec.shape.reduce((n, d) => n * d, 1) * RANDOM_DTYPE_BYTES[dtype];
  const groups: RandomTensorSpec[][] = [];
  let current: RandomTensorSpec[] = [];
  let currentBytes = 0;
  for (const spec of specs) {
    const bytes = bytesOf(spec);
    if (current.length > 0 && currentBytes + bytes > maxShardBytes) {
      groups.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(spec);
    currentBytes += bytes;
  }
  if (current.length > 0) groups.push(current);

  const count = groups.length;
  const files = groups.map((group, i): ShardFile => ({
    fileName: count === 1 ? `${baseName}.safetensors` : `${baseName}-${pad5(i + 1)}-of-${pad5(count)}.safetensors`,
    specs: [...group].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    dataBytes: group.reduce((n, spec) => n + bytesOf(spec), 0),
  }));
  if (count <= 1) return { files };

  const owners = files.flatMap((file) => file.specs.map((spec) => [spec.name, file.fileName] as const));
  owners.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const json: ShardIndexJson = {
    metadata: { total_size: files.reduce((n, file) => n + file.dataBytes, 0) },
    weight_map: Object.fromEntries(owners),
  };
  return { files, index: { fileName: `${baseName}.safetensors.index.json`, json } };
}

function pad5(n: number): string {
  return String(n).padStart(5, '0');
}
