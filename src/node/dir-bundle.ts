import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { MANIFEST_FILE, validateManifest } from '../bundle/manifest.ts';
import type { BundleAccess } from '../pipeline/bundle-access.ts';
import { ModelNotInstalledError } from '../errors.ts';

/** Opens a bundle folder made by `wan-web convert`, for onnxruntime-node. */
export async function openDirBundle(dir: string): Promise<BundleAccess> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const text = await readFile(manifestPath, 'utf8').catch(() => {
    throw new ModelNotInstalledError(`${manifestPath} is missing: ${dir} is not a finished wan-web bundle. Build one with "wan-web convert".`);
  });
  const manifest = validateManifest(JSON.parse(text));
  return {
    manifest,
    async createSession(graph, options = {}, rewrite) {
      const entry = manifest.graphs[graph];
      if (!entry) throw new ModelNotInstalledError(`The bundle in ${dir} has no "${graph}" graph.`);
      // Large models: the arena's power-of-two growth would hold far more than the tensors need.
      const sessionOptions = { enableCpuMemArena: false, ...options };
      const path = join(dir, entry.file);
      if (!rewrite) return ort.InferenceSession.create(path, sessionOptions);
      // From bytes, onnxruntime resolves external data against this folder.
      const model = rewrite(new Uint8Array(await readFile(path)));
      return ort.InferenceSession.create(model, {
        ...sessionOptions,
        extra: { session: { model_external_initializers_file_folder_path: dir } },
      });
    },
    async readRange(path, offset, length) {
      const handle = await open(join(dir, path), 'r');
      try {
        const bytes = new Uint8Array(length);
        const { bytesRead } = await handle.read(bytes, 0, length, offset);
        if (bytesRead !== length) throw new ModelNotInstalledError(`${join(dir, path)} is shorter than the manifest says; rebuild or re-install the bundle.`);
        return bytes;
      } finally {
        await handle.close();
      }
    },
    readText: (path) => readFile(join(dir, path), 'utf8'),
  };
}
