import type { DecoderChoice } from '../../bundle/tiny-vae-names.ts';
import { usesGuidance } from '../generate/denoise-loop.ts';
import { latentDims } from '../generate/generation-settings.ts';
import { arrayLatentMath, createSampler } from '../sampling/index.ts';
import type { GenerationSettings } from '../generate/generation-settings.ts';
import { ditTokens } from './generation-measurement.ts';
import type { GenerationMeasurement, MeasuredPhase, PhaseMemory } from './generation-measurement.ts';
import { fitNonNegativeLine } from './nonnegative-fit.ts';
import { ditPassMacs } from './dit-work.ts';
import { predictDecoderMemory } from './decoder-memory.ts';
import { startImageCrop } from '../image/index.ts';

/** What has been measured with one model on one machine. */
export interface MachineProfile {
  readonly measurements: readonly GenerationMeasurement[];
  /** The largest single GPU buffer the device allows. */
  readonly bufferLimitBytes: number | null;
  /** The smallest estimated peak of a generation that ran out of GPU memory here. */
  readonly outOfMemoryAtBytes: number | null;
}

/** Why settings will not run on this machine, when they will not. */
/** `decoding`: the decoder alone is what does not fit (the rest of the generation would). */
export type FitVerdict =
  | { readonly kind: 'fits' }
  | { readonly kind: 'buffer-too-large'; readonly needBytes: number; readonly limitBytes: number; readonly decoding: boolean }
  | { readonly kind: 'ran-out-before'; readonly needBytes: number; readonly failedAtBytes: number; readonly decoding: boolean };

export interface GenerationEstimate {
  readonly totalMs: number;
  readonly phaseMs: { readonly text: number; readonly image: number | null; readonly denoise: number; readonly decode: number };
  /** Decoding with the other decoder (the full VAE or the tiny one), where it was measured here. */
  readonly otherDecodeMs: number | null;
  /** The most GPU memory live at once, where it could be measured. */
  readonly peakBytes: number | null;
  readonly largestBufferBytes: number | null;
  /** The settings need more DiT tokens or pixels than any measured run: the figures are extrapolated. */
  readonly extrapolated: boolean;
  /**
   * Only one size was measured (or only short runs): times are scaled in proportion to the
   * work, which cannot tell a fixed cost apart, so they are rough until a second size is measured.
   */
  readonly rough: boolean;
  /** A start image's encoding has not been measured yet, so it is left out of the time. */
  readonly imageUnmeasured: boolean;
  /** The decoder's memory was never measured here: it is predicted from its graphs. */
  readonly decodeMemoryPredicted: boolean;
  readonly fit: FitVerdict;
}

export type EstimateQuery = Pick<GenerationSettings, 'width' | 'height' | 'frames' | 'steps' | 'guidance' | 'shift' | 'sampler'> & {
  readonly hasStartImage: boolean;
  /** The decoder estimated (default full): only its own runs tell its decode time and memory. */
  readonly decoder?: DecoderChoice;
};

/**
 * The query for settings and an optional start image (its size): with one, the video takes
 * the image's shape within the settings' area, and that is the size estimated.
 */
export function estimateQuery(settings: Omit<EstimateQuery, 'hasStartImage'>, image: { readonly width: number; readonly height: number } | null): EstimateQuery {
  const size = image ? startImageCrop(image.width, image.height, settings.width * settings.height) : settings;
  const { frames, steps, guidance, shift, sampler, decoder } = settings;
  return { width: size.width, height: size.height, frames, steps, guidance, shift, sampler, hasStartImage: image !== null, ...(decoder ? { decoder } : {}) };
}

/** The DiT passes settings run: the sampler's steps (FastWan's DMD has fixed ones), each twice with guidance. */
export function ditPasses(settings: Pick<GenerationSettings, 'steps' | 'guidance' | 'shift' | 'sampler'>): { steps: number; passesPerStep: 1 | 2 } {
  const sampler = createSampler(settings.sampler, { steps: settings.steps, shift: settings.shift, noise: (count) => new Float32Array(count) }, arrayLatentMath);
  return { steps: sampler.timesteps.length, passesPerStep: usesGuidance(sampler, settings.guidance, true) ? 2 : 1 };
}

interface Sample {
  readonly x: number;
  readonly y: number;
}

