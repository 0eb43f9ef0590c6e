/**
 * One causal 3-D convolution layer of the VAE decoder (C → C channels, 3×3×3, spatial
 * padding 1) over a steady-state chunk of F frames with its 2 cached frames, three ways:
 * - `conv3d`: one plain Conv over [1, C, F + 2, H, W];
 * - `per-frame`: what the decoder graphs do (see temporalConv), Σₜ Conv2D(frame, Wₜ) for
 *   each output frame, every frame its own [1, C, H, W];
 * - `batched`: the same taps with the F frames as the batch: Σₜ Conv2D(x[t : t + F], Wₜ);
 * - `stacked`: the three windows stacked on channels, one Conv2D of 3C inputs per frame
 *   (K = 27·C, one GEMM instead of three and no partial sums), frames as the batch.
 */
import { GraphBuilder } from '../../src/onnx/index.ts';
import { temporalTap } from '../../src/convert/wan-vae/vae-layers.ts';

export type ConvFormulation = 'conv3d' | 'per-frame' | 'batched' | 'stacked';
export const CONV_FORMULATIONS: readonly ConvFormulation[] = ['conv3d', 'per-frame', 'batched', 'stacked'];

export interface CausalConvShape {
  readonly channels: number;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
}

const bytesOf = (values: Float32Array) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** The kernel [C, C, 3, 3, 3] as a Conv2D kernel over taps stacked on channels: [C, 3C, 3, 3], input channel t·C + i. */
function stackedTaps(weight: Float32Array, channels: number): Float32Array {
  const out = new Float32Array(channels * 3 * channels * 9);
  for (let o = 0; o < channels; o++)
    for (let t = 0; t < 3; t++)
      for (let i = 0; i < channels; i++) out.set(weight.subarray((o * channels + i) * 27 + t * 9, (o * channels + i) * 27 + t * 9 + 9), ((o * 3 + t) * channels + i) * 9);
  return out;
}

/** The layer as an ONNX model (opset 21) with `weight` [C, C, 3, 3, 3] and `bias` [C] inline. */
export function causalConvModel(formulation: ConvFormulation, shape: CausalConvShape, weight: Float32Array, bias: Float32Array): Uint8Array {
  const { channels: c, frames: f, height: h, width: w } = shape;
  const g = new GraphBuilder(`causal-conv-${formulation}`);
  const b = g.initializer('bias', 'float32', [c], bytesOf(bias));
  const conv2d = { kernel_shape: [3, 3], pads: [1, 1, 1, 1] };
  if (formulation === 'conv3d') {
    const x = g.input('x', 'float32', [1, c, f + 2, h, w]);
    const kernel = g.initializer('weight', 'float32', [c, c, 3, 3, 3], bytesOf(weight));
    const y = g.op('Conv', [x, kernel, b], 'Conv', { attrs: { kernel_shape: [3, 3, 3], pads: [0, 1, 1, 0, 1, 1] } });
    g.output('y', 'float32', [1, c, f, h, w], y);
  } else if (formulation === 'stacked') {
    const x = g.input('x', 'float32', [f + 2, c, h, w]);
    const kernel = g.initializer('weight', 'float32', [c, 3 * c, 3, 3], bytesOf(stackedTaps(weight, c)));
    const windows = [0, 1, 2].map((t) =>
      g.op('Slice', [x, g.constant('int64', [1], [t]), g.constant('int64', [1], [t + f]), g.constant('int64', [1], [0])], `window${t}`),
    );
    const stacked = g.op('Concat', windows, 'stack', { attrs: { axis: 1 } });
    g.output('y', 'float32', [f, c, h, w], g.op('Conv', [stacked, kernel, b], 'Conv', { attrs: conv2d }));
  } else {
    const taps = [0, 1, 2].map((t) => g.initializer(`weight.t${t}`, 'float32', [c, c, 3, 3], bytesOf(temporalTap(weight, c * c, 3, 9, t))));
    const sumOfTaps = (inputs: readonly string[], scope: string) =>
      inputs
        .map((input, t) => g.op('Conv', t === 2 ? [input, taps[t]!, b] : [input, taps[t]!], `${scope}/tap${t}`, { attrs: conv2d }))
        .reduce((sum, y, t) => g.op('Add', [sum, y], `${scope}/add${t}`));
    if (formulation === 'batched') {
      const x = g.input('x', 'float32', [f + 2, c, h, w]);
      const window = (t: number) =>
        g.op('Slice', [x, g.constant('int64', [1], [t]), g.constant('int64', [1], [t + f]), g.constant('int64', [1], [0])], `window${t}`);
      g.output('y', 'float32', [f, c, h, w], sumOfTaps([0, 1, 2].map(window), 'frames'));
    } else {
      const inputs = Array.from({ length: f + 2 }, (_, i) => g.input(`x${i}`, 'float32', [1, c, h, w]));
      for (let i = 0; i < f; i++) g.output(`y${i}`, 'float32', [1, c, h, w], sumOfTaps(inputs.slice(i, i + 3), `frame${i}`));
    }
  }
  return g.toModel({ opsets: { '': 21 } });
}

/** Frames-first [F + 2, C, H, W] input as each formulation takes it. */
export function causalConvFeeds(formulation: ConvFormulation, shape: CausalConvShape, framesFirst: Float32Array): Record<string, { data: Float32Array; dims: number[] }> {
  const { channels: c, frames: f, height: h, width: w } = shape;
  const plane = h * w;
  if (formulation === 'batched' || formulation === 'stacked') return { x: { data: framesFirst, dims: [f + 2, c, h, w] } };
  if (formulation === 'per-frame') {
    return Object.fromEntries(Array.from({ length: f + 2 }, (_, i) => [`x${i}`, { data: framesFirst.subarray(i * c * plane, (i + 1) * c * plane), dims: [1, c, h, w] }]));
  }
  const channelsFirst = new Float32Array(framesFirst.length);
  for (let i = 0; i < f + 2; i++) for (let ch = 0; ch < c; ch++) channelsFirst.set(framesFirst.subarray((i * c + ch) * plane, (i * c + ch + 1) * plane), (ch * (f + 2) + i) * plane);
  return { x: { data: channelsFirst, dims: [1, c, f + 2, h, w] } };
}

/** Any formulation's outputs as frames-first [F, C, H, W]. */
export function framesFirstOutput(formulation: ConvFormulation, shape: CausalConvShape, outputs: Record<string, Float32Array>): Float32Array {
  const { channels: c, frames: f, height: h, width: w } = shape;
  const plane = h * w;
  if (formulation === 'batched' || formulation === 'stacked') return outputs.y!;
  const out = new Float32Array(f * c * plane);
  if (formulation === 'per-frame') {
    for (let i = 0; i < f; i++) out.set(outputs[`y${i}`]!, i * c * plane);
    return out;
  }
  const y = outputs.y!;
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < f; i++) out.set(y.subarray((ch * f + i) * plane, (ch * f + i + 1) * plane), (i * c + ch) * plane);
  return out;
}
