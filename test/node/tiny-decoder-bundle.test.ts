import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { ManifestError } from '../../src/errors.ts';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import { validateManifest } from '../../src/bundle/manifest.ts';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import { randomTaehvDecoderTensors } from '../../src/convert-install/random-tiny-decoder.ts';
import { selfTestCheckpoint } from '../../src/convert-install/self-test-model.ts';
import { convertCheckpoint } from '../../src/convert/convert-checkpoint.ts';
import { TAEW2_2 } from '../../src/convert/tiny-vae/index.ts';
import { runCliCaptured } from '../helpers/run-cli-captured.ts';
import { convertTinyA } from '../helpers/convert-tiny-a.ts';
import { TINY } from '../helpers/golden-cases.ts';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import { dirBundleSink } from '../../src/node/dir-bundle-sink.ts';
import { verifyDirBundle } from '../../src/node/verify-bundle.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';
import type { FramesEvent, LoadEvent, PipelineEvent } from '../../src/pipeline/generate/pipeline-events.ts';
import { WanPipeline } from '../../src/pipeline/generate/wan-pipeline.ts';
import { encodeSafetensors } from '../../src/safetensors/safetensors-writer.ts';

const work = await mkdtemp(join(tmpdir(), 'wan-tiny-decoder-'));
afterAll(() => rm(work, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const SETTINGS = { prompt: 'a lighthouse', width: 32, height: 32, frames: 5, steps: 1, guidance: 1, shift: 5, sampler: 'unipc' as const, seed: 3 };
const TINY_GRAPHS = ['tiny-vae-decoder-0', 'tiny-vae-decoder-1', 'tiny-vae-decoder-2'];

/** A self-test bundle without a tiny decoder, a taew2_2.safetensors of seeded random weights (full size, float16), and the self-test bundle. */
let plain: string;
let taew2_2: string;
let selfTest: string;
beforeAll(async () => {
  plain = join(work, 'plain');
  await convertCheckpoint(await selfTestCheckpoint(), await dirBundleSink(plain), { quant: FP32_CONFIG, source: { repo: 'self-test', revision: 'test' } });
  taew2_2 = join(work, 'taew2_2.safetensors');
  const tensors = randomTaehvDecoderTensors(TAEW2_2, 1);
  await writeFile(taew2_2, encodeSafetensors(tensors.map((t) => ({ name: t.name, dtype: 'F16', shape: t.shape, data: t.halves }))));
  selfTest = join(work, 'self-test');
  await writeSelfTestBundle(selfTest);
});


/** A TAEHV decoder for another latent space (taew2_1's 16 channels): not one for Wan2.2. */
async function wrongFile(): Promise<string> {
  const path = join(work, 'taew2_1.safetensors');
  const tensors = randomTaehvDecoderTensors({ ...TAEW2_2, latentChannels: 16, patchSize: 1 }, 1);
  await writeFile(path, encodeSafetensors(tensors.map((t) => ({ name: t.name, dtype: 'F16', shape: t.shape, data: t.halves }))));
  return path;
}

const manifestOf = async (dir: string) => validateManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))) as BundleManifest;

