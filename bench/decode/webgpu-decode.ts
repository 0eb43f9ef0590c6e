import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import { bundleDecoderMemoryLaws } from '../../src/pipeline/estimate/bundle-decoder-memory.ts';
import { predictDecoderMemory } from '../../src/pipeline/estimate/decoder-memory.ts';
import { startStaticServer } from '../../test/e2e/static-server.ts';
import { runPageBench } from '../page-bench.ts';

interface PageResult {
  readonly adapter: string | null;
  readonly sessionMs: number;
  readonly frameMs: readonly number[];
  readonly loadedBytes: number;
  readonly peakBytes: number;
  readonly largestBufferBytes: number;
}

type Decoder = 'full' | 'tiny';

/** The adapter as the row names it; SwiftShader is said to be what it is. */
const adapterLabel = (adapter: string | null) =>
  `onnxruntime-web WebGPU (${adapter ?? 'unknown adapter'}${adapter?.toLowerCase().includes('swiftshader') ? ': SwiftShader, a CPU-emulated GPU' : ''})`;

/**
 * Decodes latent frames with each decoder of the bundle folder `dir` in headless chromium
 * (bench/browser/decode.html), one fresh browser per decoder and size, and returns the bench
 * table's rows: the tiny decoder at every size, the full VAE at `fullSizes` only (on a
 * CPU-emulated adapter it runs for hours per frame at full size).
 */
export async function webgpuDecodeRows(dir: string, sizes: readonly string[], fullSizes: readonly string[], frames: number, macs: (kind: Decoder, size: string) => string): Promise<string[][]> {
  const server = await startStaticServer(dir);
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
  const laws = await bundleDecoderMemoryLaws({ manifest, readRange: async (path, offset, length) => (await readFile(join(dir, path))).subarray(offset, offset + length) });
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  const rows: string[][] = [];
  try {
    for (const size of sizes) {
      const [width, height] = size.split('x').map(Number) as [number, number];
      const results: Partial<Record<Decoder, PageResult>> = {};
      for (const decoder of ['full', 'tiny'] as const) {
        if (decoder === 'full' && !fullSizes.includes(size)) continue;
        console.error(`WebGPU: ${decoder} decoder at ${size}, ${frames} latent frames …`);
        const query = { bundle: server.url, decoder, height: String(height / 16), width: String(width / 16), frames: String(frames) };
        results[decoder] = await runPageBench<PageResult>('decode.html', query, { log: (line) => console.error(`  page: ${line}`) });
      }
      const steady = (r: PageResult) => (r.frameMs.length > 1 ? r.frameMs.slice(1).reduce((a, b) => a + b, 0) / (r.frameMs.length - 1) / 1000 : Number.NaN);
      for (const decoder of ['full', 'tiny'] as const) {
        const r = results[decoder];
        if (!r) {
          const predicted = predictDecoderMemory(laws[decoder]!, { height: height / 16, width: width / 16 }).peakBytes;
          rows.push(['onnxruntime-web WebGPU', size, decoder, '0 (not run: see --webgpu-full-sizes)', '', '', `predicted ${mb(predicted)}`, macs(decoder, size), '']);
          continue;
        }
        const predicted = predictDecoderMemory(laws[decoder]!, { height: height / 16, width: width / 16 }).peakBytes;
        const peak = `${mb(r.peakBytes)} GPU buffers (${mb(r.loadedBytes)} after loading; predicted ${mb(predicted)})`;
        rows.push([adapterLabel(r.adapter), size, decoder, String(r.frameMs.length), steady(r).toFixed(2), (r.frameMs[0]! / 1000).toFixed(2), peak, macs(decoder, size), (r.sessionMs / 1000).toFixed(1)]);
        console.error(`  row: ${rows.at(-1)!.join(' | ')}`);
      }
      const { full, tiny } = results;
      if (full && tiny) {
        const macRatio = (Number(macs('full', size)) / Number(macs('tiny', size))).toFixed(1);
        rows.push([adapterLabel(tiny.adapter), size, 'full / tiny', '', (steady(full) / steady(tiny)).toFixed(1), '', (full.peakBytes / tiny.peakBytes).toFixed(1), macRatio, '']);
      }
    }
  } finally {
    await server.close();
  }
  return rows;
}
