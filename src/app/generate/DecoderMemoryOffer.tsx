import type { DecoderAvailability } from '../../state/decoder-availability.ts';
import { useSettingsStore } from '../../state/settings-store.ts';

/**
 * When the full VAE decoder is what will not fit this GPU at the chosen size: say so, and
 * offer the tiny decoder (a tenth of the memory or less), or say how to get it.
 */
export function DecoderMemoryOffer({ availability }: { availability: DecoderAvailability }) {
  const update = useSettingsStore((s) => s.update);
  return (
    <p className="note-warn" data-testid="decoder-memory-offer">
      The full VAE decoder is what will not fit this GPU at this size; the rest of the generation would.{' '}
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
