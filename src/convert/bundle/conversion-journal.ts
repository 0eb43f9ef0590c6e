import { sha256 } from '@noble/hashes/sha2.js';
import type { ExternalData } from '../../onnx/index.ts';
import { assert } from '../../assert.ts';
import type { ResumableStaging } from '../../bundle/bundle-sink.ts';
import { HashingWriter } from '../../bundle/hashing-writer.ts';
import type { FileRecord } from '../../bundle/hashing-writer.ts';

/** A stored weight as the journal keeps it: where it is and what it is. */
export interface JournaledWeight extends ExternalData {
  readonly dtype: string;
  readonly dims: readonly number[];
}

/** How often progress is made durable while a file grows. */
export interface CheckpointPolicy {
  readonly everyMs: number;
  readonly everyBytes: number;
}

/**
 * What a closed tab loses is what was stored since the last mark, read again on resume: at most
 * half a second of reading. A mark is a flush and one journal line (a few ms in OPFS).
 */
export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everyMs: 500, everyBytes: 256 * 1024 * 1024 };

type JournalLine =
  | { readonly t: 'start'; readonly key: string }
  | ({ readonly t: 'weight'; readonly name: string } & JournaledWeight)
  | { readonly t: 'mark'; readonly path: string; readonly bytes: number; readonly read: number }
  | ({ readonly t: 'file' } & FileRecord);

const READ_BACK_BYTES = 16 * 1024 * 1024;

/**
 * The durable record of a conversion in progress, so that an interrupted one (a closed tab,
 * a lost connection, a full disk) continues at tensor granularity instead of starting over.
 *
 * It is an append-only list of JSON lines: the weights stored (name → file, offset, length),
 * "marks" saying a growing file is durable up to a length, and the records of finished files.
 * Weight lines are written only with the mark that follows their bytes' flush; a torn last
 * append is ignored. A journal from another source, precision or builder version (`key`)
 * is discarded with everything staged.
 */
export class ConversionJournal {
  private readonly weights = new Map<string, JournaledWeight>();
  private readonly finished = new Map<string, FileRecord>();
  private readonly durable = new Map<string, number>();
  private pending: JournalLine[] = [];
  private lastMark = { at: 0, path: '', bytes: 0 };
  /** Set while the staging area still holds another conversion's work (cleared at the first write). */
  private startKey: string | null = null;

  private constructor(
    private readonly staging: ResumableStaging | undefined,
    /** Source bytes read when the journal was last written (progress to resume from). */
    readonly sourceBytesRead: number,
    private readonly policy: CheckpointPolicy,
    /** Whether the staging area's journal is this conversion's (same key), even with nothing stored yet. */
    readonly continues = false,
  ) {}

  /** A journal that records nothing and recalls nothing (a sink that cannot resume). */
  static none(): ConversionJournal {
    return new ConversionJournal(undefined, 0, DEFAULT_CHECKPOINT_POLICY);
  }

  /**
   * Reads the staging area's journal for this conversion (`key`). When it holds another
   * conversion's (or none), the journal starts empty, and `begin()` clears the staging area.
   */
  static async open(staging: ResumableStaging | undefined, key: string, policy = DEFAULT_CHECKPOINT_POLICY): Promise<ConversionJournal> {
    if (!staging) return ConversionJournal.none();
    const lines = parseLines(await staging.readJournal());
    const first = lines[0];
    if (first?.t !== 'start' || first.key !== key) {
      // Nothing is written before the first record: a conversion refused for space leaves the staging area as it was.
      const journal = new ConversionJournal(staging, 0, policy);
      journal.startKey = key;
      return journal;
    }
    let read = 0;
    let unmarked: Extract<JournalLine, { t: 'weight' }>[] = [];
    const marked: Extract<JournalLine, { t: 'weight' }>[] = [];
    const finished = new Map<string, FileRecord>();
    const durable = new Map<string, number>();
    for (const line of lines.slice(1)) {
      if (line.t === 'weight') unmarked.push(line);
      else if (line.t === 'mark') {
        marked.push(...unmarked);
        unmarked = [];
        durable.set(line.path, line.bytes);
        read = Math.max(read, line.read);
      } else if (line.t === 'file') {
        // A file is closed (flushed) before its line is written: the weights recorded with it are durable too.
        marked.push(...unmarked);
        unmarked = [];
        finished.set(line.path, { path: line.path, bytes: line.bytes, sha256: line.sha256 });
      }
    }
    const journal = new ConversionJournal(staging, read, policy, true);
    for (const { name, location, offset, length, dtype, dims } of marked) {
      if (finished.has(location) || offset + length <= (durable.get(location) ?? 0)) journal.weights.set(name, { location, offset, length, dtype, dims });
    }
    for (const [path, record] of finished) journal.finished.set(path, record);
    for (const [path, bytes] of durable) if (!finished.has(path)) journal.durable.set(path, bytes);
    return journal;
  }

