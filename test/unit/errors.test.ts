import { afterEach, describe, expect, test } from 'vitest';
import { expose, wrap } from 'comlink';
import type { Remote } from 'comlink';
import * as errors from '../../src/errors.ts';
import {
  ConversionCanceledError,
  ConvertError,
  DownloadError,
  ERROR_CLASSES,
  GenerationCanceledError,
  GpuDeviceLostError,
  GpuMemoryError,
  InstallPausedError,
  InvalidInputError,
  ManifestError,
  ModelNotInstalledError,
  SafetensorsError,
  GgufError,
  StorageFullError,
  TokenizerError,
  UnsupportedEnvironmentError,
  WanError,
  deserializeError,
  serializeError,
} from '../../src/errors.ts';
import { installErrorTransfer } from '../../src/runtime/comlink-errors.ts';

/** One of each user-facing error, with every field its class has set. */
const EXAMPLES: readonly WanError[] = [
  new WanError('worker-failed', 'the worker did not start'),
  new UnsupportedEnvironmentError('webgpu-missing', 'no WebGPU here'),
  new ModelNotInstalledError('install the model first'),
  new GenerationCanceledError(),
  new StorageFullError('storage is full'),
  new DownloadError('dit.onnx could not be fetched'),
  new InstallPausedError(),
  new GpuDeviceLostError('the GPU was reset'),
  new GpuMemoryError('out of GPU memory at 720p'),
  new InvalidInputError('frames must be 4n + 1; got 6'),
  new ManifestError('manifest.json is not JSON'),
  new TokenizerError('tokenizer.json has no model'),
  new SafetensorsError('x.safetensors is cut short', 'x.safetensors', 'blocks.0.weight', { reason: 'truncated' }),
  new GgufError('x.gguf has a tensor of type 16', 'x.gguf', 'blocks.0.ffn.0.weight', { reason: 'unsupported' }),
  new ConvertError('the config has no dim', 'transformer/config.json', 'dim'),
  new ConversionCanceledError(),
];

const exportedClasses = Object.entries(errors)
  .filter(([, value]) => typeof value === 'function' && (value === WanError || (value as { prototype?: unknown }).prototype instanceof WanError))
  .map(([name]) => name)
  .sort();

/** What a page can act on: class, name, code, message and the class's own fields. */
const visible = (error: Error) => ({ ...Object.fromEntries(Object.entries(error)), class: error.constructor.name, name: error.name, message: error.message });

describe('the error table', () => {
  test('every error class the module exports is in the table, and this test has an example of each', () => {
    expect(exportedClasses.length).toBeGreaterThan(10);
    expect(Object.keys(ERROR_CLASSES).sort()).toEqual(exportedClasses);
    expect(EXAMPLES.map((e) => e.constructor.name).sort()).toEqual(exportedClasses);
  });

  test('foreign errors keep their name and message', () => {
    const copy = deserializeError(serializeError(new RangeError('too big')));
    expect(copy).toBeInstanceOf(WanError);
    expect(copy).toMatchObject({ code: 'unknown', name: 'RangeError', message: 'too big' });
    expect(deserializeError(serializeError('plain string'))).toMatchObject({ message: 'plain string' });
  });
});

describe('errors thrown across Comlink arrive as their own class', () => {
  let channel: MessageChannel | undefined;
  afterEach(() => {
    channel?.port1.close();
    channel?.port2.close();
  });

  const thrower = (): Remote<{ fail(index: number): void }> => {
    installErrorTransfer();
    channel = new MessageChannel();
    expose({ fail: (index: number) => { throw EXAMPLES[index]; } }, channel.port1);
    return wrap(channel.port2);
  };

  test.each(EXAMPLES.map((error, index) => [error.name, index] as const))('%s', async (_name, index) => {
    const original = EXAMPLES[index]!;
    const arrived = await thrower().fail(index).then(
      () => null,
      (error: unknown) => error,
    );
    expect(arrived).toBeInstanceOf(original.constructor);
    expect(visible(arrived as Error)).toEqual(visible(original));
  });
});
