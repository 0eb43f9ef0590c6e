import { resolve } from 'node:path';
import { openLoraFile, parseLoraArgument } from '../../convert/lora/lora-file.ts';
import type { LoraFile } from '../../convert/lora/lora-file.ts';
import type { ConvertOptions } from '../../convert/convert-checkpoint.ts';
import { fileByteSource } from '../file-source.ts';
import { onnxLowRankProduct } from '../lora-product.ts';

/** The LoRAs of `--lora file[:strength]` options, opened (header read, file hashed), and how to close their files. */
export interface OpenedLoras {
  readonly loras: readonly LoraFile[];
  /** What the conversion options take: the LoRAs and the onnxruntime product that merges them, or nothing. */
  readonly options: Pick<ConvertOptions, 'loras' | 'loraProduct'>;
  close(): Promise<void>;
}

export async function openLoraOptions(values: readonly string[] | undefined): Promise<OpenedLoras> {
  const argumentsGiven = (values ?? []).map(parseLoraArgument);
  const sources = argumentsGiven.map((l) => fileByteSource(resolve(l.path)));
  const close = async () => {
    await Promise.all(sources.map((source) => source.close()));
  };
  const loras = await Promise.all(sources.map((source, k) => openLoraFile(source, argumentsGiven[k]!.strength))).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return { loras, options: loras.length ? { loras, loraProduct: onnxLowRankProduct() } : {}, close };
}
