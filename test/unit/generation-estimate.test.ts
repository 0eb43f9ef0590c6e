import { describe, expect, test } from 'vitest';
import { calibrationRuns } from '../../src/pipeline/estimate/calibration-plan.ts';
import { ditPasses, estimateGeneration, estimateQuery } from '../../src/pipeline/estimate/generation-estimate.ts';
import type { MachineProfile } from '../../src/pipeline/estimate/generation-estimate.ts';
import { ditTokens, MeasurementRecorder } from '../../src/pipeline/estimate/generation-measurement.ts';
import type { GenerationMeasurement } from '../../src/pipeline/estimate/generation-measurement.ts';
import { fitNonNegativeLine } from '../../src/pipeline/estimate/nonnegative-fit.ts';
import { ditPassMacs, ditWork } from '../../src/pipeline/estimate/dit-work.ts';
import { parseDitConfig } from '../../src/bundle/dit-config.ts';
import { WAN22_TI2V_5B_CONFIGS } from '../../src/convert/random-checkpoint/index.ts';
import type { PipelinePhase } from '../../src/pipeline/generate/pipeline-events.ts';
import { WAN_DEFAULTS, FASTWAN_DEFAULTS } from '../../src/pipeline/generate/generation-settings.ts';
import type { GenerationSettings } from '../../src/pipeline/generate/generation-settings.ts';
import { SIZE_PRESETS } from '../../src/app/generate/size-presets.ts';

const WAN_DIT = ditWork(parseDitConfig(WAN22_TI2V_5B_CONFIGS.transformer));
/** A machine doing 50 T multiply-adds per second in the DiT, after 40 ms of fixed cost per pass. */
const passMs = (tokens: number) => 40 + ditPassMacs(WAN_DIT, tokens) / 5e10;

describe('ditWork', () => {
  test('Wan2.2 TI2V-5B: 4.44 G multiply-adds per token, and self-attention as much again at 720p', () => {
    expect(WAN_DIT).toEqual({ macsPerToken: 4_436_656_128, macsPerTokenPair: 184_320 });
    const tokens = 31 * 22 * 40;
    expect((WAN_DIT.macsPerTokenPair * tokens) / WAN_DIT.macsPerToken).toBeCloseTo(1.13, 2);
  });
});

describe('fitNonNegativeLine', () => {
  test('recovers a + b·x', () => {
    const fit = fitNonNegativeLine([500, 2000, 7000, 27280].map((x) => ({ x, y: 40 + 0.02 * x })));
    expect(fit.intercept).toBeCloseTo(40, 6);
    expect(fit.slope).toBeCloseTo(0.02, 9);
  });

  test('keeps the slope non-negative when the data would pull it below zero', () => {
    // Falling then flat: an unconstrained line would have a negative slope.
    const fit = fitNonNegativeLine([
      { x: 1, y: 10 },
      { x: 2, y: 9 },
      { x: 3, y: 9 },
    ]);
    expect(fit.slope).toBe(0);
    expect(fit.predict(100)).toBeCloseTo(28 / 3, 6);
  });

  test('keeps the intercept non-negative: a steep line through the origin instead', () => {
    const fit = fitNonNegativeLine([
      { x: 10, y: 1 },
      { x: 20, y: 12 },
    ]);
    expect(fit.intercept).toBe(0);
    expect(fit.slope).toBeCloseTo((10 * 1 + 20 * 12) / (100 + 400), 9);
  });
});

/** Measurements a machine whose costs follow known laws would produce at these settings. */
function measured(settings: Pick<GenerationSettings, 'width' | 'height' | 'frames'>, withImage = false): GenerationMeasurement {
  const tokens = ditTokens(settings);
  const pixels = settings.width * settings.height;
  return {
    width: settings.width,
    height: settings.height,
    latentFrames: (settings.frames - 1) / 4 + 1,
    ditTokens: tokens,
    ditWork: WAN_DIT,
    textEncodeMs: 900,
    imageEncodeMs: withImage ? 0.001 * pixels : null,
    ditPassMs: passMs(tokens),
    decodeFrameMs: 100 + 0.002 * pixels,
    memory: {
      text: { peakBytes: 6e9, largestBufferBytes: 5e8 },
      dit: { peakBytes: 7e9 + 2e5 * tokens, largestBufferBytes: 57_344 * tokens },
      decode: { peakBytes: 7.5e9 + 3e3 * pixels, largestBufferBytes: 1200 * pixels },
    },
  };
}

