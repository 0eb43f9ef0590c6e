import type { DecoderChoice } from '../bundle/tiny-vae-names.ts';

/** How a video's decoder is named where its details are listed (absent: made before the choice, by the full VAE). */
export function decoderName(decoder: DecoderChoice | undefined): string {
  return decoder === 'tiny' ? 'fast decoder (tiny)' : 'full VAE decoder';
}
