import type { BundleSink } from '../bundle/bundle-sink.ts';
import type { ComponentShelf, ConvertedComponent } from '../bundle/component-shelf.ts';
import { ConvertError } from '../errors.ts';
import { ConversionJournal } from './bundle/conversion-journal.ts';
import type { CheckpointPolicy } from './bundle/conversion-journal.ts';
import type { ComponentName } from './convert-component.ts';

const journalKey = (kind: ComponentName, key: string) => `${kind}:${key}`;

/** Converts a shared component into the shelf, with a journal of its own, and records it there. */
export async function convertOnShelf(
  kind: ComponentName,
  key: string,
  shelf: ComponentShelf,
  convert: (sink: BundleSink, journal: ConversionJournal) => Promise<ConvertedComponent>,
  checkpointPolicy?: CheckpointPolicy,
): Promise<ConvertedComponent> {
  const sink = await shelf.sink(key);
  try {
    const journal = await ConversionJournal.open(sink.resumable, journalKey(kind, key), checkpointPolicy);
    await journal.begin();
    const component = await convert(sink, journal);
    await sink.commit();
    await shelf.record(key, component);
    return component;
  } catch (error) {
    if (!sink.resumable || error instanceof ConvertError) await sink.abort();
    throw error;
  }
}

/**
 * How far an interrupted run got inside the shared components it was converting (source bytes
 * read): their journals are their own, so the model's journal stops at the last component it
 * converted itself, and a resumed install would show too little until it reached them.
 */
export async function shelvedProgress(shelf: ComponentShelf, components: readonly { readonly kind: ComponentName; readonly key: string }[]): Promise<number> {
  let read = 0;
  for (const { kind, key } of components) {
    const staging = await shelf.staging(key);
    if (staging) read = Math.max(read, (await ConversionJournal.open(staging, journalKey(kind, key))).sourceBytesRead);
  }
  return read;
}
