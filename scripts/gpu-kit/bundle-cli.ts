import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

/** onnxruntime-node's native binding, loaded from beside the bundled script instead of from its package folder. */
export const BINDING_FILE = 'onnxruntime_binding.node';

// onnxruntime-node picks its binding with `require(\`../bin/napi-v6/${platform}/${arch}/…\`)`, which
// esbuild would expand to every platform's .node file. The kit is x86-64 Linux only: the require
// points beside the bundle, where the kit puts that one binding and libonnxruntime.so.1 (its RUNPATH is $ORIGIN).
const nativeBindingBeside: Plugin = {
  name: 'onnxruntime-binding-beside-bundle',
  setup(b) {
    b.onLoad({ filter: /onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const patched = source.replace(/require\(`\.\.\/bin\/napi-v6\/[^`]*`\)/, `require('./${BINDING_FILE}')`);
      if (patched === source) throw new Error(`${path}: the binding require was not found; onnxruntime-node changed how it loads its binding.`);
      return { contents: patched, loader: 'js' };
    });
  },
};

/**
 * Bundles a Node entry point (the CLI, a bench script) with everything it imports into one ES
 * module for Node 20, with `require` available to the CommonJS packages inside it.
 */
export async function bundleNodeScript(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [`./${BINDING_FILE}`],
    plugins: [nativeBindingBeside],
    banner: { js: "import { createRequire as kitCreateRequire } from 'node:module'; const require = kitCreateRequire(import.meta.url);" },
    logLevel: 'warning',
    legalComments: 'none',
  });
}
