import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import { TAEW2_2_FILE, addTinyDecoderToInstalled } from '../../src/convert-install/add-tiny-decoder.ts';
import { installFromCheckpoint } from '../../src/convert-install/checkpoint-install.ts';
import { randomTaehvDecoderTensors } from '../../src/convert-install/random-tiny-decoder.ts';
import { selfTestCheckpoint } from '../../src/convert-install/self-test-model.ts';
import { TAEW2_2 } from '../../src/convert/tiny-vae/index.ts';
import { convertCheckpoint } from '../../src/convert/convert-checkpoint.ts';
import { ConvertError, DownloadError } from '../../src/errors.ts';
import { downloadPinnedGitFile, gitBlobId, pinnedGitFileUrl } from '../../src/model/git-blob-download.ts';
import { MODEL_FILES, ModelStore } from '../../src/model/model-store.ts';
import { dirBundleSink } from '../../src/node/dir-bundle-sink.ts';
import { addTinyDecoderToDir, openTinyDecoderWeights } from '../../src/node/tiny-decoder-dir.ts';
import { encodeSafetensors } from '../../src/safetensors/safetensors-writer.ts';
import { memoryOpfs } from '../helpers/memory-opfs.ts';
import { componentFiles, componentRefs } from '../../src/model/shared-components.ts';

const work = await mkdtemp(join(tmpdir(), 'wan-add-tiny-'));
afterAll(() => rm(work, { recursive: true, force: true }));
const plenty = { estimate: async () => ({ quota: 2 ** 50, usage: 0 }) };
const SOURCE = { repo: 'self-test', revision: 'test' };

/** A taew2_2.safetensors of seeded random weights (full size, float16), and one for another latent space. */
const safetensors = (latentChannels: number) =>
  encodeSafetensors(randomTaehvDecoderTensors({ ...TAEW2_2, latentChannels, ...(latentChannels === 48 ? {} : { patchSize: 1 }) }, 1).map((t) => ({ name: t.name, dtype: 'F16', shape: t.shape, data: t.halves })));
let taew2_2: Uint8Array;
beforeAll(() => {
  taew2_2 = safetensors(48);
}, 60_000);

/** The self-test model installed in an in-memory OPFS without its tiny decoder (`store`: beside the models already there). */
async function installedWithout(store?: ModelStore, id?: string) {
  const opfs = memoryOpfs();
  const into = store ?? (await ModelStore.open(opfs.root));
  const model = await installFromCheckpoint({ store: into, url: 'local:self-test', ...(id ? { id } : {}), files: await selfTestCheckpoint(), source: SOURCE, quant: FP32_CONFIG, storage: plenty });
  return { store: into, model, writes: opfs.writes };
}

/** The folder of the shared tiny decoder a model uses. */
const sharedTiny = async (store: ModelStore, id: string) => componentFiles(store.components, (await componentRefs(await store.folder(id, false))).tinyDecoder!);
const picked = (name = 'taew2_2.safetensors') => ({ kind: 'file' as const, file: new Blob([taew2_2 as Uint8Array<ArrayBuffer>]), name });

const bundleFiles = async (store: ModelStore, id: string) => {
  const names: string[] = [];
  for await (const name of (await store.bundleFolder(id, false)).keys()) names.push(name);
  return names.sort();
};
const manifestText = async (store: ModelStore, id: string) => (await (await (await store.folder(id, false)).getFileHandle(MODEL_FILES.manifest)).getFile()).text();

