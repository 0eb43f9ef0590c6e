import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Debian's chromium ships SwiftShader's Vulkan driver: with it, onnxruntime-node's native
// WebGPU EP runs on the CPU, so Node tests can exercise the WebGPU kernels too.
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const webgpuEnv: Record<string, string> = existsSync(SWIFTSHADER_ICD)
  ? { VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: '/tmp' }
  : {};

export default defineConfig({
  test: {
    // Vitest's default on CI's 2 cores is one file at a time; run alone, the unit and Node files run two
    // at a time. `npm test` runs them in a second Vitest process beside the browser files, one at a time
    // (see package.json), in the CPU a browser file leaves idle. Two browser files at once saved little
    // (each took nearly twice as long) and made timing-bound steps fail.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      // The property tests run thousands of cases: with the browser tests beside them on CI's 2 cores, 5 s is too tight.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
      { test: { name: 'node', include: ['test/node/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 120_000, env: webgpuEnv } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
