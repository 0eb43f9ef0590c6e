import { existsSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, test } from 'vitest';
import {
  SELF_CHECK_TOLERANCE,
  buildOpChecks,
  compareWithReference,
  runReference,
  sessionRunner,
} from '../../src/runtime/self-check/index.ts';
import type { OpRunner } from '../../src/runtime/self-check/index.ts';

const checks = buildOpChecks();
const cpu = sessionRunner(ortNode, { executionProviders: ['cpu'] });

describe('GPU self-check graphs', () => {
  test('every op graph runs and agrees between onnxruntime-node (CPU) and onnxruntime-web (wasm)', async () => {
    const reference = await runReference(checks, cpu);
    const results = await compareWithReference(checks, reference, sessionRunner(ortWeb, { executionProviders: ['wasm'] }));
    expect(results.map((r) => r.id)).toEqual(['matmulnbits', 'matmulnbits-int8', 'conv3d', 'mha-self', 'mha-cross']);
    for (const result of results) {
      expect(result.error).toBeUndefined();
      expect(result.maxAbsDiff!).toBeLessThan(SELF_CHECK_TOLERANCE / 10);
      expect(result.passed).toBe(true);
    }
  });

  test('a candidate whose outputs drift, or that throws, fails its op', async () => {
    const reference = await runReference(checks, cpu);
    const drifting: OpRunner = {
      async run(check) {
        const { output, ms } = await cpu.run(check);
        if (check.id === 'mha-cross') output[7] = output[7]! + 3 * SELF_CHECK_TOLERANCE;
        if (check.id === 'conv3d') throw new Error('device lost');
        return { output, ms };
      },
    };
    const results = await compareWithReference(checks, reference, drifting);
    expect(results.map((r) => r.passed)).toEqual([true, true, false, true, false]);
    expect(results[2]).toMatchObject({ maxAbsDiff: null, error: 'device lost' });
    expect(results[4]!.maxAbsDiff).toBeCloseTo(3 * SELF_CHECK_TOLERANCE, 6);
  });

  // onnxruntime-node's native WebGPU EP through the SwiftShader Vulkan driver that Debian's
  // chromium ships: the same C++ kernels as onnxruntime-web, reachable without a browser.
  const swiftshaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';
  test.skipIf(!existsSync(swiftshaderIcd) || process.env.VK_ICD_FILENAMES !== swiftshaderIcd)(
    'on the native WebGPU EP (SwiftShader) MatMulNBits and Conv pass and the attention fault is caught',
    async () => {
      const reference = await runReference(checks, cpu);
      const results = await compareWithReference(checks, reference, sessionRunner(ortNode, { executionProviders: ['webgpu'] }));
      const passed = Object.fromEntries(results.map((r) => [r.id, r.passed]));
      expect(passed).toEqual({ matmulnbits: true, 'matmulnbits-int8': true, conv3d: true, 'mha-self': false, 'mha-cross': false });
    },
  );
});
