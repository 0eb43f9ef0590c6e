import type { BundleManifest } from '../bundle/manifest.ts';
import type { OrtSession, OrtSessionOptions } from './ort-types.ts';

/**
 * A bundle as the pipeline uses it, wherever it lives (a folder in Node, OPFS or a URL in
 * the browser): its manifest, sessions for its graphs (with their external weight files
 * attached), and byte-range reads of its other files (the text embedding table).
 */
export interface BundleAccess {
  readonly manifest: BundleManifest;
  /**
   * A session for one graph. `rewrite` transforms the graph's bytes first (e.g. query-chunked
   * attention for a device without a correct flash kernel); the weights are unchanged.
   */
  createSession(graph: string, options?: OrtSessionOptions, rewrite?: (model: Uint8Array) => Uint8Array): Promise<OrtSession>;
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
}
