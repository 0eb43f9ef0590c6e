import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One node's entry in an onnxruntime profile (chrome trace format). */
interface ProfileEvent {
  readonly cat?: string;
  readonly name?: string;
  readonly args?: {
    readonly op_name?: string;
    readonly input_type_shape?: readonly Record<string, readonly number[]>[];
    readonly output_type_shape?: readonly Record<string, readonly number[]>[];
  };
}

const product = (dims: readonly number[]) => dims.reduce((n, d) => n * d, 1);
const shapes = (list: readonly Record<string, readonly number[]>[] | undefined) => (list ?? []).map((entry) => Object.values(entry)[0] ?? []);

/**
 * Multiply-adds of one executed node, from the shapes onnxruntime recorded (unoptimised
 * graphs, so ops are as built: NCHW, nothing fused). Convolutions: output elements × the
 * weight's fan-in; matrix products: output elements × the inner dimension. Other ops
 * (norms, activations, resizes) are not multiply-adds and are not counted.
 */
export function nodeMultiplyAdds(event: ProfileEvent): number {
  if (event.cat !== 'Node' || !event.name?.endsWith('_kernel_time')) return 0;
  const inputs = shapes(event.args?.input_type_shape);
  const output = shapes(event.args?.output_type_shape)[0] ?? [];
  switch (event.args?.op_name) {
    case 'Conv':
      return product(output) * product(inputs[1]!.slice(1));
    case 'ConvTranspose':
      return product(inputs[0]!) * product(inputs[1]!.slice(1));
    case 'MatMul':
    case 'Gemm':
      return product(output) * inputs[0]!.at(-1)!;
    default:
      return 0;
  }
}

/** Multiply-adds of every node run recorded in the profiles (`*.json`) in `dir`. */
export async function profiledMultiplyAdds(dir: string): Promise<number> {
  let total = 0;
  for (const file of (await readdir(dir)).filter((name) => name.endsWith('.json'))) {
    const events = JSON.parse(await readFile(join(dir, file), 'utf8')) as ProfileEvent[];
    for (const event of events) total += nodeMultiplyAdds(event);
  }
  return total;
}
