import type { BundleAccess } from '../bundle-access.ts';
import type { OrtSession, OrtSessionOptions } from '../ort-types.ts';

/** A graph's session being created (`ms` null), or created in `ms`. */
export interface SessionLoad {
  readonly graph: string;
  readonly ms: number | null;
}

/** Sessions of a bundle's graphs, created on demand and kept until they are released. */
export class ModelSessions {
  private readonly sessions = new Map<string, Promise<OrtSession>>();
  /** Told when a session starts and finishes loading. */
  onLoad: ((load: SessionLoad) => void) | null = null;

  constructor(
    readonly bundle: BundleAccess,
    private readonly options: {
      readonly sessionOptions?: OrtSessionOptions;
      /** Graphs whose outputs stay in GPU buffers (`preferredOutputLocation: 'gpu-buffer'`). */
      readonly outputsOnDevice?: (graph: string) => boolean;
    } = {},
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
      const listener = this.onLoad;
      listener?.({ graph, ms: null });
      const started = performance.now();
      session = this.bundle.createSession(graph, options, variant?.rewrite);
      session.then(() => listener?.({ graph, ms: performance.now() - started })).catch(() => undefined);
      // A failed load must not poison later attempts.
      session.catch(() => this.sessions.delete(key));
      this.sessions.set(key, session);
    }
    return session;
  }

  /** Releases the sessions of these graphs (every variant), and the GPU memory they hold. */
  release(graphs: readonly string[]): Promise<void> {
    return this.releaseWhere((graph) => graphs.includes(graph));
  }

  /** Releases every session whose graph `drop` picks. */
  releaseWhere(drop: (graph: string) => boolean): Promise<void> {
    return this.releaseKeys([...this.sessions.keys()].filter((key) => drop(key.split('#')[0]!)));
  }

  /** Releases every session (and the GPU memory they hold). */
  dispose(): Promise<void> {
    return this.releaseKeys([...this.sessions.keys()]);
  }

  private async releaseKeys(keys: readonly string[]): Promise<void> {
    const pending = keys.map((key) => this.sessions.get(key)!);
    for (const key of keys) this.sessions.delete(key);
    await Promise.all(pending.map(async (session) => (await session.catch(() => null))?.release()));
  }
}
