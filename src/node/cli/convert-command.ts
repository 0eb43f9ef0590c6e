import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { convertCheckpoint } from '../../convert/convert-checkpoint.ts';
import { ConversionCanceledError, ConvertError } from '../../errors.ts';
import { DEFAULT_WEIGHT_PRESET, resolveQuantConfig } from '../../bundle/quant-config.ts';
import { WEIGHT_PRESETS } from '../../bundle/weight-presets.ts';
import { TENSOR_FAMILIES } from '../../bundle/tensor-families.ts';
import { describeWeights } from '../../bundle/precision-summary.ts';
import { InvalidInputError } from '../../errors.ts';
import { httpCheckpointFiles } from '../../safetensors/index.ts';
import type { CheckpointFiles } from '../../safetensors/index.ts';
import { dirBundleSink } from '../dir-bundle-sink.ts';
import { addTinyDecoderToDir, openTinyDecoderWeights } from '../tiny-decoder-dir.ts';
import { TINY_DECODER_FILE_PREFIX } from '../../bundle/tiny-vae-names.ts';
import { fileByteSource, nodeCheckpointFiles } from '../file-source.ts';
import { ggufCheckpoint, openGguf } from '../../gguf/index.ts';
import { ditDiffusersNameUnprefixed } from '../../convert/source-layout/wan-original-names.ts';
import { ggufComponentCheckpoint } from '../../convert/source-layout/gguf-component.ts';
import { formatBytes } from '../../format-bytes.ts';
import { integerOption } from './cli-options.ts';
import { ProgressBar } from './progress-bar.ts';
import { isDiffusersFolder } from './component-files-source.ts';
import { convertComponentFilesCommand } from './convert-component-files-command.ts';
import { openLoraOptions } from './lora-option.ts';

const USAGE = `wan-web convert <source>... <out-dir> [options]
wan-web convert --tiny-decoder <taew2_2.safetensors> --add-to <bundle-dir>

<source> is Wan2.2 TI2V-5B as
  - a diffusers checkpoint (transformer/, vae/, text_encoder/, tokenizer/): a local folder, or an
    http(s) base URL served with range requests (e.g.
    https://huggingface.co/Wan-AI/Wan2.2-TI2V-5B-Diffusers/resolve/<revision>);
  - ComfyUI's files: its models folder, or the three files (wan2.2_ti2v_5B_fp16.safetensors,
    umt5_xxl_fp16.safetensors or umt5_xxl_fp8_e4m3fn_scaled.safetensors, wan2.2_vae.safetensors);
  - Wan's original repository folder (its safetensors shards; its .pth files are never opened,
    so add ComfyUI's VAE and text encoder files).
Components are recognised by their tensors; which file was taken for each is printed.

Options:
  --weights <preset>              linear-layer weight storage (default ${DEFAULT_WEIGHT_PRESET}; MatMulNBits block 32):
${Object.entries(WEIGHT_PRESETS).map(([name, preset]) => `                                    ${name.padEnd(9)} ${preset.description}`).join('\n')}
  --family <family>=<format>,…    override single tensor families (int4|int8|fp16|fp32), e.g. head=int8;
                                  families: ${TENSOR_FAMILIES.join(', ')}
  --activations fp16|fp32         DiT activation type (default fp16; the text encoder is always fp32)
  --accuracy-level 0..4           MatMulNBits accuracy_level written into every node (default 0)
  --vae-weights float|int8        VAE convolution weights: in the activation type (default), or int8
                                  per output channel, dequantised at run time (a quarter of fp32's
                                  memory; for onnxruntime-node on the CPU)
  --vae-cache float|int8          VAE causal-conv caches between frames: in the activation type
                                  (default), or int8 with one scale per position (lossy, for
                                  onnxruntime-node on the CPU with little memory; not for the browser)
  --text-embedding source|int8    the 256k-row token embedding table: copied as in the source
                                  (default), or int8 rows with a float32 scale each (half of BF16)
  --transformer <file.gguf>       the transformer's weights from a GGUF file (ComfyUI-GGUF, Wan's key
                                  names); <source> gives the text encoder, the VAE and the configs.
                                  Q8_0 and Q4_0 blocks are stored as they are (8-/4-bit MatMulNBits);
                                  other types are dequantized and stored as --weights says
  --text-encoder <file.gguf>      the UMT5 text encoder's weights from a GGUF file (e.g.
                                  umt5-xxl-encoder-Q8_0.gguf; llama.cpp's T5 names), blocks as for
                                  --transformer; its token embedding table is stored as float16
                                  (quantized rows dequantized) or as --text-embedding int8 says
  --lora <file.safetensors>[:<strength>]
                                  merge a LoRA for the Wan2.2 TI2V-5B transformer into the weights
                                  before quantisation (strength 1 if not given; repeat for several).
                                  diffusers/PEFT (lora_A/lora_B) and Kohya/ComfyUI (lora_down/lora_up,
                                  alpha, lora_unet_… or diffusion_model.… keys, .diff/.diff_b) files;
                                  a key that maps to no transformer tensor is refused
  --repo NAME --revision REV      recorded in the manifest as the source
  --config <dir>                  for single files whose shapes match no known model: a folder with
                                  transformer/, vae/, text_encoder/ config.json (diffusers configs)
  --tokenizer <file>|none         tokenizer.json for single files without one (default: the pinned
                                  official one from Wan-AI/Wan2.2-TI2V-5B-Diffusers, 16 MB)
  --tiny-decoder <file>           also build the tiny VAE decoder (faster decoding and previews, a
                                  little less detail) from taew2_2.safetensors, downloaded from
                                  https://github.com/madebyollin/taehv/tree/main/safetensors
  --add-to <bundle-dir>           with --tiny-decoder and no <source>: add the tiny decoder to a
                                  finished bundle (its other files are kept as they are)

An interrupted conversion (Ctrl+C, a lost connection) keeps its work in <out-dir>.partial;
the same command continues it from the last tensors saved.`;

