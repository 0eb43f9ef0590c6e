// A bundle of any Wan2.2 TI2V config with seeded random weights, written without a checkpoint.
export { randomSourceModel, writeRandomBundle } from './random-bundle.ts';
export type { RandomBundleOptions } from './random-bundle.ts';
