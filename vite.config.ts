import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** Headers that make the page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Serves and emits coi-serviceworker.js at the site root: on static hosts that cannot
 * set COOP/COEP (GitHub Pages) it re-serves the page with them.
 */
function coiServiceWorker(): Plugin {
  const fileName = 'coi-serviceworker.js';
  const source = () => readFileSync(require.resolve(`coi-serviceworker/${fileName}`), 'utf8');
  return {
    name: 'wan-web:coi-serviceworker',
    configureServer(server) {
      server.middlewares.use(`/${fileName}`, (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript');
        res.end(source());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName, source: source() });
    },
  };
}

export default defineConfig({
  // Relative base: the build works at a domain root and under a sub-path (GitHub project pages).
  base: './',
  plugins: [react(), coiServiceWorker()],
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'esnext', chunkSizeWarningLimit: 2000 },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS, port: 4173, strictPort: false },
});
