/**
 * Where a bundle's weights came from, as its manifest records it: a repository (a Hugging
 * Face repo, or the URL or folder a checkpoint was read from) at a revision.
 */
export interface ModelSource {
  readonly repo: string;
  readonly revision: string;
}
