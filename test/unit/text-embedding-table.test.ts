import { describe, expect, test } from 'vitest';
import { ConvertError } from '../../src/errors.ts';
import { encodeSafetensors, openCheckpoint, toFloat32 } from '../../src/safetensors/index.ts';
import type { ByteSource, CheckpointFiles, SafetensorsDtype } from '../../src/safetensors/index.ts';
import { writeEmbeddingTable } from '../../src/convert/umt5/embedding-table.ts';
import { gatherEmbeddings } from '../../src/pipeline/text/embedding-gather.ts';
import { concatBytes } from '../helpers/bytes.ts';
import { memorySink } from '../helpers/memory-sink.ts';

const ROWS = 37;
const DIM = 6;

/** One in-memory safetensors file as a checkpoint component; records every read's length. */
function memoryCheckpoint(file: Uint8Array, reads: number[]): CheckpointFiles {
  const source: ByteSource = {
    name: 'text_encoder/model.safetensors',
    size: async () => file.byteLength,
    read: async (offset, length) => {
      reads.push(length);
      return file.slice(offset, offset + length);
    },
  };
  return {
    open: () => source,
    exists: async (path) => path === source.name,
  };
}

/** Random table bytes of the dtype: finite values, every bit pattern of the mantissa used. */
function tableBytes(dtype: SafetensorsDtype): Uint8Array {
  const values = Float32Array.from({ length: ROWS * DIM }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 3);
  if (dtype === 'F32') return new Uint8Array(values.buffer);
  const halves = new Uint16Array(values.length);
  for (let i = 0; i < halves.length; i++) halves[i] = dtype === 'BF16' ? new Uint32Array(values.buffer)[i]! >>> 16 : (0x3c00 + i * 37) & 0x7bff;
  return new Uint8Array(halves.buffer);
}

describe('the text embedding table: written as raw rows, gathered by byte range', () => {
  for (const [dtype, name] of [['BF16', 'shared.weight'], ['F16', 'encoder.embed_tokens.weight'], ['F32', 'shared.weight']] as const) {
    test(`${dtype} ${name}: bit-exact files split by whole rows, rows gathered exactly`, async () => {
      const bytes = tableBytes(dtype);
      const file = encodeSafetensors([
        { name: 'encoder.final_layer_norm.weight', dtype: 'F32', shape: [DIM], data: new Float32Array(DIM).fill(1) },
        { name, dtype, shape: [ROWS, DIM], data: bytes },
      ]);
      const reads: number[] = [];
      const checkpoint = await openCheckpoint(memoryCheckpoint(file, reads), 'text_encoder');
      reads.length = 0;
      const rowBytes = bytes.byteLength / ROWS;
      const files = new Map<string, Uint8Array>();
      const copied: number[] = [];
      const written = await writeEmbeddingTable(checkpoint, memorySink(files), {
        maxFileBytes: 10 * rowBytes + rowBytes - 1,
        blockBytes: 3 * rowBytes + 1,
        filePrefix: 'te',
        onBytes: (n) => copied.push(n),
      });

      expect(written.entry).toEqual({
        dtype,
        rows: ROWS,
        dim: DIM,
        files: [
          { path: 'te-000.bin', firstRow: 0, rowCount: 10 },
          { path: 'te-001.bin', firstRow: 10, rowCount: 10 },
          { path: 'te-002.bin', firstRow: 20, rowCount: 10 },
          { path: 'te-003.bin', firstRow: 30, rowCount: 7 },
        ],
      });
      expect(written.files.map((f) => [f.path, f.bytes])).toEqual(written.entry.files.map((f) => [f.path, f.rowCount * rowBytes]));
      expect(written.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
      // Read in blocks of at most 3 rows, never whole; together the files are the source bytes.
      expect(Math.max(...reads)).toBe(3 * rowBytes);
      expect(copied.reduce((a, b) => a + b, 0)).toBe(bytes.byteLength);
      expect(concatBytes(written.entry.files.map((f) => files.get(f.path)!))).toEqual(bytes);

      const requested: string[] = [];
      const ids = [5, 0, 36, 5, 12, 29, 30];
      const gathered = await gatherEmbeddings(written.entry, async (path, offset, length) => {
        requested.push(`${path}@${offset}`);
        return files.get(path)!.slice(offset, offset + length);
      }, ids);
      expect(requested).toHaveLength(new Set(ids).size);
      const all = toFloat32({ name, dtype }, bytes);
      const expected = new Float32Array(ids.length * DIM);
      ids.forEach((id, i) => expected.set(all.subarray(id * DIM, (id + 1) * DIM), i * DIM));
      expect(gathered).toEqual(expected);
    });
  }

  test('ids outside the table are refused with a message', async () => {
    const entry = { dtype: 'F32' as const, rows: 4, dim: 2, files: [{ path: 't.bin', firstRow: 0, rowCount: 4 }] };
    const read = async () => new Uint8Array(8);
    await expect(gatherEmbeddings(entry, read, [1, 4])).rejects.toThrow(/Token id 4 is outside the embedding table \(4 rows\)/);
    await expect(gatherEmbeddings(entry, read, [-1])).rejects.toThrow(RangeError);
    await expect(gatherEmbeddings(entry, async () => new Uint8Array(4), [0])).rejects.toThrow(/truncated/);
  });

  test('a checkpoint without an embedding table, or with an integer one, is refused', async () => {
    const noTable = encodeSafetensors([{ name: 'encoder.final_layer_norm.weight', dtype: 'F32', shape: [2], data: new Float32Array(2) }]);
    const sink = memorySink(new Map());
    await expect(writeEmbeddingTable(await openCheckpoint(memoryCheckpoint(noTable, []), 'text_encoder'), sink)).rejects.toThrow(ConvertError);
    const intTable = encodeSafetensors([{ name: 'shared.weight', dtype: 'I64', shape: [2, 2], data: new BigInt64Array(4) }]);
    await expect(writeEmbeddingTable(await openCheckpoint(memoryCheckpoint(intTable, []), 'text_encoder'), sink)).rejects.toThrow(/is I64; expected BF16, F16 or F32/);
  });
});
