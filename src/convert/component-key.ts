import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { AbortSignalLike, Checkpoint } from '../safetensors/index.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import type { GgufCheckpoint } from '../gguf/index.ts';
import { BUNDLE_FORMAT_VERSION } from '../bundle/manifest.ts';

/** Samples read from each source file for a component's key. */
const SAMPLES = 16;
const SAMPLE_BYTES = 4096;

/**
 * The key a shared component is stored under: a SHA-256 over what it is converted from and how.
 * Hashing all of the source (11 GB for UMT5-XXL) is what sharing avoids, so the content enters as
 * a fingerprint: every tensor's name, dtype and shape, each file's size, and 16 blocks of 4 KiB
 * spread over each file (a fine-tune with the same shapes differs in nearly every block). The
 * config, the precision settings, the tokenizer and the builder's revision complete it.
 */
export async function componentKey(
  kind: string,
  checkpoint: Checkpoint,
  extra: { readonly config: unknown; readonly quant: QuantConfig; readonly builderRevision: number; readonly tokenizer?: Uint8Array | null },
  signal?: AbortSignalLike,
): Promise<string> {
  const hash = sha256.create();
  const text = (value: unknown) => hash.update(new TextEncoder().encode(`${JSON.stringify(value)}\n`));
  text({ kind, format: BUNDLE_FORMAT_VERSION, builder: extra.builderRevision, quant: extra.quant, config: extra.config });
  // A GGUF component presents every tensor as F32: its ggml types and its one file stand in.
  const gguf = (checkpoint as Partial<GgufCheckpoint>).ggml ? (checkpoint as GgufCheckpoint) : undefined;
  text([...checkpoint.tensors.values()].map((t) => `${t.name}:${gguf?.ggml.get(t.name)?.type ?? t.dtype}:${t.shape.join('x')}`).sort());
  for (const source of gguf ? [gguf.file.source] : checkpoint.shards.map((shard) => shard.source)) {
    const size = await source.size();
    text(size);
    const block = Math.min(SAMPLE_BYTES, Math.floor(size / SAMPLES));
    for (let i = 0; i < SAMPLES && block > 0; i++) hash.update(await source.read(Math.floor(((size - block) * i) / (SAMPLES - 1)), block, signal));
  }
  if (extra.tokenizer) hash.update(sha256(extra.tokenizer));
  return bytesToHex(hash.digest()).slice(0, 32);
}
