import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { convertComponentFiles } from '../../convert/source-layout/convert-component-files.ts';
import type { QuantConfig } from '../../bundle/quant-config.ts';
import { ConversionCanceledError, ConvertError } from '../../errors.ts';
import { fetchOfficialTokenizer } from '../../model/official-tokenizer.ts';
import { formatBytes } from '../../format-bytes.ts';
import { dirBundleSink } from '../dir-bundle-sink.ts';
import { openTinyDecoderWeights } from '../tiny-decoder-dir.ts';
import { describePicks, nodeComponentFiles, readConfigDir } from './component-files-source.ts';
import { ProgressBar } from './progress-bar.ts';
import { openLoraOptions } from './lora-option.ts';

interface Values {
  readonly repo?: string | undefined;
  readonly revision?: string | undefined;
  readonly config?: string | undefined;
  readonly tokenizer?: string | undefined;
  readonly 'tiny-decoder'?: string | undefined;
  readonly lora?: readonly string[] | undefined;
}

/** Where the tokenizer comes from when the files carry none: a file, none, or the pinned official one. */
function tokenizerOption(option: string | undefined) {
  if (option === 'none') return async () => null;
  if (option !== undefined) return async () => ({ bytes: new Uint8Array(await readFile(resolve(option))), from: option });
  return () => fetchOfficialTokenizer(globalThis.fetch);
}

/** `wan-web convert` over single component files (ComfyUI's, Wan's original layout). */
export async function convertComponentFilesCommand(sources: readonly string[], outDir: string, { quant, values }: { quant: QuantConfig; values: Values }): Promise<number> {
  const { files, paths } = await nodeComponentFiles(sources);
  const configs = values.config === undefined ? undefined : await readConfigDir(resolve(values.config));
  const tiny = values['tiny-decoder'] === undefined ? null : await openTinyDecoderWeights(resolve(values['tiny-decoder']));
  const lora = await openLoraOptions(values.lora).catch(async (error: unknown) => {
    await Promise.all([files.close(), tiny?.close()]);
    throw error;
  });
  const sink = await dirBundleSink(resolve(outDir));
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const bar = new ProgressBar(`converting (${quant.weights} weights, ${quant.activations} activations)`);
  try {
    const result = await convertComponentFiles(files, paths, sink, {
      quant,
      source: { repo: values.repo ?? sources.map((s) => basename(s)).join(' + '), revision: values.revision ?? 'local' },
      signal: controller.signal,
      ...(configs ? { configs } : {}),
      officialTokenizer: tokenizerOption(values.tokenizer),
      onPicks: (picks) => process.stderr.write(`Taken:\n${describePicks(picks)}\n`),
      onProgress: (p) => bar.update(p.sourceBytesRead, p.sourceBytesTotal, p.phase),
      ...(tiny ? { tinyDecoder: { weights: tiny.weights, source: { repo: values['tiny-decoder']!, revision: 'local' } } } : {}),
      ...lora.options,
    });
    const total = result.manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    process.stderr.write(`  tokenizer: ${result.tokenizerFrom ?? 'none (--tokenizer none)'}\n`);
    bar.done(`wrote ${outDir}: ${result.manifest.files.length} files, ${formatBytes(total)}`);
    return 0;
  } catch (error) {
    if (error instanceof ConvertError || !(error instanceof ConversionCanceledError)) throw error;
    process.stderr.write(existsSync(`${resolve(outDir)}.partial`) ? `\nStopped. What was converted is kept in ${outDir}.partial: run the same command again to continue.\n` : '\nStopped.\n');
    return 130;
  } finally {
    process.off('SIGINT', onSignal);
    await files.close();
    await tiny?.close();
    await lora.close();
  }
}
