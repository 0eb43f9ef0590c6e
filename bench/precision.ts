/**
 * Error of each weight/activation precision against the official outputs on the tiny-a
 * golden checkpoint: converts it per precision, runs every component on onnxruntime-node
 * (CPU) and prints max |ours − official| and that error relative to the output's RMS.
 * Tiny random weights exaggerate quantization error (rows of 64 values are 2 int4 blocks).
 *   npm run bench:precision
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { convertCheckpoint } from '../src/convert/convert-checkpoint.ts';
import { resolveQuantConfig } from '../src/bundle/quant-config.ts';
import { dirBundleSink } from '../src/node/dir-bundle-sink.ts';
import { openDirBundle } from '../src/node/dir-bundle.ts';
import { nodeCheckpointFiles } from '../src/node/file-source.ts';
import { readCaseFile } from '../src/node/cli/tensor-files.ts';
import { COMPONENTS } from '../src/pipeline/components.ts';
import type { ComponentName } from '../src/pipeline/components.ts';

const TINY = join(import.meta.dirname, '../test/fixtures/tiny-a');
const PRECISIONS = [
  ['fp32', 'fp32'],
  ['fp16', 'fp16'],
  ['int8', 'fp16'],
  ['int4', 'fp16'],
  ['int8', 'fp32'],
  ['int4', 'fp32'],
] as const;
const CASES: [string, ComponentName, string[]][] = [
  ['dit_t2v', 'dit', ['v']],
  ['dit_i2v', 'dit', ['v']],
  ['text_encoder', 'text-encoder', ['output']],
  ['vae_decode', 'vae-decode', ['video']],
  ['vae_encode', 'vae-encode', ['mu']],
];

const work = await mkdtemp(join(tmpdir(), 'wan-precision-'));
const rows: string[] = ['| weights | activations | case | tensor | max abs error | error / RMS |', '|---|---|---|---|---|---|'];
try {
  for (const [weights, activations] of PRECISIONS) {
    const dir = join(work, `${weights}-${activations}`);
    const quant = resolveQuantConfig({ weights, activations });
    await convertCheckpoint(nodeCheckpointFiles(TINY), await dirBundleSink(dir), { quant, source: { repo: 'tiny-a', revision: 'golden' } });
    const bundle = await openDirBundle(dir);
    for (const [caseName, component, tensors] of CASES) {
      const input = await readCaseFile(join(TINY, 'cases', `${caseName}.safetensors`));
      try {
        const outputs = await COMPONENTS[component]({ ort, bundle }, input);
        for (const name of tensors) {
          const golden = (await input.float(name)).data;
          const ours = outputs[name]!.data;
          let max = 0;
          let sq = 0;
          for (let i = 0; i < golden.length; i++) {
            max = Math.max(max, Math.abs(ours[i]! - golden[i]!));
            sq += golden[i]! ** 2;
          }
          const rms = Math.sqrt(sq / golden.length);
          rows.push(`| ${weights} | ${activations} | ${caseName} | ${name} | ${max.toExponential(2)} | ${(max / rms).toExponential(2)} |`);
        }
      } catch (error) {
        rows.push(`| ${weights} | ${activations} | ${caseName} | – | failed: ${(error as Error).message.split('\n')[0]} | |`);
      } finally {
        await input.close();
      }
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
console.log(rows.join('\n'));
