/// <reference lib="dom" />
/// <reference types="vite/client" />
// Decodes latent frames with one decoder of the bundle at ?bundle= (?decoder=full|tiny) on onnxruntime-web's WebGPU
// EP, as the pipeline does on the GPU (stage outputs and caches kept in GPU buffers), and publishes as `benchResult`:
// session creation time, the seconds of each latent frame (frame 0 fills the caches), the GPU buffer bytes live once
// the sessions are loaded, and the peak of GPU buffer bytes over sessions and decoding (GpuMemoryMeter).
import { tinyDecoderGraphName } from '../../src/bundle/tiny-vae-names.ts';
import { decoderGraphName } from '../../src/bundle/vae-names.ts';
import { bundleAtUrl } from '../../src/model/model-location.ts';
import { openModel } from '../../src/model/open-model.ts';
import { webBundleAccess } from '../../src/model/web-bundle-access.ts';
import { ModelSessions } from '../../src/pipeline/generate/model-sessions.ts';
import { createVaeDecoder, stageSessions } from '../../src/pipeline/vae/index.ts';
import { GpuRuntime } from '../../src/runtime/gpu-runtime.ts';

const params = new URLSearchParams(location.search);
const grid = { height: Number(params.get('height')), width: Number(params.get('width')) };
const frames = Number(params.get('frames') ?? 2);
const graphName = params.get('decoder') === 'tiny' ? tinyDecoderGraphName : decoderGraphName;

/** The same latent frames as the CPU bench (bench/decode.ts): frame t of a [48, H, W] grid. */
const latentFrame = (t: number) => Float32Array.from({ length: 48 * grid.height * grid.width }, (_, i) => Math.sin(i * 0.37 + t) * 1.5);

async function run() {
  const gpu = await GpuRuntime.load(navigator.gpu);
  await gpu.selfCheck();
  console.log(`self-check passed on ${gpu.machine()?.adapter}`);
  await gpu.releaseFreedBuffers();
  const baseline = gpu.gpuMemory()!.liveBytes;
  gpu.takeMemoryWindow();
  const bundle = webBundleAccess(gpu.sessionLoader(), await openModel(bundleAtUrl(params.get('bundle')!)));
  const sessions = new ModelSessions(bundle, { sessionOptions: gpu.sessionOptions(), outputsOnDevice: () => true });
  const started = performance.now();
  const stages = await stageSessions(bundle.manifest.graphs, graphName, (graph) => sessions.get(graph));
  const sessionMs = performance.now() - started;
  console.log(`sessions created in ${(sessionMs / 1000).toFixed(1)} s`);
  const loadedBytes = gpu.gpuMemory()!.liveBytes - baseline;
  const decoder = createVaeDecoder(gpu.pipelineOptions().ort, stages);
  const frameMs: number[] = [];
  for (let t = 0; t < frames; t++) {
    const latent = latentFrame(t);
    const start = performance.now();
    await decoder.decodeChunk(latent, grid, t === 0);
    frameMs.push(performance.now() - start);
    console.log(`latent frame ${t}: ${(frameMs[t]! / 1000).toFixed(1)} s`);
  }
  decoder.dispose();
  const window = gpu.takeMemoryWindow()!;
  await sessions.releaseWhere(() => true);
  return { adapter: gpu.machine()?.adapter ?? null, sessionMs, frameMs, loadedBytes, peakBytes: window.peakBytes - baseline, largestBufferBytes: window.largestBufferBytes };
}

run().then(
  (result) => Object.assign(globalThis, { benchResult: result }),
  (error: Error) => Object.assign(globalThis, { benchResult: { error: `${error.message}\n${error.stack}` } }),
);
