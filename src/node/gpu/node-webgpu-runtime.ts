import * as ort from 'onnxruntime-node';
import { UnsupportedEnvironmentError } from '../../errors.ts';
import { GraphBuilder, STANDARD_OPSETS } from '../../onnx/index.ts';
import type { BundleAccess } from '../../pipeline/bundle-access.ts';
import { queryChunkSize } from '../../pipeline/dit/chunk-attention.ts';
import type { AttentionChunkSize } from '../../pipeline/dit/chunk-attention.ts';
import { unfuseAttention } from '../../pipeline/dit/unfused-attention.ts';
import type { PipelineOptions } from '../../pipeline/generate/wan-pipeline.ts';
import type { OrtModule, OrtSessionOptions } from '../../pipeline/ort-types.ts';
import { SELF_CHECK_TOLERANCE, buildOpChecks, compareWithReference, runReference, sessionRunner } from '../../runtime/self-check/index.ts';
import type { GpuConfigId, GpuConfigReport, SelfCheckReport } from '../../runtime/self-check/index.ts';
import { GpuReadback } from './gpu-readback.ts';

/**
 * onnxruntime-node's WebGPU EP creates its own Dawn device, so the browser's fallback (a device
 * without `subgroups`) is not available: where the fused attention kernel is wrong, the graphs'
 * attention runs as MatMul and Softmax instead.
 */
const NODE_GPU_CONFIGS: readonly { id: GpuConfigId; description: string; unfused: boolean }[] = [
  { id: 'all-features', description: "onnxruntime's WebGPU device as it makes it (fused flash attention where it has subgroups)", unfused: false },
  { id: 'unfused-attention', description: 'the same device with attention as MatMul and Softmax, run in query chunks', unfused: true },
];

/**
 * Bytes one chunk of unfused attention probabilities may take. The native EP does not tell its
 * device's buffer limit; 1 GiB is the smallest maximum buffer of the adapters we know (SwiftShader).
 */
const UNFUSED_BUFFER_BYTES = 2 ** 30;

/** onnxruntime destroys the buffers a run freed at the end of the next run, as in the browser (see ort-device.ts). */
const WEBGPU_EP = { name: 'webgpu', storageBufferCacheMode: 'lazyRelease', uniformBufferCacheMode: 'lazyRelease' } as const;

const NO_ADAPTER =
  "onnxruntime's WebGPU execution provider found no GPU adapter. It reaches the GPU through Vulkan: install the GPU's Vulkan driver (NVIDIA's driver, or Debian's mesa-vulkan-drivers for AMD/Intel) and the Vulkan loader (libvulkan1). " +
  'To try it without a GPU, point the loader at SwiftShader, which Debian\'s chromium package ships: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json. Or run on the CPU with --device cpu.';

function fp16Probe(): Uint8Array {
  const g = new GraphBuilder('shader-f16-probe');
  const x = g.input('x', 'float16', [2]);
  g.output('y', 'float16', [2], g.op('Add', [x, x], '/Add'));
  return g.toModel({ opsets: STANDARD_OPSETS });
}

/** Whether the device runs fp16 shaders (`shader-f16`); throws the typed no-adapter error when there is no device. */
async function probeShaderF16(): Promise<boolean> {
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>> | null = null;
  try {
    session = await ort.InferenceSession.create(fp16Probe(), { executionProviders: [WEBGPU_EP], logSeverityLevel: 4, extra: { session: { disable_cpu_ep_fallback: '1' } } });
    await session.run({ x: new ort.Tensor('float16', Uint16Array.of(0x3c00, 0x4000), [2]) });
    return true;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (/adapter/i.test(message)) throw new UnsupportedEnvironmentError('no-adapter', NO_ADAPTER, error);
    if (/requires f16/i.test(message)) return false;
    throw error;
  } finally {
    await session?.release();
  }
}

/**
 * The GPU for the CLI and the benchmarks: onnxruntime-node's native WebGPU EP (Dawn over
 * Vulkan), checked like the browser's (the same op graphs against the CPU EP) before any
 * model runs on it, with the same GPU-resident loop (outputs kept in GPU buffers).
 */
export class NodeWebGpuRuntime {
  private readonly readback: GpuReadback;
  readonly ort: OrtModule;

