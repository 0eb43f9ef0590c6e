import { GraphBuilder, STANDARD_OPSETS } from '../../onnx/index.ts';
import type { Dim } from '../../onnx/index.ts';


/** Symbolic dims of a float tensor of rank `rank` (its shape is fixed only at run time). */
const anyShape = (rank: number, prefix = 'd'): Dim[] => Array.from({ length: rank }, (_, i) => `${prefix}${i}`);

/** Input names of the combine graph: tensors t0…, coefficients c0… (float32 scalars). */
export const combineInputs = (i: number) => ({ tensor: `t${i}`, coefficient: `c${i}` });

/** y = Σ cᵢ·tᵢ over `terms` float32 tensors of one shape (rank `rank`). */
export function combineGraph(terms: number, rank: number): Uint8Array {
  const g = new GraphBuilder(`combine-${terms}`);
  let sum: string | undefined;
  for (let i = 0; i < terms; i++) {
    const { tensor, coefficient } = combineInputs(i);
    g.input(tensor, 'float32', anyShape(rank));
    g.input(coefficient, 'float32', []);
    const scaled = g.op('Mul', [coefficient, tensor], `/term${i}/Mul`);
    sum = sum === undefined ? scaled : g.op('Add', [sum, scaled], `/term${i}/Add`);
  }
  g.output('y', 'float32', anyShape(rank), sum);
  return g.toModel({ opsets: STANDARD_OPSETS });
}

/** y = x [1, C, F, H, W] with frame 0 replaced by first [1, C, 1, H, W]: Concat(first, x[:, :, 1:]). */
export function firstFrameGraph(): Uint8Array {
  const g = new GraphBuilder('with-first-frame');
  const dims = anyShape(5);
  const x = g.input('x', 'float32', dims);
  const first = g.input('first', 'float32', [dims[0]!, dims[1]!, 1, dims[3]!, dims[4]!]);
  const later = g.op('Slice', [x, g.constant('int64', [1], [1]), g.constant('int64', [1], [2 ** 31 - 1]), g.constant('int64', [1], [2])], '/later/Slice');
  const y = g.op('Concat', [first, later], '/Concat', { attrs: { axis: 2 } });
  g.output('y', 'float32', dims, y);
  return g.toModel({ opsets: STANDARD_OPSETS });
}

/** rgb [1, 3, F, H, W] = weights [3, C] · x [1, C, F, H, W] + bias [3, 1], over each position: the preview's latent → RGB map. */
export function rgbGraph(): Uint8Array {
  const g = new GraphBuilder('latents-to-rgb');
  const dims = anyShape(5);
  const x = g.input('x', 'float32', dims);
  const weights = g.input('weights', 'float32', [3, dims[1]!]);
  const bias = g.input('bias', 'float32', [3, 1]);
  const channelsFirst = g.op('Squeeze', [x, g.constant('int64', [1], [0])], '/batch/Squeeze');
  const flat = g.op('Reshape', [channelsFirst, g.constant('int64', [2], [0, -1])], '/flat/Reshape');
  const mixed = g.op('Add', [g.op('MatMul', [weights, flat], '/MatMul'), bias], '/Add');
  const grid = g.op('Shape', [x], '/grid/Shape', { attrs: { start: 2 } });
  const shape = g.op('Concat', [g.constant('int64', [2], [1, 3]), grid], '/shape/Concat', { attrs: { axis: 0 } });
  g.output('rgb', 'float32', [1, 3, dims[2]!, dims[3]!, dims[4]!], g.op('Reshape', [mixed, shape], '/Reshape'));
  return g.toModel({ opsets: STANDARD_OPSETS });
}