export async function convertCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      weights: { type: 'string' },
      family: { type: 'string' },
      activations: { type: 'string' },
      'accuracy-level': { type: 'string' },
      'vae-weights': { type: 'string' },
      'vae-cache': { type: 'string' },
      'text-embedding': { type: 'string' },
      repo: { type: 'string' },
      revision: { type: 'string' },
      config: { type: 'string' },
      tokenizer: { type: 'string' },
      'tiny-decoder': { type: 'string' },
      transformer: { type: 'string' },
      'text-encoder': { type: 'string' },
      lora: { type: 'string', multiple: true },
      'add-to': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const outDir = positionals.length >= 2 ? positionals.at(-1) : undefined;
  const sources = positionals.slice(0, -1);
  const source = sources[0];
  const tinyDecoder = values['tiny-decoder'];
  if (values['add-to'] !== undefined && tinyDecoder !== undefined && !source) return addTinyDecoder(tinyDecoder, values['add-to']);
  if (values.help || !source || !outDir || values['add-to'] !== undefined) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  const quant = resolveQuantConfig({
    ...(values.weights !== undefined ? { weights: values.weights } : {}),
    ...(values.family !== undefined ? { families: familyOverrides(values.family) } : {}),
    ...(values.activations !== undefined ? { activations: values.activations } : {}),
    ...(values['accuracy-level'] !== undefined ? { accuracyLevel: integerOption('accuracy-level', values['accuracy-level'], 0) } : {}),
    ...(values['vae-weights'] !== undefined ? { vaeWeights: values['vae-weights'] } : {}),
    ...(values['vae-cache'] !== undefined ? { vaeCache: values['vae-cache'] } : {}),
    ...(values['text-embedding'] !== undefined ? { textEmbedding: values['text-embedding'] } : {}),
  });
  const isUrl = /^https?:\/\//.test(source);
  if (!isUrl && (sources.length > 1 || !isDiffusersFolder(source))) {
    const given = (['transformer', 'text-encoder'] as const).find((option) => values[option] !== undefined);
    if (given) throw new InvalidInputError(`--${given} goes with a diffusers folder; with single component files, give ${values[given]} among the files.`);
    return convertComponentFilesCommand(sources, outDir, { quant, values });
  }
  const local = isUrl ? null : nodeCheckpointFiles(resolve(source));
  const files: CheckpointFiles = local ?? httpCheckpointFiles(source, { fetch: globalThis.fetch });
  const gguf = await openGgufWeights(values.transformer, values['text-encoder']);
  const tiny = tinyDecoder === undefined ? null : await openTinyDecoderWeights(resolve(tinyDecoder));
  const lora = await openLoraOptions(values.lora).catch(async (error: unknown) => {
    await tiny?.close();
    throw error;
  });
  const sink = await dirBundleSink(resolve(outDir)).catch(async (error: unknown) => {
    await Promise.all([tiny?.close(), lora.close()]);
    throw error;
  });
  if (await sink.resumable?.readJournal()) process.stderr.write(`Resuming the conversion staged in ${outDir}.partial\n`);

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const bar = new ProgressBar(`converting (${describeWeights(quant)} weights, ${quant.activations} activations)`);
  try {
    const manifest = await convertCheckpoint(files, sink, {
      quant,
      source: { repo: values.repo ?? source, revision: values.revision ?? 'local' },
      signal: controller.signal,
      onProgress: (p) => bar.update(p.sourceBytesRead, p.sourceBytesTotal, p.phase),
      ...gguf.weights,
      ...lora.options,
      ...(tiny ? { tinyDecoder: { weights: tiny.weights, source: { repo: tinyDecoder!, revision: 'local' } } } : {}),
    });
    const total = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    bar.done(`wrote ${outDir}: ${manifest.files.length} files, ${formatBytes(total)}`);
    return 0;
  } catch (error) {
    if (error instanceof ConvertError) throw error;
    // A source that failed before anything was staged leaves no folder to continue from.
    const staged = existsSync(`${resolve(outDir)}.partial`);
    const kept = `What was converted is kept in ${outDir}.partial: run the same command again to continue.`;
    if (!(error instanceof ConversionCanceledError)) {
      if (error instanceof Error && staged) error.message += `\n${kept}`;
      throw error;
    }
    process.stderr.write(staged ? `\nStopped. ${kept}\n` : '\nStopped.\n');
    return 130;
  } finally {
    process.off('SIGINT', onSignal);
    await local?.close();
    await gguf.close();
    await tiny?.close();
    await lora.close();
  }
}

