/**
 * Float32 log and sin/cos exactly as PyTorch's AVX2 normal kernel computes them: the
 * Cephes-style polynomials of avx_mathfun (J. Pommier) in the operation order, and with the
 * fused multiply-adds, of the x86-64 build (read from the instructions of Debian's
 * libtorch_cpu 1.13.1, which made the goldens). Every step is one float32 rounding.
 */
import { fma32 } from './fma32.ts';

const f = Math.fround;
const scratch = new DataView(new ArrayBuffer(4));
const bits = (x: number) => (scratch.setFloat32(0, x, true), scratch.getUint32(0, true));
const fromBits = (b: number) => (scratch.setUint32(0, b >>> 0, true), scratch.getFloat32(0, true));

const SQRTHF = f(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const MIN_NORM_POS = fromBits(0x00800000);

/** log256_ps for one lane; the kernel only passes x in (0, 1]. */
export function logAvx(input: number): number {
  if (!(input > 0)) return NaN;
  const clamped = Math.max(f(input), MIN_NORM_POS);
  const b = bits(clamped);
  let e = f(f((b >>> 23) - 127) + 1);
  let x = fromBits((b & ~0x7f800000) | bits(0.5));
  const belowSqrtHalf = x < SQRTHF;
  const tmp = belowSqrtHalf ? x : 0;
  x = f(x - 1);
  if (belowSqrtHalf) e = f(e - 1);
  x = f(tmp + x);
  let y = LOG_P[0]!;
  for (let i = 1; i < LOG_P.length; i++) y = fma32(y, x, LOG_P[i]!);
  const z = f(x * x);
  y = f(y * x);
  y = fma32(y, z, f(e * LOG_Q1));
  y = fma32(-z, 0.5, y);
  x = f(x + y);
  return fma32(e, LOG_Q2, x);
}

const FOPI = f(1.27323954473516);
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);

/** sincos256_ps for one lane: [sin, cos]. */
export function sinCosAvx(input: number): [number, number] {
  let x = f(input);
  let signSin = x < 0 || Object.is(x, -0);
  x = Math.abs(x);
  let j = Math.trunc(f(x * FOPI));
  j = (j + 1) & ~1;
  const y = f(j);
  const swapSin = (j & 4) !== 0;
  const polyMask = (j & 2) === 0;
  const signCos = (~(j - 2) & 4) !== 0;
  x = fma32(y, DP1, x);
  x = fma32(y, DP2, x);
  x = fma32(y, DP3, x);
  signSin = signSin !== swapSin;

  const z = f(x * x);
  let c = fma32(COS_P[0]!, z, COS_P[1]!);
  c = fma32(c, z, COS_P[2]!);
  c = fma32(f(c * z), z, -f(z * 0.5));
  c = f(c + 1);

  let s = fma32(SIN_P[0]!, z, SIN_P[1]!);
  s = fma32(s, z, SIN_P[2]!);
  s = fma32(f(s * z), x, x);

  // The kernel selects with bit masks and float adds: the picked value plus +0.
  const sinValue = f((polyMask ? s : 0) + (polyMask ? 0 : c));
  const cosValue = f(f(s - (polyMask ? s : 0)) + f(c - (polyMask ? 0 : c)));
  return [signSin ? -sinValue : sinValue, signCos ? -cosValue : cosValue];
}
