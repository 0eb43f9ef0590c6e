import { InvalidInputError } from '../errors.ts';
import type { DecoderChoice } from '../bundle/tiny-vae-names.ts';
import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import { parseGenerationSettings } from '../pipeline/generate/generation-settings-parse.ts';
import type { SeamStats } from './seam-meter.ts';

/** One generation that made part of a video; a video made by extending another lists every one, oldest first. */
export interface VideoSegment {
  readonly settings: GenerationSettings;
  readonly model: string;
  readonly createdAt: string;
  readonly hasStartImage: boolean;
  readonly decoder?: DecoderChoice;
  /** The frames this segment adds to the file: all of the first one's, one fewer for each later one (its first frame is the previous segment's last). */
  readonly frames: number;
  /** How smooth its joint with the previous segment is; absent for the first segment. */
  readonly seam?: SeamStats;
}

/** At most this many segments: more is damage or abuse (each extension adds one). */
export const MAX_SEGMENTS = 1000;

/** The segments listed in a video's metadata, checked field by field; throws InvalidInputError in words. */
export function parseSegments(value: unknown): VideoSegment[] {
  if (!Array.isArray(value) || value.length < 2 || value.length > MAX_SEGMENTS) throw new InvalidInputError(`its list of segments must hold 2 to ${MAX_SEGMENTS} of them.`);
  return value.map((item: unknown, index) => {
    const fields = (typeof item === 'object' && item !== null ? item : {}) as Partial<Record<keyof VideoSegment, unknown>>;
    const { model, createdAt, hasStartImage, decoder, frames, seam } = fields;
    const where = `segment ${index + 1}`;
    if (typeof model !== 'string' || typeof createdAt !== 'string' || typeof hasStartImage !== 'boolean') throw new InvalidInputError(`${where}'s details are incomplete.`);
    if (decoder !== undefined && decoder !== 'full' && decoder !== 'tiny') throw new InvalidInputError(`${where}'s decoder is neither the full VAE nor the tiny one.`);
    if (typeof frames !== 'number' || !Number.isInteger(frames) || frames < 1) throw new InvalidInputError(`${where}'s frame count is not a whole number of at least 1.`);
    return {
      settings: parseGenerationSettings(fields.settings),
      model,
      createdAt,
      hasStartImage,
      ...(decoder ? { decoder } : {}),
      frames,
      ...(seam !== undefined ? { seam: parseSeam(seam, where) } : {}),
    };
  });
}

function parseSeam(value: unknown, where: string): SeamStats {
  const { joint, within, startGap } = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof SeamStats, unknown>>;
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (!ok(joint) || !ok(within) || !ok(startGap)) throw new InvalidInputError(`${where}'s seam measurement is damaged.`);
  return { joint, within, startGap };
}
