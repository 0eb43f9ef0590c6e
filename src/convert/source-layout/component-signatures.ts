import { ditDiffusersName, t5DiffusersName, vaeDiffusersName } from './wan-original-names.ts';
import { t5LlamaCppName } from './llama-cpp-t5-names.ts';

/** The three components a Wan2.2 TI2V bundle is built from (the keys of `SourceModel`). */
export type ComponentKind = 'transformer' | 'vae' | 'textEncoder';

export const COMPONENT_LABELS: Readonly<Record<ComponentKind, string>> = {
  transformer: 'diffusion model',
  vae: 'VAE',
  textEncoder: 'text encoder',
};

/** How a component's tensors are named in a file, told apart by tensors only that layout has. */
interface Signature {
  readonly kind: ComponentKind;
  readonly naming: string;
  /** Tensors that must all be present, after one common prefix. */
  readonly markers: readonly string[];
  readonly rename: (name: string) => string;
}

const keep = (name: string) => name;

const SIGNATURES: readonly Signature[] = [
  { kind: 'transformer', naming: "Wan's original names", markers: ['blocks.0.self_attn.q.weight', 'head.modulation'], rename: ditDiffusersName },
  { kind: 'transformer', naming: 'diffusers names', markers: ['blocks.0.attn1.to_q.weight', 'proj_out.weight'], rename: keep },
  { kind: 'vae', naming: "Wan's original names", markers: ['decoder.middle.0.residual.0.gamma', 'encoder.conv1.weight'], rename: vaeDiffusersName },
  { kind: 'vae', naming: 'diffusers names', markers: ['decoder.mid_block.resnets.0.norm1.gamma', 'encoder.conv_in.weight'], rename: keep },
  { kind: 'textEncoder', naming: 'transformers names', markers: ['encoder.block.0.layer.0.SelfAttention.q.weight', 'encoder.final_layer_norm.weight'], rename: keep },
  { kind: 'textEncoder', naming: "Wan's original names", markers: ['blocks.0.attn.q.weight', 'token_embedding.weight'], rename: t5DiffusersName },
  // The UMT5 encoder GGUFs (llama.cpp's "t5encoder" architecture).
  { kind: 'textEncoder', naming: "llama.cpp's T5 names", markers: ['enc.blk.0.attn_q.weight', 'enc.output_norm.weight', 'token_embd.weight'], rename: t5LlamaCppName },
];

/** A component found in a file: which one, under which prefix, and how its names map to the builder's. */
export interface FoundComponent {
  readonly kind: ComponentKind;
  readonly naming: string;
  /** What every tensor name of the component starts with (e.g. `model.diffusion_model.`), or ''. */
  readonly prefix: string;
  readonly rename: (name: string) => string;
}

/**
 * Every component whose tensors one safetensors file (or sharded set, or GGUF file) holds,
 * recognised by tensor names alone: a file's name says nothing. A combined checkpoint yields several.
 */
export function findComponents(files: readonly { readonly tensors: ReadonlyMap<string, unknown> }[]): FoundComponent[] {
  const names = new Set(files.flatMap((file) => [...file.tensors.keys()]));
  const found: FoundComponent[] = [];
  for (const signature of SIGNATURES) {
    const [first, ...rest] = signature.markers as [string, ...string[]];
    for (const prefix of prefixesOf(names, first)) {
      if (rest.every((marker) => names.has(`${prefix}${marker}`)) && !found.some((f) => f.kind === signature.kind && f.prefix === prefix)) {
        found.push({ kind: signature.kind, naming: signature.naming, prefix, rename: signature.rename });
      }
    }
  }
  return found;
}

/** Each prefix under which `marker` appears as a whole name (`marker`, or `<prefix>.marker`). */
function prefixesOf(names: ReadonlySet<string>, marker: string): string[] {
  const prefixes: string[] = [];
  for (const name of names) {
    if (name === marker) prefixes.push('');
    else if (name.endsWith(`.${marker}`)) prefixes.push(name.slice(0, name.length - marker.length));
  }
  return prefixes;
}
