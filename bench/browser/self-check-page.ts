/// <reference lib="dom" />
// Runs the app's GPU self-check (GpuRuntime.selfCheck) and publishes its report as `benchResult`,
// with onnxruntime-web's version and build.
import { GpuRuntime } from '../../src/runtime/gpu-runtime.ts';

async function run() {
  const gpu = await GpuRuntime.load(navigator.gpu);
  const report = await gpu.selfCheck();
  const { env } = gpu.ort as unknown as { env: { versions: { web?: string } } };
  return { report, flavor: gpu.flavor, version: env.versions.web ?? 'unknown', adapter: gpu.machine()?.adapter ?? null };
}

run().then(
  (result) => Object.assign(globalThis, { benchResult: result }),
  (error: Error) => Object.assign(globalThis, { benchResult: { error: `${error.message}\n${error.stack}` } }),
);
