import { describe, expect, test } from 'vitest';
import { blobByteSource, openSafetensors, SafetensorsError } from '../../src/safetensors/index.ts';

// A safetensors header need not list tensors in file order (only the writer here sorts them). The
// length a file needs is where its furthest tensor ends, whichever header entry that is.

/** A file whose header is `header` verbatim, followed by `dataBytes` bytes (each its index mod 251). */
function rawFile(header: Record<string, unknown>, dataBytes: number): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  for (let i = 0; i < dataBytes; i++) out[8 + json.length + i] = i % 251;
  return out;
}

const open = (bytes: Uint8Array<ArrayBuffer>) => openSafetensors(blobByteSource(new Blob([bytes]), 'unordered.safetensors'));

async function openError(bytes: Uint8Array<ArrayBuffer>): Promise<SafetensorsError> {
  const error: unknown = await open(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SafetensorsError);
  return error as SafetensorsError;
}

/** Three tensors; the header lists the one that ends furthest (`far`, bytes 48..80) in the middle. */
const HEADER = {
  __metadata__: { format: 'pt' },
  near: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
  far: { dtype: 'F32', shape: [2, 4], data_offsets: [48, 80] },
  last: { dtype: 'F16', shape: [16], data_offsets: [16, 48] },
};
const DATA_BYTES = 80;

describe('truncation is judged by the tensor that ends furthest, not the last header entry', () => {
  test('the whole file opens, and each tensor reads its own bytes', async () => {
    const file = rawFile(HEADER, DATA_BYTES);
    const st = await open(file);
    expect([...st.tensors.keys()]).toEqual(['near', 'far', 'last']);
    const far = await st.readTensor('far');
    expect(Array.from(far.bytes)).toEqual(Array.from({ length: 32 }, (_, i) => 48 + i));
    expect((await st.readTensor('last')).bytes.byteLength).toBe(32);
  });

  test('cut inside the furthest tensor, after the last-listed one ends: refused as truncated, naming that tensor', async () => {
    const file = rawFile(HEADER, DATA_BYTES);
    const cut = file.slice(0, file.length - 20); // data ends at 60: `last` (..48) is whole, `far` (..80) is not
    const error = await openError(cut);
    expect(error.reason).toBe('truncated');
    expect(error.tensor).toBe('far');
    expect(error.message).toBe(`unordered.safetensors is truncated: expected ${file.length} bytes, found ${cut.length}. Re-download the file.`);
  });

  test('the same with the furthest tensor listed first', async () => {
    const { far, near, last } = HEADER;
    const file = rawFile({ far, near, last }, DATA_BYTES);
    const error = await openError(file.slice(0, file.length - 1));
    expect(error.reason).toBe('truncated');
    expect(error.tensor).toBe('far');
  });
});
