import { describe, expect, test } from 'vitest';
import { chunkedAttentionVariant } from '../../src/pipeline/dit/chunk-attention.ts';
import { ditTokenCount, ditTokenGrid } from '../../src/pipeline/dit/dit-tokens.ts';

describe('DiT tokens', () => {
  test('one per 1×2×2 patch of the latents [1, C, F, H, W]', () => {
    expect(ditTokenGrid([1, 48, 3, 4, 6])).toEqual([3, 2, 3]);
    expect(ditTokenCount([1, 48, 3, 4, 6])).toBe(18);
    // 5 s of 720p: 31 latent frames of 44×80.
    expect(ditTokenCount([1, 48, 31, 44, 80])).toBe(27_280);
  });
});

describe('chunkedAttentionVariant', () => {
  test('none without a chunk size, or where the device takes the tokens whole', () => {
    expect(chunkedAttentionVariant(undefined, 18, 2)).toBeNull();
    expect(chunkedAttentionVariant(() => null, 18, 2)).toBeNull();
    expect(chunkedAttentionVariant(() => 18, 18, 2)).toBeNull();
  });

  test('asks for the chunk at this token and head count, and names the variant by both', () => {
    const asked: [number, number][] = [];
    const variant = chunkedAttentionVariant((tokens, heads) => (asked.push([tokens, heads]), 16), 18, 2);
    expect(asked).toEqual([[18, 2]]);
    expect(variant?.key).toBe('18/16');
  });
});