const WAN: GenerationSettings = { ...WAN_DEFAULTS, prompt: 'a cat', seed: 1 };
const profileOf = (measurements: GenerationMeasurement[], limits: Partial<MachineProfile> = {}): MachineProfile => ({
  measurements,
  bufferLimitBytes: null,
  outOfMemoryAtBytes: null,
  ...limits,
});
const calibrated = (limits: Partial<MachineProfile> = {}) => profileOf(calibrationRuns(WAN).map((run) => measured(run)), limits);

describe('estimateGeneration', () => {
  test('adds up the fitted phases: 50 guided steps, 121 frames at 720p', () => {
    const estimate = estimateGeneration(calibrated(), { ...WAN, hasStartImage: false })!;
    const tokens = 31 * 22 * 40;
    expect(estimate.phaseMs.text).toBeCloseTo(1800, 6);
    expect(estimate.phaseMs.denoise / (50 * 2 * passMs(tokens))).toBeCloseTo(1, 6);
    expect(estimate.phaseMs.decode / (31 * (100 + 0.002 * 1280 * 704))).toBeCloseTo(1, 6);
    expect(estimate.totalMs).toBeCloseTo(estimate.phaseMs.text + estimate.phaseMs.denoise + estimate.phaseMs.decode, 6);
    expect(estimate.peakBytes! / (7e9 + 2e5 * tokens)).toBeCloseTo(1, 6);
    expect(estimate.largestBufferBytes! / (57_344 * tokens)).toBeCloseTo(1, 6);
    expect(estimate.extrapolated).toBe(true);
    expect(estimate.fit).toEqual({ kind: 'fits' });
  });

  test('each decoder is estimated from its own runs only; the other decoder’s time comes alongside once measured', () => {
    /** The tiny decoder: 30× faster and a tenth of the decode memory on this machine. */
    const tinyRun = (settings: Parameters<typeof measured>[0]): GenerationMeasurement => {
      const full = measured(settings);
      const pixels = settings.width * settings.height;
      return { ...full, decoder: 'tiny', decodeFrameMs: full.decodeFrameMs! / 30, memory: { ...full.memory, decode: { peakBytes: 7.2e9 + 300 * pixels, largestBufferBytes: 120 * pixels } } };
    };
    const runs = calibrationRuns(WAN);
    const query = { ...WAN, hasStartImage: false };
    const fullOnly = estimateGeneration(profileOf(runs.map((run) => measured(run))), query)!;
    expect(fullOnly.otherDecodeMs).toBeNull();
    expect(estimateGeneration(profileOf(runs.map((run) => measured(run))), { ...query, decoder: 'tiny' })).toBeNull();

    const both = profileOf([...runs.map((run) => measured(run)), ...runs.map(tinyRun)]);
    const full = estimateGeneration(both, query)!;
    const tiny = estimateGeneration(both, { ...query, decoder: 'tiny' })!;
    expect(full.phaseMs.decode / fullOnly.phaseMs.decode).toBeCloseTo(1, 6);
    expect(full.peakBytes).toBe(fullOnly.peakBytes);
    expect(tiny.phaseMs.decode / (full.phaseMs.decode / 30)).toBeCloseTo(1, 6);
    expect([full.otherDecodeMs, tiny.otherDecodeMs]).toEqual([tiny.phaseMs.decode, full.phaseMs.decode]);
    expect(tiny.phaseMs.denoise).toBeCloseTo(full.phaseMs.denoise, 6);
  });

  test('FastWan runs its 3 fixed DMD steps without guidance, whatever steps says', () => {
    expect(ditPasses({ ...FASTWAN_DEFAULTS, steps: 40 })).toEqual({ steps: 3, passesPerStep: 1 });
    expect(ditPasses({ ...WAN_DEFAULTS, guidance: 1 })).toEqual({ steps: 50, passesPerStep: 1 });
    expect(ditPasses(WAN_DEFAULTS)).toEqual({ steps: 50, passesPerStep: 2 });
  });

  test('is null until something is measured, and rough (in proportion to the work) from one size', () => {
    expect(estimateGeneration(profileOf([]), { ...WAN, hasStartImage: false })).toBeNull();
    const small = { width: 640, height: 352, frames: 121 };
    const once = estimateGeneration(profileOf([measured(small), measured(small)]), { ...WAN, hasStartImage: false })!;
    const tokens = [ditTokens(small), ditTokens(WAN)] as const;
    const scale = ditPassMacs(WAN_DIT, tokens[1]) / ditPassMacs(WAN_DIT, tokens[0]);
    expect(once.phaseMs.denoise / (50 * 2 * passMs(tokens[0]) * scale)).toBeCloseTo(1, 6);
    expect(once.phaseMs.decode / (31 * (100 + 0.002 * 640 * 352) * 4)).toBeCloseTo(1, 6);
    expect(once.rough).toBe(true);
    expect(estimateGeneration(calibrated(), { ...WAN, hasStartImage: false })!.rough).toBe(false);
  });

  test('from a run too short for a steady-state chunk, decoding is its whole decode time per latent frame', () => {
    const short = { ...measured({ width: 128, height: 96, frames: 5 }), decodeFrameMs: null, decodeMs: 600 };
    const estimate = estimateGeneration(profileOf([short]), { ...WAN, width: 128, height: 96, frames: 9, hasStartImage: false })!;
    expect(estimate.phaseMs.decode).toBeCloseTo(3 * 300, 6);
    // Two sizes fit the DiT, but a decode timed only whole is still rough.
    const other = { ...measured({ width: 256, height: 192, frames: 5 }), decodeFrameMs: null, decodeMs: 2400 };
    expect(estimateGeneration(profileOf([short, other]), { ...WAN, hasStartImage: false })!.rough).toBe(true);
    expect(estimateGeneration(profileOf([{ ...short, decodeMs: null }]), { ...WAN, hasStartImage: false })).toBeNull();
  });

  test('a measured size is not extrapolated', () => {
    const [, largest] = calibrationRuns(WAN);
    expect(estimateGeneration(calibrated(), { ...WAN, ...largest!, steps: 50, hasStartImage: false })!.extrapolated).toBe(false);
  });

  test('warns when one tensor would exceed the device buffer limit', () => {
    const estimate = estimateGeneration(calibrated({ bufferLimitBytes: 2 ** 30 }), { ...WAN, hasStartImage: false })!;
    expect(estimate.fit).toEqual({ kind: 'buffer-too-large', needBytes: estimate.largestBufferBytes, limitBytes: 2 ** 30, decoding: false });
    const small = estimateGeneration(calibrated({ bufferLimitBytes: 2 ** 30 }), { ...WAN, width: 640, height: 352, frames: 49, hasStartImage: false })!;
    expect(small.fit.kind).toBe('fits');
  });

  test('warns when settings need as much memory as a generation that ran out here', () => {
    const query = { ...WAN, hasStartImage: false };
    const peak = estimateGeneration(calibrated(), query)!.peakBytes!;
    expect(estimateGeneration(calibrated({ outOfMemoryAtBytes: peak }), query)!.fit).toEqual({ kind: 'ran-out-before', needBytes: peak, failedAtBytes: peak, decoding: false });
    expect(estimateGeneration(calibrated({ outOfMemoryAtBytes: peak }), { ...query, frames: 49 })!.fit.kind).toBe('fits');
  });

  test('says when the full VAE alone is what will not fit, and that the tiny decoder would', () => {
    // A GPU where the full VAE's decode needs 30 kB per pixel: 34.5 GB at 720p, the DiT 12.5 GB; it ran out at 20 GB.
    const heavyDecode = (run: Parameters<typeof measured>[0], decoder: 'full' | 'tiny') => {
      const m = measured(run);
      const perPixel = decoder === 'full' ? 3e4 : 300;
      return { ...m, decoder, memory: { ...m.memory, decode: { peakBytes: 7.5e9 + perPixel * run.width * run.height, largestBufferBytes: (perPixel / 10) * run.width * run.height } } };
    };
    const runs = calibrationRuns(WAN);
    const profile = profileOf([...runs.map((run) => heavyDecode(run, 'full')), ...runs.map((run) => heavyDecode(run, 'tiny'))], { outOfMemoryAtBytes: 20e9, bufferLimitBytes: 2e9 });
    const query = { ...WAN, hasStartImage: false };
    expect(estimateGeneration(profile, query)!.fit).toMatchObject({ kind: 'buffer-too-large', decoding: true });
    expect(estimateGeneration({ ...profile, bufferLimitBytes: null }, query)!.fit).toMatchObject({ kind: 'ran-out-before', decoding: true });
    expect(estimateGeneration(profile, { ...query, decoder: 'tiny' })!.fit).toEqual({ kind: 'fits' });
  });

  test("uses the decoder's memory predicted from its graphs where it was never measured, and says so", () => {
    const law = { weightBytes: 2e9, peakPerLatentCell: 5e6, largestBufferPerLatentCell: 1e5, cachePerLatentCell: 5e5 };
    const unmeasured = (run: Parameters<typeof measured>[0]): GenerationMeasurement => {
      const m = measured(run);
      return { ...m, memory: { text: m.memory!.text!, dit: m.memory!.dit! }, decoderMemory: { full: law } };
    };
    const profile = profileOf(calibrationRuns(WAN).map(unmeasured));
    const query = { ...WAN, hasStartImage: false };
    const estimate = estimateGeneration(profile, query)!;
    expect(estimate.decodeMemoryPredicted).toBe(true);
    const decodePeak = 2e9 + 5e6 * 44 * 80;
    expect(estimate.peakBytes).toBe(Math.max(decodePeak, 7e9 + 2e5 * 31 * 22 * 40));
    expect(estimateGeneration({ ...profile, outOfMemoryAtBytes: decodePeak }, query)!.fit).toMatchObject({ kind: 'ran-out-before', decoding: true });
    expect(estimateGeneration(calibrated(), query)!.decodeMemoryPredicted).toBe(false);
  });

  test('counts a start image once its encoding was measured, and says so until then', () => {
    const query = { ...WAN, hasStartImage: true };
    expect(estimateGeneration(calibrated(), query)!.imageUnmeasured).toBe(true);
    const withImage = profileOf([...calibrated().measurements, measured({ width: 832, height: 480, frames: 49 }, true)]);
    const estimate = estimateGeneration(withImage, query)!;
    expect(estimate.imageUnmeasured).toBe(false);
    expect(estimate.phaseMs.image).toBeCloseTo(0.001 * 832 * 480, 6);
  });
});

