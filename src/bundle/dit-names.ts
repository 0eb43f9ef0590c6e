/** Names of the DiT graphs' inputs and outputs: the contract between builder and runner. */
export const DIT_IO = {
  latent: 'x',
  timestepSinusoid: 'timestep_sinusoid',
  timestepIndex: 'timestep_index',
  ropeCos: 'rope_cos',
  ropeSin: 'rope_sin',
  context: 'context',
  crossKey: (block: number) => `cross_k.${block}`,
  crossValue: (block: number) => `cross_v.${block}`,
  velocity: 'v',
} as const;

/** Rows of text context the DiT attends to (Wan's text_len). */
export const TEXT_LEN = 512;
