/// <reference lib="dom" />
/// <reference types="vite/client" />
// Generates with the bundle at ?bundle= on onnxruntime-web's WebGPU EP, as the worker does, and publishes as
// `benchResult` per run: session creation time, time and GPU→CPU readbacks per denoising step, decode time per
// chunk, and the peak GPU buffer bytes; with ?preview=1 the step previews too (a step's preview is read
// after its progress event, so it counts in the next interval). Readbacks are counted at GPUBuffer.mapAsync(READ), which every
// download from the GPU goes through.
import { bundleAtUrl } from '../../src/model/model-location.ts';
import { openModel } from '../../src/model/open-model.ts';
import { webBundleAccess } from '../../src/model/web-bundle-access.ts';
import { WanPipeline } from '../../src/pipeline/generate/wan-pipeline.ts';
import type { PipelineEvent } from '../../src/pipeline/generate/pipeline-events.ts';
import type { GraphSessionLoader } from '../../src/pipeline/weights/graph-session-loader.ts';
import { GpuRuntime } from '../../src/runtime/gpu-runtime.ts';

const params = new URLSearchParams(location.search);
const runs = Number(params.get('runs') ?? 2);
const settings = {
  prompt: 'A lighthouse on a cliff above a stormy sea',
  width: Number(params.get('width') ?? 128),
  height: Number(params.get('height') ?? 96),
  frames: Number(params.get('frames') ?? 9),
  steps: Number(params.get('steps') ?? 4),
  guidance: Number(params.get('guidance') ?? 5),
  shift: 5,
  sampler: 'unipc' as const,
  seed: 1,
};

const preview = params.get('preview') === '1';

let readbacks = 0;
let readbackBytes = 0;
const mapAsync = GPUBuffer.prototype.mapAsync;
GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, mode: GPUMapModeFlags, offset?: number, size?: number) {
  if (mode & GPUMapMode.READ) {
    readbacks++;
    readbackBytes += size ?? this.size - (offset ?? 0);
  }
  return mapAsync.call(this, mode, offset, size);
};

/** A session loader with session creation (weights included) timed. */
function timedLoader(loader: GraphSessionLoader, spent: { ms: number }): GraphSessionLoader {
  return {
    create(...args) {
      const started = performance.now();
      return loader.create(...args).finally(() => (spent.ms += performance.now() - started));
    },
  };
}

interface RunResult {
  readonly sessionMs: number;
  readonly stepMs: number[];
  readonly readbacksPerStep: number[];
  readonly readbackBytesPerStep: number[];
  readonly decodeMs: number[];
  readonly totalMs: number;
  readonly peakGpuBytes: number | null;
}

async function run(): Promise<{ settings: typeof settings; adapter: string | null; results: RunResult[] }> {
  const gpu = await GpuRuntime.load(navigator.gpu);
  await gpu.selfCheck();
  const sessions = { ms: 0 };
  const bundle = webBundleAccess(timedLoader(gpu.sessionLoader(), sessions), await openModel(bundleAtUrl(params.get('bundle')!)));
  const pipeline = new WanPipeline({ ...gpu.pipelineOptions(), bundle });
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    sessions.ms = 0;
    gpu.takeMemoryWindow();
    type Mark = { at: number; readbacks: number; bytes: number };
    const marks: Record<string, Mark[]> = { denoising: [], decoding: [] };
    const onEvent = (event: PipelineEvent) => {
      if (event.type === 'progress' && event.phase in marks) marks[event.phase]!.push({ at: performance.now(), readbacks, bytes: readbackBytes });
    };
    const started = performance.now();
    await pipeline.generate(settings, null, { onEvent, preview });
    const between = (list: Mark[], key: keyof Mark) => list.slice(1).map((mark, k) => mark[key] - list[k]![key]);
    results.push({
      sessionMs: sessions.ms,
      stepMs: between(marks.denoising!, 'at'),
      readbacksPerStep: between(marks.denoising!, 'readbacks'),
      readbackBytesPerStep: between(marks.denoising!, 'bytes'),
      decodeMs: between(marks.decoding!, 'at'),
      totalMs: performance.now() - started,
      peakGpuBytes: gpu.takeMemoryWindow()?.peakBytes ?? null,
    });
  }
  await pipeline.dispose();
  return { settings, adapter: gpu.machine()?.adapter ?? null, results };
}

run().then(
  (result) => Object.assign(globalThis, { benchResult: result }),
  (error: Error) => Object.assign(globalThis, { benchResult: { error: `${error.message}\n${error.stack}` } }),
);
