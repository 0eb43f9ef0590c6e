import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli-captured.ts';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import { goldenCasePath, TINY } from '../helpers/golden-cases.ts';
import { convertTinyA } from '../helpers/convert-tiny-a.ts';

let work: string;
let bundle: string;
let manifest: BundleManifest;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-cli-faults-'));
  bundle = await convertTinyA(join(work, 'bundle'));
  manifest = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8')) as BundleManifest;
});

afterAll(() => rm(work, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());


/** A copy of the good bundle to damage. */
async function bundleCopy(name: string): Promise<string> {
  const dir = join(work, name);
  await cp(bundle, dir, { recursive: true });
  return dir;
}

/** One plain message: no stack frames, no JavaScript error class names. */
function expectPlainFailure({ code, stderr }: { code: number; stderr: string }, ...names: string[]): void {
  expect(code).toBe(1);
  expect(stderr).not.toMatch(/\n\s+at |TypeError|RangeError|SyntaxError|ENOENT|NaN|undefined/);
  for (const name of names) expect(stderr).toContain(name);
}

const weightsFile = () => manifest.graphs['dit']!.externalData[0]!;
const debugDit = (dir: string) => ['debug', 'dit', '--bundle', dir, '--in', goldenCasePath('dit_t2v'), '--out', join(work, 'out.safetensors')];

describe('the CLI on damaged bundles, bad files and bad options: one plain message, exit 1', () => {
  test('a weight file cut in half is refused before anything runs, naming the file and both sizes', async () => {
    const dir = await bundleCopy('truncated');
    const file = manifest.files.find((f) => f.path === weightsFile())!;
    await truncate(join(dir, file.path), Math.floor(file.bytes / 2));
    const result = await runCliCaptured(debugDit(dir));
    expectPlainFailure(result, file.path, file.bytes.toLocaleString('en-US'), 'wan-web verify');
  });

  test('a missing file is named', async () => {
    const dir = await bundleCopy('missing');
    await rm(join(dir, weightsFile()));
    expectPlainFailure(await runCliCaptured(debugDit(dir)), `${weightsFile()} is missing`);
  });

  test('a manifest that is not JSON is named, with what to do', async () => {
    const dir = await bundleCopy('not-json');
    await writeFile(join(dir, 'manifest.json'), '{"format": "wan-web-bundle", oops');
    expectPlainFailure(await runCliCaptured(debugDit(dir)), 'manifest.json is not valid JSON', 'wan-web convert');
  });

  test('a graph file of garbage (at its listed size) is named as one onnxruntime cannot load', async () => {
    const dir = await bundleCopy('garbage-graph');
    const graph = manifest.graphs['dit']!.file;
    const bytes = manifest.files.find((f) => f.path === graph)!.bytes;
    await writeFile(join(dir, graph), new Uint8Array(bytes).map((_, i) => (i * 7919) % 251));
    expectPlainFailure(await runCliCaptured(debugDit(dir)), graph, 'not a graph onnxruntime can load');
  });

  test('wan-web verify passes a good bundle and lists each file whose bytes changed', async () => {
    expect((await runCliCaptured(['verify', bundle])).code).toBe(0);
    const dir = await bundleCopy('flipped');
    const path = join(dir, weightsFile());
    const bytes = await readFile(path);
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0xff;
    await writeFile(path, bytes);
    const result = await runCliCaptured(['verify', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${weightsFile()}: SHA-256`);
    expect(result.stderr).toContain('1 file does not match');
  });

  test('generate: a missing --image and a non-numeric option name what was typed', async () => {
    const base = ['generate', '--bundle', bundle, '--prompt', 'a fox', '--size', '64x64', '--frames', '5', '--steps', '2', '--out', join(work, 'x.mp4')];
    expectPlainFailure(await runCliCaptured([...base, '--image', join(work, 'no-such.png')]), 'no-such.png does not exist');
    expectPlainFailure(await runCliCaptured([...base, '--seed', 'abc']), '--seed', '"abc"');
    expectPlainFailure(await runCliCaptured([...base, '--size', '64 by 64']), '--size', '"64 by 64"');
    expectPlainFailure(await runCliCaptured([...base, '--sampler', 'ddim']), '--sampler', 'unipc, euler, dmd');
  });

  test('generate: an image that is neither PNG nor JPEG, and a damaged PNG, are named', async () => {
    const base = ['generate', '--bundle', bundle, '--prompt', 'a fox', '--size', '64x64', '--frames', '5', '--steps', '2', '--out', join(work, 'x.mp4')];
    const text = join(work, 'notes.png');
    await writeFile(text, 'not an image');
    expectPlainFailure(await runCliCaptured([...base, '--image', text]), 'notes.png is neither a PNG nor a JPEG');
    const cut = join(work, 'cut.png');
    await writeFile(cut, Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13));
    expectPlainFailure(await runCliCaptured([...base, '--image', cut]), 'cut.png is damaged');
  });

  test('convert: a tensor whose shape disagrees with config.json is named before anything is built', async () => {
    const checkpoint = join(work, 'swapped-checkpoint');
    await cp(TINY, checkpoint, { recursive: true, filter: (src) => !src.includes('/cases') });
    const file = join(checkpoint, 'transformer', 'diffusion_pytorch_model.safetensors');
    const bytes = await readFile(file);
    const headerBytes = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerBytes).toString('utf8')) as Record<string, { shape?: number[] }>;
    const [name, entry] = Object.entries(header).find(([, t]) => t.shape?.length === 2 && t.shape[0] !== t.shape[1])!;
    entry.shape!.reverse();
    const swapped = Buffer.from(JSON.stringify(header).padEnd(headerBytes, ' '));
    expect(swapped.length).toBe(headerBytes);
    swapped.copy(bytes, 8);
    await writeFile(file, bytes);
    const result = await runCliCaptured(['convert', checkpoint, join(work, 'swapped-out')]);
    expectPlainFailure(result, `Tensor "${name}"`, 'config.json implies');
  });

  test('a folder that cannot be created is named; the stack appears only under --verbose', async () => {
    const file = join(work, 'not-a-dir.txt');
    await writeFile(file, 'x');
    expectPlainFailure(await runCliCaptured(['convert', TINY, join(file, 'inside')]), 'Cannot create the output folder', 'ENOTDIR');
    const verbose = await runCliCaptured(['convert', TINY, join(file, 'inside'), '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});
