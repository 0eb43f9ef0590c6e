/**
 * Conversion throughput and peak memory: writes a random-weight checkpoint with the real
 * shapes (or takes --source), converts it in a child process, and prints MB/s of source
 * read, the converter's peak RSS, and the space check's size estimate beside the real size.
 *   npm run bench:convert [-- --preset full|tiny-a --weights int4|int8|fp16|fp32 --source DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { estimateBundleBytes } from '../src/convert/bundle-size-estimate.ts';
import { convertCheckpoint, openSourceModel } from '../src/convert/convert-checkpoint.ts';
import { resolveQuantConfig } from '../src/bundle/quant-config.ts';
import { WAN22_TI2V_5B_CONFIGS, WAN22_TI2V_5B_SHARD_BYTES } from '../src/convert/random-checkpoint/index.ts';
import { dirBundleSink } from '../src/node/dir-bundle-sink.ts';
import { nodeCheckpointFiles } from '../src/node/file-source.ts';
import { readCheckpointConfigs, writeRandomCheckpoint } from '../src/node/write-random-checkpoint.ts';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'full' },
    weights: { type: 'string', default: 'int4' },
    activations: { type: 'string', default: 'fp16' },
    source: { type: 'string' },
    out: { type: 'string' },
    child: { type: 'boolean', default: false },
  },
});

if (values.child) {
  // The measured conversion, alone in its process so that maxRSS is its own.
  const files = nodeCheckpointFiles(values.source!);
  const quant = resolveQuantConfig({ weights: values.weights, activations: values.activations });
  const estimatedBytes = estimateBundleBytes(await openSourceModel(files), quant);
  const start = performance.now();
  let sourceBytes = 0;
  const manifest = await convertCheckpoint(files, await dirBundleSink(values.out!), {
    quant,
    source: { repo: 'random', revision: 'bench' },
    onProgress: (p) => (sourceBytes = p.sourceBytesTotal),
  });
  await files.close();
  const seconds = (performance.now() - start) / 1000;
  const bundleBytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  console.log(JSON.stringify({ seconds, sourceBytes, bundleBytes, estimatedBytes, peakRss: process.resourceUsage().maxRSS * 1024 }));
  process.exit(0);
}

const work = await mkdtemp(join(tmpdir(), 'wan-bench-convert-'));
try {
  let source = values.source;
  if (!source) {
    source = join(work, 'checkpoint');
    const configs = values.preset === 'full' ? WAN22_TI2V_5B_CONFIGS : await readCheckpointConfigs(join(import.meta.dirname, '../test/fixtures/tiny-a'));
    const full = values.preset === 'full';
    const disk = await statfs(tmpdir());
    if (full && disk.bavail * disk.bsize < 50e9) throw new Error(`The full-size benchmark needs ~45 GB free in ${tmpdir()}.`);
    process.stderr.write(`writing a random ${values.preset} checkpoint to ${source}…\n`);
    await writeRandomCheckpoint(source, {
      configs,
      seed: 1,
      ...(full ? { dtypes: { text_encoder: 'BF16' as const }, maxShardBytes: WAN22_TI2V_5B_SHARD_BYTES } : {}),
    });
  }
  process.stderr.write(`converting (${values.weights} weights, ${values.activations} activations)…\n`);
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--child', '--source', source, '--out', join(work, 'bundle'), '--weights', values.weights, '--activations', values.activations],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`conversion failed (exit ${child.status})`);
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { seconds: number; sourceBytes: number; bundleBytes: number; estimatedBytes: number; peakRss: number };
  console.log('| preset | weights | activations | source | bundle | estimated before converting | time (s) | source read (MB/s) | peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${values.preset} | ${values.weights} | ${values.activations} | ${(r.sourceBytes / 1e9).toFixed(2)} GB | ${(r.bundleBytes / 1e9).toFixed(2)} GB | ${(r.estimatedBytes / 1e9).toFixed(2)} GB | ${r.seconds.toFixed(1)} | ${(r.sourceBytes / 1e6 / r.seconds).toFixed(1)} | ${(r.peakRss / 1e9).toFixed(2)} GB |`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
