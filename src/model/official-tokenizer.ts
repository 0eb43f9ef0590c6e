import { MODEL_CATALOG, huggingFaceResolveUrl } from './model-catalog.ts';
import { DownloadError } from '../errors.ts';

const OFFICIAL = MODEL_CATALOG[0]!;

/** The UMT5 tokenizer of the official Wan2.2 TI2V-5B diffusers repository, at its pinned commit (16 MB). */
export const OFFICIAL_TOKENIZER_URL = `${huggingFaceResolveUrl(OFFICIAL.repo, OFFICIAL.revision)}/tokenizer/tokenizer.json`;

/**
 * Fetches the official tokenizer, for models converted from files that carry none (ComfyUI's
 * single files): their text encoder is the same UMT5-XXL, so its tokenizer is too.
 */
export async function fetchOfficialTokenizer(fetchFn: typeof fetch, signal?: AbortSignal): Promise<{ bytes: Uint8Array; from: string }> {
  const response = await fetchFn(OFFICIAL_TOKENIZER_URL, signal ? { signal } : {});
  if (!response.ok) throw new DownloadError(`Could not fetch the UMT5 tokenizer from ${OFFICIAL_TOKENIZER_URL} (HTTP ${response.status}). Check the connection and try again.`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), from: `${OFFICIAL.repo}@${OFFICIAL.revision.slice(0, 12)} tokenizer/tokenizer.json` };
}
