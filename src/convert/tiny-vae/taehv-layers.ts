// TAEHV's decoder layers, one frame at a time, on the VAE's stage machinery (VaeStage: size
// laws, weight recipes, caches between calls). Every op is a 2-D one the WebGPU EP runs with
// its own kernels (Conv, Relu, Tanh, Resize, Concat, Split, DepthToSpace): the only memory in
// time is a MemBlock's previous input frame, which is a cache.
import { add } from '../wan-vae/vae-layers.ts';
import type { VaeStage } from '../wan-vae/vae-stage.ts';
import type { Act } from '../wan-vae/vae-tensors.ts';
import { frameExtent } from '../wan-vae/vae-tensors.ts';

/** Node scope of a checkpoint prefix: `decoder.3.conv.0` → `/taehv/decoder.3/conv.0`. */
export function taehvScope(prefix: string): string {
  return `/taehv/${prefix.replace(/\.(\D)/g, '/$1')}`;
}

/** Conv2d 3×3 with padding 1 over given weight (and bias) tensors. */
export function conv3Op(s: VaeStage, scope: string, x: Act, weight: string, bias: string | undefined, cout: number): Act {
  s.reachRows(1, x.scale);
  const inputs = bias === undefined ? [x.name, weight] : [x.name, weight, bias];
  return s.actOp('Conv', inputs, `${scope}/Conv`, cout, x.scale, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
}

/** The Conv2d 3×3 module `prefix` (`.weight` [cout, cin, 3, 3], and `.bias` [cout] when it has one). */
export function conv3(s: VaeStage, prefix: string, x: Act, cout: number, hasBias: boolean): Act {
  const shape = [cout, x.channels, 3, 3];
  const weight = s.weights.conv(`${prefix}.weight`, shape, `${prefix}.weight`, shape, (v) => v);
  const bias = hasBias ? s.weights.asStored(`${prefix}.bias`, [cout]) : undefined;
  return conv3Op(s, taehvScope(prefix), x, weight, bias, cout);
}

export function relu(s: VaeStage, scope: string, x: Act): Act {
  return s.actOp('Relu', [x.name], `${scope}/Relu`, x.channels, x.scale, {}, x.dtype);
}

/** Upstream `Clamp`: tanh(x / 3) · 3, a soft clamp of the latent to (-3, 3). */
export function softClamp(s: VaeStage, scope: string, x: Act): Act {
  const three = s.g.constant('float32', [], [3]);
  const scaled = s.actOp('Div', [x.name, three], `${scope}/Div`, x.channels, x.scale, {}, x.dtype);
  const squashed = s.actOp('Tanh', [scaled.name], `${scope}/Tanh`, x.channels, x.scale, {}, x.dtype);
  return s.actOp('Mul', [squashed.name, three], `${scope}/Mul`, x.channels, x.scale, {}, x.dtype);
}

/**
 * MemBlock(n, n): ReLU(conv(ReLU(conv(ReLU(conv(cat[x, past]))))) + x), where `past` is the
 * block's input one frame earlier (zeros before the first frame), kept as the cache
 * `cache.<index>.0` and replaced by `x` after each call:
 *
 *   x ─┬─ Concat ─ Conv ─ Relu ─ Conv ─ Relu ─ Conv ─ Add ─ Relu ─ y
 *   cache.0 ─┘                                          │
 *   x ──────────────────────────────────────────────────┘        x ─▶ cache.new
 */
export function memBlock(s: VaeStage, prefix: string, x: Act): Act {
  const scope = taehvScope(prefix);
  const n = x.channels;
  const [past] = s.caches.inputs(prefix, 1, x) as [Act];
  s.caches.output(prefix, x);
  let y = s.actOp('Concat', [x.name, past.name], `${scope}/Concat`, 2 * n, x.scale, { axis: 1 });
  y = relu(s, `${scope}/conv.1`, conv3(s, `${prefix}.conv.0`, y, n, true));
  y = relu(s, `${scope}/conv.3`, conv3(s, `${prefix}.conv.2`, y, n, true));
  y = conv3(s, `${prefix}.conv.4`, y, n, true);
  return s.caches.flushBefore(relu(s, `${scope}/act`, add(s, `${scope}/residual`, y, x)));
}

/**
 * TGrow(n, stride): a 1×1 conv n → n·stride whose channel group a is output frame a (earliest
 * first). It runs before the block's nearest ×2 upsample, which it commutes with exactly
 * (a 1×1 conv of repeated pixels is the repeated conv), on a quarter of the pixels.
 */
export function tGrow(s: VaeStage, prefix: string, x: Act, stride: 1 | 2): Act[] {
  const n = x.channels;
  const shape = [n * stride, n, 1, 1];
  const weight = s.weights.conv(`${prefix}.conv.weight`, shape, `${prefix}.conv.weight`, shape, (v) => v);
  const scope = taehvScope(prefix);
  const grown = s.actOp('Conv', [x.name, weight], `${scope}/Conv`, n * stride, x.scale, { kernel_shape: [1, 1] });
  if (stride === 1) return [grown];
  const frames = s.multiOp('Split', [grown.name], `${scope}/Split`, s.act, [frameExtent(n, x.scale), frameExtent(n, x.scale)], { axis: 1, num_outputs: 2 });
  return frames.map((name) => ({ name, channels: n, scale: x.scale, dtype: s.act }));
}

/** nn.Upsample(scale_factor=2), mode nearest. */
export function upsample(s: VaeStage, scope: string, x: Act): Act {
  const scales = s.g.constant('float32', [4], [1, 1, 2, 2]);
  return s.actOp('Resize', [x.name, '', scales], `${scope}/Resize`, x.channels, x.scale * 2, {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
}
