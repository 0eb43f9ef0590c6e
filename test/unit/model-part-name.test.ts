import { describe, expect, test } from 'vitest';
import { modelPartName } from '../../src/app/generate/model-part-name.ts';

describe('modelPartName', () => {
  test.each([
    ['text-encoder', 'the text encoder'],
    ['dit-context', 'the DiT'],
    ['vae-decoder-2', 'the VAE decoder'],
    ['tiny-vae-decoder-0', 'the tiny decoder'],
    ['vae-encoder-1', 'the VAE encoder'],
  ])('%s is %s', (graph, name) => expect(modelPartName(graph)).toBe(name));
});
