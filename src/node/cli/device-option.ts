import * as ort from 'onnxruntime-node';
import { UnsupportedEnvironmentError } from '../../errors.ts';
import type { BundleAccess } from '../../pipeline/bundle-access.ts';
import type { PipelineOptions } from '../../pipeline/generate/wan-pipeline.ts';
import type { SelfCheckReport } from '../../runtime/self-check/index.ts';
import { NodeWebGpuRuntime } from '../gpu/node-webgpu-runtime.ts';

export type Device = 'cpu' | 'webgpu';
export const DEVICES: readonly Device[] = ['cpu', 'webgpu'];

export const DEVICE_USAGE = `  --device cpu|webgpu         where the models run (default cpu): onnxruntime-node's CPU EP, or its
                              WebGPU EP on the GPU's Vulkan driver, after a self-check against the CPU`;

/** Where a command's models run: the pipeline's (and components') onnxruntime, bundle and session options. */
export interface DeviceRun {
  readonly options: Pick<PipelineOptions, 'ort' | 'bundle' | 'sessionOptions' | 'attentionChunk' | 'tensorsOnDevice'>;
  dispose(): Promise<void>;
}

/** One line per configuration tried: which ops failed and by how much. */
export function describeSelfCheck(report: SelfCheckReport): string {
  return report.configs
    .map((config) => {
      const failed = config.results.filter((r) => !r.passed).map((r) => `${r.label} ${r.error ?? `max |Δ| ${r.maxAbsDiff?.toExponential(1)}`}`);
      return `  ${config.passed ? 'passed' : 'failed'}: ${config.description}${failed.length > 0 ? ` (${failed.join('; ')})` : ''}`;
    })
    .join('\n');
}

/** The fp16-activation variant needs shader-f16, as in the browser; without it the fp32 variant runs. */
function checkPrecision(bundle: BundleAccess, shaderF16: boolean, log: (line: string) => void): void {
  const { activations } = bundle.manifest.precision;
  if (activations === 'fp16' && !shaderF16) {
    throw new UnsupportedEnvironmentError(
      'gpu-check-failed',
      `The model "${bundle.manifest.name}" has fp16 activations, which need the GPU feature shader-f16, and this GPU lacks it. Convert the model with --activations fp32 for this GPU, or run with --device cpu.`,
    );
  }
  if (activations === 'fp32' && shaderF16) log('This GPU has shader-f16: a model converted with --activations fp16 runs faster and needs half the activation memory.');
}

/** Opens `device` for `bundle`: on webgpu, the self-check runs first and its outcome is logged. */
export async function openDevice(device: Device, bundle: BundleAccess, log: (line: string) => void): Promise<DeviceRun> {
  if (device === 'cpu') return { options: { ort, bundle }, dispose: async () => undefined };
  log('GPU self-check (the models’ ops on the WebGPU EP against the CPU EP) …');
  const runtime = await NodeWebGpuRuntime.create();
  log(describeSelfCheck(runtime.report));
  try {
    checkPrecision(bundle, runtime.shaderF16, log);
  } catch (error) {
    await runtime.dispose();
    throw error;
  }
  return { options: runtime.pipelineOptions(bundle), dispose: () => runtime.dispose() };
}