const distinct = (samples: readonly Sample[]) => new Set(samples.map((s) => s.x)).size;

/** y in proportion to x (the mean rate y/x over the samples), or null without samples: what one measured size allows. */
function proportional(samples: readonly Sample[]): ((x: number) => number) | null {
  if (samples.length === 0) return null;
  const rate = samples.reduce((sum, s) => sum + s.y / s.x, 0) / samples.length;
  return (x) => rate * x;
}

/** a + b·x, fitted when at least two distinct x were measured (or, with `least` 1, a constant from one); else null. */
function linear(samples: readonly Sample[], least = 2): ((x: number) => number) | null {
  const terms = Math.min(2, distinct(samples));
  if (terms < least) return null;
  if (terms === 1) {
    const mean = samples.reduce((sum, s) => sum + s.y, 0) / samples.length;
    return () => Math.max(0, mean);
  }
  return fitNonNegativeLine(samples).predict;
}

const samplesOf = (measurements: readonly GenerationMeasurement[], x: (m: GenerationMeasurement) => number, y: (m: GenerationMeasurement) => number | null | undefined): Sample[] =>
  measurements.flatMap((m) => {
    const value = y(m);
    return value === null || value === undefined ? [] : [{ x: x(m), y: value }];
  });

const pixels = (m: Pick<GenerationMeasurement, 'width' | 'height'>) => m.width * m.height;
const memoryOf = (phase: MeasuredPhase, key: keyof PhaseMemory) => (m: GenerationMeasurement) => m.memory?.[phase]?.[key];

interface MemoryNeed {
  readonly peakBytes: number | null;
  readonly largestBufferBytes: number | null;
}

/** Whether `need` fits this machine's limits, and if not, whether everything but the decoder would. */
function fitVerdict(profile: MachineProfile, need: MemoryNeed & { readonly withoutDecoding: MemoryNeed }): FitVerdict {
  const limit = profile.bufferLimitBytes;
  const failedAt = profile.outOfMemoryAtBytes;
  const over = (m: MemoryNeed) => ({
    buffer: m.largestBufferBytes !== null && limit !== null && m.largestBufferBytes > limit,
    peak: m.peakBytes !== null && failedAt !== null && m.peakBytes >= failedAt,
  });
  const all = over(need);
  const rest = over(need.withoutDecoding);
  if (all.buffer) return { kind: 'buffer-too-large', needBytes: need.largestBufferBytes!, limitBytes: limit!, decoding: !rest.buffer };
  if (all.peak) return { kind: 'ran-out-before', needBytes: need.peakBytes!, failedAtBytes: failedAt!, decoding: !rest.peak };
  return { kind: 'fits' };
}

/**
 * One decoder's time per decoded latent frame as a function of pixels, from the runs it
 * decoded: fitted over two sizes, else proportional (and, from runs too short for a
 * steady-state chunk, their whole decode, first chunks included); null where it never ran.
 */
function decodeLaw(measurements: readonly GenerationMeasurement[], decoder: DecoderChoice) {
  const runs = measurements.filter((m) => (m.decoder ?? 'full') === decoder);
  const frameSamples = samplesOf(runs, pixels, (m) => m.decodeFrameMs);
  const fitted = linear(frameSamples);
  const perFrame = fitted ?? proportional(frameSamples.length > 0 ? frameSamples : samplesOf(runs, pixels, (m) => (m.decodeMs == null ? null : m.decodeMs / m.latentFrames)));
  return { runs, perFrame, fitted: fitted !== null };
}

/**
 * Expected time and GPU memory for settings, from measured runs of the same model on the
 * same machine, or null until one has been measured. From one size only, times are
 * proportional to the work and the estimate is marked rough.
 *
 * Time = text encoding (× 2 with guidance) + start-image encoding + steps × passes × one DiT
 * pass + latent frames × one decoded latent frame. A DiT pass is fitted as a + b·W, W its
 * multiply-adds (linear in its tokens, and quadratic through self-attention); a decoded frame
 * and the memory as linear in pixels or tokens; all coefficients are kept non-negative.
 */
