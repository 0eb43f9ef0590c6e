import type { BundleManifest } from '../convert/bundle/manifest.ts';
import type { BundleAccess } from '../pipeline/bundle-access.ts';
import type { OrtModule } from '../pipeline/ort-types.ts';
import { ModelNotInstalledError } from '../errors.ts';

/** How a bundle's files are reached in the browser (OPFS or HTTP). */
export interface WebBundleFiles {
  /** For messages: "Wan2.2 TI2V-5B", "The bundle at https://…". */
  readonly title: string;
  bytes(path: string): Promise<Uint8Array>;
  /** What onnxruntime-web streams an external weight file from: a File or a URL. */
  externalData(path: string): Promise<Blob | string>;
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
}

/** A bundle for onnxruntime-web: each graph's bytes, with its external weight files attached by reference. */
export function webBundleAccess(ort: OrtModule, manifest: BundleManifest, files: WebBundleFiles): BundleAccess {
  return {
    manifest,
    async createSession(graph, options = {}, rewrite) {
      const entry = manifest.graphs[graph];
      if (!entry) throw new ModelNotInstalledError(`${files.title} has no "${graph}" graph.`);
      const bytes = await files.bytes(entry.file);
      const externalData = await Promise.all(entry.externalData.map(async (path) => ({ path, data: await files.externalData(path) })));
      return ort.InferenceSession.create(rewrite ? rewrite(bytes) : bytes, { ...options, externalData });
    },
    readRange: (path, offset, length) => files.readRange(path, offset, length),
    readText: (path) => files.readText(path),
  };
}
