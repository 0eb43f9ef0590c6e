import type { BundleManifest } from '../../bundle/manifest.ts';
import type { DecoderChoice } from '../../bundle/tiny-vae-names.ts';
import { isTinyDecoderGraph, tinyDecoderGraphName } from '../../bundle/tiny-vae-names.ts';
import { decoderGraphName, isDecoderGraph } from '../../bundle/vae-names.ts';
import { ModelNotInstalledError } from '../../errors.ts';

/** How to give a bundle a tiny decoder. */
export const ADD_TINY_DECODER_ADVICE =
  'Add one with "wan-web convert --tiny-decoder taew2_2.safetensors --add-to <bundle folder>" (the file is in github.com/madebyollin/taehv, folder safetensors), or use the full decoder.';

/** The stage graph names of the chosen decoder; the tiny one must be in the bundle. */
export function decoderStageNames(manifest: BundleManifest, choice: DecoderChoice): (stage: number) => string {
  if (choice === 'full') return decoderGraphName;
  if (!manifest.tinyDecoder) throw new ModelNotInstalledError(`The model "${manifest.name}" has no tiny decoder. ${ADD_TINY_DECODER_ADVICE}`);
  return tinyDecoderGraphName;
}

/** A stage graph of either decoder. */
export const isAnyDecoderGraph = (graph: string) => isDecoderGraph(graph) || isTinyDecoderGraph(graph);
