import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';
import { WanPipeline } from '../../src/pipeline/generate/wan-pipeline.ts';
import { latentRgbMapFromJson, latentRgbMapKey, latentRgbMapToJson } from '../../src/pipeline/preview/latent-rgb-map-store.ts';
import type { LatentRgbMapStore } from '../../src/pipeline/preview/latent-rgb-map-store.ts';
import type { LatentRgbMap } from '../../src/pipeline/preview/latent-rgb-map.ts';
import { recordingBundle } from '../helpers/recording-bundle.ts';

let work: string;
let bundleDir: string;
let manifest: BundleManifest;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-preview-maps-'));
  bundleDir = join(work, 'bundle');
  // Without its tiny decoder, which would make the previews instead of the map.
  await writeSelfTestBundle(bundleDir, { tinyDecoder: false });
  manifest = JSON.parse(await readFile(join(bundleDir, 'manifest.json'), 'utf8')) as BundleManifest;
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** The files' hashes replaced for paths matching `pattern`. */
const withHashes = (pattern: RegExp): BundleManifest => ({ ...manifest, files: manifest.files.map((f) => (pattern.test(f.path) ? { ...f, sha256: '0'.repeat(64) } : f)) });

describe('stored preview maps', () => {
  test('are keyed by the VAE encoder files alone', () => {
    const key = latentRgbMapKey(manifest);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(latentRgbMapKey(withHashes(/^dit/))).toBe(key);
    expect(latentRgbMapKey(withHashes(/^vae-encoder-1/))).not.toBe(key);
  });

  test('come back from JSON as stored, and anything malformed reads as none', () => {
    const map: LatentRgbMap = { channels: 2, weights: Float32Array.of(1, 2, 3, 4, 5, 6), bias: Float32Array.of(0.5, -0.5, 0) };
    const again = latentRgbMapFromJson(JSON.parse(JSON.stringify(latentRgbMapToJson(map))));
    expect(again).toEqual(map);
    for (const bad of [null, {}, { channels: 2, weights: [1, 2], bias: [0, 0, 0] }, { channels: 2, weights: [1, 2, 3, 4, 5, 'x'], bias: [0, 0, 0] }, { channels: 0, weights: [], bias: [0, 0, 0] }]) {
      expect(latentRgbMapFromJson(bad)).toBeNull();
    }
  });

  test('a second load previews from the stored map without running the VAE encoder', async () => {
    const kept = new Map<string, unknown>();
    const store: LatentRgbMapStore = {
      get: async (key) => latentRgbMapFromJson(kept.get(key) ?? null),
      put: async (key, map) => void kept.set(key, latentRgbMapToJson(map)),
    };
    const settings = { prompt: 'a fox', width: 64, height: 64, frames: 1, steps: 1, guidance: 5, shift: 5, sampler: 'unipc' as const, seed: 3 };
    const previews: number[][] = [];
    for (let load = 0; load < 2; load++) {
      const bundle = recordingBundle(await openDirBundle(bundleDir));
      const pipeline = new WanPipeline({ ort, bundle, previewMaps: store });
      const frames: Uint8ClampedArray[] = [];
      await pipeline.generate(settings, null, { preview: true, onEvent: (e) => e.type === 'preview' && frames.push(...e.frames) });
      await pipeline.dispose();
      previews.push(Array.from(frames[0]!));
      expect(bundle.requests.some(({ graph }) => graph.startsWith('vae-encoder'))).toBe(load === 0);
    }
    expect(kept.size).toBe(1);
    expect(previews[1]).toEqual(previews[0]);
  });
});