describe('calibrationRuns', () => {
  test.each(SIZE_PRESETS.map((preset) => [preset.label, preset] as const))('%s: two valid runs with distinct token counts and sizes', (_label, preset) => {
    const runs = calibrationRuns({ ...WAN, width: preset.width, height: preset.height });
    expect(runs).toHaveLength(2);
    expect(new Set(runs.map(ditTokens)).size).toBe(2);
    expect(new Set(runs.map((run) => run.width * run.height)).size).toBe(2);
    expect(runs.at(-1)).toMatchObject({ width: preset.width, height: preset.height });
    for (const run of runs) {
      expect(run.steps).toBe(3);
      expect(ditPasses(run)).toEqual({ steps: 3, passesPerStep: 2 });
      expect((run.frames - 1) / 4 + 1).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('MeasurementRecorder', () => {
  test('times steady-state steps and chunks, per DiT pass, and takes GPU memory per phase', () => {
    let now = 0;
    let window = 0;
    const recorder = new MeasurementRecorder(
      () => ({ peakBytes: ++window * 1000, largestBufferBytes: window }),
      () => now,
    );
    const at = (time: number, phase: PipelinePhase, step: number) => {
      now = time;
      recorder.observe({ type: 'progress', phase, step, steps: 3, elapsedMs: 0, etaMs: null });
    };
    at(0, 'encoding-text', 0);
    at(300, 'encoding-text', 1);
    at(600, 'encoding-text', 2);
    at(650, 'encoding-image', 0);
    at(850, 'preparing-preview', 0);
    at(1000, 'denoising', 0);
    at(5000, 'denoising', 1); // loads the DiT
    at(6000, 'denoising', 2);
    at(7100, 'denoising', 3);
    at(7200, 'decoding', 0);
    at(9000, 'decoding', 1); // one frame, new shapes
    at(9800, 'decoding', 2); // four frames, new shapes
    at(10_300, 'decoding', 3);
    now = 10_700;
    recorder.observe({ type: 'preview', step: 3, steps: 3, width: 1, height: 1, pixelScale: 16, source: 'latent-map', frames: [] });
    at(10_700, 'decoding', 4);
    now = 10_800;
    const measurement = recorder.finish({ settings: { width: 128, height: 96, frames: 13 }, ditPassesPerStep: 2, decoder: 'full' }, WAN_DIT);
    expect(measurement).toEqual({
      width: 128,
      height: 96,
      latentFrames: 4,
      ditTokens: 4 * 3 * 4,
      ditWork: WAN_DIT,
      textEncodeMs: 300,
      imageEncodeMs: 200,
      ditPassMs: 1050 / 2,
      decodeFrameMs: 450,
      decodeMs: 3600,
      // Window 1 is the one the recorder discards at its start; the preview's (4) is nobody's.
      memory: {
        text: { peakBytes: 2000, largestBufferBytes: 2 },
        image: { peakBytes: 3000, largestBufferBytes: 3 },
        dit: { peakBytes: 5000, largestBufferBytes: 5 },
        decode: { peakBytes: 6000, largestBufferBytes: 6 },
      },
      decoder: 'full',
    });
  });

  test('a session loading inside a phase is part of that phase, not the end of it', () => {
    let now = 0;
    const recorder = new MeasurementRecorder(null, () => now);
    const at = (time: number, phase: PipelinePhase, step: number, steps = 3) => {
      now = time;
      recorder.observe({ type: 'progress', phase, step, steps, elapsedMs: 0, etaMs: null });
    };
    at(0, 'encoding-text', 0, 2);
    at(10, 'loading', 0, 1);
    at(400, 'encoding-text', 1, 2);
    at(500, 'encoding-text', 2, 2);
    at(500, 'encoding-image', 0, 1);
    at(510, 'loading', 0, 1);
    at(900, 'encoding-image', 1, 3);
    at(1000, 'encoding-image', 3, 3);
    at(1200, 'denoising', 0);
    at(1210, 'loading', 0, 1);
    for (const [step, time] of [[1, 5000], [2, 6000], [3, 7000]] as const) at(time, 'denoising', step);
    at(7000, 'decoding', 0);
    at(7010, 'loading', 0, 1);
    for (const [step, time] of [[1, 8000], [2, 8500], [3, 8800], [4, 9100]] as const) at(time, 'decoding', step);
    const measurement = recorder.finish({ settings: { width: 128, height: 96, frames: 13 }, ditPassesPerStep: 1, decoder: 'full' }, WAN_DIT);
    expect(measurement).toMatchObject({ textEncodeMs: 400, imageEncodeMs: 700, ditPassMs: 1000, decodeFrameMs: 300 });
  });

  test('leaves out what a short run cannot tell, and memory where none is counted', () => {
    const recorder = new MeasurementRecorder();
    recorder.observe({ type: 'progress', phase: 'denoising', step: 0, steps: 1, elapsedMs: 0, etaMs: null });
    recorder.observe({ type: 'progress', phase: 'denoising', step: 1, steps: 1, elapsedMs: 0, etaMs: null });
    const measurement = recorder.finish({ settings: { width: 64, height: 64, frames: 5 }, ditPassesPerStep: 1, decoder: 'full' }, WAN_DIT);
    expect(measurement).toMatchObject({ textEncodeMs: null, imageEncodeMs: null, ditPassMs: null, decodeFrameMs: null, decodeMs: null, memory: null });
  });
});

describe('the estimate query', () => {
  const settings = { width: 1280, height: 704, frames: 121, steps: 50, guidance: 5, shift: 5, sampler: 'unipc' as const };

  test('without a start image it is the settings', () => {
    expect(estimateQuery(settings, null)).toEqual({ ...settings, hasStartImage: false });
  });

  test('with a start image it is the size the video will take: the image’s crop within the settings’ area', () => {
    const query = estimateQuery(settings, { width: 1000, height: 1000 });
    expect(query.hasStartImage).toBe(true);
    expect(Math.abs(query.width / query.height - 1)).toBeLessThan(0.05);
    expect(query.width * query.height).toBeLessThanOrEqual(1280 * 704);
    expect(query.width).toBeGreaterThan(704);
  });
});
