import { InvalidInputError } from '../../errors.ts';

/** Which part of a batch file this process makes: `--shard index/count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const WHOLE_BATCH: Shard = { index: 0, count: 1 };

/** `--shard i/n` (0 ≤ i < n), or the whole file when it is not given. */
export function shardOption(text: string | undefined): Shard {
  if (text === undefined) return WHOLE_BATCH;
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!(count >= 1 && index < count)) {
    throw new InvalidInputError(
      `--shard must be i/n with 0 ≤ i < n, e.g. 0/4 to 3/4 for four machines (Kubernetes: $JOB_COMPLETION_INDEX/N; Slurm: $SLURM_ARRAY_TASK_ID/N with --array=0-(N-1)); got "${text}".`,
    );
  }
  return { index, count };
}

/**
 * Line L of the file (counted from 1, blank lines included) belongs to shard (L − 1) mod n:
 * the split depends only on the file, so machines need no coordination.
 */
export function shardOwnsLine(shard: Shard, line: number): boolean {
  return (line - 1) % shard.count === shard.index;
}

export function describeShard(shard: Shard): string {
  return shard.count === 1 ? 'the whole file' : `shard ${shard.index}/${shard.count}`;
}
