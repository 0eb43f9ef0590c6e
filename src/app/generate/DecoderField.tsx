import type { DecoderChoice } from '../../bundle/tiny-vae-names.ts';
import { DECODER_CHOICES } from '../../bundle/tiny-vae-names.ts';
import { effectiveDecoder } from '../../state/decoder-availability.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import { useDecoderAvailability } from '../../state/use-decoder-availability.ts';

const LABELS: Record<DecoderChoice, string> = {
  full: 'Full VAE (best quality)',
  tiny: 'Fast (tiny decoder)',
};

const MEANINGS: Record<DecoderChoice, string> = {
  full: "Wan's own VAE makes the frames: the most detail, the longest wait and the most GPU memory at the end.",
  tiny: 'The tiny decoder (taew2_2) makes the frames in a fraction of the time and memory, a little softer than the full VAE.',
};

/** Which decoder turns the latents into the video; the fast one only where the model has it. */
export function DecoderField() {
  const chosen = useSettingsStore((s) => s.decoder);
  const update = useSettingsStore((s) => s.update);
  const availability = useDecoderAvailability();
  const shown = effectiveDecoder(chosen, availability);
  return (
    <div className="field">
      <label htmlFor="decoder">Decoder</label>
      <select
        id="decoder"
        data-testid="decoder"
        value={shown}
        disabled={!availability.tiny}
        aria-describedby="decoder-hint"
        onChange={(event) => update({ decoder: event.target.value as DecoderChoice })}
      >
        {DECODER_CHOICES.map((option) => (
          <option key={option} value={option}>
            {LABELS[option]}
          </option>
        ))}
      </select>
      <span className="hint" id="decoder-hint" data-testid="decoder-hint">
        {availability.reason ?? MEANINGS[shown]}
      </span>
    </div>
  );
}
