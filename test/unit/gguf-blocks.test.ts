// Every block type against ggml itself: test/fixtures/gguf/blocks.gguf was written by ggml's
// gguf.cpp with ggml's reference quantizers, and blocks-expected.f32 holds ggml's own
// dequantization of each tensor (see the README there). Ours must match bit for bit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { GGML_TYPES, dequantizeGgml, openGguf } from '../../src/gguf/index.ts';
import type { GgmlType } from '../../src/gguf/index.ts';
import { fileByteSource } from '../../src/node/file-source.ts';
import { dequantizeBlockwise, quantizeBlockwise } from '../../src/convert/quant/quantize-blockwise.ts';
import { MATMUL_NBITS_GGML_TYPES, ggmlToMatMulNBits } from '../../src/convert/quant/ggml-matmul-nbits.ts';

const DIR = join(import.meta.dirname, '../fixtures/gguf');
const ORDER: GgmlType[] = ['F32', 'F16', 'BF16', 'Q4_0', 'Q4_1', 'Q5_0', 'Q5_1', 'Q8_0', 'Q2_K', 'Q3_K', 'Q4_K', 'Q5_K', 'Q6_K'];
const VALUES = 512 * 3;
/** ggml_type_name: lower case, but the k-quants keep their capital K (q4_K). */
const ggmlName = (t: GgmlType) => t.toLowerCase().replace('_k', '_K');

function f32File(name: string): Float32Array {
  const bytes = readFileSync(join(DIR, name));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

describe('GGUF written by ggml', async () => {
  const source = fileByteSource(join(DIR, 'blocks.gguf'));
  const file = await openGguf(source);
  const expected = f32File('blocks-expected.f32');

  test('header: version, alignment, metadata of every value type', () => {
    expect(file.version).toBe(3);
    expect(file.alignment).toBe(64);
    expect(file.dataOffset % 64).toBe(0);
    const m = file.metadata;
    expect(m.get('general.architecture')).toBe('wan');
    expect([m.get('test.u8'), m.get('test.i8'), m.get('test.u16'), m.get('test.i16'), m.get('test.i32')]).toEqual([200, -100, 60000, -30000, -2000000000]);
    expect(m.get('test.f32')).toBe(Math.fround(0.1));
    expect(m.get('test.u64')).toBe(18446744073709551615n);
    expect(m.get('test.i64')).toBe(-9007199254740993n);
    expect(m.get('test.f64')).toBe(-2.5e-300);
    expect(m.get('test.bool')).toBe(true);
    expect(m.get('test.utf8')).toBe('Wan 万');
    expect(m.get('test.i32_array')).toEqual([3, 48, 1, 2, 2]);
    expect(m.get('test.str_array')).toEqual(['a', '', 'umt5']);
  });

  test('tensor infos: types, dims, offsets', () => {
    expect([...file.tensors.keys()]).toEqual(ORDER.map((t) => `blocks.${ggmlName(t)}`));
    for (const t of ORDER) {
      const info = file.tensors.get(`blocks.${ggmlName(t)}`)!;
      expect(info.type).toBe(t);
      expect(info.dims).toEqual([512, 3]);
      expect(info.byteLength).toBe((VALUES / GGML_TYPES[t].blockValues) * GGML_TYPES[t].blockBytes);
      expect((info.byteOffset - file.dataOffset) % 64).toBe(0);
    }
  });

  test.each(ORDER.map((t, i) => [t, i] as const))('%s dequantizes bit for bit as ggml does', async (type, index) => {
    const { info, bytes } = await file.readTensor(`blocks.${ggmlName(type)}`);
    const ours = dequantizeGgml(info.type, bytes, info.elements, info.name);
    const theirs = expected.subarray(index * VALUES, (index + 1) * VALUES);
    const mismatches = [...ours.keys()].filter((i) => !Object.is(ours[i], theirs[i]));
    expect(mismatches.slice(0, 5).map((i) => [i, ours[i], theirs[i]])).toEqual([]);
  });

  test('Q8_0 and Q4_0 map onto MatMulNBits exactly; the other types are re-quantized to int4 (error printed)', async () => {
    const source = f32File('blocks-source.f32');
    const rms = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((sum, v, i) => sum + (v - b[i]!) ** 2, 0) / a.length);
    const rows: string[] = [];
    for (const type of ORDER) {
      const { info, bytes } = await file.readTensor(`blocks.${ggmlName(type)}`);
      const values = dequantizeGgml(type, bytes, info.elements);
      if (MATMUL_NBITS_GGML_TYPES.has(type)) {
        const w = ggmlToMatMulNBits(type, bytes, 3, 512);
        const mapped = dequantizeBlockwise({ ...w, kBlocks: 16 }, 3, 512, w.bits, 32);
        expect(mapped).toEqual(values);
        rows.push(`${type}: exact (${w.bits}-bit)`);
        continue;
      }
      const requantized = dequantizeBlockwise(quantizeBlockwise(values, 3, 512, 4, 32), 3, 512, 4, 32);
      rows.push(`${type}: file vs source rms ${rms(values, source).toExponential(2)}; int4 re-quantization adds rms ${rms(requantized, values).toExponential(2)}, total ${rms(requantized, source).toExponential(2)}`);
    }
    const direct = dequantizeBlockwise(quantizeBlockwise(source, 3, 512, 4, 32), 3, 512, 4, 32);
    console.log(`${rows.join('\n')}\nint4 straight from the source: rms ${rms(direct, source).toExponential(2)}`);
  });
});
