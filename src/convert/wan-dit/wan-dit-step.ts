import type { BuildContext, FloatType } from '../build-context.ts';
import { activationType, sourceParam } from '../build-context.ts';
import type { GraphContract, TensorContract } from '../../bundle/graph-contract.ts';
import { float } from '../../onnx/index.ts';
import { linear } from '../ops/linear.ts';
import { lastAxisRmsNorm, layerNorm } from '../ops/norms.ts';
import { castIfNeeded, geluTanh, reshape, shapeSlice, silu } from '../ops/graph-ops.ts';
import type { DitConfig } from '../../bundle/dit-config.ts';
import { DIT_IO, TEXT_LEN } from '../../bundle/dit-names.ts';

/**
 * One denoising step of the Wan2.2 DiT: latent x → velocity v. Cross-attention keys and
 * values come from the context graph. Timesteps are given as T distinct sinusoids
 * (T = 1 for text-to-video, 2 for image-to-video) plus each latent frame's row, so the
 * modulation is computed for T rows and applied per latent frame, never as [L, 6·dim].
 */
export async function buildDitStep(ctx: BuildContext, config: DitConfig): Promise<GraphContract> {
  const { g } = ctx;
  const act = activationType(ctx);
  const pairs = config.headDim / 2;
  const inputs: TensorContract[] = [
    { name: DIT_IO.latent, dtype: 'float32', dims: [1, config.inChannels, 'frames', 'height', 'width'] },
    { name: DIT_IO.timestepSinusoid, dtype: 'float32', dims: ['timesteps', config.freqDim] },
    { name: DIT_IO.timestepIndex, dtype: 'int64', dims: ['frames'] },
    { name: DIT_IO.ropeCos, dtype: 'float32', dims: ['tokens', pairs] },
    { name: DIT_IO.ropeSin, dtype: 'float32', dims: ['tokens', pairs] },
  ];
  for (let i = 0; i < config.numLayers; i++) {
    for (const name of [DIT_IO.crossKey(i), DIT_IO.crossValue(i)]) inputs.push({ name, dtype: 'float32', dims: [1, TEXT_LEN, config.dim] });
  }
  for (const input of inputs) g.input(input.name, input.dtype, input.dims);

  const tokens = castIfNeeded(g, patchify(g, config), 'float32', act, '/patch/CastIn');
  let x = await linear(ctx, '/patch/embedding', tokens, 'patch_embedding');
  const time = await timeEmbedding(ctx, config);
  const rope = ropeInputs(ctx, act, pairs);

  for (let i = 0; i < config.numLayers; i++) x = await block(ctx, config, i, x, time.e0, rope);

  const out = await head(ctx, config, x, time.e);
  const v = unpatchify(g, config, castIfNeeded(g, out, act, 'float32', '/head/CastOut'));
  const output = { name: DIT_IO.velocity, dtype: 'float32' as const, dims: [1, config.outChannels, 'frames', 'height', 'width'] };
  g.output(output.name, output.dtype, output.dims, v);
  return { inputs, outputs: [output] };
}

/**
 * [1, C, F, H, W] → tokens [1, L, C·4] in (f, h, w) order, channel index c·4 + ph·2 + pw
 * (the patch Conv3d(k=s=(1,2,2)) as a Linear).
 */
function patchify(g: BuildContext['g'], config: DitConfig): string {
  const grid = shapeSlice(g, DIT_IO.latent, 2, 5, '/patch/grid');
  const half = g.op('Div', [grid, g.constant('int64', [3], [1, 2, 2])], '/patch/grid/Div');
  const [f, h2, w2] = g.node('Split', [half], '/patch/grid/Split', { attrs: { axis: 0, num_outputs: 3 }, outputs: 3 }) as [string, string, string];
  const two = g.constant('int64', [1], [2]);
  const shape = g.op('Concat', [g.constant('int64', [2], [1, config.inChannels]), f, h2, two, w2, two], '/patch/shape', { attrs: { axis: 0 } });
  const split = g.op('Reshape', [DIT_IO.latent, shape], '/patch/Reshape');
  const ordered = g.op('Transpose', [split], '/patch/Transpose', { attrs: { perm: [0, 2, 3, 5, 1, 4, 6] } });
  return reshape(g, ordered, [1, -1, config.inChannels * 4], '/patch/Flatten');
}

