// The Wan2.2 VAE's layers, one frame at a time: activations are [1, C, h, w] and every 3-D
// convolution becomes 2-D convolutions over the current frame and the cached ones, which the
// WebGPU EP runs with its tiled Conv2D kernels (its Conv3D is a naive loop).
import type { FloatType } from '../build-context.ts';
import { ONNX_DATA_TYPE, float } from '../../onnx/index.ts';
import { scopeOf } from './vae-scope.ts';
import type { VaeStage } from './vae-stage.ts';
import type { Act } from './vae-tensors.ts';
import { frameExtent } from './vae-tensors.ts';

/** Tap `t` of a temporal kernel: [cout, cin, kt, k, k] → [cout, cin, k, k]. */
export function temporalTap(values: Float32Array, coutTimesCin: number, kt: number, spatial: number, t: number): Float32Array {
  const out = new Float32Array(coutTimesCin * spatial);
  for (let i = 0; i < coutTimesCin; i++) out.set(values.subarray((i * kt + t) * spatial, (i * kt + t + 1) * spatial), i * spatial);
  return out;
}

/** The first `rows` output channels of a weight whose leading axis is the output channel. */
function leadingRows(values: Float32Array, rows: number, total: number): Float32Array {
  return values.slice(0, (values.length / total) * rows);
}

/** Reorders the output channels (leading axis) of a weight: row i of the result is row order[i]. */
export function permuteRows(values: Float32Array, order: readonly number[]): Float32Array {
  const size = values.length / order.length;
  const out = new Float32Array(values.length);
  order.forEach((from, i) => out.set(values.subarray(from * size, (from + 1) * size), i * size));
  return out;
}

/** Conv2D attributes: k×k kernel, "same" padding unless `pads` is given. */
const convAttrs = (k: number, stride = 1, pads?: number[]) => ({
  kernel_shape: [k, k],
  strides: [stride, stride],
  pads: pads ?? [(k - 1) / 2, (k - 1) / 2, (k - 1) / 2, (k - 1) / 2],
});

/** A small float32 tensor kept inline in the graph (not a checkpoint weight), e.g. latent statistics. */
export function inlineFloats(s: VaeStage, name: string, values: readonly number[], dims: readonly number[]): string {
  if (s.g.hasInitializer(name)) return name;
  return s.g.initializer(name, 'float32', dims, new Uint8Array(Float32Array.from(values).buffer));
}

/** Int64 indices kept inline in the graph (not checkpoint weights). */
function inlineInt64(s: VaeStage, name: string, values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return s.g.initializer(name, 'int64', [values.length], bytes);
}

/** Casts between float types when they differ. */
export function cast(s: VaeStage, scope: string, x: Act, to: FloatType): Act {
  if (x.dtype === to) return x;
  return s.actOp('Cast', [x.name], `${scope}/Cast`, x.channels, x.scale, { to: ONNX_DATA_TYPE[to] }, to);
}

/** a + b. */
export function add(s: VaeStage, scope: string, a: Act, b: Act): Act {
  return s.actOp('Add', [a.name, b.name], `${scope}/Add`, a.channels, a.scale, {}, a.dtype);
}

/** SiLU(x) = x · sigmoid(x). */
export function silu(s: VaeStage, scope: string, x: Act): Act {
  const sigmoid = s.actOp('Sigmoid', [x.name], `${scope}/Sigmoid`, x.channels, x.scale);
  return s.actOp('Mul', [x.name, sigmoid.name], `${scope}/Mul`, x.channels, x.scale);
}

/**
 * Wan's RMS_norm over the channel axis: F.normalize (x / max(‖x‖₂, 1e-12)) · √C · γ, with √C·γ
 * folded into one gain. The norm is taken in float32 even in fp16 graphs (Σx² over 1024 channels
 * overflows fp16).
 *
 *   x ─┬─ [Cast f32] ─ Mul(x,x) ─ ReduceSum(C) ─ Sqrt ─ Max(1e-12) ─ [Cast] ─┐
 *      └──────────────────────────────────────────────────────────── Div ──┴─ Mul(√C·γ) ─ y
 */
