import { describe, expect, test } from 'vitest';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import { ModelStore } from '../../src/model/model-store.ts';
import { componentRecord, opfsComponentShelf } from '../../src/model/shared-components.ts';

/** An OPFS folder in memory, with what ModelStore and the small-file helpers use. */
function memoryDirectory(): FileSystemDirectoryHandle {
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  const folders = new Map<string, FileSystemDirectoryHandle>();
  const notFound = () => new DOMException('not found', 'NotFoundError');
  const folder = {
    kind: 'directory',
    async getDirectoryHandle(name: string, options?: { create?: boolean }) {
      if (!folders.has(name)) {
        if (!options?.create) throw notFound();
        folders.set(name, memoryDirectory());
      }
      return folders.get(name)!;
    },
    async getFileHandle(name: string, options?: { create?: boolean }) {
      if (!files.has(name) && !options?.create) throw notFound();
      return {
        getFile: async () => new File([files.get(name) ?? new Uint8Array(0)], name),
        createWritable: async () => {
          let written = new Uint8Array(0);
          return {
            write: async (bytes: Uint8Array) => void (written = Uint8Array.from([...written, ...bytes])),
            close: async () => void files.set(name, written),
            abort: async () => undefined,
          };
        },
      };
    },
    async removeEntry(name: string) {
      if (!folders.delete(name) && !files.delete(name)) throw notFound();
    },
    async *entries() {
      yield* folders.entries();
    },
  };
  return folder as unknown as FileSystemDirectoryHandle;
}

const manifest = {
  name: 'Tiny',
  precision: { weights: 'int4', activations: 'fp16', blockSize: 32, accuracyLevel: 4 },
  files: [
    { path: 'dit.onnx', bytes: 10, sha256: '0'.repeat(64) },
    { path: 'weights-000.bin', bytes: 20, sha256: '1'.repeat(64) },
  ],
} as unknown as BundleManifest;

describe('ModelStore.recordInstalled', () => {
  test('writes the record that marks a model installed, with the bundle size, and returns it', async () => {
    const store = await ModelStore.open(memoryDirectory());
    await store.folder('abc', true);
    expect(await store.installed('abc')).toBeNull();

    const record = await store.recordInstalled('abc', manifest, 'https://example.com/tiny/');
    expect(record).toMatchObject({ id: 'abc', name: 'Tiny', source: 'https://example.com/tiny/', precision: manifest.precision, bytes: 30, hasTinyDecoder: false });
    expect(Number.isNaN(Date.parse(record.installedAt))).toBe(false);
    expect(await store.installed('abc')).toEqual(record);
    expect((await store.list()).installed).toEqual([record]);
  });
});

describe('components shared by models', () => {
  const component = { graphs: {}, files: [{ path: 'text-encoder-weights-000.bin', bytes: 700, sha256: '2'.repeat(64) }] };

  async function installWith(store: ModelStore, id: string, key: string) {
    const shelf = opfsComponentShelf(store.components, await store.folder(id, true));
    await shelf.use('textEncoder', key);
    if (!(await shelf.find(key))) {
      await store.components.getDirectoryHandle(key, { create: true });
      await shelf.record(key, component);
    }
    return store.recordInstalled(id, { ...manifest, files: [...manifest.files, ...component.files] }, id);
  }

  test('are counted as shared while two models use them, and removed only with the last one', async () => {
    const store = await ModelStore.open(memoryDirectory());
    await installWith(store, 'wan', 'te-1');
    expect((await store.list()).installed.map((m) => [m.id, m.bytes, m.sharedBytes])).toEqual([['wan', 730, undefined]]);
    await installWith(store, 'fastwan', 'te-1');
    expect((await store.list()).installed.map((m) => [m.id, m.bytes, m.sharedBytes]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([['fastwan', 730, 700], ['wan', 730, 700]]);

    await store.remove('wan');
    expect(await componentRecord(store.components, 'te-1')).toEqual(component);
    expect((await store.list()).installed.map((m) => [m.id, m.sharedBytes])).toEqual([['fastwan', undefined]]);
    await store.remove('fastwan');
    expect(await componentRecord(store.components, 'te-1')).toBeNull();
  });

  test('a model that uses another component keeps only its own', async () => {
    const store = await ModelStore.open(memoryDirectory());
    await installWith(store, 'a', 'te-1');
    await installWith(store, 'b', 'te-2');
    await store.remove('a');
    expect(await componentRecord(store.components, 'te-1')).toBeNull();
    expect(await componentRecord(store.components, 'te-2')).toEqual(component);
  });

  test('says whether the bundle has the tiny decoder', async () => {
    const store = await ModelStore.open(memoryDirectory());
    await store.folder('xyz', true);
    const withTiny = { ...manifest, tinyDecoder: { source: { repo: 'madebyollin/taehv', revision: 'x' }, graphs: ['tiny-vae-decoder-0'] } } as BundleManifest;
    expect((await store.recordInstalled('xyz', withTiny, 'self-test')).hasTinyDecoder).toBe(true);
  });
});