/** Tokens [1, L, C_out·4] with channel index (ph·2 + pw)·C_out + c → [1, C_out, F, H, W]. */
function unpatchify(g: BuildContext['g'], config: DitConfig, tokens: string): string {
  const grid = shapeSlice(g, DIT_IO.latent, 2, 5, '/patch/grid');
  const half = g.op('Div', [grid, g.constant('int64', [3], [1, 2, 2])], '/patch/grid/Div');
  const split = g.op('Concat', [g.constant('int64', [1], [1]), half, g.constant('int64', [3], [2, 2, config.outChannels])], '/unpatch/shape', { attrs: { axis: 0 } });
  const grouped = g.op('Reshape', [tokens, split], '/unpatch/Reshape');
  const ordered = g.op('Transpose', [grouped], '/unpatch/Transpose', { attrs: { perm: [0, 6, 1, 2, 4, 3, 5] } });
  const full = g.op('Concat', [g.constant('int64', [2], [1, config.outChannels]), grid], '/unpatch/full', { attrs: { axis: 0 } });
  return g.op('Reshape', [ordered, full], '/unpatch/Flatten');
}

/**
 * The timestep path, in float32 as Wan keeps it:
 *   sinusoid [T, 256] ─ linear_1 ─ SiLU ─ linear_2 ─ e [T, dim] ─ SiLU ─ time_proj ─ e0 [T, 6, dim]
 */
async function timeEmbedding(ctx: BuildContext, config: DitConfig): Promise<{ e: string; e0: string }> {
  const { g } = ctx;
  const fp32 = { floatType: 'float32' as const };
  let e = await linear(ctx, '/time/linear_1', DIT_IO.timestepSinusoid, 'condition_embedder.time_embedder.linear_1', fp32);
  e = silu(g, e, '/time/act');
  e = await linear(ctx, '/time/linear_2', e, 'condition_embedder.time_embedder.linear_2', fp32);
  const projected = await linear(ctx, '/time/proj', silu(g, e, '/time/proj_act'), 'condition_embedder.time_proj', fp32);
  const e0 = reshape(g, projected, [-1, 6, config.dim], '/time/e0');
  return { e, e0 };
}

interface Rope {
  readonly cos: string;
  readonly sin: string;
}

/** The rotary tables [L, pairs] reshaped once to broadcast over [1, L, heads, pairs, 1]. */
function ropeInputs(ctx: BuildContext, act: FloatType, pairs: number): Rope {
  const { g } = ctx;
  const prepare = (input: string, name: string) =>
    reshape(g, castIfNeeded(g, input, 'float32', act, `/rope/${name}/Cast`), [1, -1, 1, pairs, 1], `/rope/${name}/Reshape`);
  return { cos: prepare(DIT_IO.ropeCos, 'cos'), sin: prepare(DIT_IO.ropeSin, 'sin') };
}

/**
 * Rotates interleaved pairs (x[2j], x[2j+1]) of every head by the token's angles:
 *   a' = a·cos − b·sin,  b' = a·sin + b·cos
 */
function applyRope(g: BuildContext['g'], x: string, rope: Rope, config: DitConfig, scope: string): string {
  const paired = reshape(g, x, [0, 0, config.numHeads, config.headDim / 2, 2], `${scope}/Reshape`);
  const [a, b] = g.node('Split', [paired], `${scope}/Split`, { attrs: { axis: -1, num_outputs: 2 }, outputs: 2 }) as [string, string];
  const mul = (p: string, q: string, n: string) => g.op('Mul', [p, q], `${scope}/${n}`);
  const ra = g.op('Sub', [mul(a, rope.cos, 'a_cos'), mul(b, rope.sin, 'b_sin')], `${scope}/Sub`);
  const rb = g.op('Add', [mul(a, rope.sin, 'a_sin'), mul(b, rope.cos, 'b_cos')], `${scope}/Add`);
  const joined = g.op('Concat', [ra, rb], `${scope}/Concat`, { attrs: { axis: -1 } });
  return reshape(g, joined, [0, 0, config.dim], `${scope}/Flatten`);
}

