import type { AbortSignalLike, CheckpointFiles, SafetensorsDtype } from '../../safetensors/index.ts';
import { ConvertError } from '../../errors.ts';
import type { JsonObject } from '../random-checkpoint/index.ts';
import type { SourceModel } from '../convert-checkpoint.ts';
import { parseDitConfig } from '../../bundle/dit-config.ts';
import { parseUmt5Config } from '../../bundle/umt5-config.ts';
import { parseVaeConfig } from '../wan-vae/index.ts';
import { folderContents } from './component-files.ts';
import type { CandidateFile } from './component-files.ts';
import { COMPONENT_LABELS, findComponents } from './component-signatures.ts';
import type { ComponentKind, FoundComponent } from './component-signatures.ts';
import { renamedCheckpoint } from './renamed-checkpoint.ts';
import type { RenamedCheckpoint } from './renamed-checkpoint.ts';
import { componentConfig, isKnownComponent } from './known-models.ts';
import { ggufCheckpoint } from '../../gguf/index.ts';
import type { GgmlType, GgufCheckpoint } from '../../gguf/index.ts';

/** Which file each component was taken from, and how it was read, to tell the user. */
export interface ComponentPick {
  readonly path: string;
  readonly naming: string;
  /** The dtype of most of its bytes, e.g. F16, and how many weights are scaled float8 (ComfyUI's fp8 files). */
  readonly dtype: string;
  readonly model: string;
}

/** A model opened from single component files, with what was taken for each component. */
export interface ComponentFilesModel {
  readonly source: SourceModel;
  readonly picks: Readonly<Record<ComponentKind, ComponentPick>>;
  /** The path of a tokenizer.json among the files, or null (then take the pinned official one). */
  readonly tokenizer: string | null;
}

export interface ComponentFilesOptions {
  /** Configs for components whose shapes match no known model (diffusers config.json contents). */
  readonly configs?: Partial<Record<ComponentKind, JsonObject>>;
  readonly signal?: AbortSignalLike;
}

const KINDS: readonly ComponentKind[] = ['transformer', 'vae', 'textEncoder'];
/** Which copy to take when a folder has several of a component: the most precise weights (GGUF's Q8_0 as float8, its 4-6-bit types below). */
const PRECISION_RANK: Partial<Record<SafetensorsDtype | GgmlType, number>> = { F32: 4, F16: 3, BF16: 3, F8_E5M2: 1, F8_E4M3: 1, Q8_0: 1, Q6_K: 0.5, Q5_K: 0.5, Q5_0: 0.5, Q5_1: 0.5, Q4_K: 0.5, Q4_0: 0.5, Q4_1: 0.5 };

/**
 * Opens a Wan2.2 TI2V model from the files people already have: ComfyUI's single files
 * (a diffusion model in Wan's original names, perhaps behind `model.diffusion_model.`; a UMT5-XXL
 * text encoder, fp16 or scaled fp8; `wan2.2_vae.safetensors`), Wan's original repository layout
 * (its sharded safetensors), or any mix with diffusers-named files. Components are recognised by
 * their tensors, never by file names, and configured as the known model their shapes match.
 */