describe('wan-web convert --tiny-decoder', () => {
  test('with a source: a new bundle with the tiny decoder, at its precision; a wrong file is refused before anything is written', async () => {
    const dir = await convertTinyA(join(work, 'tiny-a'), ['--weights', 'fp16', '--activations', 'fp16', '--tiny-decoder', taew2_2]);
    const manifest = await manifestOf(dir);
    expect(manifest.tinyDecoder).toEqual({ source: { repo: taew2_2, revision: 'local' }, graphs: TINY_GRAPHS });
    expect(manifest.graphs['tiny-vae-decoder-1']!.contract.inputs.find((i) => i.name === 'hidden')?.dtype).toBe('float16');
    expect(await verifyDirBundle(dir, () => undefined)).toEqual([]);

    const refused = await runCliCaptured(['convert', TINY, join(work, 'tiny-a-refused'), '--tiny-decoder', await wrongFile()]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not a tiny decoder for Wan2.2');
    expect((await readdir(work)).filter((name) => name.startsWith('tiny-a-refused'))).toEqual([]);
  });

  test('--add-to adds it to a finished bundle: its graphs and weight files, listed and hashed; the other files as they were', async () => {
    const dir = join(work, 'added');
    await cp(plain, dir, { recursive: true });
    const before = await manifestOf(dir);
    const result = await runCliCaptured(['convert', '--tiny-decoder', taew2_2, '--add-to', dir]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stderr).toContain('added the tiny decoder');
    const after = await manifestOf(dir);
    expect(after.tinyDecoder).toEqual({ source: { repo: taew2_2, revision: 'local' }, graphs: TINY_GRAPHS });
    expect(after.files.filter((f) => !f.path.startsWith('tiny-vae-'))).toEqual(before.files);
    expect(after.files.filter((f) => f.path.startsWith('tiny-vae-')).map((f) => f.path)).toEqual([...TINY_GRAPHS.map((g) => `${g}.onnx`), 'tiny-vae-weights-000.bin']);
    expect(after.graphs['tiny-vae-decoder-2']!.externalData).toEqual(['tiny-vae-weights-000.bin']);
    expect({ ...after, graphs: undefined, files: undefined, tinyDecoder: undefined }).toEqual({ ...before, graphs: undefined, files: undefined });
    expect(await verifyDirBundle(dir, () => undefined)).toEqual([]);

    const again = await runCliCaptured(['convert', '--tiny-decoder', taew2_2, '--add-to', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has a tiny decoder');
    expect(await manifestOf(dir)).toEqual(after);
  });

  test('a file that is not a tiny decoder for Wan2.2 is refused, and the bundle is left as it was', async () => {
    const dir = join(work, 'refused');
    await cp(plain, dir, { recursive: true });
    const files = (await readdir(dir)).sort();
    const manifest = await readFile(join(dir, 'manifest.json'), 'utf8');
    const result = await runCliCaptured(['convert', '--tiny-decoder', await wrongFile(), '--add-to', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a tiny decoder for Wan2.2');
    expect(result.stderr).toContain('taew2_2.safetensors');
    expect((await readdir(dir)).sort()).toEqual(files);
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe(manifest);
  });
});

describe('generating with the tiny decoder', () => {
  test('the self-test bundle has one; the pipeline decodes with it when asked (its graphs, not the VAE decoder), and says which', async () => {
    expect((await manifestOf(selfTest)).tinyDecoder?.graphs).toEqual(TINY_GRAPHS);
    const pipeline = new WanPipeline({ ort, bundle: await openDirBundle(selfTest) });
    const run = async (decoder?: 'tiny') => {
      const loads: string[] = [];
      const frames: FramesEvent[] = [];
      const onEvent = (event: PipelineEvent) => event.type === 'load' && loads.push((event as LoadEvent).graph);
      const result = await pipeline.generate(SETTINGS, null, { onEvent, onFrames: (event) => void frames.push(event), ...(decoder ? { decoder } : {}) });
      return { result, loads, frames };
    };
    const tiny = await run('tiny');
    const full = await run();
    expect(tiny.result.decoder).toBe('tiny');
    expect(full.result.decoder).toBe('full');
    expect(tiny.loads.filter((g) => g.includes('decoder')).sort()).toEqual(TINY_GRAPHS);
    expect(full.loads.filter((g) => g.includes('decoder')).sort()).toEqual(['vae-decoder-0', 'vae-decoder-1', 'vae-decoder-2']);
    const shape = (run: typeof tiny) => run.frames.map((e) => [e.firstFrame, e.frames.length, e.width, e.height]);
    expect(shape(tiny)).toEqual(shape(full));
    expect(tiny.result.frames).toBe(5);
    expect(tiny.frames[0]!.frames[0]).not.toEqual(full.frames[0]!.frames[0]);
    await pipeline.dispose();
  });

  test('generate --decoder tiny writes the frames; on a bundle without a tiny decoder it says how to add one, before any work', async () => {
    const out = join(work, 'frames');
    const args = ['generate', '--prompt', 'a lighthouse', '--size', '32x32', '--frames', '5', '--steps', '1', '--guidance', '1', '--decoder', 'tiny'];
    const made = await runCliCaptured([...args, '--bundle', selfTest, '--out', out]);
    expect(made).toMatchObject({ code: 0 });
    expect(made.stderr).toContain('5 frames 32x32 (tiny decoder)');
    expect((await readdir(out)).filter((f) => f.endsWith('.png'))).toHaveLength(5);

    const refused = await runCliCaptured([...args, '--bundle', plain, '--out', join(work, 'none')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`has no tiny decoder. Add one with "wan-web convert --tiny-decoder taew2_2.safetensors --add-to ${plain}"`);
    expect(refused.stderr).not.toContain('encoding-text');
  });
});

describe('the tinyDecoder field of a manifest', () => {
  type Json = Record<string, any>;
  test.each<[string, (m: Json) => unknown, string]>([
    ['not an object', (m) => (m.tinyDecoder = 'yes'), 'field "tinyDecoder" must be an object'],
    ['without a source', (m) => delete m.tinyDecoder.source, 'field "tinyDecoder.source" must be an object'],
    ['with no graphs', (m) => (m.tinyDecoder.graphs = []), 'field "tinyDecoder.graphs" lists no graphs'],
    ['with its graphs out of order', (m) => m.tinyDecoder.graphs.reverse(), 'field "tinyDecoder.graphs[0]" is "tiny-vae-decoder-2", not "tiny-vae-decoder-0"'],
    ['naming a graph the bundle lacks', (m) => delete m.graphs['tiny-vae-decoder-1'], 'names the tiny decoder graph "tiny-vae-decoder-1", which is not among the graphs'],
    ['without its last stage', (m) => m.tinyDecoder.graphs.pop(), 'has a tiny decoder whose last graph is not the only one returning "video"'],
  ])('%s is refused', async (_, edit, message) => {
    const m = JSON.parse(await readFile(join(selfTest, 'manifest.json'), 'utf8')) as Json;
    expect(() => validateManifest(m)).not.toThrow();
    edit(m);
    expect(() => validateManifest(m)).toThrow(ManifestError);
    expect(() => validateManifest(m)).toThrow(message);
  });
});
