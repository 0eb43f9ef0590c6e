import type { DitConfig } from '../../bundle/dit-config.ts';

/** Multiply-adds in one DiT pass over N tokens: macsPerToken·N + macsPerTokenPair·N². */
export interface DitWork {
  readonly macsPerToken: number;
  /** Self-attention's scores and weighted sum, which grow with the square of the tokens. */
  readonly macsPerTokenPair: number;
}

/**
 * The DiT's arithmetic from its shape. Per block and token: self-attention's four
 * projections, cross-attention's query and output projections and its attention over the
 * text tokens (its keys and values are computed once per prompt), and the feed-forward pair;
 * plus the patch embedding and the output head.
 */
export function ditWork(config: DitConfig, textTokens = 512): DitWork {
  const { dim, ffnDim, numLayers, inChannels, outChannels } = config;
  const patch = config.patchSize.reduce((a, b) => a * b, 1);
  const perBlock = 4 * dim * dim + 2 * dim * dim + 2 * textTokens * dim + 2 * dim * ffnDim;
  return {
    macsPerToken: numLayers * perBlock + patch * (inChannels + outChannels) * dim,
    macsPerTokenPair: numLayers * 2 * dim,
  };
}

export function ditPassMacs(work: DitWork, tokens: number): number {
  return work.macsPerToken * tokens + work.macsPerTokenPair * tokens * tokens;
}
