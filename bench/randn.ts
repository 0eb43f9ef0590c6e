/**
 * Time to draw the starting noise of a video (torch.randn bit for bit) in both of PyTorch's
 * CPU kernels, for a latent of the given size and length.
 *   npm run bench:randn [-- --size 1280x704 --frames 121 --seed 0]
 */
import { parseArgs } from 'node:util';
import { torchRandn } from '../src/pipeline/noise/index.ts';
import type { RandnVariant } from '../src/pipeline/noise/index.ts';

const { values } = parseArgs({ options: { size: { type: 'string', default: '1280x704' }, frames: { type: 'string', default: '121' }, seed: { type: 'string', default: '0' } } });
const [width, height] = values.size.split('x').map(Number) as [number, number];
const shape = [1, 48, (Number(values.frames) - 1) / 4 + 1, height / 16, width / 16];
const count = shape.reduce((a, b) => a * b, 1);
console.log(`torch.randn([${shape.join(', ')}]) = ${count.toLocaleString('en')} values, seed ${values.seed}`);
for (const variant of ['avx2', 'default'] as RandnVariant[]) {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    torchRandn(shape, BigInt(values.seed), variant);
    times.push(performance.now() - start);
  }
  const best = Math.min(...times);
  console.log(`${variant.padEnd(8)} best of 3: ${best.toFixed(0)} ms (${((count / best) * 1e3 / 1e6).toFixed(1)} M values/s)`);
}
