import { PromiseCache } from '../../promise-cache.ts';
import type { BundleAccess } from '../bundle-access.ts';
import type { OrtSession, OrtSessionOptions } from '../ort-types.ts';

/** A graph's session being created (`ms` null), or created in `ms`. */
export interface SessionLoad {
  readonly graph: string;
  readonly ms: number | null;
}

/** Sessions of a bundle's graphs, created on demand and kept until they are released. */
export class ModelSessions {
  /** A failed load is forgotten, so it does not poison later attempts. */
  private readonly sessions = new PromiseCache<string, OrtSession>();
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
    return this.sessions.get(key, () => {
      const { sessionOptions, outputsOnDevice } = this.options;
      const options: OrtSessionOptions | undefined = outputsOnDevice?.(graph) ? { ...sessionOptions, preferredOutputLocation: 'gpu-buffer' } : sessionOptions;
      const listener = this.onLoad;
      listener?.({ graph, ms: null });
      const started = performance.now();
      const session = this.bundle.createSession(graph, options, variant?.rewrite);
      session.then(() => listener?.({ graph, ms: performance.now() - started })).catch(() => undefined);
      return session;
    });
  }

  /** Releases the sessions of these graphs (every variant), and the GPU memory they hold. */
  release(graphs: readonly string[]): Promise<void> {
    return this.releaseWhere((graph) => graphs.includes(graph));
  }

  /** Releases every session whose graph `drop` picks. */
  releaseWhere(drop: (graph: string) => boolean): Promise<void> {
    return releaseAll(this.sessions.takeWhere((key) => drop(key.split('#')[0]!)));
  }

  /** Releases every session (and the GPU memory they hold). */
  dispose(): Promise<void> {
    return releaseAll(this.sessions.takeAll());
  }
}

async function releaseAll(sessions: readonly Promise<OrtSession>[]): Promise<void> {
  await Promise.all(sessions.map(async (session) => (await session.catch(() => null))?.release()));
}
