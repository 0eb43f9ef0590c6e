import { describe, expect, test } from 'vitest';
import { bundleAtUrl, installedModel, modelLocationKey } from '../../src/model/model-location.ts';

describe('ModelLocation', () => {
  test('its key is the string earlier versions stored measurements under', () => {
    expect(modelLocationKey(installedModel('3f2a'))).toBe('installed:3f2a');
    expect(modelLocationKey(bundleAtUrl('https://example.com/bundle/'))).toBe('https://example.com/bundle/');
  });
});
