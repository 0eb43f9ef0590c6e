export { bestOutputSize } from './best-output-size.ts';
export { lanczosResize } from './lanczos-resize.ts';
export { prepareStartImage } from './start-image.ts';
export type { PreparedImage, RgbImage } from './start-image.ts';
