import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { BundleManifest } from '../../bundle/manifest.ts';
import { encoderGraphName } from '../../bundle/vae-names.ts';
import { stageGraphNames } from '../vae/index.ts';
import type { LatentRgbMap } from './latent-rgb-map.ts';
import { LATENT_RGB_FIT_VERSION } from './latent-rgb-map.ts';

/**
 * Keeps fitted latent → RGB maps between page loads, so a model's VAE encoder runs for the
 * preview once, not once per load.
 */
export interface LatentRgbMapStore {
  get(key: string): Promise<LatentRgbMap | null>;
  put(key: string, map: LatentRgbMap): Promise<void>;
}

/** The key of a bundle's map: the fit's version and the hashes of its VAE encoder files, the only things the map depends on. */
export function latentRgbMapKey(manifest: BundleManifest): string {
  const files = new Set<string>();
  for (const name of stageGraphNames(manifest.graphs, encoderGraphName)) {
    const graph = manifest.graphs[name]!;
    for (const file of [graph.file, ...graph.externalData]) files.add(file);
  }
  const hashes = [...files].sort().map((path) => `${path}:${manifest.files.find((f) => f.path === path)?.sha256 ?? 'unknown'}`);
  return bytesToHex(sha256(utf8ToBytes(`latent-rgb-map v${LATENT_RGB_FIT_VERSION}\n${hashes.join('\n')}`)));
}

/** The JSON a map is stored as. */
export function latentRgbMapToJson(map: LatentRgbMap): unknown {
  return { channels: map.channels, weights: Array.from(map.weights), bias: Array.from(map.bias) };
}

/** A stored map, or null when `value` is not a well-formed one (it is then fitted again). */
export function latentRgbMapFromJson(value: unknown): LatentRgbMap | null {
  const { channels, weights, bias } = (value ?? {}) as { channels?: unknown; weights?: unknown; bias?: unknown };
  const numbers = (list: unknown, length: number) => Array.isArray(list) && list.length === length && list.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1) return null;
  if (!numbers(weights, 3 * channels) || !numbers(bias, 3)) return null;
  return { channels, weights: Float32Array.from(weights as number[]), bias: Float32Array.from(bias as number[]) };
}
