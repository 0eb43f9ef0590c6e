import type { OrtModule, OrtSessionOptions } from '../../pipeline/ort-types.ts';
import type { OpCheck } from './op-check-graphs.ts';

/** Largest |a − b| an op may show between the GPU and the CPU reference. */
export const SELF_CHECK_TOLERANCE = 1e-4;

/** Runs an op check somewhere (an execution provider, a device) and times it. */
export interface OpRunner {
  run(check: OpCheck): Promise<{ output: Float32Array; ms: number }>;
}

/** The outcome of one op on one configuration. */
export interface OpCheckResult {
  readonly id: string;
  readonly label: string;
  /** Max |candidate − reference|; null when the candidate failed to run. */
  readonly maxAbsDiff: number | null;
  readonly passed: boolean;
  readonly candidateMs: number | null;
  readonly referenceMs: number;
  readonly error?: string;
}

/**
 * A runner that creates an onnxruntime session per check, runs it once to warm up
 * (shader compilation) and times the second run.
 */
export function sessionRunner(ort: OrtModule, options: OrtSessionOptions): OpRunner {
  return {
    async run(check) {
      const session = await ort.InferenceSession.create(check.model, options);
      try {
        const feeds = Object.fromEntries(
          Object.entries(check.feeds).map(([name, feed]) => [name, new ort.Tensor('float32', feed.data, feed.dims)]),
        );
        await session.run(feeds);
        const start = performance.now();
        const result = await session.run(feeds);
        const ms = performance.now() - start;
        const tensor = result[check.output];
        if (!tensor) throw new Error(`output ${check.output} missing`);
        return { output: (await tensor.getData()) as Float32Array, ms };
      } finally {
        await session.release();
      }
    },
  };
}

/** Max absolute elementwise difference; Infinity on a length mismatch or NaN. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

/** Reference outputs of every check, computed once and shared by every candidate. */
export type ReferenceOutputs = Map<string, { output: Float32Array; ms: number }>;

export async function runReference(checks: readonly OpCheck[], reference: OpRunner): Promise<ReferenceOutputs> {
  const outputs: ReferenceOutputs = new Map();
  for (const check of checks) outputs.set(check.id, await reference.run(check));
  return outputs;
}

/** Runs every check on the candidate and compares it with the reference outputs. */
export async function compareWithReference(
  checks: readonly OpCheck[],
  reference: ReferenceOutputs,
  candidate: OpRunner,
  onResult?: (result: OpCheckResult) => void,
): Promise<OpCheckResult[]> {
  const results: OpCheckResult[] = [];
  for (const check of checks) {
    const expected = reference.get(check.id);
    if (!expected) throw new Error(`no reference output for ${check.id}`);
    let result: OpCheckResult;
    try {
      const { output, ms } = await candidate.run(check);
      const diff = maxAbsDiff(output, expected.output);
      result = {
        id: check.id,
        label: check.label,
        maxAbsDiff: diff,
        passed: diff <= SELF_CHECK_TOLERANCE,
        candidateMs: ms,
        referenceMs: expected.ms,
      };
    } catch (error) {
      result = {
        id: check.id,
        label: check.label,
        maxAbsDiff: null,
        passed: false,
        candidateMs: null,
        referenceMs: expected.ms,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    results.push(result);
    onResult?.(result);
  }
  return results;
}
