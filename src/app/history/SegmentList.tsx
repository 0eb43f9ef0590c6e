import type { VideoSegment } from '../../video/video-segments.ts';

/** The segments of an extended video, oldest first: what each was made with, and how its joint measured. */
export function SegmentList({ segments }: { segments: readonly VideoSegment[] }) {
  return (
    <details className="hint">
      <summary>{segments.length} segments, joined</summary>
      <ol data-testid="history-segments">
        {segments.map((segment, index) => (
          <li key={`${segment.createdAt}-${index}`} data-testid="history-segment" data-frames={segment.frames} data-seed={segment.settings.seed}>
            “{segment.settings.prompt || '(no prompt)'}” · {segment.frames} frames · {segment.settings.sampler} {segment.settings.steps} steps · seed {segment.settings.seed}
            {segment.seam && (
              <span data-testid="history-seam" data-joint={segment.seam.joint} data-within={segment.seam.within}>
                {' '}
                · change across the joint {segment.seam.joint.toFixed(1)}, within {segment.seam.within.toFixed(1)}
              </span>
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}
