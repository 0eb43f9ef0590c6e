import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { readCheckpointConfigs, writeRandomCheckpoint } from '../../src/node/write-random-checkpoint.ts';
import { hasFfmpeg } from '../../src/node/frame-writer.ts';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import { TINY } from '../helpers/golden-cases.ts';

let work: string;
let bundle: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-generate-'));
  const checkpoint = join(work, 'checkpoint');
  await writeRandomCheckpoint(checkpoint, { configs: await readCheckpointConfigs(TINY), seed: 7 });
  bundle = join(work, 'bundle');
  // The low-memory VAE of onnxruntime-node: int8 kernels and int8 caches (the latents are the DiT's alone).
  expect(await runCli(['convert', checkpoint, bundle, '--weights', 'fp32', '--activations', 'fp32', '--vae-weights', 'int8', '--vae-cache', 'int8'])).toBe(0);
  const { precision } = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8')) as BundleManifest;
  expect(precision).toMatchObject({ vaeWeights: 'int8', vaeCache: 'int8' });
});

afterAll(() => rm(work, { recursive: true, force: true }));

const args = (out: string, extra: string[] = []) => [
  'generate', '--bundle', bundle, '--prompt', 'a red fox in fresh snow', '--size', '128x96', '--frames', '9',
  '--steps', '4', '--seed', '42', '--out', out, ...extra,
];

describe('wan-web generate on a tiny random bundle', () => {
  test('prompt → video file (MP4 through ffmpeg, else PNG frames), deterministic latents', async () => {
    const out = join(work, 'fox.mp4');
    expect(await runCli(args(out, ['--latents-out', join(work, 'a.safetensors')]))).toBe(0);
    if (hasFfmpeg()) {
      const probe = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'csv=p=0', out], { encoding: 'utf8' });
      expect(probe.stdout.trim()).toBe('h264,128,96,9');
    } else {
      expect((await readdir(join(work, 'fox'))).length).toBe(9);
    }
    expect(await runCli(args(join(work, 'again.mp4'), ['--latents-out', join(work, 'b.safetensors'), '--memory', 'one-at-a-time', '--vae-bands', '2']))).toBe(0);
    const [a, b] = await Promise.all([readCaseFile(join(work, 'a.safetensors')), readCaseFile(join(work, 'b.safetensors'))]);
    const [la, lb] = [await a.float('latents'), await b.float('latents')];
    expect(la.dims).toEqual([1, 48, 3, 6, 8]);
    expect(Buffer.from(la.data.buffer).equals(Buffer.from(lb.data.buffer))).toBe(true);
    expect(la.data.every(Number.isFinite)).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  test('invalid settings are refused with what is allowed', async () => {
    expect(await runCli(args(join(work, 'bad.mp4'), ['--frames', '10']))).toBe(1);
    expect(await runCli(args(join(work, 'bad.mp4'), ['--size', '100x96']))).toBe(1);
    expect(await runCli(args(join(work, 'bad.mp4'), ['--vae-bands', '0']))).toBe(1);
    expect(await runCli(['convert', TINY, join(work, 'never'), '--vae-cache', 'int4'])).toBe(1);
  });
});
