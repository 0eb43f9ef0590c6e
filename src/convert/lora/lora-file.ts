import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { openSafetensors } from '../../safetensors/index.ts';
import type { AbortSignalLike, ByteSource, SafetensorsFile } from '../../safetensors/index.ts';
import { InvalidInputError } from '../../errors.ts';
import type { LoraEntry } from '../../bundle/manifest.ts';

/** A LoRA file to merge into the transformer, with its strength and its SHA-256 (recorded in the manifest). */
export interface LoraFile {
  /** The file's name, as the manifest records it. */
  readonly name: string;
  readonly strength: number;
  readonly sha256: string;
  readonly tensors: SafetensorsFile['tensors'];
  readTensor: SafetensorsFile['readTensor'];
}

const HASH_CHUNK_BYTES = 16 * 1024 * 1024;

/** Opens a LoRA safetensors file: reads its header and hashes it whole (LoRAs are small next to the model). */
export async function openLoraFile(source: ByteSource, strength: number, signal?: AbortSignalLike): Promise<LoraFile> {
  if (!Number.isFinite(strength)) throw new InvalidInputError(`The strength of LoRA ${source.name} is ${strength}; give a number such as 0.8.`);
  const file = await openSafetensors(source, signal);
  const hash = sha256.create();
  const size = await source.size();
  for (let offset = 0; offset < size; offset += HASH_CHUNK_BYTES) {
    hash.update(await source.read(offset, Math.min(HASH_CHUNK_BYTES, size - offset), signal));
  }
  const name = source.name.split(/[\\/]/).pop() ?? source.name;
  return { name, strength, sha256: bytesToHex(hash.digest()), tensors: file.tensors, readTensor: (tensor) => file.readTensor(tensor, signal) };
}

/** What the manifest keeps of a merged LoRA. */
export function loraRecord(lora: LoraFile): LoraEntry {
  return { file: lora.name, strength: lora.strength, sha256: lora.sha256 };
}

/** `style.safetensors:0.8` → the path and 0.8; without `:<strength>`, strength 1. */
export function parseLoraArgument(argument: string): { path: string; strength: number } {
  const match = /^(.*):(-?[0-9]*\.?[0-9]+(?:e-?[0-9]+)?)$/i.exec(argument);
  if (!match) return { path: argument, strength: 1 };
  const strength = Number(match[2]);
  if (!match[1] || !Number.isFinite(strength)) throw new InvalidInputError(`--lora takes <file.safetensors>[:<strength>], e.g. style.safetensors:0.8; got "${argument}".`);
  return { path: match[1], strength };
}