/** The transformer's and the text encoder's weights from GGUF files (--transformer, --text-encoder), when given. */
async function openGgufWeights(transformer: string | undefined, textEncoder: string | undefined) {
  const [ditSource, textSource] = [transformer, textEncoder].map((path) => (path === undefined ? null : fileByteSource(resolve(path))));
  const close = async () => {
    await ditSource?.close();
    await textSource?.close();
  };
  try {
    const dit = ditSource ? await openGguf(ditSource) : null;
    const text = textSource ? await openGguf(textSource) : null;
    const weights = {
      ...(dit ? { transformerWeights: ggufCheckpoint(dit, 'transformer', ditDiffusersNameUnprefixed) } : {}),
      ...(text ? { textEncoderWeights: ggufComponentCheckpoint(text, 'textEncoder') } : {}),
    };
    return { weights, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Builds the tiny decoder from a taew2_2.safetensors file into the bundle folder `bundleDir`. */
async function addTinyDecoder(file: string, bundleDir: string): Promise<number> {
  const opened = await openTinyDecoderWeights(resolve(file));
  try {
    const manifest = await addTinyDecoderToDir(resolve(bundleDir), opened.weights, { repo: file, revision: 'local' });
    const added = manifest.files.filter((f) => f.path.startsWith(TINY_DECODER_FILE_PREFIX));
    process.stderr.write(`added the tiny decoder to ${bundleDir}: ${added.length} files, ${formatBytes(added.reduce((sum, f) => sum + f.bytes, 0))}\n`);
    return 0;
  } finally {
    await opened.close();
  }
}

/** `head=int8,ffn-down=int8` → { head: 'int8', 'ffn-down': 'int8' } (names and formats are checked by resolveQuantConfig). */
function familyOverrides(option: string): Record<string, string> {
  const entries = option.split(',').map((pair) => pair.trim().split('='));
  if (entries.some((pair) => pair.length !== 2 || !pair[0] || !pair[1])) {
    throw new InvalidInputError(`--family takes <family>=<format> pairs separated by commas, e.g. head=int8,time-proj=int8; got "${option}".`);
  }
  return Object.fromEntries(entries);
}
