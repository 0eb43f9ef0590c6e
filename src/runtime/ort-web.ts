import jspiWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url';
import asyncifyWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { CachedPromise } from '../promise-cache.ts';
import { hasJspi } from './capabilities.ts';
import type { OrtModule } from '../pipeline/ort-types.ts';
import type { OrtWebFlavor } from './ort-build.ts';

export type { OrtWebFlavor } from './ort-build.ts';

export interface LoadedOrtWeb {
  readonly ort: OrtModule;
  readonly flavor: OrtWebFlavor;
  /** onnxruntime-web's version. */
  readonly version: string;
}

const loaded = new CachedPromise<LoadedOrtWeb>();

/**
 * Loads onnxruntime-web's native WebGPU EP: the JSPI build where the browser has JSPI
 * (smaller, lower call overhead), else (or when asked) the Asyncify build. Never the
 * default import, which is the deprecated JSEP. The .wasm comes from our own origin.
 */
export function loadOrtWeb(build: 'best' | 'asyncify' = 'best'): Promise<LoadedOrtWeb> {
  return loaded.get(async () => {
    const flavor: OrtWebFlavor = build === 'best' && hasJspi() ? 'jspi' : 'asyncify';
    const ort = flavor === 'jspi' ? await import('onnxruntime-web/jspi') : await import('onnxruntime-web/webgpu');
    ort.env.wasm.wasmPaths = { wasm: new URL(flavor === 'jspi' ? jspiWasmUrl : asyncifyWasmUrl, import.meta.url).href };
    // GPU work needs no CPU threads; one thread avoids spawning pthread workers from a bundled module.
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    return { ort, flavor, version: ort.env.versions.web ?? ort.env.versions.common };
  });
}
