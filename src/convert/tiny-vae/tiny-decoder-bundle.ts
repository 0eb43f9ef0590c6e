import type { BundleSink } from '../../bundle/bundle-sink.ts';
import type { FileRecord } from '../../bundle/hashing-writer.ts';
import type { BundleManifest, GraphEntry } from '../../bundle/manifest.ts';
import type { ModelSource } from '../../bundle/model-source.ts';
import type { QuantConfig } from '../../bundle/quant-config.ts';
import { TINY_DECODER_FILE_PREFIX } from '../../bundle/tiny-vae-names.ts';
import { ConvertError } from '../../errors.ts';
import { GraphBuilder } from '../../onnx/index.ts';
import { ExternalWeightStore } from '../bundle/external-weight-store.ts';
import { writeBundleFile } from '../bundle/write-bundle-file.ts';
import type { WeightSource } from '../weights/weight-source.ts';
import type { TaehvDecoderConfig } from './taehv-config.ts';
import { TAEW2_2 } from './taehv-config.ts';
import { buildTaehvDecoderGraphs } from './taehv-decoder-graphs.ts';
import { taehvDecoderTensors } from './taehv-tensors.ts';

/** The tiny decoder's part of a bundle: its graph entries and files (graphs and weights, all named `tiny-vae-…`). */
export interface TinyDecoderFiles {
  readonly graphs: Readonly<Record<string, GraphEntry>>;
  readonly files: readonly FileRecord[];
}

/** A tiny decoder to build into a bundle: its weights, where they came from, and its sizes (default taew2_2). */
export interface TinyDecoderInput {
  readonly weights: WeightSource;
  readonly source: ModelSource;
  readonly config?: TaehvDecoderConfig;
}

/** Refuses weights that are not a TAEHV decoder of `config` (for taew2_2: madebyollin/taehv's taew2_2.safetensors). */
function checkTinyDecoderWeights(weights: WeightSource, config: TaehvDecoderConfig = TAEW2_2): void {
  const advice = 'Use taew2_2.safetensors from github.com/madebyollin/taehv (the tiny decoder for Wan2.2).';
  for (const { name, shape } of taehvDecoderTensors(config)) {
    if (!weights.has(name)) throw new ConvertError(`${weights.component} has no tensor "${name}": it is not a tiny decoder for Wan2.2. ${advice}`, weights.component, name);
    const actual = weights.info(name).shape;
    if (actual.join(',') !== shape.join(',')) {
      throw new ConvertError(`Tensor "${name}" of ${weights.component} has shape [${actual.join(', ')}], not [${shape.join(', ')}]: it is not a tiny decoder for Wan2.2. ${advice}`, weights.component, name);
    }
  }
}

/** Refuses a tiny decoder that is not for a bundle whose latents have `latentChannels` channels, or whose weights are not a tiny decoder. */
export function checkTinyDecoderFits(input: TinyDecoderInput, latentChannels: number): void {
  const config = input.config ?? TAEW2_2;
  if (latentChannels !== config.latentChannels) {
    throw new ConvertError(`The model has ${latentChannels} latent channels; the tiny decoder takes ${config.latentChannels} (it is for Wan2.2 TI2V-5B).`);
  }
  checkTinyDecoderWeights(input.weights, config);
}

/**
 * Builds the tiny decoder's stage graphs from TAEHV decoder weights into `sink`, at the
 * bundle's precision (`quant`: its VAE weight and cache formats apply), with weight files of
 * its own (`tiny-vae-weights-000.bin`), so it can join a finished bundle without touching its files.
 */
export async function writeTinyDecoder(sink: BundleSink, weights: WeightSource, quant: QuantConfig, config: TaehvDecoderConfig = TAEW2_2): Promise<TinyDecoderFiles> {
  checkTinyDecoderWeights(weights, config);
  const store = await ExternalWeightStore.open(sink, { filePrefix: TINY_DECODER_FILE_PREFIX });
  try {
    const builders = new Map<string, GraphBuilder>();
    const built = await buildTaehvDecoderGraphs((name) => {
      const g = new GraphBuilder(name);
      builders.set(name, g);
      return { g, weights, store, quant };
    }, config);
    const graphs: Record<string, GraphEntry> = {};
    const files: FileRecord[] = [];
    for (const graph of built) {
      const file = `${graph.name}.onnx`;
      files.push(await writeBundleFile(sink, file, graph.bytes));
      graphs[graph.name] = { file, externalData: builders.get(graph.name)!.externalDataFiles(), contract: graph.contract };
    }
    files.push(...(await store.finish()));
    return { graphs, files };
  } catch (error) {
    await store.abandon();
    throw error;
  }
}

/** The manifest of a bundle with the tiny decoder added (it must not have one yet). */
export function withTinyDecoder(manifest: BundleManifest, tiny: TinyDecoderFiles, source: ModelSource): BundleManifest {
  const clash = manifest.files.find((f) => tiny.files.some((t) => t.path === f.path)) ?? Object.keys(tiny.graphs).find((name) => manifest.graphs[name]);
  if (manifest.tinyDecoder || clash) throw new ConvertError('This bundle already has a tiny decoder.');
  return {
    ...manifest,
    graphs: { ...manifest.graphs, ...tiny.graphs },
    tinyDecoder: { source, graphs: Object.keys(tiny.graphs) },
    files: [...manifest.files, ...tiny.files].sort((a, b) => a.path.localeCompare(b.path)),
  };
}
