#!/usr/bin/env -S node --import tsx
/** The wan-web command line: a thin adapter over the model builder and the pipeline. */
import { runCli } from '../src/node/cli/run-cli.ts';
import { relaunchWithLowFragmentationMalloc } from '../src/node/low-fragmentation-malloc.ts';

const args = process.argv.slice(2);
const runsModels = ['convert', 'generate', 'batch', 'debug'].includes(args[0] ?? '');
process.exitCode = (runsModels ? await relaunchWithLowFragmentationMalloc() : undefined) ?? (await runCli(args));
