import { describe, expect, test } from 'vitest';
import { AssertionError, assert, assertNever } from '../../src/assert.ts';
import { WanError } from '../../src/errors.ts';

describe('assert', () => {
  test('passes a holding condition and narrows its type', () => {
    const value: string | undefined = 'x';
    assert(value !== undefined, 'value is set');
    expect(value.length).toBe(1);
  });

  test('a broken invariant is an AssertionError, never a user-facing WanError', () => {
    const broken = () => assert(false, 'stage 3 of 3');
    expect(broken).toThrow(AssertionError);
    expect(broken).toThrow('stage 3 of 3');
    try {
      broken();
    } catch (error) {
      expect(error).not.toBeInstanceOf(WanError);
      expect((error as Error).name).toBe('AssertionError');
    }
  });

  test('assertNever throws when an unreachable branch is reached', () => {
    expect(() => assertNever('surprise' as never)).toThrow(/surprise/);
  });
});
