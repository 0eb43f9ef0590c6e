import { describe, expect, test } from 'vitest';
import { deserializeError, serializeError, DownloadError, WanError } from '../../src/errors.ts';
import { userMessage } from '../../src/user-message.ts';

describe('userMessage: what a person is told about a failure', () => {
  test('our own errors keep their message, also after crossing the worker boundary', () => {
    const error = new DownloadError('weights-000.bin could not be downloaded. Check the connection and resume the install.');
    expect(userMessage(error)).toBe(error.message);
    expect(userMessage(deserializeError(serializeError(error)))).toBe(error.message);
  });

  test('a foreign error is called a bug with its name and text, never shown bare', () => {
    const message = userMessage(new TypeError("Cannot read properties of undefined (reading 'dims')"));
    expect(message).toMatch(/^Something went wrong that wan-web did not expect \(TypeError: Cannot read properties of undefined \(reading 'dims'\)\)\. This is a bug: try again/);
    // Rebuilt on the page from the worker, it is a WanError with the code 'unknown' that keeps its name.
    const crossed = userMessage(deserializeError(serializeError(new RangeError('offset is out of bounds'))));
    expect(crossed).toMatch(/^Something went wrong .*\(RangeError: offset is out of bounds\)\. This is a bug/);
    expect(userMessage('a thrown string')).toContain('(Error: a thrown string)');
    expect(userMessage(new WanError('unknown', 'x'))).toMatch(/This is a bug/);
  });

  test('a network failure says to check the connection', () => {
    for (const text of ['Failed to fetch', 'NetworkError when attempting to fetch resource.', 'Load failed', 'network error']) {
      expect(userMessage(new TypeError(text))).toBe(`The network connection failed (${text}). Check the connection and try again; a model installed in this browser needs no network.`);
    }
  });
});