  private constructor(
    readonly report: SelfCheckReport,
    /** Whether the device has `shader-f16` (fp16-activation bundles need it). */
    readonly shaderF16: boolean,
    private readonly unfused: boolean,
  ) {
    this.readback = new GpuReadback(ort, { executionProviders: [WEBGPU_EP] });
    this.ort = this.readback.module();
  }

  /** Finds the device and runs the self-check; throws a typed error when no configuration passes. */
  static async create(): Promise<NodeWebGpuRuntime> {
    const shaderF16 = await probeShaderF16();
    const report = await nodeSelfCheck();
    const chosen = NODE_GPU_CONFIGS.find((config) => config.id === report.chosen);
    if (!chosen) {
      throw new UnsupportedEnvironmentError(
        'gpu-check-failed',
        'No GPU configuration passed the self-check (results differ from the CPU), so models cannot run on this GPU. Update the GPU driver, or run with --device cpu.',
      );
    }
    return new NodeWebGpuRuntime(report, shaderF16, chosen.unfused);
  }

  /** Session options of model sessions. MatMulNBits accumulates in fp32 (see GpuRuntime.sessionOptions). */
  sessionOptions(): OrtSessionOptions {
    return { executionProviders: [{ ...WEBGPU_EP, enableMatmulFp32Accumulation: true }], logSeverityLevel: 3 };
  }

  /** Query rows per self-attention chunk where attention is unfused (its probabilities are materialised), else null. */
  readonly attentionChunk: AttentionChunkSize = (tokens, heads) => (this.unfused ? queryChunkSize(tokens, heads, UNFUSED_BUFFER_BYTES) : null);

  /** `bundle` with sessions whose GPU outputs can be read, and unfused attention where the check chose it. */
  bundle(bundle: BundleAccess): BundleAccess {
    const dtype = bundle.manifest.precision.activations === 'fp16' ? 'float16' : 'float32';
    return {
      ...bundle,
      createSession: async (graph, options, rewrite) => {
        const unfuse = this.unfused ? (model: Uint8Array) => unfuseAttention(rewrite ? rewrite(model) : model, dtype) : rewrite;
        return this.readback.session(await bundle.createSession(graph, options, unfuse));
      },
    };
  }

  /** What a pipeline needs to run on this GPU (as GpuRuntime.pipelineOptions in the browser). */
  pipelineOptions(bundle: BundleAccess): Pick<PipelineOptions, 'ort' | 'bundle' | 'sessionOptions' | 'attentionChunk' | 'tensorsOnDevice'> {
    return { ort: this.ort, bundle: this.bundle(bundle), sessionOptions: this.sessionOptions(), attentionChunk: this.attentionChunk, tensorsOnDevice: true };
  }

  async dispose(): Promise<void> {
    await this.readback.dispose();
  }
}

/** The op checks on the CPU EP (reference), then on each configuration until one matches. */
export async function nodeSelfCheck(): Promise<SelfCheckReport> {
  const checks = buildOpChecks();
  const reference = await runReference(checks, sessionRunner(ort, { executionProviders: ['cpu'] }));
  const configs: GpuConfigReport[] = [];
  let chosen: GpuConfigId | null = null;
  for (const config of NODE_GPU_CONFIGS) {
    const graphs = config.unfused ? checks.map((check) => ({ ...check, model: unfuseAttention(check.model, 'float32') })) : checks;
    // A check the rewrite left as it was keeps its result (SwiftShader takes seconds per check).
    const unchanged = (i: number) => configs[0]?.results[i] && graphs[i]!.model === checks[i]!.model ? configs[0].results[i] : null;
    const rerun = graphs.filter((_, i) => !unchanged(i));
    const fresh = await compareWithReference(rerun, reference, sessionRunner(ort, { executionProviders: [WEBGPU_EP] }));
    const results = graphs.map((_, i) => unchanged(i) ?? fresh.shift()!);
    const passed = results.every((result) => result.passed);
    configs.push({ id: config.id, description: config.description, features: [], results, passed });
    if (passed) {
      chosen = config.id;
      break;
    }
  }
  return { configs, chosen, tolerance: SELF_CHECK_TOLERANCE };
}
