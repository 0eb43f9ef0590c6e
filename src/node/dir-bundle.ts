import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { checkBundleFiles } from '../bundle/bundle-files-check.ts';
import { MANIFEST_FILE, validateManifest } from '../bundle/manifest.ts';
import { GraphDecodeError } from '../onnx/onnx-proto.ts';
import type { BundleAccess } from '../pipeline/bundle-access.ts';
import { ModelNotInstalledError } from '../errors.ts';

const REBUILD = 'Rebuild it with "wan-web convert" (or copy the bundle again); "wan-web verify" checks every file against the manifest.';

/** The size of a file, or null when there is none. */
export async function fileSize(path: string): Promise<number | null> {
  const found = await stat(path).catch(() => null);
  return found?.isFile() ? found.size : null;
}

/** The bundle's manifest, or a plain message when it is missing or not JSON. */
export async function readManifest(dir: string): Promise<unknown> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const text = await readFile(manifestPath, 'utf8').catch(() => {
    throw new ModelNotInstalledError(`${manifestPath} is missing: ${dir} is not a finished wan-web bundle. Build one with "wan-web convert".`);
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelNotInstalledError(`${manifestPath} is not valid JSON (${(error as Error).message}). ${REBUILD}`);
  }
}

/** A graph that onnxruntime or our reader could not parse, as a message naming the file. */
function graphLoadError(path: string, error: unknown): unknown {
  const message = (error as Error).message ?? String(error);
  if (error instanceof GraphDecodeError || /protobuf parsing failed/i.test(message)) {
    return new ModelNotInstalledError(`${path} is not a graph onnxruntime can load: the file is damaged or from another program. ${REBUILD}`);
  }
  return error;
}

/**
 * Opens a bundle folder made by `wan-web convert`, for onnxruntime-node. Every file the
 * manifest lists must be there at its exact size before any session is created.
 */
export async function openDirBundle(dir: string): Promise<BundleAccess> {
  const manifest = validateManifest(await readManifest(dir));
  await checkBundleFiles(manifest, (path) => fileSize(join(dir, path)), { title: `The bundle in ${dir}`, advice: REBUILD });
  return {
    manifest,
    async createSession(graph, options = {}, rewrite) {
      const entry = manifest.graphs[graph];
      if (!entry) throw new ModelNotInstalledError(`The bundle in ${dir} has no "${graph}" graph.`);
      // Large models: the arena's power-of-two growth would hold far more than the tensors need.
      const sessionOptions = { enableCpuMemArena: false, ...options };
      const path = join(dir, entry.file);
      try {
        if (!rewrite) return await ort.InferenceSession.create(path, sessionOptions);
        // From bytes, onnxruntime resolves external data against this folder.
        const model = rewrite(new Uint8Array(await readFile(path)));
        return await ort.InferenceSession.create(model, {
          ...sessionOptions,
          extra: { session: { model_external_initializers_file_folder_path: dir } },
        });
      } catch (error) {
        throw graphLoadError(path, error);
      }
    },
    async readRange(path, offset, length) {
      const handle = await open(join(dir, path), 'r');
      try {
        const bytes = new Uint8Array(length);
        const { bytesRead } = await handle.read(bytes, 0, length, offset);
        if (bytesRead !== length) throw new ModelNotInstalledError(`${join(dir, path)} is shorter than the manifest says. ${REBUILD}`);
        return bytes;
      } finally {
        await handle.close();
      }
    },
    readText: (path) => readFile(join(dir, path), 'utf8'),
  };
}
