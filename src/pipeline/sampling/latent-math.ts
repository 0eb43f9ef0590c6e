/** One term of a linear combination: coefficient × tensor. */
export type Term<T> = readonly [coefficient: number, tensor: T];

/**
 * The float32 arithmetic a sampler needs on latent-sized tensors, wherever they live: every
 * update of UniPC, Euler and DMD, and the guidance combine, is a linear combination of
 * tensors with scalar coefficients. Written against this, a sampler runs unchanged on CPU
 * arrays and on GPU buffers (where nothing is read back).
 */
export interface LatentMath<T> {
  /** Σ cᵢ·tᵢ as a new tensor (the terms are neither changed nor released). */
  combine(terms: readonly Term<T>[]): Promise<T>;
  /** Elements in a tensor. */
  size(tensor: T): number;
  /** A tensor holding `values`, shaped like `like` (e.g. fresh noise). */
  fromValues(values: Float32Array, like: T): T;
  /** Frees a tensor that is no longer used. */
  release(tensor: T): void;
}

/** Σ cᵢ·tᵢ over CPU arrays, rounded to float32 after every operation. */
export function combineArrays(terms: readonly Term<Float32Array>[]): Float32Array {
  const f = Math.fround;
  const [first, ...rest] = terms;
  if (!first) throw new RangeError('combine needs at least one term');
  const out = new Float32Array(first[1].length);
  const c0 = f(first[0]);
  for (let i = 0; i < out.length; i++) out[i] = f(c0 * first[1][i]!);
  for (const [c, t] of rest) {
    if (t.length !== out.length) throw new RangeError(`combine: a term has ${t.length} values, the first ${out.length}`);
    const cf = f(c);
    for (let i = 0; i < out.length; i++) out[i] = f(out[i]! + f(cf * t[i]!));
  }
  return out;
}

/** LatentMath on plain Float32Arrays (the Node CPU path and the sampler tests). */
export const arrayLatentMath: LatentMath<Float32Array> = {
  combine: async (terms) => combineArrays(terms),
  size: (tensor) => tensor.length,
  fromValues: (values) => values,
  release: () => undefined,
};
