import type { SelfCheckReport } from '../../src/runtime/self-check/index.ts';
import { nvidiaSmi } from './nvidia-smi.ts';

/**
 * The GPU in words. onnxruntime-node's WebGPU EP does not expose its adapter, so this names it
 * from what the machine says: nvidia-smi where there is one, else the Vulkan driver file the
 * loader was pointed at (SwiftShader here), else the loader's own choice.
 */
export function adapterDescription(): string {
  const nvidia = nvidiaSmi(['name', 'driver_version', 'memory.total']);
  if (nvidia) return `${nvidia[0]} (NVIDIA driver ${nvidia[1]}, ${(Number(nvidia[2]) / 1024).toFixed(0)} GiB), Vulkan`;
  const icd = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  if (icd) return `Vulkan driver ${icd}${/swiftshader/i.test(icd) ? ' (SwiftShader: a software GPU on the CPU)' : ''}`;
  return 'the Vulkan loader’s default adapter (no nvidia-smi, no VK_ICD_FILENAMES)';
}

/** Whether onnxruntime's fused (flash) attention matched the CPU on this adapter, with its largest difference. */
export function flashAttentionVerdict(report: SelfCheckReport): string {
  const fused = report.configs[0];
  const attention = fused?.results.filter((r) => r.id.startsWith('mha')) ?? [];
  if (attention.length === 0) return 'not checked';
  const worst = Math.max(...attention.map((r) => r.maxAbsDiff ?? Infinity));
  const passed = attention.every((r) => r.passed);
  const errors = attention.flatMap((r) => (r.error ? [r.error] : []));
  const detail = errors.length > 0 ? errors.join('; ') : `max |Δ| ${worst.toExponential(1)} vs CPU, tolerance ${report.tolerance}`;
  return passed ? `correct (${detail})` : `WRONG (${detail}): models run with attention as MatMul + Softmax`;
}
