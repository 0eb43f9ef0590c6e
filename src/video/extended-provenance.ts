import type { SeamStats } from './seam-meter.ts';
import type { VideoProvenance } from './video-metadata.ts';
import type { VideoSegment } from './video-segments.ts';

/** A video's segments, oldest first: the list it carries, or itself as the only one (a video made in one go has its settings' frames). */
export function segmentsOf(provenance: VideoProvenance): readonly VideoSegment[] {
  if (provenance.segments) return provenance.segments;
  const { settings, model, createdAt, hasStartImage, decoder } = provenance;
  return [{ settings, model, createdAt, hasStartImage, ...(decoder ? { decoder } : {}), frames: settings.frames }];
}

/**
 * The provenance of `previous` continued by a new segment made as `next`, which adds
 * `nextFrames` frames: the new segment's settings lead (re-using them extends with the same
 * settings again), and every segment is listed.
 */
export function extendedProvenance(previous: VideoProvenance, next: VideoProvenance, nextFrames: number, seam: SeamStats | null): VideoProvenance {
  const { settings, model, createdAt, decoder } = next;
  const segment: VideoSegment = { settings, model, createdAt, hasStartImage: true, ...(decoder ? { decoder } : {}), frames: nextFrames, ...(seam ? { seam } : {}) };
  return { ...next, hasStartImage: true, segments: [...segmentsOf(previous), segment] };
}

/** Frames in a video made of these segments. */
export const totalFrames = (segments: readonly VideoSegment[]) => segments.reduce((sum, segment) => sum + segment.frames, 0);
