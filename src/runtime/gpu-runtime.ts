import { createOrtDevice } from './ort-device.ts';
import type { OrtDevice } from './ort-device.ts';
import { loadOrtWeb } from './ort-web.ts';
import type { OrtWebFlavor } from './ort-web.ts';
import type { OrtModule, OrtSessionOptions } from '../pipeline/ort-types.ts';
import {
  GPU_CONFIGS,
  buildOpChecks,
  compareWithReference,
  runReference,
  sessionRunner,
  SELF_CHECK_TOLERANCE,
  gpuCheckFingerprint,
  usableRememberedCheck,
} from './self-check/index.ts';
import type { GpuConfigId, GpuConfigReport, SelfCheckProgress, SelfCheckReport } from './self-check/index.ts';
import { UnsupportedEnvironmentError } from '../errors.ts';
import { GpuMemoryMeter } from './gpu-memory-meter.ts';
import { deviceWeightSessions } from './device-weights.ts';
import type { FedWeightSessions, WeightStats } from '../pipeline/weights/fed-weight-sessions.ts';
import type { GpuMemoryStats, GpuMemoryWindow } from './gpu-memory-meter.ts';
import { queryChunkSize } from '../pipeline/dit/chunk-attention.ts';
import type { PipelineOptions } from '../pipeline/generate/wan-pipeline.ts';

/** How long a failed job waits for the browser to report a lost device. */
const LOSS_REPORT_MS = 200;

/**
 * onnxruntime-web plus the GPU device configuration that passed the self-check.
 * Model sessions are created with `sessionOptions()`, so they inherit that choice.
 */
export class GpuRuntime {
  private device: GPUDevice | null = null;
  private held: OrtDevice | null = null;
  private config: GpuConfigId | null = null;
  private meter: GpuMemoryMeter | null = null;
  private weights: FedWeightSessions | null = null;
  private lost: string | null = null;
  private adapterName = '';

  private constructor(
    readonly ort: OrtModule,
    readonly flavor: OrtWebFlavor,
    private readonly ortVersion: string,
    private readonly gpu: GPU,
  ) {}

  /** `build: 'asyncify'` loads the Asyncify build even where JSPI exists (what browsers without JSPI get). */
  static async load(gpu: GPU | undefined, build: 'best' | 'asyncify' = 'best'): Promise<GpuRuntime> {
    if (!gpu) throw new UnsupportedEnvironmentError('webgpu-missing', 'This browser does not expose WebGPU.');
    const { ort, flavor, version } = await loadOrtWeb(build);
    return new GpuRuntime(ort, flavor, version, gpu);
  }

  /** The configuration the self-check chose, or null before it ran or when none passed. */
  get chosenConfig(): GpuConfigId | null {
    return this.config;
  }

  /**
   * Runs every op check on the wasm EP (reference), then on each GPU configuration in
   * turn, and keeps the first configuration whose results all match the reference. Where
   * `remembered` is a passed check of this GPU, browser and build (see remembered-check.ts),
   * its configuration is taken without running the checks again.
   */
  async selfCheck(onProgress?: (progress: SelfCheckProgress) => void, remembered?: unknown): Promise<SelfCheckReport> {
    const checks = buildOpChecks();
    await this.releaseDevice();
    const adapter = await this.gpu.requestAdapter();
    if (!adapter) throw new UnsupportedEnvironmentError('no-adapter', 'No GPU adapter is available.');
    const fingerprint = gpuCheckFingerprint({
      adapter: adapter.info,
      userAgent: navigator.userAgent,
      ortVersion: this.ortVersion,
      ortFlavor: this.flavor,
      checks,
      tolerance: SELF_CHECK_TOLERANCE,
    });
    const earlier = usableRememberedCheck(remembered, fingerprint, Date.now());
    const earlierConfig = GPU_CONFIGS.find((config) => config.id === earlier?.report.chosen);
    if (earlier && earlierConfig) {
      this.adopt(await createOrtDevice(this.ort, earlierConfig.exclude), earlierConfig.id);
      return { ...earlier.report, provenance: { fingerprint, checkedAt: earlier.checkedAt, remembered: true } };
    }

    const total = checks.length * (1 + GPU_CONFIGS.length);
    let done = 0;
    const step = (config: SelfCheckProgress['config'], op: string) => onProgress?.({ config, op, done: done++, total });
    for (const check of checks) step('reference', check.label);
    const reference = await runReference(checks, sessionRunner(this.ort, { executionProviders: ['wasm'] }));

    const configs: GpuConfigReport[] = [];
    for (const config of GPU_CONFIGS) {
      const ortDevice = await createOrtDevice(this.ort, config.exclude);
      const runner = sessionRunner(this.ort, { executionProviders: ['webgpu'] });
      const results = await compareWithReference(checks, reference, runner, (result) => step(config.id, result.label));
      const passed = results.every((r) => r.passed);
      configs.push({ id: config.id, description: config.description, features: ortDevice.features, results, passed });
      if (passed) {
        this.adopt(ortDevice, config.id);
        break;
      }
      await ortDevice.release();
    }
    return { configs, chosen: this.config, tolerance: SELF_CHECK_TOLERANCE, provenance: { fingerprint, checkedAt: Date.now(), remembered: false } };
  }

