// Writes a random-weight Wan2.2 TI2V-5B checkpoint in the diffusers layout.
//
//   npx tsx scripts/make-random-checkpoint.ts --preset tiny-a|full --out DIR [--seed N]
//       [--text-encoder-dtype bf16|f32] [--transformer-dtype bf16|f32] [--vae-dtype bf16|f32]
//       [--shard real|none|BYTES]
//
// tiny-a: the shapes of test/fixtures/tiny-a (about 17 MB). full: the real 5B shapes (45 GB in
// fp32, 34 GB with a bf16 text encoder, like the real repo); sharded like the real repo unless
// --shard none.
import { statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  planRandomCheckpoint,
  WAN22_TI2V_5B_CONFIGS,
  WAN22_TI2V_5B_SHARD_BYTES,
} from '../src/convert/random-checkpoint/index.ts';
import type { RandomCheckpointDtype, RandomCheckpointOptions, RandomComponent } from '../src/convert/random-checkpoint/index.ts';
import { formatBytes } from '../src/format-bytes.ts';
import { ProgressBar } from '../src/node/cli/progress-bar.ts';
import { readCheckpointConfigs, writeRandomCheckpoint } from '../src/node/write-random-checkpoint.ts';

const TINY_A = resolve(dirname(new URL(import.meta.url).pathname), '../test/fixtures/tiny-a');

function fail(message: string): never {
  process.stderr.write(`make-random-checkpoint: ${message}\n`);
  process.exit(2);
}

function dtypeArg(value: string | undefined, flag: string): RandomCheckpointDtype | undefined {
  if (value === undefined) return undefined;
  if (value === 'bf16' || value === 'BF16') return 'BF16';
  if (value === 'f32' || value === 'fp32' || value === 'F32') return 'F32';
  return fail(`${flag} must be bf16 or f32, got "${value}".`);
}

const { values } = parseArgs({
  options: {
    preset: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string', default: '0' },
    'text-encoder-dtype': { type: 'string' },
    'transformer-dtype': { type: 'string' },
    'vae-dtype': { type: 'string' },
    shard: { type: 'string' },
  },
});
if (values.preset !== 'tiny-a' && values.preset !== 'full') fail('--preset must be tiny-a or full.');
if (!values.out) fail('--out DIR is required (a folder that does not exist yet).');
const seed = Number(values.seed);
if (!Number.isSafeInteger(seed) || seed < 0) fail(`--seed must be a non-negative integer, got "${values.seed}".`);

const shard = values.shard ?? (values.preset === 'full' ? 'real' : 'none');
let maxShardBytes: RandomCheckpointOptions['maxShardBytes'];
if (shard === 'real') maxShardBytes = WAN22_TI2V_5B_SHARD_BYTES;
else if (shard !== 'none') {
  maxShardBytes = Number(shard);
  if (!(maxShardBytes > 0)) fail(`--shard must be real, none or a number of bytes, got "${shard}".`);
}

const dtypes: Partial<Record<RandomComponent, RandomCheckpointDtype>> = {};
const setDtype = (component: RandomComponent, value: string | undefined, flag: string) => {
  const dtype = dtypeArg(value, flag);
  if (dtype) dtypes[component] = dtype;
};
setDtype('text_encoder', values['text-encoder-dtype'], '--text-encoder-dtype');
setDtype('transformer', values['transformer-dtype'], '--transformer-dtype');
setDtype('vae', values['vae-dtype'], '--vae-dtype');

const configs = values.preset === 'full' ? WAN22_TI2V_5B_CONFIGS : await readCheckpointConfigs(TINY_A);
const out = resolve(values.out);
const options: RandomCheckpointOptions = { configs, seed, dtypes, maxShardBytes };

const totalBytes = planRandomCheckpoint(options).reduce((n, plan) => n + plan.files.files.reduce((m, f) => m + f.dataBytes, 0), 0);
const { bavail, bsize } = await statfs(dirname(out));
if (bavail * bsize < totalBytes * 1.02) {
  fail(`${formatBytes(totalBytes)} of weights do not fit in the ${formatBytes(bavail * bsize)} free on ${dirname(out)}.`);
}

// Ctrl-C stops at the next chunk and removes the partial output.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('Interrupted; the partial checkpoint was removed.')));

const bar = new ProgressBar(`random ${values.preset}`);
const started = performance.now();
const written = await writeRandomCheckpoint(out, {
  ...options,
  signal: controller.signal,
  onProgress: (p) => bar.update(p.bytesWritten, p.totalBytes, p.path),
}).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
const seconds = (performance.now() - started) / 1000;
bar.done(`${out}: ${written.length} files, ${formatBytes(totalBytes)} of weights, ${(totalBytes / 1e9 / seconds).toFixed(2)} GB/s`);
