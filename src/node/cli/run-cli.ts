import { WanError } from '../../errors.ts';
import { convertCommand } from './convert-command.ts';
import { debugCommand } from './debug-command.ts';
import { generateCommand } from './generate-command.ts';

const USAGE = `wan-web: Wan2.2 TI2V-5B in the browser, and its tools.

Commands:
  wan-web convert <source> <out-dir> [--weights int4|int8|fp16|fp32] [--activations fp16|fp32] [--vae-weights float|int8] [--vae-cache float|int8]
      Build a bundle from a diffusers checkpoint (local folder or http(s) base URL).
  wan-web generate --bundle <dir> --prompt "…" [--image in.png] [--size 1280x704] [--frames 121] [--steps 50]
                   [--guidance 5] [--shift 5] [--sampler unipc|euler|dmd] [--seed N] --out <file.mp4>
      Generate a video (MP4 through ffmpeg when present, PNG frames otherwise).
  wan-web debug dit|text-encoder|vae-decode|vae-encode|sample --bundle <dir> --in <in.safetensors> --out <out.safetensors>
  wan-web debug randn --seed N --shape 1,48,31,44,80 --out <file.safetensors>
      Run one component from tensors, with the official semantics (see test/fixtures/tiny-a/README.md).

Run a command with --help for its options.`;

/** Runs one CLI invocation and returns the process exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'convert':
        return await convertCommand(rest);
      case 'debug':
        return await debugCommand(rest);
      case 'generate':
        return await generateCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
        return 1;
    }
  } catch (error) {
    if (!isUserFacing(error)) throw error;
    process.stderr.write(`\nwan-web ${command}: ${error.message}\n`);
    return 1;
  }
}

/** Our errors, and node:util parseArgs's, say what to do; anything else is a bug and keeps its stack. */
function isUserFacing(error: unknown): error is Error {
  return error instanceof WanError || (error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'));
}
