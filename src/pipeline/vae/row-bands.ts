// Horizontal bands of a frame, for running a VAE stage graph on part of a frame at a time. A
// band reads its rows widened by a halo, so that the rows it is responsible for come out as
// they would from the whole frame; the widened rows' own values are discarded.

/** One band, in rows of the graph's frame input: the rows it produces, and the rows it reads. */
export interface RowBand {
  readonly start: number;
  readonly end: number;
  readonly readStart: number;
  readonly readEnd: number;
}

/**
 * Splits `rows` into at most `count` bands of near-equal size, each read with `halo` rows on
 * both sides (clipped at the frame's edges, where the graph's zero padding is the truth). Every
 * band keeps at least `halo` rows of its own, which the runner's in-place cache writes rely on.
 */
export function planRowBands(rows: number, halo: number, count: number): RowBand[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`The number of row bands must be a positive integer, got ${count}.`);
  const bands = Math.max(1, Math.min(count, Math.floor(rows / Math.max(1, halo))));
  return Array.from({ length: bands }, (_, i) => {
    const start = Math.round((i * rows) / bands);
    const end = Math.round(((i + 1) * rows) / bands);
    return { start, end, readStart: Math.max(0, start - halo), readEnd: Math.min(rows, end + halo) };
  });
}

/** The element arrays a VAE state tensor can have. */
export type RowData = Float32Array | Uint16Array | Int8Array;

/**
 * Copies `count` rows along `axis` of row-major `src` (shape `srcDims`, from row `srcRow`) into
 * `dst` (shape `dstDims`, at row `dstRow`). The shapes may differ only along `axis`.
 */
export function copyRows(src: RowData, srcDims: readonly number[], srcRow: number, dst: RowData, dstDims: readonly number[], dstRow: number, count: number, axis: number): void {
  const outer = srcDims.slice(0, axis).reduce((a, b) => a * b, 1);
  const rowSize = srcDims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const [srcRows, dstRows] = [srcDims[axis]!, dstDims[axis]!];
  for (let o = 0; o < outer; o++) {
    const from = (o * srcRows + srcRow) * rowSize;
    dst.set(src.subarray(from, from + count * rowSize), (o * dstRows + dstRow) * rowSize);
  }
}

/** Rows [from, to) along `axis`: a view when the rows are contiguous (nothing before `axis` but ones), else a copy. */
export function sliceRows(data: RowData, dims: readonly number[], axis: number, from: number, to: number): RowData {
  const rowSize = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  if (dims.slice(0, axis).every((d) => d === 1)) return data.subarray(from * rowSize, to * rowSize);
  const sliced = dims.map((d, i) => (i === axis ? to - from : d));
  const out = new (data.constructor as new (length: number) => RowData)(sliced.reduce((a, b) => a * b, 1));
  copyRows(data, dims, from, out, sliced, 0, to - from, axis);
  return out;
}
