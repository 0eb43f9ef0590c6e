import type { ConvertProgress } from '../bundle/convert-progress.ts';
import { convertComponentFiles } from '../convert/source-layout/convert-component-files.ts';
import type { ConvertOptions } from '../convert/convert-checkpoint.ts';
import type { ComponentPick } from '../convert/source-layout/open-component-files.ts';
import type { ComponentKind } from '../convert/source-layout/component-signatures.ts';
import type { CheckpointFiles } from '../safetensors/index.ts';
import type { BundleSink } from '../bundle/bundle-sink.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import { fetchOfficialTokenizer } from '../model/official-tokenizer.ts';

/** "diffusion model wan2.2_ti2v_5B_fp16.safetensors (F16), text encoder …": what was taken for each component. */
export function picksSummary(picks: Readonly<Record<ComponentKind, ComponentPick>>): string {
  const labels: [ComponentKind, string][] = [['transformer', 'diffusion model'], ['textEncoder', 'text encoder'], ['vae', 'VAE']];
  return labels.map(([kind, label]) => `${label} ${picks[kind].path} (${picks[kind].dtype})`).join(', ');
}

/**
 * Converts picked single component files (a ComfyUI models folder, its three files, Wan's original
 * layout). Which file was taken for each component is reported as the first progress phase and
 * recorded in the manifest's source; the tokenizer, when the files have none, comes from the
 * pinned official repository.
 */
export function componentFilesConverter(paths: readonly string[], signal: AbortSignal, onProgress: (progress: ConvertProgress) => void) {
  return async (files: CheckpointFiles, sink: BundleSink, options: ConvertOptions): Promise<BundleManifest> => {
    const result = await convertComponentFiles(files, paths, sink, {
      ...options,
      officialTokenizer: () => fetchOfficialTokenizer(fetch.bind(globalThis), signal),
      onPicks: (picks) => onProgress({ phase: `Taken: ${picksSummary(picks)}`, sourceBytesRead: 0, sourceBytesTotal: 0 }),
      sourceFor: (picks) => ({ ...options.source, repo: `${options.source.repo}: ${picksSummary(picks)}` }),
    });
    return result.manifest;
  };
}
