import type { Checkpoint } from '../../safetensors/index.ts';
import { ConvertError } from '../../errors.ts';

/** A tensor's name and the shape its component's config.json implies. */
export interface ExpectedTensor {
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * Refuses a checkpoint whose tensors disagree with the shapes its config.json implies, before
 * anything is built: a swapped or resized weight would otherwise fail deep in the builder, or
 * build a wrong graph. Tensors the checkpoint lacks are left to the builder, which names them.
 */
export function checkSourceShapes(checkpoint: Checkpoint, expected: readonly ExpectedTensor[]): void {
  for (const { name, shape } of expected) {
    const actual = checkpoint.tensors.get(name)?.shape;
    if (!actual || (actual.length === shape.length && actual.every((d, i) => d === shape[i]))) continue;
    throw new ConvertError(
      `Tensor "${name}" of ${checkpoint.component} has shape [${actual.join(', ')}], but ${checkpoint.component}/config.json implies [${shape.join(', ')}]: ` +
        'the weights and config.json come from different models, or the file is damaged. Download the checkpoint again.',
      checkpoint.component,
      name,
    );
  }
}
