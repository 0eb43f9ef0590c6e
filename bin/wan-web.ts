#!/usr/bin/env -S node --import tsx
/** The wan-web command line: a thin adapter over the model builder and the pipeline. */
import { runCli } from '../src/node/cli/run-cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
