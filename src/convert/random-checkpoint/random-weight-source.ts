import type { WeightSource } from '../weights/weight-source.ts';
import { ConvertError } from '../../errors.ts';
import { randomTensorBytes } from './random-tensor-bytes.ts';
import type { RandomTensorSpec } from './random-tensor-spec.ts';

/**
 * A weight source that generates each tensor when it is read, with the same values the
 * random checkpoint writer would store: full-size graphs can be built and run without
 * writing a 20 GB checkpoint first (benchmarks).
 */
export function randomWeightSource(specs: readonly RandomTensorSpec[], seed: number, component: string): WeightSource {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const spec = (name: string) => {
    const found = byName.get(name);
    if (!found) throw new ConvertError(`The random ${component} has no tensor "${name}".`, component, name);
    return found;
  };
  return {
    component,
    has: (name) => byName.has(name),
    info: (name) => ({ dtype: 'F32', shape: spec(name).shape }),
    read: async (name) => new Float32Array(randomTensorBytes(spec(name), 'F32', seed, component).buffer),
  };
}
