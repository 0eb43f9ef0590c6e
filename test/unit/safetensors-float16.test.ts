import { describe, expect, test } from 'vitest';
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
  SafetensorsError,
  toBigInt64,
  toFloat32,
  toInt32,
  toUint16Bits,
} from '../../src/safetensors/index.ts';

const bitsOf = (values: Float32Array) => [...new Uint32Array(values.buffer, values.byteOffset, values.length)];

/** Little-endian bytes of 16-bit patterns, placed at `offset` inside a larger buffer. */
function halfBytes(patterns: number[], offset = 0): Uint8Array {
  const buffer = new Uint8Array(offset + patterns.length * 2);
  const view = new DataView(buffer.buffer);
  patterns.forEach((p, i) => view.setUint16(offset + i * 2, p, true));
  return buffer.subarray(offset);
}

// [half bits, float32 bits of the exact value]
const FLOAT16_CASES: [number, number][] = [
  [0x0000, 0x00000000], // +0
  [0x8000, 0x80000000], // -0
  [0x0001, 0x33800000], // smallest subnormal, 2^-24
  [0x8001, 0xb3800000], // its negative
  [0x0200, 0x38000000], // subnormal 2^-15
  [0x03ff, 0x387fc000], // largest subnormal, 1023 * 2^-24
  [0x0400, 0x38800000], // smallest normal, 2^-14
  [0x3c00, 0x3f800000], // 1
  [0x3555, 0x3eaaa000], // 0.333251953125
  [0xc000, 0xc0000000], // -2
  [0x7bff, 0x477fe000], // 65504, largest finite
  [0x7c00, 0x7f800000], // +Infinity
  [0xfc00, 0xff800000], // -Infinity
  [0x7e00, 0x7fc00000], // quiet NaN
  [0x7c01, 0x7f802000], // signalling NaN, payload kept
  [0xfe01, 0xffc02000], // negative NaN with payload
];

describe('float16', () => {
  test('toFloat32 decodes every kind of half exactly', () => {
    const halves = FLOAT16_CASES.map(([half]) => half);
    const floats = toFloat32({ name: 'h', dtype: 'F16' }, halfBytes(halves));
    expect(bitsOf(floats)).toEqual(FLOAT16_CASES.map(([, bits]) => bits));
  });

  test('scalar decode agrees, including -0 and NaN', () => {
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
  });

  test('every half pattern decodes to a value that encodes back to itself', () => {
    for (let half = 0; half < 0x10000; half++) {
      const value = float16BitsToFloat32(half);
      const back = float32ToFloat16Bits(value);
      if (Number.isNaN(value)) expect(back & 0x7c00).toBe(0x7c00);
      else expect(back).toBe(half);
    }
  });

  test('encode rounds to nearest, ties to even, with overflow and underflow', () => {
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie, down to even
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, up to even
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // rounds up past 65504
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000); // tie with zero
    expect(float32ToFloat16Bits(1.5 * 2 ** -25)).toBe(0x0001);
    expect(float32ToFloat16Bits(-(2 ** -26))).toBe(0x8000);
    expect(float32ToFloat16Bits(1e-45)).toBe(0x0000); // float32 subnormal
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(float32ToFloat16Bits(Number.NaN) & 0x7e00).toBe(0x7e00);
  });
});

describe('bfloat16', () => {
  test('toFloat32 takes the upper 16 bits of float32', () => {
    const patterns = [0x0000, 0x8000, 0x3f80, 0x4049, 0x0001, 0x7f80, 0xff80, 0x7fc0, 0xffff];
    const floats = toFloat32({ name: 'b', dtype: 'BF16' }, halfBytes(patterns));
    expect(bitsOf(floats)).toEqual(patterns.map((p) => (p << 16) >>> 0));
    expect(floats[3]).toBe(3.140625);
    expect(bfloat16BitsToFloat32(0x0001)).toBe(2 ** -133);
    expect(Object.is(bfloat16BitsToFloat32(0x8000), -0)).toBe(true);
  });

  test('encode rounds to nearest, ties to even', () => {
    expect(float32ToBfloat16Bits(1)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie, down to even
    expect(float32ToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie, up to even
    expect(float32ToBfloat16Bits(3.4e38)).toBe(0x7f80); // overflows to Infinity
    expect(float32ToBfloat16Bits(Number.NaN) & 0x7fc0).toBe(0x7fc0);
  });
});

describe('tensor data views', () => {
  test('unaligned F16 and F32 data is copied, aligned F32 is viewed in place', () => {
    const unaligned = halfBytes([0x3c00, 0xc000], 1);
    expect(unaligned.byteOffset).toBe(1);
    expect([...toFloat32({ name: 'h', dtype: 'F16' }, unaligned)]).toEqual([1, -2]);
    expect([...toUint16Bits({ name: 'h', dtype: 'F16' }, unaligned)]).toEqual([0x3c00, 0xc000]);

    const floats = new Float32Array([1.5, -2.25, 3]);
    const shifted = new Uint8Array(13);
    shifted.set(new Uint8Array(floats.buffer), 1);
    expect([...toFloat32({ name: 'f', dtype: 'F32' }, shifted.subarray(1))]).toEqual([1.5, -2.25, 3]);

    const aligned = new Uint8Array(floats.buffer);
    expect(toFloat32({ name: 'f', dtype: 'F32' }, aligned).buffer).toBe(floats.buffer);
  });

  test('F64 is rounded to float32', () => {
    const doubles = new Float64Array([0.1, -1e300, 2]);
    expect([...toFloat32({ name: 'd', dtype: 'F64' }, new Uint8Array(doubles.buffer))]).toEqual([
      Math.fround(0.1),
      -Infinity,
      2,
    ]);
  });

  test('I64 to BigInt64 and Int32, with a range check', () => {
    const values = new BigInt64Array([0n, -1n, 2147483647n, -2147483648n]);
    const bytes = new Uint8Array(values.buffer);
    const info = { name: 'ids', dtype: 'I64', file: 'ids.safetensors' } as const;
    expect([...toBigInt64(info, bytes)]).toEqual([0n, -1n, 2147483647n, -2147483648n]);
    expect([...toInt32(info, bytes)]).toEqual([0, -1, 2147483647, -2147483648]);
    const tooBig = new Uint8Array(new BigInt64Array([2147483648n]).buffer);
    expect(() => toInt32(info, tooBig)).toThrow(/"ids" holds 2147483648, which does not fit in 32 bits/);
  });

  test('a dtype that does not fit the conversion is a SafetensorsError', () => {
    const error = (() => {
      try {
        toFloat32({ name: 'ids', dtype: 'I64', file: 'x.safetensors' }, new Uint8Array(8));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as SafetensorsError).message).toBe('Tensor "ids" has dtype I64; expected a floating-point tensor (F32, F16, BF16, F8_E4M3, F8_E5M2 or F64).');
    expect((error as SafetensorsError).tensor).toBe('ids');
    expect((error as SafetensorsError).file).toBe('x.safetensors');
  });
});
