/**
 * glibc's float logf and sincosf as PyTorch's portable normal kernel gets them on x86-64
 * (glibc 2.36, the FMA variants its ifunc picks on AVX2 CPUs): the double-precision
 * algorithms with their tables and polynomials, in the operation order and with the fused
 * multiply-adds of that build, so the float results match bit for bit. Only the paths the
 * kernel reaches are here: logf of normal x in (0, 1], sincosf of 0 ≤ x < 120.
 */
import { fma64 } from './fma64.ts';

const f = Math.fround;
const fromHex = (hex: string) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt('0x' + hex));
  return view.getFloat64(0);
};
const floatView = new DataView(new ArrayBuffer(4));
const floatBits = (x: number) => (floatView.setFloat32(0, x), floatView.getUint32(0));
const bitsToFloat = (b: number) => (floatView.setUint32(0, b >>> 0), floatView.getFloat32(0));

/** [1/c, log(c)] for the 16 subintervals of the logf reduction. */
const LOG_TABLE = [
  ['3ff661ec79f8f3be', 'bfd57bf7808caade'], ['3ff571ed4aaf883d', 'bfd2bef0a7c06ddb'],
  ['3ff49539f0f010b0', 'bfd01eae7f513a67'], ['3ff3c995b0b80385', 'bfcb31d8a68224e9'],
  ['3ff30d190c8864a5', 'bfc6574f0ac07758'], ['3ff25e227b0b8ea0', 'bfc1aa2bc79c8100'],
  ['3ff1bb4a4a1a343f', 'bfba4e76ce8c0e5e'], ['3ff12358f08ae5ba', 'bfb1973c5a611ccc'],
  ['3ff0953f419900a7', 'bfa252f438e10c1e'], ['3ff0000000000000', '0000000000000000'],
  ['3fee608cfd9a47ac', '3faaa5aa5df25984'], ['3feca4b31f026aa0', '3fbc5e53aa362eb4'],
  ['3feb2036576afce6', '3fc526e57720db08'], ['3fe9c2d163a1aa2d', '3fcbc2860d224770'],
  ['3fe886e6037841ed', '3fd1058bc8a07ee1'], ['3fe767dcf5534862', '3fd4043057b6ee09'],
].map(([invC, logC]) => [fromHex(invC!), fromHex(logC!)] as const);
const LN2 = fromHex('3fe62e42fefa39ef');
const LOG_A = ['bfd00ea348b88334', '3fd5575b0be00b6a', 'bfdffffef20a4123'].map(fromHex) as [number, number, number];
const LOG_OFFSET = 0x3f330000;

export function logfGlibc(input: number): number {
  const ix = floatBits(input);
  if (ix === 0x3f800000) return 0;
  if (ix < 0x00800000 || ix >= 0x7f800000) throw new RangeError(`logfGlibc covers normal positive floats, got ${input}`);
  const tmp = (ix - LOG_OFFSET) | 0;
  const [invC, logC] = LOG_TABLE[(tmp >>> 19) & 15]!;
  const k = tmp >> 23;
  const z = bitsToFloat(ix - (tmp & 0xff800000));
  const r = fma64(z, invC, -1);
  const y0 = fma64(k, LN2, logC);
  const r2 = r * r;
  const y = fma64(r2, LOG_A[0], fma64(r, LOG_A[1], LOG_A[2]));
  return f(fma64(y, r2, r + y0));
}

interface SinCosTable {
  /** sign of the reduced argument, by quadrant. */
  sign: readonly number[];
  c0: number;
  c1: number;
  /** [sin, cos] coefficient pairs of x³/x⁴, x⁵/x⁶ terms' series, as the two vector lanes hold them. */
  pair1: readonly [number, number];
  pair2: readonly [number, number];
  pair3: readonly [number, number];
}
const table = (hex: string[]): SinCosTable => {
  const v = hex.map(fromHex);
  return { sign: v.slice(0, 4), c0: v[4]!, c1: v[5]!, pair1: [v[6]!, v[7]!], pair2: [v[8]!, v[9]!], pair3: [v[10]!, v[11]!] };
};
const SINCOS_TABLES = [
  table(['3ff0000000000000', 'bff0000000000000', 'bff0000000000000', '3ff0000000000000', '3ff0000000000000', 'bfdffffffd0c621c',
    'bfc555545995a603', '3fa55553e1068f19', '3f81107605230bc4', 'bf56c087e89a359d', 'bf2994eb3774cf24', '3ef99343027bf8c3']),
  table(['3ff0000000000000', 'bff0000000000000', 'bff0000000000000', '3ff0000000000000', 'bff0000000000000', '3fdffffffd0c621c',
    'bfc555545995a603', 'bfa55553e1068f19', '3f81107605230bc4', '3f56c087e89a359d', 'bf2994eb3774cf24', 'bef99343027bf8c3']),
] as const;
/** 2/π · 2^24 and π/2. */
const HALF_PI_INV_SCALED = fromHex('41645f306dc9c883');
const HALF_PI = fromHex('3ff921fb54442d18');

/** The two series on the reduced argument: [lane 0, lane 1] = [odd series of xSigned, even series]. */
function series(t: SinCosTable, xSigned: number, x2: number): [number, number] {
  const x3 = x2 * xSigned;
  const x4 = x2 * x2;
  const x5 = x2 * x3;
  const x6 = x2 * x4;
  const even0 = fma64(x2, t.c1, t.c0);
  const odd = fma64(fma64(x2, t.pair3[0], t.pair2[0]), x5, fma64(x3, t.pair1[0], xSigned));
  const even = fma64(fma64(x2, t.pair3[1], t.pair2[1]), x6, fma64(x4, t.pair1[1], even0));
  return [f(odd), f(even)];
}

/** sincosf for 0 ≤ x < 120 (float): [sin, cos]. */
export function sinCosfGlibc(input: number): [number, number] {
  const xf = f(input);
  const top12 = (floatBits(xf) >>> 20) & 0x7ff;
  if (top12 > 0x42e || xf < 0) throw new RangeError(`sinCosfGlibc covers 0 ≤ x < 120, got ${input}`);
  if (top12 <= 0x397) return [xf, 1];
  if (top12 <= 0x3f3) return series(SINCOS_TABLES[0], xf, xf * xf);
  const n = (Math.trunc(xf * HALF_PI_INV_SCALED) + 0x800000) >> 24;
  const r = fma64(-n, HALF_PI, xf);
  const t = SINCOS_TABLES[(n & 2) >> 1]!;
  const [odd, even] = series(t, r * t.sign[n & 3]!, r * r);
  return n & 1 ? [even, odd] : [odd, even];
}
