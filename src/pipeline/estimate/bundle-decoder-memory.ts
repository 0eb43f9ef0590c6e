import type { DecoderChoice } from '../../bundle/tiny-vae-names.ts';
import { tinyDecoderGraphName } from '../../bundle/tiny-vae-names.ts';
import { decoderGraphName } from '../../bundle/vae-names.ts';
import { decodeModel } from '../../onnx/onnx-proto.ts';
import type { BundleAccess } from '../bundle-access.ts';
import { stageGraphNames } from '../vae/stage-graphs.ts';
import { decoderMemoryLaw } from './decoder-memory.ts';
import type { DecoderMemoryLaws } from './decoder-memory.ts';

/** The bytes of a graph's external weights (what a session uploads to the GPU), from its initializers' external-data entries. */
export function externalWeightBytes(model: Uint8Array): number {
  let total = 0;
  for (const tensor of decodeModel(model).graph.initializer) {
    if (tensor.dataLocation !== 1) continue;
    total += Number(tensor.externalData?.find((entry) => entry.key === 'length')?.value ?? 0);
  }
  return total;
}

const STAGE_NAMES: Record<DecoderChoice, (stage: number) => string> = { full: decoderGraphName, tiny: tinyDecoderGraphName };

/**
 * The memory law of each decoder a bundle has, from its manifest's contracts and its stage
 * graphs' weight entries (the graph files are small; no weight is read).
 */
export async function bundleDecoderMemoryLaws(bundle: Pick<BundleAccess, 'manifest' | 'readRange'>): Promise<DecoderMemoryLaws> {
  const { graphs, files } = bundle.manifest;
  const laws: { -readonly [K in DecoderChoice]?: DecoderMemoryLaws[K] } = {};
  for (const decoder of ['full', 'tiny'] as const) {
    const names = stageGraphNames(graphs, STAGE_NAMES[decoder]);
    if (names.length === 0) continue;
    const stages = [];
    for (const name of names) {
      const { file, contract } = graphs[name]!;
      const size = files.find((f) => f.path === file)?.bytes ?? 0;
      stages.push({ contract, weightBytes: externalWeightBytes(await bundle.readRange(file, 0, size)) });
    }
    laws[decoder] = decoderMemoryLaw(stages);
  }
  return laws;
}