  /** Makes `ortDevice` the one model sessions run on, in configuration `config`. */
  private adopt(ortDevice: OrtDevice, config: GpuConfigId): void {
    const { device } = ortDevice;
    this.held = ortDevice;
    this.device = device;
    void device.lost.then((info) => {
      // A device we released ourselves is not a loss.
      if (this.held === ortDevice) this.lost = info.message || info.reason || 'no reason given';
    });
    this.config = config;
    this.meter = new GpuMemoryMeter(device);
    this.weights = deviceWeightSessions(this.ort, device);
    this.adapterName = ortDevice.adapterName;
  }

  /**
   * Session options for model sessions on the chosen GPU configuration. MatMulNBits
   * accumulates in fp32: with fp16 activations its partial sums over K (3,072 to 14,336
   * in the DiT and the text encoder) can pass fp16's 65,504 and become Inf. Graphs with
   * fp32 activations are unaffected.
   */
  sessionOptions(): OrtSessionOptions {
    this.checkedDevice();
    return { executionProviders: [{ name: 'webgpu', enableMatmulFp32Accumulation: true }], logSeverityLevel: 3 };
  }

  /** Creates model sessions on the chosen device with their weights in GPU buffers we own (see FedWeightSessions). */
  sessionLoader(): FedWeightSessions {
    this.checkedDevice();
    return this.weights!;
  }

  /**
   * Query rows per self-attention chunk, or null where the fused (flash) kernel passed the
   * self-check. The unfused kernel materialises [heads, rows, keys] probabilities, which
   * must fit the device's largest buffer.
   */
  attentionChunk(tokens: number, heads: number): number | null {
    if (!this.device || this.config === 'all-features') return null;
    return queryChunkSize(tokens, heads, this.device.limits.maxBufferSize);
  }

  /**
   * What a pipeline needs to run on the checked GPU: its sessions, the attention path, and
   * the denoising loop's and VAE decoder's tensors kept in GPU buffers.
   */
  pipelineOptions(): Pick<PipelineOptions, 'ort' | 'sessionOptions' | 'attentionChunk' | 'tensorsOnDevice'> {
    return {
      ort: this.ort,
      sessionOptions: this.sessionOptions(),
      attentionChunk: (tokens, heads) => this.attentionChunk(tokens, heads),
      tensorsOnDevice: true,
    };
  }

  /** Lets go of the device (the sessions on it are released by their owners). */
  async dispose(): Promise<void> {
    await this.releaseDevice();
  }

  /** Destroys the GPU buffers onnxruntime freed since its last run: after a job, the device holds the loaded weights alone. */
  async releaseFreedBuffers(): Promise<void> {
    await this.held?.flush();
  }

  /**
   * The browser's message when it took the chosen device away (the runtime is then unusable),
   * else null. A job that failed because of a loss can fail before `device.lost` settles, so
   * this waits a moment for it.
   */
  async lossReason(): Promise<string | null> {
    if (this.lost === null && this.device) await Promise.race([this.device.lost, new Promise((resolve) => setTimeout(resolve, LOSS_REPORT_MS))]);
    return this.lost;
  }

  /** GPU buffer bytes held on the chosen device (for memory checks), or null before the self-check. */
  gpuMemory(): (GpuMemoryStats & { readonly weights: WeightStats }) | null {
    return this.meter && this.weights ? { ...this.meter.stats(), weights: this.weights.stats() } : null;
  }

  /** GPU memory needed since the previous call (see GpuMemoryMeter.takeWindow), or null before the self-check. */
  takeMemoryWindow(): GpuMemoryWindow | null {
    return this.meter?.takeWindow() ?? null;
  }

  /** The chosen GPU, named for telling machines apart, and its largest allowed buffer; null before the self-check. */
  machine(): { readonly adapter: string; readonly bufferLimitBytes: number } | null {
    if (!this.device) return null;
    const { maxBufferSize, maxStorageBufferBindingSize } = this.device.limits;
    return { adapter: this.adapterName, bufferLimitBytes: Math.min(maxBufferSize, maxStorageBufferBindingSize) };
  }

  private checkedDevice(): GPUDevice {
    if (!this.device) {
      throw new UnsupportedEnvironmentError(
        'gpu-check-failed',
        'No GPU configuration passed the self-check, so models cannot run on this GPU.',
      );
    }
    return this.device;
  }

  /** Lets onnxruntime destroy its device: every session on it is released by then. */
  private async releaseDevice(): Promise<void> {
    const held = this.held;
    this.held = null;
    await held?.release();
    this.device = null;
    this.config = null;
    this.meter = null;
    this.weights = null;
  }
}
