import { DownloadError } from '../errors.ts';

const COMMIT = /^[0-9a-f]{40}$/;

/**
 * The commit a Hugging Face branch or tag points at now (a commit is returned as is), so an
 * install reads one fixed set of weights even if the repository moves on while it runs or
 * before it is resumed.
 */
export async function pinnedRevision(repo: string, revision: string, fetchFn: typeof fetch = fetch.bind(globalThis)): Promise<string> {
  if (COMMIT.test(revision)) return revision;
  const url = `https://huggingface.co/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
  let response: Response;
  try {
    response = await fetchFn(url, { cache: 'no-store' });
  } catch (error) {
    throw new DownloadError(`Could not reach Hugging Face to look up ${repo}@${revision}: ${(error as Error).message}. Check the connection and try again.`);
  }
  if (!response.ok) throw new DownloadError(`Hugging Face answered HTTP ${response.status} for ${repo}@${revision}: check that the repository and revision exist and are public.`);
  const sha = ((await response.json()) as { sha?: unknown }).sha;
  if (typeof sha !== 'string' || !COMMIT.test(sha)) throw new DownloadError(`Hugging Face did not give a commit for ${repo}@${revision}.`);
  return sha;
}
