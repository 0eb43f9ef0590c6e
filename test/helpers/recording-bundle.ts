import type { BundleAccess } from '../../src/pipeline/bundle-access.ts';

/** One session a bundle was asked for: its graph, and whether the graph's bytes were rewritten first. */
export interface SessionRequest {
  readonly graph: string;
  readonly rewritten: boolean;
}

/** The bundle, recording every session it is asked to create, in order. */
export function recordingBundle(bundle: BundleAccess): BundleAccess & { readonly requests: SessionRequest[] } {
  const requests: SessionRequest[] = [];
  return {
    ...bundle,
    requests,
    createSession(graph, options, rewrite) {
      requests.push({ graph, rewritten: rewrite !== undefined });
      return bundle.createSession(graph, options, rewrite);
    },
  };
}
