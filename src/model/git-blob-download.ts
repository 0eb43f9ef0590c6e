import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DownloadError, InstallPausedError } from '../errors.ts';

/** A file in a git tree at a pinned commit, as raw.githubusercontent.com serves it. */
export interface PinnedGitFile {
  readonly repo: string;
  readonly commit: string;
  readonly path: string;
  /** Its blob id in that commit's tree: SHA-1 of `blob <size>\0` and its bytes (size and content both pinned). */
  readonly blob: string;
}

export const pinnedGitFileUrl = (file: PinnedGitFile) => `https://raw.githubusercontent.com/${file.repo}/${file.commit}/${file.path}`;

/** The git blob id of `bytes`. */
export function gitBlobId(bytes: Uint8Array): string {
  return bytesToHex(sha1.create().update(new TextEncoder().encode(`blob ${bytes.byteLength}\0`)).update(bytes).digest());
}

/**
 * Downloads a pinned file and checks it against the blob id the commit's tree records, which
 * fixes its size and content as a SHA-256 in a manifest would. The file is small (the tiny
 * decoder's 22 MB), so it is read whole; a failed or different download is a DownloadError.
 */
export async function downloadPinnedGitFile(file: PinnedGitFile, fetchFn: typeof fetch, signal?: AbortSignal): Promise<Uint8Array> {
  const url = pinnedGitFileUrl(file);
  let bytes: Uint8Array;
  try {
    const response = await fetchFn(url, signal ? { signal } : {});
    if (!response.ok) throw new DownloadError(`${url} answered ${response.status}. Try again later, or add the file from this computer.`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (signal?.aborted) throw new InstallPausedError();
    if (error instanceof DownloadError) throw error;
    throw new DownloadError(`${url} could not be read (${error instanceof Error ? error.message : String(error)}). Check the connection and try again, or add the file from this computer.`);
  }
  const blob = gitBlobId(bytes);
  if (blob !== file.blob) {
    throw new DownloadError(
      `${url} sent ${bytes.byteLength} bytes that are not ${file.path} of ${file.repo} at ${file.commit.slice(0, 12)} (git blob ${blob}, expected ${file.blob}). Try again; if it happens again, add the file from this computer.`,
    );
  }
  return bytes;
}
