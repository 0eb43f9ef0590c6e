/** The stage graphs of one VAE half present in a bundle, in order (`vae-decoder-0`, `-1`, …). */
export function stageGraphNames(graphs: Readonly<Record<string, unknown>>, name: (stage: number) => string): string[] {
  const names: string[] = [];
  for (let i = 0; graphs[name(i)]; i++) names.push(name(i));
  return names;
}