/**
 * Splits a modulation table [T, n, dim] into n per-frame tensors [F, 1, dim]: TI2V's
 * timesteps vary per latent frame (frame 0 of image-to-video is at 0), so each frame
 * gathers its row and broadcasts it over the frame's tokens. Nothing of size [L, dim]
 * is built for the modulation.
 */
function perFrameModulation(ctx: BuildContext, table: string, n: number, scope: string): string[] {
  const { g } = ctx;
  const act = activationType(ctx);
  const parts = g.node('Split', [table], `${scope}/Split`, { attrs: { axis: 1, num_outputs: n }, outputs: n });
  return parts.map((part, k) => {
    const typed = castIfNeeded(g, part, 'float32', act, `${scope}/${k}/Cast`);
    return g.op('Gather', [typed, DIT_IO.timestepIndex], `${scope}/${k}/Gather`, { attrs: { axis: 0 } });
  });
}

/** Views tokens [1, L, dim] as [F, L/F, dim] so per-frame values [F, 1, dim] broadcast over each frame. */
function byFrame(g: BuildContext['g'], x: string, dim: number, scope: string): string {
  const frames = g.op('Shape', [DIT_IO.timestepIndex], '/frames/Shape');
  const shape = g.op('Concat', [frames, g.constant('int64', [2], [-1, dim])], '/frames/shape', { attrs: { axis: 0 } });
  return g.op('Reshape', [x, shape], `${scope}/ByFrame`);
}

function byToken(g: BuildContext['g'], x: string, dim: number, scope: string): string {
  return reshape(g, x, [1, -1, dim], `${scope}/ByToken`);
}

/** LN(x)·(1 + scale) + shift per frame, with the "1 +" applied to the small table. */
function modulate(g: BuildContext['g'], h: string, shift: string, scaleP1: string, dim: number, scope: string): string {
  const framed = byFrame(g, h, dim, scope);
  return byToken(g, g.op('Add', [g.op('Mul', [framed, scaleP1], `${scope}/Mul`), shift], `${scope}/Add`), dim, scope);
}

/** x + y·gate, the gate per frame. */
function gatedResidual(g: BuildContext['g'], x: string, y: string, gate: string, dim: number, scope: string): string {
  const gated = byToken(g, g.op('Mul', [byFrame(g, y, dim, scope), gate], `${scope}/Mul`), dim, scope);
  return g.op('Add', [x, gated], `${scope}/Add`);
}

/**
 * One transformer block (diffusers names; Wan's norm2/norm3 are swapped):
 *   x += gate1 · attn1(RoPE(RMSNorm q/k), v of  LN(x)·(1+scale1)+shift1)
 *   x += attn2(RMSNorm q of LN_affine(x); cross_k.i, cross_v.i)
 *   x += gate2 · FFN(LN(x)·(1+scale2)+shift2)
 */
