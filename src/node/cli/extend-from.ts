import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../../errors.ts';
import type { GenerationSettings } from '../../pipeline/generate/generation-settings.ts';
import { readExtendSource } from '../../video/extend-source.ts';
import type { ExtendSource } from '../../video/extend-source.ts';
import { segmentsOf } from '../../video/extended-provenance.ts';
import type { SeamStats } from '../../video/seam-meter.ts';

/** A video to continue, as `--extend-from` names it. */
export interface ExtendFrom extends ExtendSource {
  readonly path: string;
  readonly file: Blob;
}

/**
 * Reads a video made by wan-web (in the studio or here) for extending: its settings and the last
 * frame it keeps, losslessly, in its metadata. Node has no video decoder, so a video without that
 * frame is refused with what to do.
 */
export async function readExtendFrom(path: string): Promise<ExtendFrom> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(error.code === 'ENOENT' ? `The video ${path} does not exist.` : `The video ${path} cannot be read (${error.code ?? error.message}).`);
  });
  const file = new Blob([bytes]);
  const source = await readExtendSource(file, path);
  if (source.output.container !== 'mp4') throw new InvalidInputError(`${path} is a WebM video; the CLI writes MP4 only, so extend it in the studio.`);
  return { ...source, path, file };
}

/** The settings an extension takes unless an option says otherwise: the last segment's (the prompt too), at the video's size. */
export function extendDefaults(source: ExtendFrom): Omit<GenerationSettings, 'seed'> {
  const { seed: _seed, ...settings } = source.provenance.settings;
  return { ...settings, width: source.lastFrame.width, height: source.lastFrame.height };
}

/** One line on the video being extended, for the terminal. */
export function extendSummary(source: ExtendFrom): string {
  const segments = segmentsOf(source.provenance);
  const frames = segments.reduce((sum, segment) => sum + segment.frames, 0);
  return `extending ${source.path}: ${segments.length} segment${segments.length === 1 ? '' : 's'}, ${frames} frames at ${source.output.fps} fps`;
}

/** The joint's measurement in words, for the terminal. */
export function seamSummary(seam: SeamStats | null, frames: number | null): string {
  const total = frames === null ? '' : `${frames} frames in all; `;
  if (!seam) return `${total}too few new frames to measure the joint.`;
  const f = (x: number) => x.toFixed(2);
  return `${total}mean frame-to-frame change (8-bit RGB): across the joint ${f(seam.joint)}, within the new segment ${f(seam.within)}; the new segment's own first frame was ${f(seam.startGap)} off the clip's last.`;
}
