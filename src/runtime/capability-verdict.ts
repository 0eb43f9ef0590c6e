import type { Capabilities, GpuCapabilities } from './capabilities.ts';
import type { SelfCheckReport } from './self-check/index.ts';

export type NoteLevel = 'ok' | 'warn' | 'error';

export interface VerdictNote {
  readonly level: NoteLevel;
  readonly text: string;
}

/** The capability check's conclusion, in words a person understands. */
export interface Verdict {
  /** ready: generation will work; limited: it will work with caveats; unsupported: it will not. */
  readonly level: 'ready' | 'limited' | 'unsupported';
  /** Activation precision this machine will use, null when it cannot run models. */
  readonly precision: 'fp16' | 'fp32' | null;
  readonly headline: string;
  readonly notes: readonly VerdictNote[];
  /** The adapter is a software renderer on the CPU (see isSoftwareGpu). */
  readonly softwareGpu: boolean;
}

/** Names of the renderers that implement a GPU on the CPU: Chrome's SwiftShader, Mesa's llvmpipe, lavapipe and softpipe, Windows' WARP. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe|basic render driver/i;

/** True when the adapter is a software renderer: it runs every step, about 100 times slower than a real GPU. */
export function isSoftwareGpu(gpu: Pick<GpuCapabilities, 'vendor' | 'architecture' | 'description'>): boolean {
  return SOFTWARE_RENDERERS.test(`${gpu.vendor} ${gpu.architecture} ${gpu.description}`);
}

/** What a software GPU means for the user, in one sentence. */
export const SOFTWARE_GPU_MEANING =
  'This is a software GPU (it runs on the processor): it runs every step, but about 100 times slower than a real graphics card, so it is good only for the self-test model.';

const GIB = 1024 ** 3;
/** About what the int4 bundle of Wan2.2 TI2V-5B takes on disk. */
export const MODEL_BYTES_ESTIMATE = 7.5e9;

export const WEBGPU_HELP =
  'Use a browser with WebGPU: Chrome or Edge 113+ on Windows, macOS or ChromeOS; Chrome 121+ on Android; ' +
  'Safari 26+ on macOS/iOS; Firefox 141+ on Windows. On Linux, Chrome needs chrome://flags/#enable-unsafe-webgpu ' +
  'and a Vulkan driver. Check that hardware acceleration is on (chrome://gpu).';

const formatGiB = (bytes: number) => `${(bytes / GIB).toFixed(bytes < 10 * GIB ? 1 : 0)} GiB`;

function selfCheckNotes(report: SelfCheckReport | null | undefined): VerdictNote[] {
  if (!report) return [];
  const failed = report.configs.filter((c) => !c.passed);
  const notes: VerdictNote[] = failed.map((c) => {
    const bad = c.results.filter((r) => !r.passed).map((r) => r.label);
    return { level: 'warn', text: `GPU self-check: "${c.id}" gave wrong results for ${bad.join(', ')}; not used.` };
  });
  if (report.chosen) {
    notes.push({ level: 'ok', text: `GPU self-check passed with "${report.chosen}": every op matches the CPU within ${report.tolerance}.` });
  } else {
    notes.push({ level: 'error', text: 'GPU self-check: no configuration gave correct results, so models cannot run on this GPU. Update the browser or GPU driver.' });
  }
  return notes;
}

/** Derives the verdict from the probed capabilities and, once it ran, the GPU self-check. */
export function capabilityVerdict(caps: Capabilities, selfCheck?: SelfCheckReport | null): Verdict {
  if (!caps.gpu.available) {
    return {
      level: 'unsupported',
      precision: null,
      headline: 'This browser cannot run the model: WebGPU is not available.',
      notes: [{ level: 'error', text: caps.gpu.reason }, { level: 'warn', text: WEBGPU_HELP }],
      softwareGpu: false,
    };
  }
  const gpu = caps.gpu;
  const notes: VerdictNote[] = [];
  const precision = gpu.shaderF16 ? 'fp16' : 'fp32';
  const softwareGpu = isSoftwareGpu(gpu);
  if (softwareGpu) notes.push({ level: 'warn', text: SOFTWARE_GPU_MEANING });
  notes.push(
    gpu.shaderF16
      ? { level: 'ok', text: 'shader-f16 present: the fp16-activation model variant will be used (faster, half the activation memory).' }
      : { level: 'warn', text: 'shader-f16 absent: the fp32-activation variant will be used (slower, twice the activation memory).' },
  );
  notes.push({
    level: gpu.maxBufferSize >= 2 * GIB ? 'ok' : 'warn',
    text: `Largest GPU buffer ${formatGiB(gpu.maxBufferSize)} (binding ${formatGiB(gpu.maxStorageBufferBindingSize)}): attention and the VAE decode are split to fit.`,
  });

  if (!caps.encoders) {
    notes.push({ level: 'warn', text: 'WebCodecs VideoEncoder is missing: videos cannot be encoded to MP4 in this browser.' });
  } else {
    const names = (['h264', 'vp9', 'av1'] as const).filter((c) => caps.encoders![c]);
    notes.push(
      names.length > 0
        ? { level: 'ok', text: `Video encoders at 1280x704: ${names.map((n) => n.toUpperCase()).join(', ')}.` }
        : { level: 'warn', text: 'No H.264, VP9 or AV1 encoder at 1280x704: videos cannot be encoded at 720p.' },
    );
  }

  const { storage } = caps;
  if (!storage.opfs) {
    notes.push({ level: 'error', text: 'No origin private file system: models cannot be installed. Leave private browsing or use another browser.' });
  } else if (storage.quotaBytes !== null && storage.quotaBytes < MODEL_BYTES_ESTIMATE) {
    notes.push({
      level: 'warn',
      text: `Storage quota ${formatGiB(storage.quotaBytes)} is below the ~${formatGiB(MODEL_BYTES_ESTIMATE)} the full model needs; free disk space.`,
    });
  } else if (storage.quotaBytes !== null) {
    notes.push({ level: 'ok', text: `Storage quota ${formatGiB(storage.quotaBytes)}${storage.persisted ? ', persistent' : ' (not yet persistent; asked at install)'}.` });
  }

  notes.push(
    caps.jspi
      ? { level: 'ok', text: 'JSPI present: onnxruntime-web runs its smaller, faster-calling JSPI build.' }
      : { level: 'ok', text: 'No JSPI: onnxruntime-web runs its Asyncify build (a little more overhead per call; weights load the same way).' },
  );
  if (!caps.crossOriginIsolated) {
    notes.push({ level: 'warn', text: 'Not cross-origin isolated: CPU fallbacks run single-threaded (GPU work is unaffected).' });
  }

  notes.push(...selfCheckNotes(selfCheck));
  const failedCheck = selfCheck !== undefined && selfCheck !== null && selfCheck.chosen === null;
  const blocked = notes.some((n) => n.level === 'error');
  const level = blocked ? 'unsupported' : notes.some((n) => n.level === 'warn') ? 'limited' : 'ready';
  const adapter = `${gpu.vendor || 'its GPU'}${gpu.architecture ? ` (${gpu.architecture})` : ''}`;
  const headline = failedCheck
    ? 'This GPU gave wrong results in the self-check; the model cannot run here.'
    : blocked
      ? 'The model cannot run here yet; see the items marked ✗.'
      : softwareGpu
        ? `This machine will run the ${precision} variant on a software GPU, ${adapter}: about 100 times slower than a real graphics card, good only for the self-test model.`
        : `This machine will run the ${precision} variant on ${adapter}.`;
  return { level, precision: failedCheck ? null : precision, headline, notes, softwareGpu };
}
