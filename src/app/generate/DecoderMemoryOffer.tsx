import { formatBytes } from '../../format-bytes.ts';
import type { DecoderFit } from '../../pipeline/estimate/decoder-memory.ts';
import type { DecoderAvailability } from '../../state/decoder-availability.ts';
import { useSettingsStore } from '../../state/settings-store.ts';

/** Why the full VAE will not fit, as predicted from its graphs before anything was measured here. */
function predictedReason(fit: Exclude<DecoderFit, { kind: 'fits' }>): string {
  return fit.kind === 'buffer-too-large'
    ? `At this size the full VAE decoder needs one buffer of ${formatBytes(fit.needBytes)}, over this GPU's ${formatBytes(fit.limitBytes)} limit (predicted from its graphs).`
    : `At this size the full VAE decoder needs about ${formatBytes(fit.needBytes)} of GPU memory (predicted from its graphs), and a generation needing ${formatBytes(fit.failedAtBytes)} ran out of it here.`;
}

/**
 * When the full VAE decoder is what will not fit this GPU at the chosen size (measured, or
 * `predicted` from its graphs before any measurement): say so, and offer the tiny decoder (a tenth of the memory or less), or say how to get it.
 */
export function DecoderMemoryOffer({ availability, predicted }: { availability: DecoderAvailability; predicted?: Exclude<DecoderFit, { kind: 'fits' }> }) {
  const update = useSettingsStore((s) => s.update);
  return (
    <p className="note-warn" data-testid="decoder-memory-offer">
      {predicted ? predictedReason(predicted) : 'The full VAE decoder is what will not fit this GPU at this size; the rest of the generation would.'}{' '}
      {availability.tiny ? (
        <>
          The fast decoder needs a small part of its memory.{' '}
          <button type="button" className="small" data-testid="use-tiny-decoder" onClick={() => update({ decoder: 'tiny' })}>
            Decode with the fast decoder
          </button>
        </>
      ) : (
        'The fast decoder needs a small part of its memory: add it to this model in the Models panel, then choose it under Decoder.'
      )}
    </p>
  );
}