export function channelRmsNorm(s: VaeStage, scope: string, x: Act, gamma: string, gammaShape: readonly number[]): Act {
  const c = x.channels;
  const gain = s.weights.float(gamma, gammaShape, `${gamma}.scaled`, [c, 1, 1], (v) => v.map((g) => g * Math.sqrt(c)));
  const xf = cast(s, `${scope}/norm_in`, x, 'float32');
  const squared = s.actOp('Mul', [xf.name, xf.name], `${scope}/square/Mul`, c, x.scale, {}, 'float32');
  const axes = s.g.constant('int64', [1], [1]);
  const sum = s.actOp('ReduceSum', [squared.name, axes], `${scope}/ReduceSum`, 1, x.scale, { keepdims: 1 }, 'float32');
  const norm = s.actOp('Sqrt', [sum.name], `${scope}/Sqrt`, 1, x.scale, {}, 'float32');
  const clamped = s.actOp('Max', [norm.name, s.g.constant('float32', [], [1e-12])], `${scope}/Max`, 1, x.scale, {}, 'float32');
  const denom = cast(s, `${scope}/norm_out`, clamped, x.dtype);
  const unit = s.actOp('Div', [x.name, denom.name], `${scope}/Div`, c, x.scale);
  return s.actOp('Mul', [unit.name, gain], `${scope}/Mul`, c, x.scale);
}

/** Tap `t` of a temporal kernel [cout, cin, 3, k, k] as a Conv2D on one frame; the bias rides on tap 2. */
function tapConv(s: VaeStage, scope: string, frame: Act, prefix: string, cout: number, k: 1 | 3, t: number, rowOrder?: readonly number[]): Act {
  const cin = frame.channels;
  const shape = [cout, cin, 3, k, k];
  const suffix = rowOrder ? '.reordered' : '';
  const reorder = (v: Float32Array) => (rowOrder ? permuteRows(v, rowOrder) : v);
  const w = s.weights.conv(`${prefix}.weight`, shape, `${prefix}.weight.t${t}${suffix}`, [cout, cin, k, k], (v) => reorder(temporalTap(v, cout * cin, 3, k * k, t)));
  const inputs = [frame.name, w];
  if (t === 2) inputs.push(s.weights.float(`${prefix}.bias`, [cout], `${prefix}.bias${suffix}`, [cout], reorder));
  return s.actOp('Conv', inputs, `${scope}/tap${t}/Conv`, cout, frame.scale, convAttrs(k));
}

/**
 * Σₜ Conv2D(frameₜ, W[:, :, t]) + b over the 3 taps of a temporal kernel [cout, cin, 3, k, k]:
 * a causal 3-D conv for one output frame.
 */
export function temporalConv(
  s: VaeStage,
  scope: string,
  frames: readonly [Act, Act, Act],
  prefix: string,
  cout: number,
  k: 1 | 3,
  rowOrder?: readonly number[],
): Act {
  s.reachRows((k - 1) / 2, frames[2].scale);
  let sum: Act | undefined;
  frames.forEach((frame, t) => {
    const y = tapConv(s, scope, frame, prefix, cout, k, t, rowOrder);
    sum = sum === undefined ? y : add(s, `${scope}/tap${t}`, sum, y);
  });
  return sum!;
}

/**
 * CausalConv3d(k=3, padding 1) on one frame with its two cached input frames:
 *
 *   cache.0 ─ Conv(W₀) ─┐
 *   cache.1 ─ Conv(W₁) ─ Add ─┐
 *   x ─────── Conv(W₂, b) ─── Add ─ y          x ─▶ cache.new
 *
 * A conv that narrows the width caches partial sums instead (see {@link partialSumConv3}).
 */