  /** Whether anything was carried over from an interrupted conversion. */
  get resumed(): boolean {
    return this.weights.size > 0 || this.finished.size > 0 || this.durable.size > 0;
  }

  /** Bytes of bundle files an earlier run left in place. */
  get stagedBytes(): number {
    let bytes = 0;
    for (const record of this.finished.values()) bytes += record.bytes;
    for (const length of this.durable.values()) bytes += length;
    return bytes;
  }

  /** A weight an earlier run stored, if it is there with the same type and shape. */
  weight(name: string, dtype: string, dims: readonly number[]): ExternalData | undefined {
    const stored = this.weights.get(name);
    if (!stored || stored.dtype !== dtype || stored.dims.join(',') !== dims.join(',')) return undefined;
    return { location: stored.location, offset: stored.offset, length: stored.length };
  }

  /** The record of a file an earlier run finished. */
  finishedFile(path: string): FileRecord | undefined {
    return this.finished.get(path);
  }

  /** Bytes of `path` known durable, for a file an earlier run had not finished. */
  durableBytes(path: string): number {
    return this.durable.get(path) ?? 0;
  }

  /**
   * Continues an unfinished file: reopened at its durable length, its kept bytes hashed again
   * so the finished file's SHA-256 covers all of it. Null when there is nothing to keep.
   */
  async continueFile(path: string): Promise<HashingWriter | null> {
    const length = this.durableBytes(path);
    if (!this.staging || length === 0) return null;
    const reopened = await this.staging.reopen(path, length);
    if (!reopened) {
      // The file is gone or shorter than recorded: what the journal says is in it is not.
      this.durable.delete(path);
      for (const [name, weight] of this.weights) if (weight.location === path) this.weights.delete(name);
      return null;
    }
    const hash = sha256.create();
    for (let offset = 0; offset < length; offset += READ_BACK_BYTES) hash.update(await reopened.read(offset, Math.min(READ_BACK_BYTES, length - offset)));
    return HashingWriter.continuing(path, reopened.writer, hash, length);
  }

  /** Notes a stored weight; it becomes durable with the next mark. */
  addWeight(name: string, weight: JournaledWeight): void {
    if (this.staging) this.pending.push({ t: 'weight', name, ...weight });
  }

  /** Marks `writer`'s file durable up to its current length when the policy says it is time (or when forced). */
  async mark(writer: HashingWriter, sourceBytesRead: number, force = false): Promise<void> {
    if (!this.staging) return;
    const now = Date.now();
    const grown = writer.path === this.lastMark.path ? writer.bytes - this.lastMark.bytes : writer.bytes;
    if (!force && now - this.lastMark.at < this.policy.everyMs && grown < this.policy.everyBytes) return;
    await writer.flush();
    await this.append({ t: 'mark', path: writer.path, bytes: writer.bytes, read: sourceBytesRead });
    this.lastMark = { at: now, path: writer.path, bytes: writer.bytes };
  }

  /**
   * Marks what `writer` holds durable when a conversion stops (paused, cancelled, failed), so
   * that resuming does not read again what was stored since the last mark. A mark that cannot
   * be written (the disk is full) only costs that re-reading.
   */
  async markStopped(writer: HashingWriter, sourceBytesRead: number): Promise<void> {
    await this.mark(writer, sourceBytesRead, true).catch(() => undefined);
  }

  /** Records a closed file as finished. */
  async finishFile(record: FileRecord): Promise<void> {
    if (!this.staging) return;
    await this.append({ t: 'file', ...record });
  }

  /** Empties the staging area of another conversion's work and starts this one's journal; before any file is created. */
  async begin(): Promise<void> {
    if (!this.staging || this.startKey === null) return;
    await this.staging.clear();
    await this.staging.appendJournal(`${JSON.stringify({ t: 'start', key: this.startKey } satisfies JournalLine)}\n`);
    this.startKey = null;
  }

  private async append(line: JournalLine): Promise<void> {
    assert(this.startKey === null, 'ConversionJournal.begin() must come before the first file is written');
    const lines = [...this.pending, line];
    this.pending = [];
    await this.staging!.appendJournal(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }
}

/** Complete lines only: a line cut short by an interruption (and all after it) is dropped. */
function parseLines(text: string): JournalLine[] {
  const lines: JournalLine[] = [];
  for (const raw of text.split('\n').slice(0, -1)) {
    try {
      lines.push(JSON.parse(raw) as JournalLine);
    } catch {
      break;
    }
  }
  return lines;
}
