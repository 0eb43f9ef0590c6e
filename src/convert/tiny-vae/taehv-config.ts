// The decoder of madebyollin/taehv's TAEHV (MIT), read from its taehv.py at commit
// 1f14a568f24bf8811e0a0ac601613e04fc1581e8: one nn.Sequential whose checkpoint keys are
// `decoder.<index>.…`, so the index of every module is part of the weight layout.
//
//   0 Clamp (tanh(x/3)·3)   1 Conv2d 3×3 (latent → n₀)   2 ReLU
//   per block b (b = 0, 1, 2), from 3 + 6b:
//     MemBlock ×3 (n_b)   Upsample ×2 (nearest)   TGrow (1×1, n_b → n_b·stride)   Conv2d 3×3 (n_b → n_{b+1}, no bias)
//   21 ReLU   22 Conv2d 3×3 (n₃ → 3·p², with bias)   then pixel shuffle p, clamp to [0, 1]

/** The sizes of a TAEHV decoder (the base architecture, not the `_super` one). */
export interface TaehvDecoderConfig {
  /** Latent channels the decoder takes. */
  readonly latentChannels: number;
  /** Output pixel-shuffle factor (`patch_size`). */
  readonly patchSize: number;
  readonly imageChannels: number;
  /** Widths n₀…n₃: of each block, and of the head. */
  readonly widths: readonly [number, number, number, number];
  /** Whether block b's TGrow doubles time (`decoder_time_upscale`). */
  readonly timeUpscale: readonly [boolean, boolean, boolean];
}

/** `taew2_2`: the Wan2.2 latent space (48 channels, 16×16 spatial and 4× temporal compression). */
export const TAEW2_2: TaehvDecoderConfig = {
  latentChannels: 48,
  patchSize: 2,
  imageChannels: 3,
  widths: [256, 128, 64, 64],
  timeUpscale: [false, true, true],
};

/** MemBlocks per decoder block. */
export const MEM_BLOCKS_PER_BLOCK = 3;

/** Module indices of one decoder block in the upstream nn.Sequential. */
export interface TaehvBlockModules {
  readonly memBlocks: readonly number[];
  readonly tGrow: number;
  readonly conv: number;
}

/** Checkpoint prefix of decoder module `index`: `decoder.7`. */
export const decoderModule = (index: number) => `decoder.${index}`;

/** Module indices of block `b` (Upsample sits between the MemBlocks and TGrow and has no weights). */
export function blockModules(b: number): TaehvBlockModules {
  const start = 3 + (MEM_BLOCKS_PER_BLOCK + 3) * b;
  return {
    memBlocks: Array.from({ length: MEM_BLOCKS_PER_BLOCK }, (_, i) => start + i),
    tGrow: start + MEM_BLOCKS_PER_BLOCK + 1,
    conv: start + MEM_BLOCKS_PER_BLOCK + 2,
  };
}

/** Index of the head conv (after the last block's conv and a ReLU). */
export function headModule(config: TaehvDecoderConfig): number {
  return blockModules(config.timeUpscale.length - 1).conv + 2;
}
