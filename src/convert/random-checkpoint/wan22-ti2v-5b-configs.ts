import type { JsonObject } from './random-tensor-spec.ts';

/** The JSON files that describe a diffusers Wan2.2 TI2V checkpoint, one per component. */
export interface WanCheckpointConfigs {
  /** `model_index.json` */
  readonly modelIndex: JsonObject;
  /** `transformer/config.json` (WanTransformer3DModel) */
  readonly transformer: JsonObject;
  /** `vae/config.json` (AutoencoderKLWan) */
  readonly vae: JsonObject;
  /** `text_encoder/config.json` (UMT5EncoderModel) */
  readonly textEncoder: JsonObject;
  /** `scheduler/scheduler_config.json` (UniPCMultistepScheduler) */
  readonly scheduler: JsonObject;
}

/** Wan2.2's per-channel latent statistics (`Wan2_2_VAE` in the official code). */
const LATENTS_MEAN = [
  -0.2289, -0.0052, -0.1323, -0.2339, -0.2799, 0.0174, 0.1838, 0.1557, -0.1382, 0.0542, 0.2813, 0.0891, 0.157, -0.0098, 0.0375,
  -0.1825, -0.2246, -0.1207, -0.0698, 0.5109, 0.2665, -0.2108, -0.2158, 0.2502, -0.2055, -0.0322, 0.1109, 0.1567, -0.0729, 0.0899,
  -0.2799, -0.123, -0.0313, -0.1649, 0.0117, 0.0723, -0.2839, -0.2083, -0.052, 0.3748, 0.0152, 0.1957, 0.1433, -0.2944, 0.3573,
  -0.0548, -0.1681, -0.0667,
];
const LATENTS_STD = [
  0.4765, 1.0364, 0.4514, 1.1677, 0.5313, 0.499, 0.4818, 0.5013, 0.8158, 1.0344, 0.5894, 1.0901, 0.6885, 0.6165, 0.8454, 0.4978,
  0.5759, 0.3523, 0.7135, 0.6804, 0.5833, 1.4146, 0.8986, 0.5659, 0.7069, 0.5338, 0.4889, 0.4917, 0.4069, 0.4999, 0.6866, 0.4093,
  0.5709, 0.6065, 0.6415, 0.4944, 0.5726, 1.2042, 0.5458, 1.6887, 0.3971, 1.06, 0.3943, 0.5537, 0.5444, 0.4089, 0.7468, 0.7744,
];

/**
 * The configs of Wan-AI/Wan2.2-TI2V-5B-Diffusers, with the keys and values of the real files
 * (the key sets are those of test/fixtures/tiny-a, which copies the real layout).
 * DiT 4,999,787,712 parameters, VAE 704,688,668, UMT5-XXL encoder 5,680,910,336.
 */
export const WAN22_TI2V_5B_CONFIGS: WanCheckpointConfigs = deepFreeze({
  modelIndex: {
    _class_name: 'WanPipeline',
    _diffusers_version: '0.35.0.dev0',
    boundary_ratio: null,
    expand_timesteps: true,
    scheduler: ['diffusers', 'UniPCMultistepScheduler'],
    text_encoder: ['transformers', 'UMT5EncoderModel'],
    tokenizer: ['transformers', 'T5TokenizerFast'],
    transformer: ['diffusers', 'WanTransformer3DModel'],
    transformer_2: [null, null],
    vae: ['diffusers', 'AutoencoderKLWan'],
  },
  transformer: {
    _class_name: 'WanTransformer3DModel',
    _diffusers_version: '0.35.0.dev0',
    added_kv_proj_dim: null,
    attention_head_dim: 128,
    cross_attn_norm: true,
    eps: 1e-6,
    ffn_dim: 14336,
    freq_dim: 256,
    image_dim: null,
    in_channels: 48,
    num_attention_heads: 24,
    num_layers: 30,
    out_channels: 48,
    patch_size: [1, 2, 2],
    pos_embed_seq_len: null,
    qk_norm: 'rms_norm_across_heads',
    rope_max_seq_len: 1024,
    text_dim: 4096,
  },
  vae: {
    _class_name: 'AutoencoderKLWan',
    _diffusers_version: '0.35.0.dev0',
    attn_scales: [],
    base_dim: 160,
    clip_output: false,
    decoder_base_dim: 256,
    dim_mult: [1, 2, 4, 4],
    dropout: 0.0,
    in_channels: 12,
    is_residual: true,
    latents_mean: LATENTS_MEAN,
    latents_std: LATENTS_STD,
    num_res_blocks: 2,
    out_channels: 12,
    patch_size: 2,
    scale_factor_spatial: 16,
    scale_factor_temporal: 4,
    temperal_downsample: [false, true, true],
    z_dim: 48,
  },
  textEncoder: {
    architectures: ['UMT5EncoderModel'],
    classifier_dropout: 0.0,
    d_ff: 10240,
    d_kv: 64,
    d_model: 4096,
    decoder_start_token_id: 0,
    dense_act_fn: 'gelu_new',
    dropout_rate: 0.1,
    eos_token_id: 1,
    feed_forward_proj: 'gated-gelu',
    initializer_factor: 1.0,
    is_encoder_decoder: true,
    is_gated_act: true,
    layer_norm_epsilon: 1e-6,
    model_type: 'umt5',
    num_decoder_layers: 24,
    num_heads: 64,
    num_layers: 24,
    output_past: true,
    pad_token_id: 0,
    relative_attention_max_distance: 128,
    relative_attention_num_buckets: 32,
    scalable_attention: true,
    tie_word_embeddings: false,
    tokenizer_class: 'T5Tokenizer',
    torch_dtype: 'bfloat16',
    use_cache: true,
    vocab_size: 256384,
  },
  scheduler: {
    _class_name: 'UniPCMultistepScheduler',
    _diffusers_version: '0.35.0.dev0',
    beta_end: 0.02,
    beta_schedule: 'linear',
    beta_start: 0.0001,
    disable_corrector: [],
    dynamic_thresholding_ratio: 0.995,
    final_sigmas_type: 'zero',
    flow_shift: 5.0,
    lower_order_final: true,
    num_train_timesteps: 1000,
    predict_x0: true,
    prediction_type: 'flow_prediction',
    rescale_betas_zero_snr: false,
    sample_max_value: 1.0,
    solver_order: 2,
    solver_p: null,
    solver_type: 'bh2',
    steps_offset: 0,
    thresholding: false,
    time_shift_type: 'exponential',
    timestep_spacing: 'linspace',
    trained_betas: null,
    use_beta_sigmas: false,
    use_dynamic_shifting: false,
    use_exponential_sigmas: false,
    use_flow_sigmas: true,
    use_karras_sigmas: false,
  },
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
