import type { EmbeddingTableEntry } from '../../bundle/manifest.ts';
import { embeddingRowBytes } from '../../bundle/embedding-row.ts';
import { toFloat32 } from '../../safetensors/index.ts';

/**
 * Reads `length` bytes at `offset` of one bundle file (in the browser a `File.slice` of
 * the OPFS file; in Node a positional read).
 */
export type ReadRange = (path: string, offset: number, length: number) => Promise<Uint8Array>;

/**
 * The embedding rows of `ids` as float32 [ids.length, dim], read row by row from the
 * bundle's raw table files (each distinct id once). Only these rows are read: the whole
 * table (2.1 GB for UMT5-XXL) never enters memory.
 */
export async function gatherEmbeddings(table: EmbeddingTableEntry, readRange: ReadRange, ids: ArrayLike<number | bigint>): Promise<Float32Array> {
  const rowBytes = embeddingRowBytes(table.dtype, table.dim);
  const distinct = new Map<number, Promise<Float32Array>>();
  const rows: Promise<Float32Array>[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = Number(ids[i]);
    let row = distinct.get(id);
    if (row === undefined) {
      const { path, offset } = locateRow(table, id, rowBytes);
      row = readRange(path, offset, rowBytes).then((bytes) => {
        if (bytes.byteLength !== rowBytes) {
          throw new RangeError(`${path}: read ${bytes.byteLength} bytes at ${offset}, expected ${rowBytes}. The bundle file is truncated; reinstall the model.`);
        }
        if (table.dtype === 'I8') return int8Row(bytes, table.dim);
        return toFloat32({ name: `embedding row ${id}`, dtype: table.dtype, file: path }, bytes);
      });
      distinct.set(id, row);
    }
    rows.push(row);
  }
  const out = new Float32Array(ids.length * table.dim);
  (await Promise.all(rows)).forEach((row, i) => out.set(row, i * table.dim));
  return out;
}

/** The file and byte offset of row `id`. */
function locateRow(table: EmbeddingTableEntry, id: number, rowBytes: number): { path: string; offset: number } {
  if (!Number.isInteger(id) || id < 0 || id >= table.rows) {
    throw new RangeError(`Token id ${id} is outside the embedding table (${table.rows} rows). The tokenizer does not belong to this model.`);
  }
  const file = table.files.find((f) => id >= f.firstRow && id < f.firstRow + f.rowCount);
  if (file === undefined) throw new RangeError(`No embedding file holds row ${id}; the manifest's textEmbedding.files do not cover the table.`);
  return { path: file.path, offset: (id - file.firstRow) * rowBytes };
}

/** An int8 row: `dim` int8 values, then the row's float32 scale. */
function int8Row(bytes: Uint8Array, dim: number): Float32Array {
  const scale = new DataView(bytes.buffer, bytes.byteOffset + dim, 4).getFloat32(0, true);
  const values = new Int8Array(bytes.buffer, bytes.byteOffset, dim);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = (values[i] as number) * scale;
  return out;
}
