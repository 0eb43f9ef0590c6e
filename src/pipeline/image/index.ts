export { bestOutputSize } from './best-output-size.ts';
export { lanczosResize } from './lanczos-resize.ts';
export { prepareStartImage, startImageCrop } from './start-image.ts';
export type { PreparedImage, RgbImage, StartImageCrop } from './start-image.ts';
