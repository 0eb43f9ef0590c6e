export { TorchGenerator, torchRandn } from './torch-randn.ts';
export type { RandnVariant } from './torch-randn.ts';
