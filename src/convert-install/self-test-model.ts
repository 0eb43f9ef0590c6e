import { FP32_CONFIG } from '../bundle/quant-config.ts';
import { WAN22_TI2V_5B_CONFIGS, writeRandomCheckpointTo } from '../convert/random-checkpoint/index.ts';
import type { WanCheckpointConfigs } from '../convert/random-checkpoint/index.ts';
import { blobCheckpointFiles } from '../safetensors/index.ts';
import type { BlobLike } from '../safetensors/byte-source.ts';
import type { CheckpointFiles } from '../safetensors/index.ts';
import { installFromCheckpoint } from './checkpoint-install.ts';
import { randomTaehvDecoderTensors, randomTaehvWeightSource } from './random-tiny-decoder.ts';
import { TAEW2_2 } from '../convert/tiny-vae/index.ts';
import type { TaehvDecoderConfig, TinyDecoderInput } from '../convert/tiny-vae/index.ts';
import { SELF_TEST_MODEL_ID, SELF_TEST_MODEL_NAME } from '../model/model-catalog.ts';
import type { ModelStore, InstalledModel } from '../model/model-store.ts';

const SELF_TEST_SEED = 7;

/**
 * Wan2.2 TI2V-5B's architecture at toy width and depth (2 DiT blocks of 64 wide, a VAE of
 * base width 16, a 2-layer text encoder over 384 tokens): every graph and op the real model
 * uses, in about 17 MB. Its random weights draw noise; it checks the browser and GPU.
 */
export const SELF_TEST_CONFIGS: WanCheckpointConfigs = {
  ...WAN22_TI2V_5B_CONFIGS,
  transformer: { ...WAN22_TI2V_5B_CONFIGS.transformer, attention_head_dim: 16, ffn_dim: 128, num_attention_heads: 4, num_layers: 2, text_dim: 32 },
  vae: { ...WAN22_TI2V_5B_CONFIGS.vae, base_dim: 16, decoder_base_dim: 16 },
  textEncoder: { ...WAN22_TI2V_5B_CONFIGS.textEncoder, d_ff: 64, d_kv: 8, d_model: 32, num_heads: 4, num_layers: 2, num_decoder_layers: 2, vocab_size: 384 },
};

/** The self-test model's tiny decoder: taew2_2's layout (48 latent channels in, 16× space, 4× time) at toy widths. */
export const SELF_TEST_TINY_DECODER: TaehvDecoderConfig = { ...TAEW2_2, widths: [32, 16, 16, 16] };

/** The self-test model's tiny decoder, with seeded random weights (drawn as the upstream reference's, see random-tiny-decoder.ts). */
export function selfTestTinyDecoder(): TinyDecoderInput {
  return {
    weights: randomTaehvWeightSource(randomTaehvDecoderTensors(SELF_TEST_TINY_DECODER, SELF_TEST_SEED)),
    source: { repo: 'wan-web/self-test', revision: `tiny-decoder-seed-${SELF_TEST_SEED}` },
    config: SELF_TEST_TINY_DECODER,
  };
}

/** The self-test model's checkpoint, generated in memory (seeded, so always the same bytes). */
export async function selfTestCheckpoint(signal?: AbortSignal): Promise<CheckpointFiles> {
  const files = new Map<string, BlobLike>();
  await writeRandomCheckpointTo(
    {
      async create(path) {
        const parts: Uint8Array<ArrayBuffer>[] = [];
        return {
          write: async (bytes) => void parts.push(bytes.slice() as Uint8Array<ArrayBuffer>),
          flush: async () => undefined,
          close: async () => void files.set(path, new Blob(parts)),
        };
      },
    },
    { configs: SELF_TEST_CONFIGS, seed: SELF_TEST_SEED, ...(signal ? { signal } : {}) },
  );
  return blobCheckpointFiles(files);
}

/**
 * Installs the built-in self-test model without any download: a seeded random checkpoint
 * with {@link SELF_TEST_CONFIGS}, built in memory and converted (fp32, which every GPU runs)
 * into OPFS like any other model.
 */
export async function installSelfTestModel(store: ModelStore, signal?: AbortSignal): Promise<InstalledModel> {
  // Checked here too, so an installed model does not cost a checkpoint generation.
  const already = await store.installed(SELF_TEST_MODEL_ID);
  if (already) return already;
  return installFromCheckpoint({
    store,
    id: SELF_TEST_MODEL_ID,
    url: 'built in',
    files: await selfTestCheckpoint(signal),
    source: { repo: 'wan-web/self-test', revision: `seed-${SELF_TEST_SEED}` },
    name: SELF_TEST_MODEL_NAME,
    quant: FP32_CONFIG,
    resume: { kind: 'self-test' },
    tinyDecoder: selfTestTinyDecoder(),
    ...(signal ? { signal } : {}),
  });
}
