import { StorageFullError } from '../errors.ts';
import { isQuotaError, readJson, writeBytes, writeJson } from '../opfs-files.ts';
import { videoFileName } from './video-file-name.ts';
import type { EncodedVideo } from './video-format.ts';
import type { VideoProvenance } from './video-metadata.ts';

/** One finished video in the history: its settings and how it was encoded. */
export interface HistoryEntry {
  readonly id: string;
  /** The video's file in the entry's folder (downloads are named by videoFileName). */
  readonly fileName: string;
  readonly provenance: VideoProvenance;
  readonly video: Omit<EncodedVideo, 'bytes' | 'provenance'> & { readonly sizeBytes: number };
  /** The start image it was made from, kept beside it (entries saved before this was kept have none). */
  readonly startImage?: { readonly name: string; readonly type: string };
}

/** A start image as the user gave it. */
export interface StartImageFile {
  readonly file: Blob;
  readonly name: string;
}

/** The history's order: newest first. */
export function newestFirst(a: HistoryEntry, b: HistoryEntry): number {
  return b.provenance.createdAt.localeCompare(a.provenance.createdAt) || b.id.localeCompare(a.id);
}

const ENTRY_FILE = 'entry.json';
const START_IMAGE_FILE = 'start-image';

/**
 * Finished videos in the origin private file system, one folder each: the video file is
 * written first and `entry.json` last, so a folder without `entry.json` is an interrupted
 * save that is never listed (and removed at the next open).
 */
export class VideoHistory {
  private constructor(private readonly root: FileSystemDirectoryHandle) {}

  static async open(storageRoot?: FileSystemDirectoryHandle): Promise<VideoHistory> {
    const root = await (storageRoot ?? (await navigator.storage.getDirectory())).getDirectoryHandle('history', { create: true });
    const history = new VideoHistory(root);
    await history.removeUnfinished();
    return history;
  }

  /** Newest first. */
  async list(): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for await (const [id, handle] of this.root.entries()) {
      if (handle.kind !== 'directory') continue;
      const entry = await readEntry(handle as FileSystemDirectoryHandle);
      if (entry?.id === id) entries.push(entry);
    }
    return entries.sort(newestFirst);
  }

  /** Stores a video (and the start image it came from); on a full disk nothing of it stays behind and StorageFullError says so. */
  async save(video: EncodedVideo, startImage: StartImageFile | null = null): Promise<HistoryEntry> {
    const { bytes, provenance, ...encoding } = video;
    const id = `${provenance.createdAt.replace(/[^0-9]/g, '')}-${crypto.randomUUID().slice(0, 8)}`;
    const fileName = videoFileName(provenance, video.container);
    const entry: HistoryEntry = {
      id,
      fileName,
      provenance,
      video: { ...encoding, sizeBytes: bytes.byteLength },
      ...(startImage ? { startImage: { name: startImage.name, type: startImage.file.type } } : {}),
    };
    try {
      const folder = await this.root.getDirectoryHandle(id, { create: true });
      await writeBytes(folder, fileName, bytes);
      if (startImage) await writeBytes(folder, START_IMAGE_FILE, new Uint8Array(await startImage.file.arrayBuffer()));
      await writeJson(folder, ENTRY_FILE, entry);
    } catch (error) {
      await this.root.removeEntry(id, { recursive: true }).catch(() => undefined);
      if (isQuotaError(error)) {
        throw new StorageFullError(
          `There is no room left in this browser's storage for the video (${(bytes.byteLength / 1e6).toFixed(1)} MB). ` +
            'It was not added to the history, but you can still download it. Delete older videos or free disk space to keep new ones.',
        );
      }
      throw error;
    }
    return entry;
  }

  async file(entry: HistoryEntry): Promise<File> {
    const folder = await this.root.getDirectoryHandle(entry.id);
    return (await folder.getFileHandle(entry.fileName)).getFile();
  }

  /** The start image the entry's video was made from, or null when none was kept. */
  async startImage(entry: HistoryEntry): Promise<File | null> {
    if (!entry.startImage) return null;
    const folder = await this.root.getDirectoryHandle(entry.id);
    const bytes = await (await folder.getFileHandle(START_IMAGE_FILE)).getFile();
    return new File([bytes], entry.startImage.name, { type: entry.startImage.type });
  }

  async remove(id: string): Promise<void> {
    await this.root.removeEntry(id, { recursive: true });
  }

  private async removeUnfinished(): Promise<void> {
    const unfinished: string[] = [];
    for await (const [id, handle] of this.root.entries()) {
      if (handle.kind === 'file' || !(await readEntry(handle as FileSystemDirectoryHandle))) unfinished.push(id);
    }
    for (const id of unfinished) await this.root.removeEntry(id, { recursive: true }).catch(() => undefined);
  }
}

function readEntry(folder: FileSystemDirectoryHandle): Promise<HistoryEntry | null> {
  return readJson<HistoryEntry>(folder, ENTRY_FILE);
}
