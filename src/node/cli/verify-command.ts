import { parseArgs } from 'node:util';
import { verifyDirBundle } from '../verify-bundle.ts';
import { ProgressBar } from './progress-bar.ts';

const USAGE = `wan-web verify <bundle-dir>

Reads every file the bundle's manifest lists and checks its size and SHA-256. Exits 0 when
all match, 1 (listing each file that does not) otherwise. Loading a bundle checks only that
each file is present at its size; this reads all of it (about a minute per 10 GB from an SSD).`;

export async function verifyCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  const [dir] = positionals;
  if (values.help || !dir) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  const bar = new ProgressBar(`verifying ${dir}`);
  const mismatches = await verifyDirBundle(dir, (done, total) => bar.update(done, total));
  if (mismatches.length === 0) {
    bar.done(`${dir}: every file matches its manifest entry`);
    return 0;
  }
  bar.done(`${dir}: ${mismatches.length === 1 ? '1 file does' : `${mismatches.length} files do`} not match the manifest`);
  for (const { path, problem } of mismatches) process.stderr.write(`  ${path}: ${problem}\n`);
  process.stderr.write('Rebuild the bundle with "wan-web convert", or copy the files listed again.\n');
  return 1;
}
