/**
 * Float32 log and sin/cos exactly as PyTorch's AVX2 normal kernel computes them: the
 * Cephes-style polynomials of avx_mathfun (J. Pommier), one float32 rounding per vector
 * multiply or add, except the multiply-adds the compiler fuses.
 */
const f = Math.fround;
/** a·b + c with two roundings (separate vector multiply and add). */
const mulAdd = (a: number, b: number, c: number) => f(f(a * b) + c);
/**
 * a·b + c with one rounding: the compiler fuses these multiply-adds of the sine polynomial
 * into FMA instructions (measured against randn.json). For float32 inputs a·b is exact in
 * float64, so one rounding of the float64 sum emulates the FMA except in rare double-rounding cases.
 */
const fusedMulAdd = (a: number, b: number, c: number) => f(a * b + c);
const scratch = new DataView(new ArrayBuffer(4));
const bits = (x: number) => (scratch.setFloat32(0, x, true), scratch.getUint32(0, true));
const fromBits = (b: number) => (scratch.setUint32(0, b >>> 0, true), scratch.getFloat32(0, true));

const SQRTHF = f(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const MIN_NORM_POS = fromBits(0x00800000);

/** log256_ps for one lane (x > 0 in our use). */
export function logAvx(input: number): number {
  if (!(input > 0)) return NaN;
  let x = Math.max(f(input), MIN_NORM_POS);
  const b = bits(x);
  let e = f(f((b >>> 23) - 127) + 1);
  x = fromBits((b & ~0x7f800000) | bits(0.5));
  const mask = x < SQRTHF;
  const tmp = mask ? x : 0;
  x = f(x - 1);
  if (mask) e = f(e - 1);
  x = f(x + tmp);
  const z = f(x * x);
  let y = LOG_P[0]!;
  for (let i = 1; i < LOG_P.length; i++) y = mulAdd(y, x, LOG_P[i]!);
  y = f(y * x);
  y = f(y * z);
  y = mulAdd(e, LOG_Q1, y);
  y = mulAdd(-z, 0.5, y);
  x = f(x + y);
  return mulAdd(e, LOG_Q2, x);
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
  const y0 = f(j);
  const swapSin = (j & 4) !== 0;
  const polyMask = (j & 2) === 0;
  x = mulAdd(y0, DP1, x);
  x = mulAdd(y0, DP2, x);
  x = mulAdd(y0, DP3, x);
  const signCos = ((~(j - 2)) & 4) !== 0;
  signSin = signSin !== swapSin;

  const z = f(x * x);
  let c = COS_P[0]!;
  c = mulAdd(c, z, COS_P[1]!);
  c = mulAdd(c, z, COS_P[2]!);
  c = f(f(c * z) * z);
  c = mulAdd(-z, 0.5, c);
  c = f(c + 1);

  let s = SIN_P[0]!;
  s = fusedMulAdd(s, z, SIN_P[1]!);
  s = fusedMulAdd(s, z, SIN_P[2]!);
  s = f(s * z);
  s = fusedMulAdd(s, x, x);

  // The polynomial mask picks which series gives sin and which cos.
  const sinValue = polyMask ? s : c;
  const cosValue = polyMask ? c : s;
  return [signSin ? -sinValue : sinValue, signCos ? -cosValue : cosValue];
}
