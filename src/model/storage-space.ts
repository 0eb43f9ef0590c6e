import { StorageFullError } from '../errors.ts';
import { formatBytes } from '../format-bytes.ts';

/** The storage calls an install needs; `persist` exists on pages only (the page asks for it in a worker's stead). */
export interface StorageQuota {
  estimate(): Promise<StorageEstimate>;
  persist?(): Promise<boolean>;
}

/**
 * Refuses to start when the browser's quota cannot hold `needed` more bytes, and asks the
 * browser to keep this site's data. `kept` tells the user what an earlier attempt left in place.
 */
export async function ensureSpace(storage: StorageQuota, needed: number, what: string, kept: string): Promise<void> {
  const { quota, usage } = await storage.estimate();
  if (quota !== undefined && usage !== undefined && quota - usage < needed) {
    throw new StorageFullError(
      `${what} needs ${formatBytes(needed)} more, but this browser lets this site store only ${formatBytes(quota - usage)} more. ` +
        `Free disk space or delete other models or videos, then install again: ${kept}`,
    );
  }
  await storage.persist?.().catch(() => false);
}

/** The error for a write the quota refused mid-install. */
export const storageFull = (what: string, kept: string) =>
  new StorageFullError(`There is no room left in this browser's storage ${what}. Free disk space or delete other models or videos, then resume: ${kept}`);
