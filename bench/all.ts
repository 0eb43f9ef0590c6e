/**
 * Every performance table, one after the other (this takes a long while on a CPU-only
 * machine: SwiftShader runs WebGPU at well under 1 GFLOPS):
 * the DiT (one full-width block at 832x480x49 and 1280x704x121, onnxruntime-node), the VAE
 * decoder (a steady-state chunk at 480p, and at 720p in its low-memory setup, at full size,
 * onnxruntime-node), one
 * full-width causal conv layer in chromium's WebGPU (our formulations against Conv3D), and
 * the denoising loop in chromium's WebGPU (step time, readbacks per step, session creation,
 * peak GPU buffers).
 *   npm run bench
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const benches: { title: string; script: string; args: string[] }[] = [
  { title: 'DiT, one block at full width, 832x480, 49 frames', script: 'dit-block.ts', args: ['--size', '832x480', '--frames', '49'] },
  { title: 'DiT, one block at full width, 1280x704, 121 frames', script: 'dit-block.ts', args: ['--size', '1280x704', '--frames', '121'] },
  { title: 'VAE decoder at full size, 832x480', script: 'vae-decode.ts', args: ['--size', '832x480'] },
  {
    title: 'VAE decoder at full size, 1280x704, the low-memory CPU configuration: int8 weights and caches, 8 row bands',
    script: 'vae-decode.ts',
    args: ['--size', '1280x704', '--chunks', '2', '--activations', 'fp32', '--vae-weights', 'int8', '--vae-cache', 'int8', '--row-bands', '8'],
  },
  { title: 'One causal conv layer at full decoder width, WebGPU in chromium', script: 'vae-conv.ts', args: ['--runs', '1'] },
  { title: 'Denoising loop, WebGPU in chromium', script: 'webgpu-steps.ts', args: [] },
];

for (const { title, script, args } of benches) {
  console.log(`\n## ${title}\n`);
  try {
    execFileSync(process.execPath, [...process.execArgv, join(import.meta.dirname, script), ...args], { stdio: 'inherit' });
  } catch (error) {
    console.log(`failed: ${(error as Error).message}`);
  }
}
console.log('\n## The full-size model on a real GPU\n');
console.log('not measured: these tables ran on the CPU (onnxruntime-node) and on SwiftShader, a CPU implementation of WebGPU; run them where a GPU is lent.');