async function block(ctx: BuildContext, config: DitConfig, i: number, xIn: string, e0: string, rope: Rope): Promise<string> {
  const { g } = ctx;
  const p = `blocks.${i}`;
  const s = `/blocks.${i}`;
  const { dim, eps } = config;

  // Modulation table [T, 6, dim] in float32; the "1 +" of both scales is added here, on T rows.
  const table = g.op('Add', [e0, await sourceParam(ctx, `${p}.scale_shift_table`, [1, 6, dim], 'float32')], `${s}/modulation/Add`);
  const onesMask = g.constant('float32', [1, 6, 1], [0, 1, 0, 0, 1, 0]);
  const shifted = g.op('Add', [table, onesMask], `${s}/modulation/PlusOne`);
  const [shift1, scale1, gate1, shift2, scale2, gate2] = perFrameModulation(ctx, shifted, 6, `${s}/modulation`) as [string, string, string, string, string, string];

  // Self-attention.
  let h = modulate(g, await layerNorm(ctx, `${s}/norm1`, xIn, dim, eps), shift1, scale1, dim, `${s}/norm1/modulate`);
  const q = applyRope(g, await lastAxisRmsNorm(ctx, `${s}/attn1/norm_q`, await linear(ctx, `${s}/attn1/to_q`, h, `${p}.attn1.to_q`), dim, eps, `${p}.attn1.norm_q.weight`), rope, config, `${s}/attn1/rope_q`);
  const k = applyRope(g, await lastAxisRmsNorm(ctx, `${s}/attn1/norm_k`, await linear(ctx, `${s}/attn1/to_k`, h, `${p}.attn1.to_k`), dim, eps, `${p}.attn1.norm_k.weight`), rope, config, `${s}/attn1/rope_k`);
  const v = await linear(ctx, `${s}/attn1/to_v`, h, `${p}.attn1.to_v`);
  const attn = attention(g, q, k, v, config, `${s}/attn1`);
  const selfOut = await linear(ctx, `${s}/attn1/to_out`, attn, `${p}.attn1.to_out.0`);
  let x = gatedResidual(g, xIn, selfOut, gate1, dim, `${s}/attn1/residual`);

  // Cross-attention: no modulation, no gate.
  h = await layerNorm(ctx, `${s}/norm2`, x, dim, eps, `${p}.norm2`);
  const cq = await lastAxisRmsNorm(ctx, `${s}/attn2/norm_q`, await linear(ctx, `${s}/attn2/to_q`, h, `${p}.attn2.to_q`), dim, eps, `${p}.attn2.norm_q.weight`);
  const act = activationType(ctx);
  const ck = castIfNeeded(g, DIT_IO.crossKey(i), 'float32', act, `${s}/attn2/CastK`);
  const cv = castIfNeeded(g, DIT_IO.crossValue(i), 'float32', act, `${s}/attn2/CastV`);
  const crossOut = await linear(ctx, `${s}/attn2/to_out`, attention(g, cq, ck, cv, config, `${s}/attn2`), `${p}.attn2.to_out.0`);
  x = g.op('Add', [x, crossOut], `${s}/attn2/residual`);

  // Feed-forward.
  h = modulate(g, await layerNorm(ctx, `${s}/norm3`, x, dim, eps), shift2, scale2, dim, `${s}/norm3/modulate`);
  h = geluTanh(g, await linear(ctx, `${s}/ffn/proj_in`, h, `${p}.ffn.net.0.proj`), `${s}/ffn/act`);
  const ffnOut = await linear(ctx, `${s}/ffn/proj_out`, h, `${p}.ffn.net.2`);
  return gatedResidual(g, x, ffnOut, gate2, dim, `${s}/ffn/residual`);
}

/** Multi-head attention through onnxruntime's fused com.microsoft MultiHeadAttention. */
function attention(g: BuildContext['g'], q: string, k: string, v: string, config: DitConfig, scope: string): string {
  return g.op('MultiHeadAttention', [q, k, v], `${scope}/MultiHeadAttention`, {
    domain: 'com.microsoft',
    attrs: { num_heads: config.numHeads, scale: float(1 / Math.sqrt(config.headDim)) },
  });
}

/** The output head: LN(x)·(1 + scale) + shift with (shift, scale) = table + e, then proj_out. */
async function head(ctx: BuildContext, config: DitConfig, x: string, e: string): Promise<string> {
  const { g } = ctx;
  const eRows = reshape(g, e, [-1, 1, config.dim], '/head/e');
  const table = g.op('Add', [eRows, await sourceParam(ctx, 'scale_shift_table', [1, 2, config.dim], 'float32')], '/head/modulation/Add');
  const shifted = g.op('Add', [table, g.constant('float32', [1, 2, 1], [0, 1])], '/head/modulation/PlusOne');
  const [shift, scale] = perFrameModulation(ctx, shifted, 2, '/head/modulation') as [string, string];
  const h = modulate(g, await layerNorm(ctx, '/head/norm', x, config.dim, config.eps), shift, scale, config.dim, '/head/modulate');
  return linear(ctx, '/head/proj_out', h, 'proj_out');
}
