import { ConvertError } from '../../errors.ts';
import { ggufCheckpoint } from '../../gguf/index.ts';
import type { GgufCheckpoint, GgufFile } from '../../gguf/index.ts';
import { COMPONENT_LABELS, findComponents } from './component-signatures.ts';
import type { ComponentKind } from './component-signatures.ts';

/**
 * The component `kind` of a GGUF file given for it (`wan-web convert --text-encoder x.gguf`),
 * recognised by its tensors in any naming wan-web reads (llama.cpp's T5 names, Wan's, diffusers'),
 * under the names the builder reads. A file that holds no such component is refused, naming what it holds.
 */
export function ggufComponentCheckpoint(file: GgufFile, kind: ComponentKind): GgufCheckpoint {
  const found = findComponents([file]);
  const component = found.find((f) => f.kind === kind);
  if (component === undefined) {
    const holds = found.length > 0 ? `a ${COMPONENT_LABELS[found[0]!.kind]}` : `${file.tensors.size} tensors of no component wan-web knows`;
    throw new ConvertError(`${file.source.name} was given as the ${COMPONENT_LABELS[kind]} but holds ${holds}.`, file.source.name);
  }
  const rename = (name: string) => (name.startsWith(component.prefix) ? component.rename(name.slice(component.prefix.length)) : name);
  return ggufCheckpoint(file, kind === 'textEncoder' ? 'text_encoder' : kind, rename);
}
