import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BINDING_FILE, bundleNodeScript } from '../../scripts/gpu-kit/bundle-cli.ts';
import { goldenCasePath } from '../helpers/golden-cases.ts';

// The GPU kit's CLI bundle (npm run gpu-kit builds the whole kit; too slow for the suite): one
// esbuild file that runs with onnxruntime-node's binding beside it and no node_modules.
const ROOT = join(import.meta.dirname, '..', '..');
const ORT_NATIVE = join(ROOT, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-kit-bundle-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

test.skipIf(process.platform !== 'linux' || process.arch !== 'x64')('the bundled CLI writes a small random bundle and runs a DiT pass outside the repo', async () => {
  const cli = join(work, 'lib', 'wan-web.mjs');
  await bundleNodeScript(join(ROOT, 'bin', 'wan-web.ts'), cli);
  for (const file of [BINDING_FILE, 'libonnxruntime.so.1']) await copyFile(join(ORT_NATIVE, file), join(work, 'lib', file));
  const run = (...args: string[]) => execFileSync(process.execPath, [cli, ...args], { cwd: work, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', stdio: 'pipe' });
  run('random-bundle', join(work, 'bundle'), '--small', '--activations', 'fp32');
  expect(JSON.parse(await readFile(join(work, 'bundle', 'manifest.json'), 'utf8')).source).toEqual({ repo: 'wan-web/random', revision: 'seed-0' });
  run('debug', 'dit', '--bundle', join(work, 'bundle'), '--in', goldenCasePath('dit_t2v'), '--out', join(work, 'v.safetensors'));
  expect((await readFile(join(work, 'v.safetensors'))).byteLength).toBeGreaterThan(1000);
}, 60_000);
