import type { DecoderChoice } from '../../bundle/tiny-vae-names.ts';
import type { PipelineEvent, PipelinePhase } from '../generate/pipeline-events.ts';
import { latentDims } from '../generate/generation-settings.ts';
import { ditTokenCount } from '../dit/dit-tokens.ts';
import type { GenerationSettings } from '../generate/generation-settings.ts';
import type { DitWork } from './dit-work.ts';
import type { DecoderMemoryLaws } from './decoder-memory.ts';

/** What one phase needed of the GPU: the most bytes live at once, and its largest single buffer. */
export interface PhaseMemory {
  readonly peakBytes: number;
  readonly largestBufferBytes: number;
}

/** The phases an estimate is made of. */
export type MeasuredPhase = 'text' | 'image' | 'dit' | 'decode';

/**
 * Costs seen in one finished generation, as the basis of estimates for other settings.
 * Times are steady-state: they exclude the first denoising step and the first two decoded
 * latent frames, which pay for creating sessions and compiling GPU programs for new shapes.
 * Null where the run was too short to tell.
 */
export interface GenerationMeasurement {
  /** The size the video was made at (a start image can change it). */
  readonly width: number;
  readonly height: number;
  readonly latentFrames: number;
  /** Tokens in one DiT pass: latent frames × (height/32) × (width/32). */
  readonly ditTokens: number;
  /** The model's DiT arithmetic, to scale a pass's time to other token counts. */
  readonly ditWork: DitWork;
  /** Encoding one prompt (the first one, so it may include loading the text encoder). */
  readonly textEncodeMs: number | null;
  readonly imageEncodeMs: number | null;
  readonly ditPassMs: number | null;
  /** Decoding one latent frame (4 video frames), from the third on. */
  readonly decodeFrameMs: number | null;
  /** The whole decode, first chunks included: all a run too short for decodeFrameMs tells (absent in measurements stored before it). */
  readonly decodeMs?: number | null;
  /** Per phase, where the GPU memory could be counted. */
  readonly memory: Partial<Record<MeasuredPhase, PhaseMemory>> | null;
  /** The decoder whose decode was timed (absent in measurements stored before the choice: the full VAE). */
  readonly decoder?: DecoderChoice;
  /** Each decoder's memory as predicted from the model's graphs, for sizes and decoders whose decode memory was never measured (absent in older measurements). */
  readonly decoderMemory?: DecoderMemoryLaws;
}

/** DiT tokens for a size: the VAE's 16× and the DiT's 2×2 patches make one token per 32×32 pixels per latent frame. */
export function ditTokens(settings: Pick<GenerationSettings, 'width' | 'height' | 'frames'>): number {
  return ditTokenCount(latentDims(settings));
}

const PHASE_OF: Partial<Record<PipelinePhase, MeasuredPhase>> = {
  'encoding-text': 'text',
  'encoding-image': 'image',
  denoising: 'dit',
  decoding: 'decode',
};

interface PhaseTimes {
  readonly phase: PipelinePhase;
  /** When each of the phase's progress events arrived (the first marks its start). */
  readonly marks: number[];
  end: number | null;
}

const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Time between a phase's progress events from the `from`-th on: one per step or chunk. */
const stepDurations = (times: PhaseTimes | undefined, from: number): number[] =>
  times ? times.marks.slice(from).map((mark, i) => mark - times.marks[from + i - 1]!) : [];

/**
 * Watches a generation's progress events as they are emitted and turns them into a
 * GenerationMeasurement. `memoryWindow` (where GPU memory can be counted) is called as each
 * phase ends and must return what was needed since its previous call.
 */
export class MeasurementRecorder {
  private readonly phases = new Map<PipelinePhase, PhaseTimes>();
  private current: PhaseTimes | null = null;
  private readonly memory: Partial<Record<MeasuredPhase, PhaseMemory>> = {};

  constructor(
    private readonly memoryWindow: (() => PhaseMemory | null) | null = null,
    private readonly now: () => number = () => performance.now(),
  ) {
    memoryWindow?.();
  }

  observe(event: PipelineEvent): void {
    // A session load happens inside the phase that needs it: it must not end that phase's timing.
    if (event.type !== 'progress' || event.phase === 'loading') return;
    const now = this.now();
    if (this.current?.phase !== event.phase) {
      this.endPhase(now);
      this.current = { phase: event.phase, marks: [], end: null };
      this.phases.set(event.phase, this.current);
    }
    this.current.marks.push(now);
  }

  /** The measurement, once the generation finished with `settings` (its actual size) and `ditPassesPerStep`. */
  finish(
    { settings, ditPassesPerStep, decoder }: { settings: Pick<GenerationSettings, 'width' | 'height' | 'frames'>; ditPassesPerStep: number; decoder: DecoderChoice },
    ditWork: DitWork,
    decoderMemory?: DecoderMemoryLaws,
  ): GenerationMeasurement {
    this.endPhase(this.now());
    const text = this.phases.get('encoding-text');
    const image = this.phases.get('encoding-image');
    const stepMs = median(stepDurations(this.phases.get('denoising'), 2));
    const decoding = this.phases.get('decoding');
    return {
      width: settings.width,
      height: settings.height,
      latentFrames: latentDims(settings)[2],
      ditTokens: ditTokens(settings),
      ditWork,
      textEncodeMs: text && text.marks.length > 1 ? text.marks[1]! - text.marks[0]! : null,
      imageEncodeMs: image?.end != null ? image.end - image.marks[0]! : null,
      ditPassMs: stepMs === null ? null : stepMs / ditPassesPerStep,
      // The first two chunks have new shapes (1 frame, then 4), which compile new GPU programs.
      decodeFrameMs: median(stepDurations(decoding, 3)),
      decodeMs: decoding?.end != null ? decoding.end - decoding.marks[0]! : null,
      memory: this.memoryWindow && Object.keys(this.memory).length > 0 ? { ...this.memory } : null,
      decoder,
      ...(decoderMemory ? { decoderMemory } : {}),
    };
  }

  private endPhase(now: number): void {
    const ending = this.current;
    if (!ending) return;
    ending.end = now;
    const window = this.memoryWindow?.() ?? null;
    const phase = PHASE_OF[ending.phase];
    if (window && phase) this.memory[phase] = window;
    this.current = null;
  }
}
