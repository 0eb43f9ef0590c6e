import { describe, expect, test } from 'vitest';
import { TorchGenerator } from '../../src/pipeline/noise/index.ts';
import { arrayLatentMath, combineArrays, createDmdSampler, createSampler, flowMatchSigmaAt } from '../../src/pipeline/sampling/index.ts';

/*
 * Pinned to FastVideo (hao-ai-lab/FastVideo), the code FastWan2.2-TI2V-5B was published with:
 * - fastvideo/pipelines/stages/denoising.py, `DmdDenoisingStage` (commit 01465a63a48d08e191c55897e24f51924058b2fb;
 *   the same steps in stages/denoising_dmd_strategy.py at 5939883d31f765de11f52d40674f7781f58d0f65):
 *   `FlowMatchEulerDiscreteScheduler(shift=8.0)`, the timesteps `dmd_denoising_steps` = [1000, 757, 522],
 *   x0 = x − σ·v (`pred_noise_to_pred_video`), then, before every step but the last,
 *   `noise = torch.randn(..., generator=batch.generator[0])` and x = (1 − σ_next)·x0 + σ_next·noise (`add_noise`).
 * - fastvideo/models/schedulers/scheduling_flow_match_euler_discrete.py (commit 04685a3ecdba775d6b21454d18ca356d5499c76d):
 *   the σ table is float32 torch arithmetic, `sigmas = t / 1000; shift * sigmas / (1 + (shift - 1) * sigmas)`,
 *   and σ of a timestep is the entry whose `sigmas * 1000` is nearest.
 * The generator is `torch.Generator("cpu").manual_seed(seed)` (stages/input_validation.py), the one that drew the
 * starting latents: re-noising continues that seeded stream.
 * Not reproduced, so not pinned: FastVideo draws each re-noise with the frame-first latent shape [1, F, C, H, W]
 * and the DiT output's dtype; here each is a float32 draw used in [C, F, H, W] order (same law, other values).
 */

/** σ at 1000, 757, 522 and the final 0, as float32 values of FastVideo's shift-8 table (0.75676, 0.52174 to 5 places). */
const FASTWAN_SIGMAS = [1, 0.7567567229270935, 0.52173912525177, 0];

/** One entry of FastVideo's table: i/1000 shifted, rounded to float32 after every operation as torch does. */
function torchTableSigma(i: number, shift: number): number {
  const f = Math.fround;
  const s = f(i / 1000);
  return f(f(shift * s) / f(1 + f((shift - 1) * s)));
}

describe("FastWan's DMD sampler, as FastVideo samples it", () => {
  test('σ for the timesteps 1000, 757, 522 are the float32 entries of the shift-8 table, bit for bit', () => {
    const sampler = createDmdSampler(() => new Float32Array(0), arrayLatentMath);
    expect(sampler.timesteps).toEqual([1000, 757, 522]);
    expect(sampler.sigmas).toEqual(FASTWAN_SIGMAS);
    // The entries are those of table rows 1000, 280 and 120 (timesteps 1000, 756.757, 521.739).
    expect([torchTableSigma(1000, 8), torchTableSigma(280, 8), torchTableSigma(120, 8)]).toEqual(FASTWAN_SIGMAS.slice(0, 3));
    expect(FASTWAN_SIGMAS.map((s) => s.toFixed(5))).toEqual(['1.00000', '0.75676', '0.52174', '0.00000']);
    expect(flowMatchSigmaAt(757, 8)).toBe(FASTWAN_SIGMAS[1]);
    expect(flowMatchSigmaAt(757, 5)).not.toBe(FASTWAN_SIGMAS[1]);
  });

  test('by name it ignores the settings: the same fixed steps and σ whatever steps and shift say', () => {
    const sampler = createSampler('dmd', { steps: 50, shift: 5, noise: () => new Float32Array(0) }, arrayLatentMath);
    expect(sampler.guided).toBe(false);
    expect(sampler.timesteps).toEqual([1000, 757, 522]);
    expect(sampler.sigmas).toEqual(FASTWAN_SIGMAS);
  });

  test('each re-noise takes the next values of the seeded torch stream, after the starting noise', async () => {
    const dims = [1, 3, 2, 2, 5]; // 60 values: not a multiple of 16, so randn redraws the last block
    const n = 60;
    const generator = new TorchGenerator(1234);
    const requested: number[] = [];
    const sampler = createDmdSampler((count) => (requested.push(count), generator.randn([count])), arrayLatentMath);
    const x = generator.randn(dims);
    // The same stream, drawn independently: the starting noise, then one draw per re-noise.
    const reference = new TorchGenerator(1234);
    const start = reference.randn(dims);
    const [eps1, eps2] = [reference.randn([n]), reference.randn([n])];
    expect(x).toEqual(start);
    expect(eps1).not.toEqual(start);

    const velocity = (k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + k) * 1.5);
    const x1 = await sampler.step(0, velocity(0), x);
    const x0 = combineArrays([[1, x], [-FASTWAN_SIGMAS[0]!, velocity(0)]]);
    expect(x1).toEqual(combineArrays([[1 - FASTWAN_SIGMAS[1]!, x0], [FASTWAN_SIGMAS[1]!, eps1]]));

    const x2 = await sampler.step(1, velocity(1), x1);
    const x0b = combineArrays([[1, x1], [-FASTWAN_SIGMAS[1]!, velocity(1)]]);
    expect(x2).toEqual(combineArrays([[1 - FASTWAN_SIGMAS[2]!, x0b], [FASTWAN_SIGMAS[2]!, eps2]]));

    // The last step returns its x0 and draws nothing.
    const last = await sampler.step(2, velocity(2), x2);
    expect(last).toEqual(combineArrays([[1, x2], [-FASTWAN_SIGMAS[2]!, velocity(2)]]));
    expect(requested).toEqual([n, n]);
  });
});
