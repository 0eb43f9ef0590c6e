import { expect } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { TINY } from './golden-cases.ts';

const FP32 = ['--weights', 'fp32', '--activations', 'fp32'];

/** Converts the tiny-a checkpoint with `wan-web convert` into `dir` (fp32 unless `flags` say otherwise), and returns `dir`. */
export async function convertTinyA(dir: string, flags: readonly string[] = FP32): Promise<string> {
  expect(await runCli(['convert', TINY, dir, ...flags])).toBe(0);
  return dir;
}
