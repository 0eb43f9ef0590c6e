import { spawn } from 'node:child_process';

/**
 * glibc malloc settings for onnxruntime-node's CPU runs. By default glibc raises its mmap
 * threshold (up to 32 MiB) each time a large block is freed, and from then on serves blocks
 * below it from heaps that keep freed memory and fragment: after a few runs of the VAE decoder
 * the process holds gigabytes it no longer uses. A fixed 128 KiB threshold (fixing it also stops
 * the raising) gives every large tensor its own mapping, returned to the system when freed.
 */
export const LOW_FRAGMENTATION_MALLOC: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: String(128 * 1024) };

/**
 * glibc reads the setting only at start-up, so on Linux, unless the environment already sets
 * it, this runs the same command again in a child that has it and resolves to the child's exit
 * code. Ctrl-C reaches the child from the terminal; a SIGTERM sent to this process is passed on.
 * Resolves to undefined when there is nothing to do (the caller then runs the command itself).
 */
export async function relaunchWithLowFragmentationMalloc(): Promise<number | undefined> {
  if (process.platform !== 'linux' || 'MALLOC_MMAP_THRESHOLD_' in process.env) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...LOW_FRAGMENTATION_MALLOC },
  });
  const ignoreInterrupt = () => {};
  const passTerminate = () => child.kill('SIGTERM');
  process.on('SIGINT', ignoreInterrupt);
  process.on('SIGTERM', passTerminate);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
    });
  } finally {
    process.off('SIGINT', ignoreInterrupt);
    process.off('SIGTERM', passTerminate);
  }
}