export async function openComponentFiles(files: CheckpointFiles, paths: readonly string[], options: ComponentFilesOptions = {}): Promise<ComponentFilesModel> {
  const contents = await folderContents(files, paths, options.signal);
  // A GGUF file is taken for the diffusion model and the text encoder (ComfyUI-GGUF has no VAE GGUFs).
  const found = contents.candidates.flatMap((candidate) =>
    findComponents(candidate.gguf ? [candidate.gguf] : candidate.files)
      .filter((component) => !candidate.gguf || component.kind !== 'vae')
      .map((component) => ({ candidate, component })),
  );
  const picked = {} as Record<ComponentKind, { candidate: CandidateFile; checkpoint: RenamedCheckpoint; pick: ComponentPick; config: JsonObject }>;
  for (const kind of KINDS) {
    const options_ = found.filter((f) => f.component.kind === kind).map((f) => open(kind, f.candidate, f.component));
    if (options_.length === 0) throw missing(kind, contents.pickles);
    const usable = options.configs?.[kind] ? options_ : options_.filter((o) => isKnownComponent(kind, o.checkpoint));
    const [best, ...rest] = (usable.length > 0 ? usable : options_).sort((a, b) => rank(b.checkpoint) - rank(a.checkpoint));
    if (kind === 'transformer' && rest.some((other) => rank(other.checkpoint) === rank(best!.checkpoint))) {
      const all = [best!, ...rest].map((o) => o.candidate.path).join(', ');
      throw new ConvertError(`Several diffusion models fit (${all}): choose the three files of the model to install instead of the whole folder.`, best!.candidate.path);
    }
    const { config, model } = componentConfig(kind, best!.checkpoint, best!.candidate.path, options.configs?.[kind]);
    picked[kind] = { ...best!, config, pick: { ...best!.pick, model } };
  }
  const configs = { transformer: picked.transformer.config, vae: picked.vae.config, text_encoder: picked.textEncoder.config } as SourceModel['configs'];
  parseDitConfig(configs.transformer);
  parseVaeConfig(configs.vae);
  parseUmt5Config(configs.text_encoder);
  const scales = { transformer: picked.transformer.checkpoint.weightScales, vae: picked.vae.checkpoint.weightScales, textEncoder: picked.textEncoder.checkpoint.weightScales };
  return {
    source: { transformer: picked.transformer.checkpoint, vae: picked.vae.checkpoint, textEncoder: picked.textEncoder.checkpoint, configs, weightScales: scales },
    picks: { transformer: picked.transformer.pick, vae: picked.vae.pick, textEncoder: picked.textEncoder.pick },
    tokenizer: contents.tokenizer,
  };
}

function open(kind: ComponentKind, candidate: CandidateFile, component: FoundComponent) {
  const name = kind === 'textEncoder' ? 'text_encoder' : kind;
  if (candidate.gguf) {
    const rename = (original: string) => (original.startsWith(component.prefix) ? component.rename(original.slice(component.prefix.length)) : original);
    const checkpoint: RenamedCheckpoint & GgufCheckpoint = { ...ggufCheckpoint(candidate.gguf, name, rename), weightScales: new Map() };
    return { candidate, checkpoint, pick: { path: candidate.path, naming: `${component.naming}, GGUF`, dtype: mainType(checkpoint), model: '' } };
  }
  const checkpoint = renamedCheckpoint(name, candidate.files, component.prefix, component.rename);
  const scaled = checkpoint.weightScales.size > 0 ? `, ${checkpoint.weightScales.size} scaled float8 weights` : '';
  return { candidate, checkpoint, pick: { path: candidate.path, naming: component.naming, dtype: `${mainType(checkpoint)}${scaled}`, model: '' } };
}

/** The dtype (the ggml type, for a GGUF file) that holds most of a component's bytes. */
function mainType(checkpoint: RenamedCheckpoint): SafetensorsDtype | GgmlType {
  const ggml = (checkpoint as Partial<GgufCheckpoint>).ggml;
  const bytes = new Map<SafetensorsDtype | GgmlType, number>();
  for (const tensor of checkpoint.tensors.values()) {
    const type = ggml?.get(tensor.name)?.type ?? tensor.dtype;
    bytes.set(type, (bytes.get(type) ?? 0) + tensor.byteLength);
  }
  return [...bytes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'F32';
}

function rank(checkpoint: RenamedCheckpoint): number {
  return PRECISION_RANK[mainType(checkpoint)] ?? 0;
}

function missing(kind: ComponentKind, pickles: readonly string[]): ConvertError {
  const pickleNote =
    pickles.length > 0
      ? ` ${pickles.join(', ')} ${pickles.length === 1 ? 'is a PyTorch pickle' : 'are PyTorch pickles'}, which wan-web never opens (loading a pickle runs code in it).`
      : '';
  const wanted: Record<ComponentKind, string> = {
    transformer: 'the TI2V-5B diffusion model (ComfyUI: models/diffusion_models/wan2.2_ti2v_5B_fp16.safetensors)',
    vae: 'the Wan2.2 VAE (ComfyUI: models/vae/wan2.2_vae.safetensors)',
    textEncoder: 'the UMT5-XXL text encoder (ComfyUI: models/text_encoders/umt5_xxl_fp16.safetensors, umt5_xxl_fp8_e4m3fn_scaled.safetensors or umt5-xxl-encoder-Q8_0.gguf)',
  };
  return new ConvertError(`No safetensors${kind === 'vae' ? '' : ' or GGUF'} file among those chosen holds a ${COMPONENT_LABELS[kind]}.${pickleNote} Add ${wanted[kind]}.`);
}