export function estimateGeneration(profile: MachineProfile, query: EstimateQuery): GenerationEstimate | null {
  const { measurements } = profile;
  const tokens = ditTokens(query);
  const area = query.width * query.height;
  const latentFrames = latentDims(query)[2];
  const { steps, passesPerStep } = ditPasses(query);
  const byTokens = (y: (m: GenerationMeasurement) => number | null | undefined) => samplesOf(measurements, (m) => m.ditTokens, y);
  const byPixels = (y: (m: GenerationMeasurement) => number | null | undefined) => samplesOf(measurements, pixels, y);

  // A DiT pass: fixed cost plus its multiply-adds at the measured rate; the model's shape fixes how N and N² mix.
  const work = measurements.at(-1)?.ditWork;
  const ditSamples = samplesOf(measurements, (m) => ditPassMacs(m.ditWork, m.ditTokens), (m) => m.ditPassMs);
  const fittedPass = linear(ditSamples);
  const ditPass = work ? (fittedPass ?? proportional(ditSamples)) : null;
  const wanted = query.decoder ?? 'full';
  const decodes = decodeLaw(measurements, wanted);
  const decodeFrame = decodes.perFrame;
  const otherFrame = decodeLaw(measurements, wanted === 'full' ? 'tiny' : 'full').perFrame;
  const byDecodePixels = (y: (m: GenerationMeasurement) => number | null | undefined) => samplesOf(decodes.runs, pixels, y);
  const textTimes = measurements.flatMap((m) => (m.textEncodeMs === null ? [] : [m.textEncodeMs]));
  if (!ditPass || !decodeFrame || textTimes.length === 0) return null;

  const imageSamples = byPixels((m) => m.imageEncodeMs);
  const imageEncode = query.hasStartImage ? linear(imageSamples, 1) : null;
  const phaseMs = {
    text: Math.min(...textTimes) * passesPerStep,
    image: imageEncode ? imageEncode(area) : null,
    denoise: steps * passesPerStep * ditPass(ditPassMacs(work!, tokens)),
    decode: latentFrames * decodeFrame(area),
  };
  const otherDecodeMs = otherFrame ? latentFrames * otherFrame(area) : null;

  const peaks = [
    linear(byTokens(memoryOf('dit', 'peakBytes')))?.(tokens),
    ...(query.hasStartImage ? [linear(byPixels(memoryOf('image', 'peakBytes')))?.(area)] : []),
    ...samplesOf(measurements, () => 0, memoryOf('text', 'peakBytes')).map((s) => s.y),
  ];
  // A decoder whose memory was never measured here: predicted from its graphs (see decoderMemoryLaw).
  const law = measurements.findLast((m) => m.decoderMemory?.[wanted])?.decoderMemory?.[wanted];
  const predicted = law ? predictDecoderMemory(law, { height: query.height / 16, width: query.width / 16 }) : undefined;
  const measuredDecodePeak = linear(byDecodePixels(memoryOf('decode', 'peakBytes')))?.(area);
  const decodePeak = measuredDecodePeak ?? predicted?.peakBytes;
  const largest = [linear(byTokens(memoryOf('dit', 'largestBufferBytes')))?.(tokens)];
  const decodeLargest = linear(byDecodePixels(memoryOf('decode', 'largestBufferBytes')))?.(area) ?? predicted?.largestBufferBytes;
  const known = (values: readonly (number | undefined)[]) => {
    const numbers = values.filter((v): v is number => v !== undefined);
    return numbers.length > 0 ? Math.max(...numbers) : null;
  };
  const peakBytes = known([...peaks, decodePeak]);
  const largestBufferBytes = known([...largest, decodeLargest]);
  const fit = fitVerdict(profile, { peakBytes, largestBufferBytes, withoutDecoding: { peakBytes: known(peaks), largestBufferBytes: known(largest) } });

  return {
    totalMs: phaseMs.text + (phaseMs.image ?? 0) + phaseMs.denoise + phaseMs.decode,
    phaseMs,
    otherDecodeMs,
    peakBytes,
    largestBufferBytes,
    extrapolated: tokens > Math.max(...measurements.map((m) => m.ditTokens)) || area > Math.max(...measurements.map(pixels)),
    rough: !fittedPass || !decodes.fitted,
    imageUnmeasured: query.hasStartImage && imageEncode === null,
    decodeMemoryPredicted: measuredDecodePeak === undefined && predicted !== undefined,
    fit,
  };
}
