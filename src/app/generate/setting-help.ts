/** One line on what a setting does, under its field. */
export const SETTING_HELP = {
  guidance: 'How closely the video follows the prompt. Wan uses 5; 1 turns it off and halves the denoising time.',
  shift: 'Higher spends more steps on layout and motion, lower on fine detail. Wan uses 5.',
  seed: 'Same seed and settings, same video.',
  sampler: 'UniPC is Wan’s own; Euler is simpler; DMD is for FastWan only.',
} as const;
