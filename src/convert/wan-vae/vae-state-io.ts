// State: tensors the runner passes from one call to the next without reading them (a causal
// conv's cached frames, a frame between stages). They are stored channels-last,
// [1, s·H, s·W, C]: on the WebGPU EP, which runs Conv in NHWC, the transposes here cancel the
// ones the EP inserts around each Conv, so state costs no layout copies.
import type { FloatType } from '../build-context.ts';
import { ONNX_DATA_TYPE } from '../../onnx/index.ts';
import type { DataType } from '../../onnx/index.ts';
import type { VaeStage } from './vae-stage.ts';
import type { Act } from './vae-tensors.ts';
import { frameExtent, scaledDim } from './vae-tensors.ts';

/** Declares the state input `name` and returns it transposed to an activation, [1, C, s·H, s·W]. */
export function stateInput(s: VaeStage, name: string, channels: number, scale: number, dtype: FloatType = s.act): Act {
  s.declareInput(name, dtype, [1, scaledDim('H', scale), scaledDim('W', scale), channels], frameExtent(channels, scale));
  return s.actOp('Transpose', [name], `/vae/state_in/${name}/Transpose`, channels, scale, { perm: [0, 3, 1, 2] }, dtype);
}

/** Declares `x` as the state output `name`; returns the channels-last tensor. */
export function stateOutput(s: VaeStage, name: string, x: Act): string {
  const nhwc = s.op('Transpose', [x.name], `/vae/state_out/${name}/Transpose`, x.dtype, frameExtent(x.channels, x.scale), { perm: [0, 2, 3, 1] });
  declareStateOutput(s, name, nhwc, x.dtype, x.channels, x.scale);
  return nhwc;
}

/**
 * An int8 state input and its float32 scale per position, [1, s·H, s·W, 1]:
 * x = q · scale, in the activation type and channels-first.
 */
export function int8StateInput(s: VaeStage, name: string, scaleName: string, like: Act): Act {
  const { channels, scale } = like;
  const [h, w] = [scaledDim('H', scale), scaledDim('W', scale)];
  s.declareInput(name, 'int8', [1, h, w, channels], frameExtent(channels, scale));
  s.declareInput(scaleName, 'float32', [1, h, w, 1], frameExtent(1, scale));
  const scope = `/vae/state_in/${name}`;
  const values = s.op('Cast', [name], `${scope}/Cast`, 'float32', frameExtent(channels, scale), { to: ONNX_DATA_TYPE.float32 });
  const scaled = s.op('Mul', [values, scaleName], `${scope}/Mul`, 'float32', frameExtent(channels, scale));
  const typed = like.dtype === 'float32' ? scaled : s.op('Cast', [scaled], `${scope}/Cast_act`, like.dtype, frameExtent(channels, scale), { to: ONNX_DATA_TYPE[like.dtype] });
  return s.actOp('Transpose', [typed], `${scope}/Transpose`, channels, scale, { perm: [0, 3, 1, 2] }, like.dtype);
}

/**
 * Declares `x` as int8 state: channels-last values q = round(x / scale) and, per position,
 * scale = max(|x| over channels) / 127 (at least 1e-30, so an all-zero position stays zero).
 * Positions are quantised independently, so row bands give the same bytes as whole frames.
 * Returns the int8 tensor.
 */
export function int8StateOutput(s: VaeStage, name: string, scaleName: string, x: Act): string {
  const { channels, scale } = x;
  const scope = `/vae/state_out/${name}`;
  const size = frameExtent(channels, scale);
  const g = s.g;
  const f32 = x.dtype === 'float32' ? x.name : s.op('Cast', [x.name], `${scope}/Cast_f32`, 'float32', size, { to: ONNX_DATA_TYPE.float32 });
  const nhwc = s.op('Transpose', [f32], `${scope}/Transpose`, 'float32', size, { perm: [0, 2, 3, 1] });
  const magnitude = s.op('Abs', [nhwc], `${scope}/Abs`, 'float32', size);
  const peak = s.op('ReduceMax', [magnitude, g.constant('int64', [1], [3])], `${scope}/ReduceMax`, 'float32', frameExtent(1, scale), { keepdims: 1 });
  const step = s.op('Mul', [peak, g.constant('float32', [], [1 / 127])], `${scope}/step/Mul`, 'float32', frameExtent(1, scale));
  const safeStep = s.op('Max', [step, g.constant('float32', [], [1e-30])], `${scope}/step/Max`, 'float32', frameExtent(1, scale));
  const ratio = s.op('Div', [nhwc, safeStep], `${scope}/Div`, 'float32', size);
  const rounded = s.op('Round', [ratio], `${scope}/Round`, 'float32', size);
  const clipped = s.op('Clip', [rounded, g.constant('float32', [], [-127]), g.constant('float32', [], [127])], `${scope}/Clip`, 'float32', size);
  const q = s.op('Cast', [clipped], `${scope}/Cast_int8`, 'int8', size, { to: ONNX_DATA_TYPE.int8 });
  declareStateOutput(s, name, q, 'int8', channels, scale);
  declareStateOutput(s, scaleName, safeStep, 'float32', 1, scale);
  return q;
}

/** Declares channels-last `source`, [1, s·H, s·W, channels], as the graph output `name`. */
function declareStateOutput(s: VaeStage, name: string, source: string, dtype: DataType, channels: number, scale: number): void {
  s.declareOutput(name, source, dtype, [1, scaledDim('H', scale), scaledDim('W', scale), channels], frameExtent(channels, scale));
}
