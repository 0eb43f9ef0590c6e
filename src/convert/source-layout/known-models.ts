import type { Checkpoint } from '../../safetensors/index.ts';
import { ConvertError } from '../../errors.ts';
import { ditTensorSpecs, umt5TensorSpecs, vaeTensorSpecs, WAN22_TI2V_5B_CONFIGS } from '../random-checkpoint/index.ts';
import type { JsonObject } from '../random-checkpoint/index.ts';
import { checkSourceShapes } from '../weights/source-shapes.ts';
import type { ExpectedTensor } from '../weights/source-shapes.ts';
import { COMPONENT_LABELS } from './component-signatures.ts';
import type { ComponentKind } from './component-signatures.ts';

/** Every tensor a component's config implies, with its shape. */
const TENSORS: Readonly<Record<ComponentKind, (config: JsonObject) => readonly ExpectedTensor[]>> = {
  transformer: ditTensorSpecs,
  vae: vaeTensorSpecs,
  textEncoder: umt5TensorSpecs,
};

/** The models whose configs wan-web knows, for files that carry none. */
const KNOWN: readonly { readonly name: string; readonly configs: Readonly<Record<ComponentKind, JsonObject>> }[] = [
  {
    name: 'Wan2.2 TI2V-5B',
    configs: { transformer: WAN22_TI2V_5B_CONFIGS.transformer, vae: WAN22_TI2V_5B_CONFIGS.vae, textEncoder: WAN22_TI2V_5B_CONFIGS.textEncoder },
  },
];

/** Where the first tensor differs from what a config implies, or null when every tensor matches. */
export function firstDifference(checkpoint: Pick<Checkpoint, 'tensors'>, expected: readonly ExpectedTensor[]): string | null {
  for (const { name, shape } of expected) {
    const actual = checkpoint.tensors.get(name)?.shape;
    if (!actual) return `it has no "${name}"`;
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) return `"${name}" is [${actual.join(', ')}] where it has [${shape.join(', ')}]`;
  }
  return null;
}

/**
 * The config of a component read from files without one: the given config (checked against
 * the tensors' shapes), else that of the known model whose every tensor has the file's shape.
 * A component that matches none is refused, naming what was found.
 */
export function componentConfig(kind: ComponentKind, checkpoint: Checkpoint, file: string, given?: JsonObject): { config: JsonObject; model: string } {
  if (given) {
    checkSourceShapes(checkpoint, TENSORS[kind](given));
    return { config: given, model: 'the given config' };
  }
  const differences: string[] = [];
  for (const known of KNOWN) {
    const difference = firstDifference(checkpoint, TENSORS[kind](known.configs[kind]));
    if (difference === null) return { config: known.configs[kind], model: known.name };
    differences.push(`not ${known.name}'s: ${difference}`);
  }
  throw new ConvertError(
    `${file} holds a ${COMPONENT_LABELS[kind]} (${checkpoint.tensors.size} tensors) whose shapes match no model wan-web knows (${differences.join('; ')}). ` +
      'Choose the Wan2.2 TI2V-5B file, or give the model\'s config.json (wan-web convert --config).',
    file,
  );
}

/** Whether a component's tensors are those of a known model (for choosing among several files). */
export function isKnownComponent(kind: ComponentKind, checkpoint: Pick<Checkpoint, 'tensors'>): boolean {
  return KNOWN.some((known) => firstDifference(checkpoint, TENSORS[kind](known.configs[kind])) === null);
}
