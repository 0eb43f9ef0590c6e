/** One line on what a setting does, under its field. */
export const SETTING_HELP = {
  guidance:
    'How closely the video follows the prompt. Higher is more literal but can look harsh; Wan uses 5. At 1 it is off, and each step runs the model once instead of twice.',
  shift:
    'Where the steps are spent: higher gives more of them to the noisy start, where layout and motion form; lower, to the end, where detail forms. Wan uses 5.',
  seed: 'The same seed with the same settings makes the same video; a new one makes a new take.',
  sampler: 'How each step moves from noise to picture. UniPC is Wan’s own; Euler is simpler and needs more steps; DMD is only for FastWan, in 3 steps.',
} as const;
