import type { WeightInput } from './weight-inputs.ts';

/** One contiguous byte range of a bundle file, read in one go, and the weights inside it in file order. */
export interface WeightSpan {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  readonly weights: readonly WeightInput[];
}

/**
 * Groups weights into as few reads as possible: per file, in file order, a gap of up to
 * `maxGap` bytes between two weights is read and skipped rather than starting a new read
 * (one HTTP range request or Blob slice per span). Weights sharing the same bytes are listed once.
 */
export function weightSpans(weights: readonly WeightInput[], maxGap = 4 * 1024 * 1024): WeightSpan[] {
  const byFile = new Map<string, WeightInput[]>();
  for (const weight of weights) {
    const list = byFile.get(weight.file) ?? [];
    list.push(weight);
    byFile.set(weight.file, list);
  }
  const spans: WeightSpan[] = [];
  for (const [file, list] of byFile) {
    list.sort((a, b) => a.offset - b.offset || a.length - b.length);
    let current: WeightInput[] = [];
    let start = 0;
    let end = 0;
    const close = () => {
      if (current.length > 0) spans.push({ file, offset: start, length: end - start, weights: current });
    };
    for (const weight of list) {
      const last = current[current.length - 1];
      if (last && last.offset === weight.offset && last.length === weight.length) continue;
      if (last && weight.offset < end) {
        throw new RangeError(`weights "${last.name}" and "${weight.name}" overlap in ${file}`);
      }
      if (current.length > 0 && weight.offset - end <= maxGap) {
        current.push(weight);
      } else {
        close();
        current = [weight];
        start = weight.offset;
      }
      end = weight.offset + weight.length;
    }
    close();
  }
  return spans;
}
