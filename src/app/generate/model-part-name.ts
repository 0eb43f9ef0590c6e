/** A bundle graph in the words a person knows it by: "the text encoder", "the DiT", "the VAE decoder". */
export function modelPartName(graph: string): string {
  if (graph === 'text-encoder') return 'the text encoder';
  if (graph === 'dit' || graph === 'dit-context') return 'the DiT';
  if (graph.startsWith('vae-decoder')) return 'the VAE decoder';
  if (graph.startsWith('tiny-vae-decoder')) return 'the tiny decoder';
  if (graph.startsWith('vae-encoder')) return 'the VAE encoder';
  return graph;
}
