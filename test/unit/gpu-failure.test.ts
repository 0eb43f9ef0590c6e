import { describe, expect, test } from 'vitest';
import { GpuDeviceLostError, GpuMemoryError, ModelNotInstalledError } from '../../src/errors.ts';
import { explainGpuFailure } from '../../src/runtime/gpu-failure.ts';

describe('GPU failures in plain words', () => {
  test('any failure after the device was lost says so and what to do', () => {
    const explained = explainGpuFailure(new Error('Failed to execute \'mapAsync\' on \'GPUBuffer\': Device is lost'), 'D3D device removed');
    expect(explained).toBeInstanceOf(GpuDeviceLostError);
    expect((explained as Error).message).toMatch(/^The GPU stopped working for this page \(D3D device removed\).*Press Generate again/);
  });

  test('an allocation failure becomes advice on memory', () => {
    const explained = explainGpuFailure(new Error('[WebGPU] Failed to allocate buffer of size 4294967296: out of memory'), null);
    expect(explained).toBeInstanceOf(GpuMemoryError);
    expect((explained as Error).message).toMatch(/smaller size or fewer frames/);
  });

  test('our own errors and unrelated ones pass unchanged', () => {
    const own = new ModelNotInstalledError('not installed');
    expect(explainGpuFailure(own, 'lost')).toBe(own);
    const other = new TypeError('settings.frames must be 4n + 1');
    expect(explainGpuFailure(other, null)).toBe(other);
  });
});
