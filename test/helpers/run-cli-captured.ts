import { vi } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';

/** Runs the CLI in this process and returns its exit code and what it wrote to stderr; stdout is silenced. */
export async function runCliCaptured(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const code = await runCli(args);
    return { code, stderr };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}