export function causalConv3(s: VaeStage, scope: string, x: Act, prefix: string, cout: number, rowOrder?: readonly number[]): Act {
  if (cout < x.channels) return partialSumConv3(s, scope, x, prefix, cout, rowOrder);
  const [c0, c1] = s.caches.inputs(prefix, 2, x) as [Act, Act];
  s.caches.output(prefix, x);
  return s.caches.flushBefore(temporalConv(s, scope, [c0, c1, x], prefix, cout, 3, rowOrder));
}

/**
 * The same causal conv with its state kept at the output width: each input frame is convolved
 * with all three taps as it arrives, and the cache holds what later frames still need,
 * P = W₀·x₋₂ + W₁·x₋₁ and Q = W₀·x₋₁. Two frames of `cout` channels instead of `cin`: half
 * the memory for 1024→512 and 512→256, a twentieth for conv_out.
 *
 *   x ─ Conv(W₂, b) ─ Add(P) ─ y
 *   x ─ Conv(W₁) ──── Add(Q) ─▶ P.next
 *   x ─ Conv(W₀) ────────────▶ Q.next
 */
export function partialSumConv3(s: VaeStage, scope: string, x: Act, prefix: string, cout: number, rowOrder?: readonly number[]): Act {
  const [pending, later] = s.caches.inputs(prefix, 2, { ...x, channels: cout }) as [Act, Act];
  s.reachRows(1, x.scale);
  const [w0x, w1x, w2x] = ([0, 1, 2] as const).map((t) => tapConv(s, scope, x, prefix, cout, 3, t, rowOrder)) as [Act, Act, Act];
  s.caches.replacement(prefix, 0, add(s, `${scope}/pending`, later, w1x));
  s.caches.replacement(prefix, 1, w0x);
  return s.caches.flushBefore(add(s, `${scope}/out`, pending, w2x));
}

/**
 * Wan's ResidualBlock: shortcut (1×1×1 conv when the width changes) + [RMS_norm → SiLU →
 * CausalConv3d → RMS_norm → SiLU → CausalConv3d](x).
 */
export function residualBlock(s: VaeStage, prefix: string, x: Act, cout: number): Act {
  const scope = scopeOf(prefix);
  const cin = x.channels;
  const shortcut = cin === cout ? x : conv1x1(s, `${scope}/conv_shortcut`, x, `${prefix}.conv_shortcut`, [cout, cin, 1, 1, 1]);
  let y = silu(s, `${scope}/act1`, channelRmsNorm(s, `${scope}/norm1`, x, `${prefix}.norm1.gamma`, [cin, 1, 1, 1]));
  y = causalConv3(s, `${scope}/conv1`, y, `${prefix}.conv1`, cout);
  y = silu(s, `${scope}/act2`, channelRmsNorm(s, `${scope}/norm2`, y, `${prefix}.norm2.gamma`, [cout, 1, 1, 1]));
  y = causalConv3(s, `${scope}/conv2`, y, `${prefix}.conv2`, cout);
  return add(s, `${scope}/residual`, y, shortcut);
}

/** The mid block: ResidualBlock, AttentionBlock, ResidualBlock at constant width. */
export function midBlock(s: VaeStage, prefix: string, x: Act): Act {
  x = residualBlock(s, `${prefix}.resnets.0`, x, x.channels);
  x = attention(s, scopeOf(`${prefix}.attentions.0`), x, `${prefix}.attentions.0`);
  return residualBlock(s, `${prefix}.resnets.1`, x, x.channels);
}

/**
 * A 1×1 convolution from a Conv3d [cout, cin, 1, 1, 1] or Conv2d [cout, cin, 1, 1] weight;
 * `rows` keeps only the first output channels (the encoder's mu half of quant_conv).
 */
