import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { MANIFEST_FILE, bundleFilePath } from '../bundle/manifest.ts';
import { manifestFromText } from './manifest-text.ts';
import { DownloadError, InstallPausedError } from '../errors.ts';
import { formatBytes } from '../format-bytes.ts';
import { MODEL_FILES, ModelStore } from './model-store.ts';
import type { InstalledModel, PartialInstall, ResumeRequest } from './model-store.ts';
import { ensureSpace, storageFull } from './storage-space.ts';
import type { StorageQuota } from './storage-space.ts';
import { existingFile, isQuotaError, readJson, writeBytes, writeJson } from '../opfs-files.ts';
import { TransferRate } from './transfer-rate.ts';
import type { TransferProgress } from './transfer-rate.ts';
import { downloadVerified } from './verified-download.ts';

export interface InstallProgress extends TransferProgress {
  readonly modelId: string;
  readonly name: string;
  readonly filesVerified: number;
  readonly files: number;
}

export interface UrlInstallOptions {
  readonly store: ModelStore;
  /** The bundle's folder URL (where manifest.json is). */
  readonly url: string;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: InstallProgress) => void;
  /** Files downloaded at once. */
  readonly parallel?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly storage?: StorageQuota;
  /** How the list offers to take this install up again; by default from `url`. */
  readonly resume?: ResumeRequest;
}

const PROGRESS_INTERVAL_MS = 200;

const KEPT = 'the files verified so far are kept.';

/**
 * Installs a prebuilt bundle from a static host into OPFS: the manifest first, then every
 * file, a few at a time, each resumed where an earlier attempt stopped and verified against
 * the manifest's SHA-256. Only when all files are verified is the model marked installed.
 */
export async function installBundleFromUrl(options: UrlInstallOptions): Promise<InstalledModel> {
  const { store, signal } = options;
  const fetchFn = options.fetch ?? fetch.bind(globalThis);
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const manifestText = await fetchManifest(fetchFn, base, signal);
  const manifest = manifestFromText(manifestText, `${base}${MANIFEST_FILE}`);
  const id = bytesToHex(sha256(new TextEncoder().encode(manifestText))).slice(0, 16);
  const already = await store.installed(id);
  if (already) return already;

  const folder = await store.folder(id, true);
  const bundle = await store.bundleFolder(id, true);
  const totalBytes = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
  const saved = await readJson<PartialInstall>(folder, MODEL_FILES.progress);
  const previous = saved?.id === id ? saved.verifiedPaths : [];
  const verified = new Set(previous.filter((path) => manifest.files.some((file) => file.path === path)));
  const resume = options.resume ?? { kind: 'bundle-url', url: base };
  const partial = (): PartialInstall => ({ id, name: manifest.name, source: base, bytes: totalBytes, verifiedPaths: [...verified], work: 'download', resume });
  try {
    await writeBytes(folder, MODEL_FILES.manifest, new TextEncoder().encode(manifestText));
    await writeJson(folder, MODEL_FILES.progress, partial());
  } catch (error) {
    throw isQuotaError(error) ? storageFull('to start this install', KEPT) : error;
  }

  let present = 0;
  for (const file of manifest.files) present += verified.has(file.path) ? file.bytes : Math.min(file.bytes, (await existingFile(bundle, bundleFilePath(file.path)))?.size ?? 0);
  await ensureSpace(options.storage ?? (navigator.storage as StorageQuota), totalBytes - present, manifest.name, KEPT);

  const rate = new TransferRate(present, totalBytes);
  let lastReport = 0;
  const report = (force = false) => {
    const now = performance.now();
    if (!force && now - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = now;
    options.onProgress?.({ ...rate.progress(), modelId: id, name: manifest.name, filesVerified: verified.size, files: manifest.files.length });
  };
  report(true);

  let saving = Promise.resolve();
  const queue = manifest.files.filter((file) => !verified.has(file.path));
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      await downloadVerified({
        // A plain name (checked again here, where it becomes a URL and an OPFS path) stays under `base` and in `bundle`.
        url: new URL(bundleFilePath(file.path), base).href,
        file,
        folder: bundle,
        fetch: fetchFn,
        ...(signal ? { signal } : {}),
        onBytes: (delta) => {
          rate.add(delta);
          report();
        },
        ...(options.retries !== undefined ? { retries: options.retries } : {}),
        ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
      });
      verified.add(file.path);
      saving = saving.then(() => writeJson(folder, MODEL_FILES.progress, partial()));
      await saving;
      report(true);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 3) }, worker));
  } catch (error) {
    queue.length = 0;
    if (isQuotaError(error)) throw storageFull(`for ${manifest.name} (${formatBytes(totalBytes)})`, KEPT);
    if (signal?.aborted) throw new InstallPausedError();
    throw error;
  }

  return store.recordInstalled(id, manifest, base);
}

async function fetchManifest(fetchFn: typeof fetch, base: string, signal?: AbortSignal): Promise<string> {
  let response: Response;
  try {
    response = await fetchFn(new URL(MANIFEST_FILE, base).href, { cache: 'no-store', ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw new InstallPausedError();
    throw new DownloadError(`Could not reach ${base}${MANIFEST_FILE}: ${(error as Error).message}. Check the URL and the connection (the host must allow cross-origin requests).`);
  }
  if (!response.ok) throw new DownloadError(`${base}${MANIFEST_FILE} answered HTTP ${response.status}: there is no wan-web bundle at that URL.`);
  return response.text();
}
