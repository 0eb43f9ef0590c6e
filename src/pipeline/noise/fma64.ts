/**
 * Fused multiply-add in float64: a·b + c rounded once, as the x86 vfmadd instructions do.
 * Error-free transformations give the exact result as r + q + w; r is the answer unless
 * q + w comes near half the gap to r's neighbour, and then exact BigInt arithmetic decides.
 */
const SPLITTER = 2 ** 27 + 1;
const view = new DataView(new ArrayBuffer(8));

function twoSumError(a: number, b: number, sum: number): number {
  const bPart = sum - a;
  return a - (sum - bPart) + (b - bPart);
}

function productError(a: number, b: number, product: number): number {
  const ta = SPLITTER * a;
  const aHigh = ta - (ta - a);
  const aLow = a - aHigh;
  const tb = SPLITTER * b;
  const bHigh = tb - (tb - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
}

/** Half the distance from a finite nonzero r to its neighbour away from zero (or toward zero). */
function halfGap(r: number, awayFromZero: boolean): number {
  view.setFloat64(0, r);
  const exponent = (view.getUint16(0) >>> 4) & 0x7ff;
  const ulp = 2 ** (Math.max(exponent, 1) - 1075);
  const isPowerOfTwo = view.getUint32(4) === 0 && (view.getUint32(0) & 0xfffff) === 0;
  return !awayFromZero && isPowerOfTwo && exponent > 1 ? ulp / 4 : ulp / 2;
}

export function fma64(a: number, b: number, c: number): number {
  const product = a * b;
  if (!Number.isFinite(product) || !Number.isFinite(c)) return product + c;
  const sum = product + c;
  const sumError = twoSumError(product, c, sum);
  const mulError = productError(a, b, product);
  const low = sumError + mulError;
  const lowError = twoSumError(sumError, mulError, low);
  const result = sum + low;
  const remainder = twoSumError(sum, low, result) + lowError;
  if (remainder === 0) return result;
  if (result !== 0 && Number.isFinite(result)) {
    const awayFromZero = remainder > 0 === result > 0;
    if (Math.abs(remainder) < halfGap(result, awayFromZero) * (1 - 2 ** -20)) return result;
  }
  return exactFma(a, b, c);
}

interface Exact {
  mantissa: bigint;
  exponent: number;
}

function decompose(x: number): Exact {
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (biased !== 0) mantissa |= 1n << 52n;
  return { mantissa: high >>> 31 ? -mantissa : mantissa, exponent: Math.max(biased, 1) - 1075 };
}

function exactFma(a: number, b: number, c: number): number {
  const x = decompose(a);
  const y = decompose(b);
  const z = decompose(c);
  const productExponent = x.exponent + y.exponent;
  const base = Math.min(productExponent, z.exponent);
  const total = ((x.mantissa * y.mantissa) << BigInt(productExponent - base)) + (z.mantissa << BigInt(z.exponent - base));
  return toNumber(total, base);
}

/** total · 2^exponent, rounded once to the nearest float64. */
function toNumber(total: bigint, exponent: number): number {
  if (total === 0n) return 0;
  const negative = total < 0n;
  let magnitude = negative ? -total : total;
  const excess = magnitude.toString(2).length - 64;
  if (excess > 0) {
    const sticky = (magnitude & ((1n << BigInt(excess)) - 1n)) !== 0n;
    magnitude = (magnitude >> BigInt(excess)) | (sticky ? 1n : 0n);
    exponent += excess;
  }
  const half = Math.trunc(exponent / 2);
  const value = Number(magnitude) * 2 ** half * 2 ** (exponent - half);
  return negative ? -value : value;
}
