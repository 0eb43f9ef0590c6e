// The token embedding table read by rows from a GGUF file: a K-quant table (rows of 256-value
// super-blocks, which the tiny UMT5's 32-wide rows cannot have) written in row blocks as float16 or
// int8 rows, against ggml's dequantization of the whole tensor (src/gguf, checked against ggml).
import { describe, expect, test } from 'vitest';
import { dequantizeGgml, ggufCheckpoint, openGguf } from '../../src/gguf/index.ts';
import type { ByteSource } from '../../src/safetensors/index.ts';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/safetensors/index.ts';
import { writeEmbeddingTable, int8Rows } from '../../src/convert/umt5/embedding-table.ts';
import { t5LlamaCppName } from '../../src/convert/source-layout/llama-cpp-t5-names.ts';
import { ConvertError } from '../../src/errors.ts';
import { encodeGguf } from '../helpers/gguf-writer.ts';
import type { GgufTensorToWrite } from '../helpers/gguf-writer.ts';
import { memorySink } from '../helpers/memory-sink.ts';
import { concatBytes } from '../helpers/bytes.ts';

function memorySource(bytes: Uint8Array): ByteSource {
  return { name: 'umt5-encoder.gguf', size: async () => bytes.length, read: async (offset, length) => bytes.slice(offset, offset + length) };
}

async function tableCheckpoint(type: GgufTensorToWrite['type'], values: Float32Array, rows: number, dim: number) {
  const bytes = encodeGguf([{ name: 'token_embd.weight', shape: [rows, dim], type, values }], { 'general.architecture': 't5encoder' });
  return ggufCheckpoint(await openGguf(memorySource(bytes)), 'text_encoder', t5LlamaCppName);
}

const ROWS = 5;
const DIM = 256;
const values = Float32Array.from({ length: ROWS * DIM }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));

describe('a GGUF token embedding table, by rows', () => {
  test('Q4_K rows, two rows per read and per file: float16 of ggml’s values, and int8 rows of them', async () => {
    const checkpoint = await tableCheckpoint('Q4_K', values, ROWS, DIM);
    const expected = dequantizeGgml('Q4_K', await checkpoint.readBlocks('shared.weight'), ROWS * DIM);
    const files = new Map<string, Uint8Array>();
    const { entry } = await writeEmbeddingTable(checkpoint, memorySink(files), { maxFileBytes: 2 * DIM * 2, blockBytes: 2 * 144 });
    expect(entry).toMatchObject({ dtype: 'F16', rows: ROWS, dim: DIM });
    expect(entry.files.map((f) => f.rowCount)).toEqual([2, 2, 1]);
    const written = new Uint16Array(concatBytes(entry.files.map((f) => files.get(f.path)!)).slice().buffer);
    expect([...written].map(float16BitsToFloat32)).toEqual([...expected].map((v) => float16BitsToFloat32(float32ToFloat16Bits(v))));

    const int8Files = new Map<string, Uint8Array>();
    const int8 = await writeEmbeddingTable(checkpoint, memorySink(int8Files), { int8: true });
    expect(int8.entry.dtype).toBe('I8');
    expect(int8Files.get(int8.entry.files[0]!.path)).toEqual(int8Rows(expected, DIM));
  });

  test('an F16 table is copied bit for bit', async () => {
    const checkpoint = await tableCheckpoint('F16', values, ROWS, DIM);
    const files = new Map<string, Uint8Array>();
    const { entry } = await writeEmbeddingTable(checkpoint, memorySink(files));
    expect(entry.dtype).toBe('F16');
    expect(files.get(entry.files[0]!.path)).toEqual(await checkpoint.readBlocks('shared.weight'));
  });

  test('a quantized table beyond float16’s range is refused, pointing to int8 rows', async () => {
    const checkpoint = await tableCheckpoint('Q8_0', values.map((v) => v * 2e4), ROWS, DIM);
    const refused = writeEmbeddingTable(checkpoint, memorySink(new Map()));
    await expect(refused).rejects.toBeInstanceOf(ConvertError);
    await expect(refused).rejects.toThrow(/beyond float16's range\. Convert with --text-embedding int8/);
    await expect(writeEmbeddingTable(checkpoint, memorySink(new Map()), { int8: true })).resolves.toMatchObject({ entry: { dtype: 'I8' } });
  });
});
