/// <reference lib="dom" />
// Runs the encode benchmark worker with the settings in the query string and publishes its result as `benchResult`.
const params = new URLSearchParams(location.search);
const worker = new Worker(new URL('./encode-worker.ts', import.meta.url), { type: 'module' });

interface MemoryMeasurement {
  bytes: number;
  breakdown: { bytes: number; attribution: { scope?: string }[] }[];
}
const measureMemory = (performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<MemoryMeasurement> }).measureUserAgentSpecificMemory;

/** JS memory (heap and array buffers) of this page and of the worker, sampled until the worker reports. */
const peaks = { page: 0, worker: 0, samples: 0 };
let finished = false;
async function sampleMemory(): Promise<void> {
  while (!finished && measureMemory) {
    const measurement = await measureMemory.call(performance);
    const of = (scope: string) =>
      measurement.breakdown.filter((entry) => entry.attribution.some((a) => a.scope === scope)).reduce((sum, entry) => sum + entry.bytes, 0);
    peaks.page = Math.max(peaks.page, of('Window'));
    peaks.worker = Math.max(peaks.worker, of('DedicatedWorkerGlobalScope'));
    peaks.samples++;
  }
}
const sampling = sampleMemory();

worker.onmessage = async (event: MessageEvent) => {
  finished = true;
  await sampling;
  Object.assign(globalThis, { benchResult: { ...event.data, jsMemory: measureMemory ? peaks : null } });
  document.getElementById('status')!.textContent = 'done';
};
worker.onerror = (event) => Object.assign(globalThis, { benchResult: { error: event.message } });
worker.postMessage({
  width: Number(params.get('width') ?? 1280),
  height: Number(params.get('height') ?? 704),
  frames: Number(params.get('frames') ?? 121),
  fps: Number(params.get('fps') ?? 24),
  container: params.get('container') ?? 'mp4',
  gc: params.get('gc') === '1',
});
