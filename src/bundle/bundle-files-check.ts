import { ModelNotInstalledError } from '../errors.ts';
import type { BundleManifest } from './manifest.ts';

/** A file the manifest lists that is absent (`found` null), shorter than listed ('short') or of another size. */
export interface BundleFileProblem {
  readonly path: string;
  readonly expected: number;
  readonly found: number | null | 'short';
}

/** How many size queries run at once (HEAD requests for a bundle on a web host). */
const CONCURRENT_QUERIES = 8;
/** How many problems a message names before it counts the rest. */
const NAMED_PROBLEMS = 5;

/**
 * A file's size given the size the manifest lists: null when it is missing, 'short' when it is
 * shorter by an amount the store cannot tell, undefined when the store cannot tell at all.
 */
export type FileSizeQuery = (path: string, expected: number) => Promise<number | null | 'short' | undefined>;

/** Every listed file whose size `sizeOf` reports as missing (null) or different from the manifest's. */
export async function findBundleFileProblems(manifest: BundleManifest, sizeOf: FileSizeQuery): Promise<BundleFileProblem[]> {
  const problems: BundleFileProblem[] = [];
  for (let i = 0; i < manifest.files.length; i += CONCURRENT_QUERIES) {
    const batch = manifest.files.slice(i, i + CONCURRENT_QUERIES);
    const sizes = await Promise.all(batch.map((file) => sizeOf(file.path, file.bytes)));
    batch.forEach((file, k) => {
      const size = sizes[k];
      if (size !== undefined && size !== file.bytes) problems.push({ path: file.path, expected: file.bytes, found: size });
    });
  }
  return problems;
}

function describe({ path, expected, found }: BundleFileProblem): string {
  if (found === null) return `${path} is missing`;
  if (found === 'short') return `${path} is shorter than the ${expected.toLocaleString('en-US')} bytes the manifest says`;
  return `${path} has ${found.toLocaleString('en-US')} bytes where the manifest says ${expected.toLocaleString('en-US')}`;
}

/**
 * Refuses a bundle whose files are not all present at their exact sizes, before any session
 * reads them: a cut-off weight file would otherwise run on missing weights. `title` names the
 * bundle ("The bundle in ./wan"), `advice` says what to do about it.
 */
export async function checkBundleFiles(
  manifest: BundleManifest,
  sizeOf: FileSizeQuery,
  { title, advice }: { readonly title: string; readonly advice: string },
): Promise<void> {
  const problems = await findBundleFileProblems(manifest, sizeOf);
  if (problems.length === 0) return;
  const named = problems.slice(0, NAMED_PROBLEMS).map(describe);
  const more = problems.length > NAMED_PROBLEMS ? `, and ${problems.length - NAMED_PROBLEMS} more files are wrong` : '';
  throw new ModelNotInstalledError(`${title} is incomplete or damaged: ${named.join('; ')}${more}. ${advice}`);
}
