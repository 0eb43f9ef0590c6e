import { describe, expect, test } from 'vitest';
import { UnsupportedEnvironmentError, WanError, deserializeError, serializeError } from '../../src/errors.ts';

describe('errors across the worker boundary', () => {
  test('our errors keep class, code and message', () => {
    const original = new UnsupportedEnvironmentError('webgpu-missing', 'no WebGPU here');
    const copy = deserializeError(structuredClone(serializeError(original)));
    expect(copy).toBeInstanceOf(UnsupportedEnvironmentError);
    expect(copy).toMatchObject({ code: 'webgpu-missing', message: 'no WebGPU here', name: 'UnsupportedEnvironmentError' });
  });

  test('foreign errors keep their name and message', () => {
    const copy = deserializeError(serializeError(new RangeError('too big')));
    expect(copy).toBeInstanceOf(WanError);
    expect(copy).toMatchObject({ code: 'unknown', name: 'RangeError', message: 'too big' });
    expect(deserializeError(serializeError('plain string'))).toMatchObject({ message: 'plain string' });
  });
});