describe('adding the tiny decoder to an installed model', () => {
  test('it is shared: a second model at the same precision takes the one built for the first, and it goes with the last model using it', { timeout: 120_000 }, async () => {
    const { store, model, writes } = await installedWithout();
    const { model: other } = await installedWithout(store, 'other');
    await addTinyDecoderToInstalled({ store, id: model.id, origin: picked() });
    const key = (await componentRefs(await store.folder(model.id, false))).tinyDecoder!;
    const before = writes.length;
    const added = await addTinyDecoderToInstalled({ store, id: other.id, origin: picked('a copy.safetensors') });
    expect(added.hasTinyDecoder).toBe(true);
    expect((await componentRefs(await store.folder(other.id, false))).tinyDecoder).toBe(key);
    expect(writes.slice(before).filter((path) => path.startsWith(`components/${key}/`))).toEqual([]);
    const tinyBytes = JSON.parse(await manifestText(store, other.id)).files.filter((f: { path: string }) => f.path.startsWith('tiny-vae-')).reduce((s: number, f: { bytes: number }) => s + f.bytes, 0);
    for (const listed of (await store.list()).installed) expect(listed.sharedBytes).toBeGreaterThanOrEqual(tinyBytes);
    await store.remove(model.id);
    expect(await componentRefs(await store.folder(other.id, false))).toHaveProperty('tinyDecoder', key);
    await expect(sharedTiny(store, other.id)).resolves.toBeDefined();
    await store.remove(other.id);
    await expect(store.components.getDirectoryHandle(key)).rejects.toThrow();
  });

  test('from a picked file: built in place, the same files as wan-web convert --add-to makes, and the record says so', { timeout: 120_000 }, async () => {
    const { store, model } = await installedWithout();
    expect(model.hasTinyDecoder).toBe(false);
    const added = await addTinyDecoderToInstalled({ store, id: model.id, origin: { kind: 'file', file: new Blob([taew2_2 as Uint8Array<ArrayBuffer>]), name: 'taew2_2.safetensors' } });
    expect(added).toMatchObject({ id: model.id, hasTinyDecoder: true, source: model.source });
    expect((await store.list()).installed).toEqual([added]);
    const manifest = JSON.parse(await manifestText(store, model.id));
    expect(manifest.tinyDecoder).toEqual({ source: { repo: 'taew2_2.safetensors', revision: 'local' }, graphs: ['tiny-vae-decoder-0', 'tiny-vae-decoder-1', 'tiny-vae-decoder-2'] });

    // The same model as a folder, given the same file by the CLI.
    const dir = join(work, 'cli');
    await convertCheckpoint(await selfTestCheckpoint(), await dirBundleSink(dir), { quant: FP32_CONFIG, source: SOURCE });
    await writeFile(join(work, 'taew2_2.safetensors'), taew2_2);
    const opened = await openTinyDecoderWeights(join(work, 'taew2_2.safetensors'));
    try {
      await addTinyDecoderToDir(dir, opened.weights, { repo: 'taew2_2.safetensors', revision: 'local' });
    } finally {
      await opened.close();
    }
    expect((await bundleFiles(store, model.id)).filter((name) => name.startsWith('tiny-vae-'))).toEqual([]);
    const bundle = await sharedTiny(store, model.id);
    const tinyFiles: string[] = [];
    for await (const name of bundle.keys()) tinyFiles.push(name);
    expect(tinyFiles.sort()).toEqual(['tiny-vae-decoder-0.onnx', 'tiny-vae-decoder-1.onnx', 'tiny-vae-decoder-2.onnx', 'tiny-vae-weights-000.bin']);
    for (const name of tinyFiles) {
      const here = new Uint8Array(await (await (await bundle.getFileHandle(name)).getFile()).arrayBuffer());
      expect(Buffer.compare(here, await readFile(join(dir, name)))).toBe(0);
    }
    expect(manifest.files).toEqual(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')).files);
    // Adding it again changes nothing.
    expect(await addTinyDecoderToInstalled({ store, id: model.id, origin: { kind: 'file', file: new Blob([taew2_2 as Uint8Array<ArrayBuffer>]), name: 'x' } })).toEqual(added);
  });

  test('a file that is not the tiny decoder for Wan2.2, or a download that is not the pinned file, leaves the model as it was', { timeout: 120_000 }, async () => {
    const { store, model } = await installedWithout();
    const files = await bundleFiles(store, model.id);
    const manifest = await manifestText(store, model.id);
    const wrong = addTinyDecoderToInstalled({ store, id: model.id, origin: { kind: 'file', file: new Blob([safetensors(16) as Uint8Array<ArrayBuffer>]), name: 'taew2_1.safetensors' } });
    await expect(wrong).rejects.toThrow(ConvertError);
    const asked: string[] = [];
    const impostor = (async (url: string) => (asked.push(url), new Response(taew2_2 as Uint8Array<ArrayBuffer>))) as typeof fetch;
    const download = addTinyDecoderToInstalled({ store, id: model.id, origin: { kind: 'upstream' }, fetch: impostor });
    await expect(download).rejects.toThrow(DownloadError);
    await expect(download).rejects.toThrow(`expected ${TAEW2_2_FILE.blob}`);
    expect(asked).toEqual(['https://raw.githubusercontent.com/madebyollin/taehv/1f14a568f24bf8811e0a0ac601613e04fc1581e8/safetensors/taew2_2.safetensors']);
    expect(await bundleFiles(store, model.id)).toEqual(files);
    expect(await manifestText(store, model.id)).toBe(manifest);
    expect((await store.installed(model.id))?.hasTinyDecoder).toBe(false);
  });
});

describe('pinned git files', () => {
  test('a blob id is git’s: SHA-1 over "blob <size>\\0" and the bytes', () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(gitBlobId(new TextEncoder().encode('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });

  test('the bytes whose blob id the tree records are accepted; others, and failed requests, are refused in words', async () => {
    const bytes = new TextEncoder().encode('hello\n');
    const file = { repo: 'a/b', commit: 'c'.repeat(40), path: 'x/hello.txt', blob: 'ce013625030ba8dba906f756967f9e9ca394464a' };
    const serve = (body: BodyInit, status = 200) => (async () => new Response(body, { status })) as unknown as typeof fetch;
    expect(await downloadPinnedGitFile(file, serve(bytes as Uint8Array<ArrayBuffer>))).toEqual(bytes);
    await expect(downloadPinnedGitFile(file, serve('hello!\n'))).rejects.toThrow(/sent 7 bytes that are not x\/hello.txt of a\/b at cccccccccccc/);
    await expect(downloadPinnedGitFile(file, serve('gone', 404))).rejects.toThrow(`${pinnedGitFileUrl(file)} answered 404`);
    const offline = (async () => Promise.reject(new TypeError('Failed to fetch'))) as unknown as typeof fetch;
    await expect(downloadPinnedGitFile(file, offline)).rejects.toThrow(DownloadError);
  });
});


