import type { BundleManifest } from '../../bundle/manifest.ts';
import type { OrtSession } from '../ort-types.ts';
import type { VaeStageSession } from './vae-stage-runner.ts';

/** The stage graphs of one VAE half present in a bundle, in order (`vae-decoder-0`, `-1`, …). */
export function stageGraphNames(graphs: Readonly<Record<string, unknown>>, name: (stage: number) => string): string[] {
  const names: string[] = [];
  for (let i = 0; graphs[name(i)]; i++) names.push(name(i));
  return names;
}

/** Sessions of every stage graph of one VAE half in the manifest, in order, each from `session`. */
export async function stageSessions(
  graphs: BundleManifest['graphs'],
  name: (stage: number) => string,
  session: (graph: string) => Promise<OrtSession>,
): Promise<VaeStageSession[]> {
  const stages: VaeStageSession[] = [];
  for (const graph of stageGraphNames(graphs, name)) stages.push({ session: await session(graph), contract: graphs[graph]!.contract });
  return stages;
}
