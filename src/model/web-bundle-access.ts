import { REBUILD_ADVICE } from '../bundle/manifest.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import type { BundleAccess } from '../pipeline/bundle-access.ts';
import type { BundleBytes, GraphSessionLoader } from '../pipeline/weights/graph-session-loader.ts';
import { ModelNotInstalledError } from '../errors.ts';
import { GraphDecodeError } from '../onnx/onnx-proto.ts';

/** How a bundle's files are reached in the browser (OPFS or HTTP). */
export interface WebBundleFiles extends Omit<BundleBytes, 'fileSize'> {
  bytes(path: string): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
}

/** A bundle's manifest and its files, before any session exists. */
export interface WebBundle {
  readonly manifest: BundleManifest;
  readonly files: WebBundleFiles;
}

/** A bundle for onnxruntime-web: each graph's session created by `loader`, which streams its weights from the files. */
export function webBundleAccess(loader: GraphSessionLoader, { manifest, files }: WebBundle): BundleAccess {
  const sizes = new Map(manifest.files.map((file) => [file.path, file.bytes]));
  const bytes: BundleBytes = { ...files, fileSize: (path) => sizes.get(path) };
  return {
    manifest,
    async createSession(graph, options = {}, rewrite) {
      const entry = manifest.graphs[graph];
      if (!entry) throw new ModelNotInstalledError(`${files.title} has no "${graph}" graph.`);
      const model = await files.bytes(entry.file);
      try {
        return await loader.create(rewrite ? rewrite(model) : model, options, bytes);
      } catch (error) {
        if (!(error instanceof GraphDecodeError)) throw error;
        throw new ModelNotInstalledError(`${files.title}: ${entry.file} is ${error.message}. ${REBUILD_ADVICE}`);
      }
    },
    readRange: (path, offset, length) => files.readRange(path, offset, length),
    readText: (path) => files.readText(path),
  };
}
