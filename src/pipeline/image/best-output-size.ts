/**
 * Wan's `best_output_size`: the output size for an input picture, both sides multiples of
 * (dw, dh) with area at most `expectedArea`, rounding the width first or the height first,
 * whichever keeps the aspect ratio closer. 1920x1080 → 1248x704, 1024x1024 → 960x928.
 */
export function bestOutputSize(w: number, h: number, dw = 32, dh = 32, expectedArea = 704 * 1280): [number, number] {
  const ratio = w / h;
  const ow = Math.sqrt(expectedArea * ratio);
  const oh = expectedArea / ow;
  const floorTo = (value: number, step: number) => Math.floor(value / step) * step;

  const ow1 = floorTo(ow, dw);
  const oh1 = floorTo(expectedArea / ow1, dh);
  const oh2 = floorTo(oh, dh);
  const ow2 = floorTo(expectedArea / oh2, dw);
  const skew = (a: number, b: number) => Math.max(a / b, b / a);
  return skew(ratio, ow1 / oh1) < skew(ratio, ow2 / oh2) ? [ow1, oh1] : [ow2, oh2];
}
