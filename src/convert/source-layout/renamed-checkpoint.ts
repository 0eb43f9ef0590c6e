import type { Checkpoint, SafetensorsFile, TensorInfo } from '../../safetensors/index.ts';
import { toFloat32 } from '../../safetensors/index.ts';
import { ConvertError } from '../../errors.ts';
import type { WeightScales } from '../weights/weight-source.ts';

/** A component read from files in another layout: tensors under the names the builder reads, and float8 scales. */
export interface RenamedCheckpoint extends Checkpoint {
  readonly weightScales: WeightScales;
}

/** Tensors that describe ComfyUI's scaled float8 weights rather than being weights. */
const SCALE_SUFFIXES = ['.scale_weight', '.weight_scale'];
const QUANT_METADATA_SUFFIXES = ['.scale_input', '.input_scale', '.comfy_quant'];
const SCALED_FP8_MARKER = 'scaled_fp8';

function isFloat8(info: TensorInfo): boolean {
  return info.dtype === 'F8_E4M3' || info.dtype === 'F8_E5M2';
}

/**
 * Presents the tensors under `prefix` in `files` as one checkpoint component, each under
 * `rename(name without prefix)`. Every shard is presented renamed as well, so code that reads a
 * tensor by byte range from its shard (the embedding table) finds it. A float8 weight `<x>.weight`
 * with a `<x>.scale_weight` (ComfyUI's scaled fp8) or `<x>.weight_scale` (its newer comfy_quant
 * format) in the same file gets that scale; the scale tensors themselves are not presented.
 */
export function renamedCheckpoint(component: string, files: readonly SafetensorsFile[], prefix: string, rename: (name: string) => string): RenamedCheckpoint {
  const owners = new Map<string, { file: SafetensorsFile; original: string }>();
  const tensors = new Map<string, TensorInfo>();
  const scales = new Map<string, () => Promise<Float32Array>>();
  const shards = files.map((file) => {
    const renamed = new Map<string, TensorInfo>();
    for (const [original, info] of file.tensors) {
      if (!original.startsWith(prefix)) continue;
      const local = original.slice(prefix.length);
      if (local === SCALED_FP8_MARKER || [...SCALE_SUFFIXES, ...QUANT_METADATA_SUFFIXES].some((suffix) => local.endsWith(suffix))) continue;
      const name = rename(local);
      if (owners.has(name)) {
        throw new ConvertError(`Two tensors of ${component} are both "${name}" (the second is "${original}" in ${file.source.name}). Give each component's file once.`, file.source.name, original);
      }
      const presented = { ...info, name };
      owners.set(name, { file, original });
      tensors.set(name, presented);
      renamed.set(name, presented);
      const scale = isFloat8(info) && local.endsWith('.weight') ? scaleTensorOf(file, original) : undefined;
      if (scale) scales.set(name, async () => toFloat32(scale, (await file.readTensor(scale.name)).bytes));
    }
    return renamedShard(file, renamed, owners);
  });
  return {
    component,
    shards: shards.filter((shard) => shard.tensors.size > 0),
    tensors,
    weightScales: scales,
    async readTensor(name, signal) {
      const owner = owners.get(name);
      if (!owner) throw new ConvertError(`The ${component} weights have no tensor "${name}".`, component, name);
      return { info: tensors.get(name)!, bytes: (await owner.file.readTensor(owner.original, signal)).bytes };
    },
    readJson: () => Promise.reject(new ConvertError(`${component} was read from single files, which carry no config.json.`, component)),
  };
}

function scaleTensorOf(file: SafetensorsFile, weight: string): TensorInfo | undefined {
  const base = weight.slice(0, -'.weight'.length);
  return SCALE_SUFFIXES.map((suffix) => file.tensors.get(`${base}${suffix}`)).find((info) => info !== undefined);
}

function renamedShard(file: SafetensorsFile, tensors: ReadonlyMap<string, TensorInfo>, owners: ReadonlyMap<string, { original: string }>): SafetensorsFile {
  return {
    source: file.source,
    tensors,
    metadata: file.metadata,
    async readTensor(name, signal) {
      const info = tensors.get(name);
      const owner = owners.get(name);
      if (!info || !owner) throw new ConvertError(`${file.source.name} has no tensor "${name}".`, file.source.name, name);
      return { info, bytes: (await file.readTensor(owner.original, signal)).bytes };
    },
  };
}
