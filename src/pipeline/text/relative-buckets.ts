/**
 * T5's bidirectional relative-position buckets (HF `T5Attention._relative_position_bucket`,
 * Wan `T5RelativeEmbedding._relative_position_bucket`), computed on the host and fed to
 * the text encoder graph as an [n, n] int64 table.
 */

/** Which bucket layout: UMT5-XXL uses 32 buckets and max distance 128. */
export interface RelativeBucketShape {
  readonly numBuckets: number;
  readonly maxDistance: number;
}

const f32 = Math.fround;

/**
 * The bucket of `relative = key − query`. Half the buckets are for keys after the query
 * (relative > 0). Within a half, distances below `exact = half/2` get their own bucket;
 * longer ones share log-spaced buckets up to `maxDistance`, beyond which all land in the
 * last one:
 *
 *   bucket = half·(rel > 0) + (|rel| < exact ? |rel| : min(half − 1, exact + ⌊log(|rel|/exact) / log(maxDistance/exact) · (half − exact)⌋))
 *
 * The log term is evaluated in float32 step by step, as torch does on a float32 tensor,
 * so that distances on a bucket edge (16, 32, 64, 128 for UMT5) round the same way.
 */
export function relativePositionBucket(relative: number, shape: RelativeBucketShape): number {
  const half = Math.floor(shape.numBuckets / 2);
  const exact = Math.floor(half / 2);
  const base = relative > 0 ? half : 0;
  const distance = Math.abs(relative);
  if (distance < exact) return base + distance;
  const logRatio = f32(Math.log(f32(distance / exact)));
  const scaled = f32(f32(logRatio / f32(Math.log(shape.maxDistance / exact))) * (half - exact));
  return base + Math.min(half - 1, exact + Math.trunc(scaled));
}

/** Buckets of every (query i, key j) pair of n tokens, row-major [n, n], as the graph input wants them. */
export function relativeBucketTable(n: number, shape: RelativeBucketShape): BigInt64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`relativeBucketTable: n must be a positive integer, got ${n}.`);
  // A bucket depends only on j − i: compute each of the 2n − 1 differences once.
  const byDifference: bigint[] = [];
  for (let d = -(n - 1); d <= n - 1; d++) byDifference.push(BigInt(relativePositionBucket(d, shape)));
  const table = new BigInt64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) table[i * n + j] = byDifference[j - i + n - 1]!;
  }
  return table;
}