export function conv1x1(s: VaeStage, scope: string, x: Act, prefix: string, shape: readonly number[], rows = shape[0]!, dtype: FloatType = s.act): Act {
  const [cout, cin] = shape as [number, number];
  const w = s.weights.conv(`${prefix}.weight`, shape, `${prefix}.weight.${rows === cout ? '1x1' : `rows${rows}`}`, [rows, cin, 1, 1], (v) => leadingRows(v, rows, cout), dtype);
  const b = s.weights.float(`${prefix}.bias`, [cout], rows === cout ? `${prefix}.bias` : `${prefix}.bias.rows${rows}`, [rows], (v) => leadingRows(v, rows, cout), dtype);
  return s.actOp('Conv', [x.name, w, b], `${scope}/Conv`, rows, x.scale, convAttrs(1), dtype);
}

/**
 * upsample2d: nearest ×2 (torch "nearest-exact" is floor(dst/2) at ×2), then Conv2d 3×3. The
 * caller records the conv's row reach once for the frames it upsamples side by side.
 */
export function upsampleFrame(s: VaeStage, scope: string, x: Act, prefix: string): Act {
  const scales = s.g.constant('float32', [4], [1, 1, 2, 2]);
  const up = s.actOp('Resize', [x.name, '', scales], `${scope}/Resize`, x.channels, x.scale * 2, {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  const c = x.channels;
  const w = s.weights.conv(`${prefix}.weight`, [c, c, 3, 3], `${prefix}.weight`, [c, c, 3, 3], (v) => v);
  const b = s.weights.asStored(`${prefix}.bias`, [c]);
  return s.actOp('Conv', [up.name, w, b], `${scope}/Conv`, c, x.scale * 2, convAttrs(3));
}

/** downsample2d: ZeroPad2d(0, 1, 0, 1) then Conv2d 3×3 stride 2, as one Conv with end padding. */
export function downsampleFrame(s: VaeStage, scope: string, x: Act, prefix: string): Act {
  const c = x.channels;
  const w = s.weights.conv(`${prefix}.weight`, [c, c, 3, 3], `${prefix}.weight`, [c, c, 3, 3], (v) => v);
  const b = s.weights.asStored(`${prefix}.bias`, [c]);
  s.reachRows(1, x.scale);
  return s.actOp('Conv', [x.name, w, b], `${scope}/Conv`, c, x.scale / 2, convAttrs(3, 2, [0, 0, 1, 1]));
}

/**
 * upsample3d's time_conv (CausalConv3d(C, 2C, (3,1,1))) on one frame → two frames: channel
 * half 0 is the even output frame, half 1 the odd one. In the first chunk the official code
 * skips the conv (and keeps its cache empty): the frame passes through as frame 1, and frame 0
 * is not used (the runner drops it, as DupUp3D drops its first frame there).
 *
 *   cache.0, cache.1, x ─ temporalConv ─ Split ─ t₀ ──────────────────── frame 0
 *                                              └ t₁ ─ Where(first, x, t₁) ─ frame 1
 *   Where(first, cache.1, x) ─▶ cache.new          (cache stays zero after the first chunk)
 */
export function timeUpsample(s: VaeStage, scope: string, x: Act, prefix: string): [Act, Act] {
  const c = x.channels;
  const first = s.first();
  const [c0, c1] = s.caches.inputs(prefix, 2, x) as [Act, Act];
  const both = temporalConv(s, scope, [c0, c1, x], prefix, 2 * c, 1);
  const halves = s.multiOp('Split', [both.name], `${scope}/Split`, s.act, [frameExtent(c, x.scale), frameExtent(c, x.scale)], { axis: 1, num_outputs: 2 });
  const frame0: Act = { name: halves[0]!, channels: c, scale: x.scale, dtype: s.act };
  const frame1 = s.actOp('Where', [first, x.name, halves[1]!], `${scope}/frame1/Where`, c, x.scale);
  s.caches.output(prefix, s.actOp('Where', [first, c1.name, x.name], `${scope}/cache/Where`, c, x.scale));
  return [frame0, s.caches.flushBefore(frame1)];
}

/**
 * downsample3d's time_conv (CausalConv3d(C, C, (3,1,1), stride 2)) on a pair of frames and
 * the last frame of the previous pair: one output frame. In the first chunk (one frame, given
 * as frame 1 with a zero frame 0) the conv is skipped and frame 1 passes through.
 */
export function timeDownsample(s: VaeStage, scope: string, frames: readonly [Act, Act], prefix: string): Act {
  const [h0, h1] = frames;
  const [last] = s.caches.inputs(prefix, 1, h1) as [Act];
  s.caches.output(prefix, h1);
  const merged = temporalConv(s, scope, [last, h0, h1], prefix, h1.channels, 1);
  return s.caches.flushBefore(s.actOp('Where', [s.first(), h1.name, merged.name], `${scope}/Where`, h1.channels, h1.scale));
}


/**
 * Frame `a` of DupUp3D(cin → cout, factor_t ft, factor_s 2) applied to one input frame:
 * repeat_interleave over channels then pixel shuffle. The channels a frame needs are gathered,
 * then DepthToSpace (CRD) places them:
 *
 *   out[o, 2h+p, 2w+q] = x[(o·ft·4 + a·4 + p·2 + q) div r],   r = cout·ft·4 / cin
 */
export function dupUpFrame(s: VaeStage, scope: string, x: Act, cout: number, ft: 1 | 2, a: number): Act {
  const repeats = (cout * ft * 4) / x.channels;
  const indices: number[] = [];
  for (let o = 0; o < cout; o++) for (let pq = 0; pq < 4; pq++) indices.push(Math.floor((o * ft * 4 + a * 4 + pq) / repeats));
  const gathered = s.actOp('Gather', [x.name, inlineInt64(s, `${scope}/channels`, indices)], `${scope}/Gather`, cout * 4, x.scale, { axis: 1 });
  return s.actOp('DepthToSpace', [gathered.name], `${scope}/DepthToSpace`, cout, x.scale * 2, { blocksize: 2, mode: 'CRD' });
}

/**
 * AvgDown3D(cin → cout, factor_t = frames.length, factor_s fs) on one output frame's inputs
 * (the pair of frames, or one frame): pixel-unshuffle, then the mean over channel groups of
 * G = cin·ft·fs² / cout. In the first chunk the pair is (zeros, frame), as the official code
 * front-pads time with zeros.
 *
 *   [ft, C, H'·fs, W'·fs] ─ Reshape [ft, C, H', fs, W', fs] ─ Transpose [C, ft, fs, fs, H', W']
 *     ─ Reshape [cout, G, H'·W'] ─ ReduceMean(G) ─ Reshape [1, cout, H', W']
 */
export function avgDown(s: VaeStage, scope: string, frames: readonly Act[], cout: number, fs: 1 | 2): Act {
  const x = frames[0]!;
  const ft = frames.length;
  const group = (x.channels * ft * fs * fs) / cout;
  if (ft === 1 && fs === 1 && group === 1) return x;
  const { g } = s;
  const stacked =
    ft === 1 ? x.name : s.op('Concat', frames.map((f) => f.name), `${scope}/Concat`, s.act, frameExtent(x.channels, x.scale, ft), { axis: 0 });
  const grid = s.op('Shape', [x.name], `${scope}/grid/Shape`, 'int64', null, { start: 2, end: 4 });
  const reduced = s.op('Div', [grid, g.constant('int64', [2], [fs, fs])], `${scope}/grid/Div`, 'int64', null);
  const [h, w] = s.multiOp('Split', [reduced], `${scope}/grid/Split`, 'int64', [() => 1, () => 1], { axis: 0, num_outputs: 2 }) as [string, string];
  const fsDim = g.constant('int64', [1], [fs]);
  const split = s.op('Concat', [g.constant('int64', [2], [ft, x.channels]), h, fsDim, w, fsDim], `${scope}/split_shape`, 'int64', null, { axis: 0 });
  const blocks = s.op('Reshape', [stacked, split], `${scope}/Reshape`, s.act, frameExtent(x.channels, x.scale, ft));
  const ordered = s.op('Transpose', [blocks], `${scope}/Transpose`, s.act, frameExtent(x.channels, x.scale, ft), { perm: [1, 0, 3, 5, 2, 4] });
  const groups = s.op('Reshape', [ordered, g.constant('int64', [3], [cout, group, -1])], `${scope}/groups/Reshape`, s.act, frameExtent(x.channels, x.scale, ft));
  const mean = s.op('ReduceMean', [groups, g.constant('int64', [1], [1])], `${scope}/ReduceMean`, s.act, frameExtent(cout, x.scale / fs), { keepdims: 0 });
  const outShape = s.op('Concat', [g.constant('int64', [2], [1, cout]), h, w], `${scope}/out_shape`, 'int64', null, { axis: 0 });
  return s.actOp('Reshape', [mean, outShape], `${scope}/out/Reshape`, cout, x.scale / fs);
}

/**
 * Single-head self-attention over the h·w positions of one frame (Wan's AttentionBlock), as
 * plain Gemm/Softmax in float32 (probabilities [hw, hw]: 50 MB at 720p):
 *
 *   x ─ RMS_norm ─ to_qkv (1×1) ─ [Cast f32] ─ Reshape [3C, hw] ─ Split ─ q, k, v
 *   p = Softmax(Gemm(q, k, transA, α = 1/√C))        o = Gemm(v, p, transB)  [C, hw]
 *   o ─ [Cast] ─ Reshape [1, C, h, w] ─ proj (1×1) ─ + x
 */
export function attention(s: VaeStage, scope: string, x: Act, prefix: string): Act {
  const c = x.channels;
  const hw = (h: number, w: number) => x.scale * h * x.scale * w;
  s.mixWholeFrame();
  const normed = channelRmsNorm(s, `${scope}/norm`, x, `${prefix}.norm.gamma`, [c, 1, 1]);
  const qkv = cast(s, `${scope}/qkv_f32`, conv1x1(s, `${scope}/to_qkv`, normed, `${prefix}.to_qkv`, [3 * c, c, 1, 1]), 'float32');
  const flat = s.op('Reshape', [qkv.name, s.g.constant('int64', [2], [3 * c, -1])], `${scope}/qkv/Reshape`, 'float32', frameExtent(3 * c, x.scale));
  const [q, k, v] = s.multiOp('Split', [flat], `${scope}/qkv/Split`, 'float32', [0, 1, 2].map(() => frameExtent(c, x.scale)), { axis: 0, num_outputs: 3 }) as [string, string, string];
  const square = (h: number, w: number) => hw(h, w) ** 2;
  const scores = s.op('Gemm', [q, k], `${scope}/scores/Gemm`, 'float32', square, { transA: 1, alpha: float(1 / Math.sqrt(c)) });
  const probs = s.op('Softmax', [scores], `${scope}/Softmax`, 'float32', square, { axis: -1 });
  const mixed = s.op('Gemm', [v, probs], `${scope}/out/Gemm`, 'float32', frameExtent(c, x.scale), { transB: 1 });
  const restored: Act = { name: mixed, channels: c, scale: x.scale, dtype: 'float32' };
  const back = cast(s, `${scope}/out_act`, restored, s.act);
  const shape = s.op('Shape', [x.name], `${scope}/out/Shape`, 'int64', null);
  const image = s.actOp('Reshape', [back.name, shape], `${scope}/out/Reshape`, c, x.scale);
  const projected = conv1x1(s, `${scope}/proj`, image, `${prefix}.proj`, [c, c, 1, 1]);
  return add(s, `${scope}/residual`, projected, x);
}
