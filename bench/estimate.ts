/**
 * How good the pre-generation estimates are: converts the self-test model, runs the
 * studio's three calibration clips in onnxruntime-node (CPU), then generates at other
 * settings and prints the estimated time beside the measured one.
 *   npm run bench:estimate [-- --size 192x128]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { openDirBundle } from '../src/node/dir-bundle.ts';
import { writeSelfTestBundle } from '../src/node/write-self-test-bundle.ts';
import { calibrationRuns } from '../src/pipeline/estimate/calibration-plan.ts';
import { ditPasses, estimateGeneration } from '../src/pipeline/estimate/generation-estimate.ts';
import { MeasurementRecorder } from '../src/pipeline/estimate/generation-measurement.ts';
import type { GenerationMeasurement } from '../src/pipeline/estimate/generation-measurement.ts';
import type { GenerationSettings } from '../src/pipeline/generate/generation-settings.ts';
import { WanPipeline } from '../src/pipeline/generate/wan-pipeline.ts';

const { values } = parseArgs({ options: { size: { type: 'string', default: '192x128' } } });
const [width, height] = values.size.split('x').map(Number) as [number, number];

const work = await mkdtemp(join(tmpdir(), 'wan-bench-estimate-'));
try {
  const bundleDir = join(work, 'self-test');
  await writeSelfTestBundle(bundleDir);
  const pipeline = new WanPipeline({ ort, bundle: await openDirBundle(bundleDir) });

  const run = async (settings: GenerationSettings) => {
    const recorder = new MeasurementRecorder();
    const started = performance.now();
    const result = await pipeline.generate(settings, null, { onEvent: (event) => recorder.observe(event) });
    return { ms: performance.now() - started, measurement: recorder.finish(result, pipeline.ditWork) };
  };

  const base: GenerationSettings = { prompt: 'A lighthouse on a cliff above a stormy sea', width, height, frames: 17, steps: 4, guidance: 5, shift: 5, sampler: 'unipc', seed: 1 };
  const measurements: GenerationMeasurement[] = [];
  const calibrationStart = performance.now();
  for (const settings of calibrationRuns(base)) measurements.push((await run(settings)).measurement);
  console.log(`calibration at ${width}x${height}: ${measurements.length} clips in ${((performance.now() - calibrationStart) / 1000).toFixed(1)} s (onnxruntime-node, CPU)`);

  // Each target runs once, as a user would: the first run at a new size, with the model loaded.
  const targets: GenerationSettings[] = [
    base,
    { ...base, frames: 33, steps: 3 },
    { ...base, width: width * 2, height: height * 2, frames: 9, guidance: 1 },
    { ...base, width: width / 2, height: height / 2, frames: 41, steps: 6 },
  ];
  console.log('settings                                 total: estimated  measured  ratio | DiT pass ratio | decoded frame ratio | extrapolated');
  for (const settings of targets) {
    const { ms, measurement } = await run(settings);
    const estimate = estimateGeneration({ measurements, bufferLimitBytes: null, outOfMemoryAtBytes: null }, { ...settings, hasStartImage: false })!;
    const label = `${settings.width}x${settings.height}, ${settings.frames} frames, ${settings.steps} steps, guidance ${settings.guidance}`;
    const { steps, passesPerStep } = ditPasses(settings);
    const passRatio = estimate.phaseMs.denoise / (steps * passesPerStep) / measurement.ditPassMs!;
    const frameRatio = estimate.phaseMs.decode / measurement.latentFrames / measurement.decodeFrameMs!;
    const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`.padStart(10);
    console.log(
      `${label.padEnd(41)}${seconds(estimate.totalMs).padStart(18)}${seconds(ms)}${(estimate.totalMs / ms).toFixed(2).padStart(7)} |${passRatio.toFixed(2).padStart(15)} |${frameRatio.toFixed(2).padStart(20)} | ${estimate.extrapolated}`,
    );
  }
  await pipeline.dispose();
} finally {
  await rm(work, { recursive: true, force: true });
}
