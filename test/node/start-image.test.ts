import { describe, expect, test } from 'vitest';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { bestOutputSize, prepareStartImage } from '../../src/pipeline/image/index.ts';
import { goldenCasePath } from '../helpers/golden-cases.ts';

describe('image-to-video start image', () => {
  test("Wan's best_output_size", () => {
    expect(bestOutputSize(1920, 1080)).toEqual([1248, 704]);
    expect(bestOutputSize(1280, 720)).toEqual([1248, 704]);
    expect(bestOutputSize(1280, 704)).toEqual([1280, 704]);
    expect(bestOutputSize(1024, 1024)).toEqual([960, 928]);
    expect(bestOutputSize(720, 1280)).toEqual([704, 1248]);
    expect(bestOutputSize(4000, 3000)).toEqual([1088, 800]);
    expect(bestOutputSize(160, 110, 32, 32, 12288)).toEqual([128, 96]);
  });

  test('resize (Lanczos), centre crop and scaling match what the official pipeline gave the VAE', async () => {
    const file = await readCaseFile(goldenCasePath('sample_i2v'));
    const rgb = await file.float('image_rgb');
    const golden = await file.float('image');
    await file.close();
    const [h, w] = rgb.dims as [number, number, number];
    const prepared = prepareStartImage({ data: Uint8Array.from(rgb.data), width: w, height: h, channels: 3 }, 12288);
    expect([prepared.width, prepared.height]).toEqual([128, 96]);
    let max = 0;
    for (let i = 0; i < golden.data.length; i++) max = Math.max(max, Math.abs(prepared.pixels[i]! - golden.data[i]!));
    console.log(`start image: max |ours − PIL| = ${max.toExponential(2)} (one 8-bit step is ${(2 / 255).toExponential(2)})`);
    expect(max).toBeLessThanOrEqual(2 / 255 + 1e-6);
  });

  test('a malformed image is refused', () => {
    expect(() => prepareStartImage({ data: new Uint8Array(5), width: 2, height: 2, channels: 3 })).toThrow(/malformed/);
  });
});
