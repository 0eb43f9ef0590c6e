/**
 * A broken internal invariant: a bug in wan-web, not something the user can act on. It is
 * deliberately not a `WanError`, so it is never shown as advice.
 */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** Throws an {@link AssertionError} with `message` unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Marks a branch the type checker proves unreachable; throws if it is reached anyway. */
export function assertNever(x: never): never {
  throw new AssertionError(`Unexpected value: ${JSON.stringify(x)}`);
}
