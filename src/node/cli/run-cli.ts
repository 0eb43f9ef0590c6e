import { WanError } from '../../errors.ts';
import { batchCommand } from './batch-command.ts';
import { convertCommand } from './convert-command.ts';
import { debugCommand } from './debug-command.ts';
import { generateCommand } from './generate-command.ts';
import { infoCommand } from './info-command.ts';
import { randomBundleCommand } from './random-bundle-command.ts';
import { verifyCommand } from './verify-command.ts';

const USAGE = `wan-web: Wan2.2 TI2V-5B in the browser, and its tools.

Commands:
  wan-web convert <source> <out-dir> [--weights <preset>] [--family <family>=<format>,…] [--activations fp16|fp32] [--vae-weights float|int8] [--vae-cache float|int8]
      Build a bundle from a diffusers checkpoint (local folder or http(s) base URL).
  wan-web info <bundle-dir>
      Show a bundle's source, precision (every tensor family's weight format) and files.
  wan-web generate --bundle <dir> --prompt "…" [--image in.png] [--size 1280x704] [--frames 121] [--steps 50]
                   [--guidance 5] [--shift 5] [--sampler unipc|euler|dmd] [--seed N] --out <file.mp4>
      Generate a video (MP4 through ffmpeg when present, PNG frames otherwise).
  wan-web batch <jobs.jsonl> --bundle <dir> --out <dir> [--shard i/n]
      One video per line of settings, the model loaded once; resumable, split over machines by --shard.
  wan-web random-bundle <out-dir> [--seed N] [--activations fp16|fp32] [--small]
      Write a bundle of the real shapes with seeded random weights, without a checkpoint (benchmarks).
  wan-web verify <bundle-dir>
      Check every file of a bundle against the SHA-256 in its manifest.
  wan-web debug dit|text-encoder|vae-decode|vae-encode|sample --bundle <dir> --in <in.safetensors> --out <out.safetensors>
  wan-web debug randn --seed N --shape 1,48,31,44,80 --out <file.safetensors>
      Run one component from tensors, with the official semantics (see test/fixtures/tiny-a/README.md).

Run a command with --help for its options. Add --verbose to any command to see the stack of an error.`;

const COMMANDS: Readonly<Record<string, (args: readonly string[]) => Promise<number>>> = {
  batch: (args) => batchCommand(args),
  convert: convertCommand,
  debug: debugCommand,
  generate: generateCommand,
  info: infoCommand,
  'random-bundle': randomBundleCommand,
  verify: verifyCommand,
};

/** Runs one CLI invocation and returns the process exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const [command, ...rest] = argv.filter((arg) => arg !== '--verbose');
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 1 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
    return 1;
  }
  try {
    return await run(rest);
  } catch (error) {
    process.stderr.write(`\nwan-web ${command}: ${describeFailure(error)}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** Our errors, and node:util parseArgs's, say what to do; anything else is a bug in wan-web, said as one. */
function describeFailure(error: unknown): string {
  if (error instanceof WanError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) return `${message} (see --help).`;
  return `an unexpected error, which is a bug in wan-web: ${message}\nRun the same command with --verbose and report what it prints.`;
}
