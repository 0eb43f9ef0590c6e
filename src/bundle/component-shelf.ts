import type { BundleSink, ResumableStaging } from './bundle-sink.ts';
import type { EmbeddingTableEntry, GraphEntry } from './manifest.ts';
import type { FileRecord } from './hashing-writer.ts';

/** The components a model can share with other models (the DiT is the model itself and is never shared). */
export type SharedComponentKind = 'textEncoder' | 'vae' | 'tinyDecoder';

/** What one converted component adds to a bundle: its graphs and files (and the text encoder's table and tokenizer). */
export interface ConvertedComponent {
  readonly graphs: Readonly<Record<string, GraphEntry>>;
  readonly files: readonly FileRecord[];
  readonly textEmbedding?: EmbeddingTableEntry;
  readonly tokenizer?: string | null;
}

/**
 * Where converted components are kept once for every model that uses them, by a key of the
 * content they were converted from and the conversion settings (OPFS: components/<key>/).
 */
export interface ComponentShelf {
  /** Notes that the model being installed uses this component, before it is converted or reused. */
  use(kind: SharedComponentKind, key: string): Promise<void>;
  /** The key noted by `use` for this model earlier (an interrupted install of it), if any. */
  noted(kind: SharedComponentKind): Promise<string | undefined>;
  /** The component converted earlier under this key, or null. */
  find(key: string): Promise<ConvertedComponent | null>;
  /** The staging area of a conversion of this component that was interrupted, if there is one (nothing is created). */
  staging(key: string): Promise<ResumableStaging | undefined>;
  /** Where to convert the component (resumable: an interrupted conversion continues there). */
  sink(key: string): Promise<BundleSink>;
  /** Records a component whose files are all written and committed into `sink(key)`. */
  record(key: string, component: ConvertedComponent): Promise<void>;
}
