import type { BundleAccess } from '../bundle-access.ts';
import type { OrtSession, OrtSessionOptions } from '../ort-types.ts';

/**
 * keep-loaded: every session stays after first use (fast repeats, needs the GPU memory of
 * all models at once); one-at-a-time: each model is loaded for its phase and released
 * after it (for small GPUs).
 */
export type MemoryMode = 'keep-loaded' | 'one-at-a-time';

/** Sessions of a bundle's graphs, created on demand and released according to the memory mode. */
export class ModelSessions {
  private readonly sessions = new Map<string, Promise<OrtSession>>();

  constructor(
    readonly bundle: BundleAccess,
    private readonly options: {
      readonly sessionOptions?: OrtSessionOptions;
      readonly memory: MemoryMode;
      /** Graphs whose outputs stay in GPU buffers (`preferredOutputLocation: 'gpu-buffer'`). */
      readonly outputsOnDevice?: (graph: string) => boolean;
    },
  ) {}

  /**
   * A session for `graph`; `variant` names a rewritten form (e.g. chunked attention for a
   * token count), each variant being its own session.
   */
  get(graph: string, variant?: { key: string; rewrite: (model: Uint8Array) => Uint8Array }): Promise<OrtSession> {
    const key = variant ? `${graph}#${variant.key}` : graph;
    let session = this.sessions.get(key);
    if (!session) {
      const { sessionOptions, outputsOnDevice } = this.options;
      const options: OrtSessionOptions | undefined = outputsOnDevice?.(graph) ? { ...sessionOptions, preferredOutputLocation: 'gpu-buffer' } : sessionOptions;
      session = this.bundle.createSession(graph, options, variant?.rewrite);
      // A failed load must not poison later attempts.
      session.catch(() => this.sessions.delete(key));
      this.sessions.set(key, session);
    }
    return session;
  }

  /** Ends a phase: in one-at-a-time mode its sessions are released. */
  async endPhase(graphs: readonly string[]): Promise<void> {
    if (this.options.memory === 'keep-loaded') return;
    await this.release((key) => graphs.some((graph) => key === graph || key.startsWith(`${graph}#`)));
  }

  /** Releases every session (and the GPU memory they hold). */
  dispose(): Promise<void> {
    return this.release(() => true);
  }

  private async release(match: (key: string) => boolean): Promise<void> {
    const keys = [...this.sessions.keys()].filter(match);
    const pending = keys.map((key) => this.sessions.get(key)!);
    for (const key of keys) this.sessions.delete(key);
    await Promise.all(pending.map(async (session) => (await session.catch(() => null))?.release()));
  }
}
