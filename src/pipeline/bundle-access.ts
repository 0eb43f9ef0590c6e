import type { BundleManifest } from '../convert/bundle/manifest.ts';
import type { OrtSession, OrtSessionOptions } from './ort-types.ts';

/**
 * A bundle as the pipeline uses it, wherever it lives (a folder in Node, OPFS or a URL in
 * the browser): its manifest, sessions for its graphs (with their external weight files
 * attached), and byte-range reads of its other files (the text embedding table).
 */
export interface BundleAccess {
  readonly manifest: BundleManifest;
  createSession(graph: string, options?: OrtSessionOptions): Promise<OrtSession>;
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
}
