import type { DecoderChoice } from '../bundle/tiny-vae-names.ts';
import type { ModelLocation } from '../model/model-location.ts';
import type { InstalledModel } from '../model/model-store.ts';

/** What is known of a URL bundle's tiny decoder: read from its manifest, or not yet. */
export type UrlTinyDecoder = 'yes' | 'no' | 'reading' | 'unreadable';

/** Whether the chosen model can decode with the tiny decoder, and if not, why, in words for the user. */
export interface DecoderAvailability {
  readonly tiny: boolean;
  readonly reason: string | null;
}

/** The tiny decoder's availability for the model at `location`. */
export function decoderAvailability(
  location: ModelLocation | null,
  installed: readonly InstalledModel[],
  urls: Readonly<Record<string, UrlTinyDecoder>>,
): DecoderAvailability {
  const no = (reason: string): DecoderAvailability => ({ tiny: false, reason });
  if (!location) return no('Choose a model first: the fast decoder comes with a model.');
  if (location.kind === 'installed') {
    const model = installed.find((m) => m.id === location.id);
    if (!model) return no('Choose a model first: the fast decoder comes with a model.');
    if (model.hasTinyDecoder) return { tiny: true, reason: null };
    return no(`${model.name} has no fast decoder yet: add it in the Models panel (a small download; the model stays installed).`);
  }
  switch (urls[location.url] ?? 'reading') {
    case 'yes':
      return { tiny: true, reason: null };
    case 'reading':
      return no("Reading the bundle's manifest to see whether it has a fast decoder…");
    case 'unreadable':
      return no("The bundle's manifest could not be read, so only the full VAE is offered.");
    case 'no':
      return no('This bundle has no fast decoder. Install it, then add the fast decoder in the Models panel; or its host can add one with wan-web convert --tiny-decoder.');
  }
}

/** The decoder a job uses: the tiny one only where the model has it. */
export function effectiveDecoder(chosen: DecoderChoice, availability: DecoderAvailability): DecoderChoice {
  return chosen === 'tiny' && availability.tiny ? 'tiny' : 'full';
}
