import { InvalidInputError } from '../../errors.ts';
import { writeFile } from 'node:fs/promises';
import { encodeSafetensors, openSafetensors, toBigInt64, toFloat32 } from '../../safetensors/index.ts';
import type { SafetensorsFile } from '../../safetensors/index.ts';
import { fileByteSource } from '../file-source.ts';

/** A case file (golden convention): named tensors plus string metadata. */
export interface CaseFile {
  readonly metadata: Readonly<Record<string, string>>;
  has(name: string): boolean;
  float(name: string): Promise<{ data: Float32Array; dims: number[] }>;
  int64(name: string): Promise<{ data: BigInt64Array; dims: number[] }>;
  close(): Promise<void>;
}

export async function readCaseFile(path: string): Promise<CaseFile> {
  const source = fileByteSource(path);
  const file: SafetensorsFile = await openSafetensors(source);
  const read = async (name: string) => {
    if (!file.tensors.has(name)) throw new InvalidInputError(`${path} has no tensor "${name}" (it has: ${[...file.tensors.keys()].join(', ')}).`);
    return file.readTensor(name);
  };
  return {
    metadata: file.metadata,
    has: (name) => file.tensors.has(name),
    async float(name) {
      const { info, bytes } = await read(name);
      return { data: toFloat32(info, bytes), dims: [...info.shape] };
    },
    async int64(name) {
      const { info, bytes } = await read(name);
      return { data: toBigInt64(info, bytes), dims: [...info.shape] };
    },
    close: () => source.close(),
  };
}

/** Writes float32 tensors to a safetensors file under the given names. */
export async function writeFloatTensors(path: string, tensors: Record<string, { data: Float32Array; dims: readonly number[] }>): Promise<void> {
  const bytes = encodeSafetensors(
    Object.entries(tensors).map(([name, t]) => ({ name, dtype: 'F32' as const, shape: [...t.dims], data: t.data })),
    { producer: 'wan-web debug' },
  );
  await writeFile(path, bytes);
}
