import { describe, expect, test } from 'vitest';
import {
  blobByteSource,
  blobCheckpointFiles,
  createSafetensorsWriter,
  encodeSafetensors,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
  openCheckpoint,
  openSafetensors,
  SafetensorsError,
  toBigInt64,
  toFloat32,
} from '../../src/safetensors/index.ts';
import type { ByteSource } from '../../src/safetensors/index.ts';

const memory = (bytes: Uint8Array<ArrayBuffer>, name = 'test.safetensors'): ByteSource => blobByteSource(new Blob([bytes]), name);

/** A file whose header is `header` verbatim, followed by `dataBytes` zero bytes. */
function rawFile(header: unknown, dataBytes: number): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

async function openError(bytes: Uint8Array<ArrayBuffer>): Promise<SafetensorsError> {
  const error: unknown = await openSafetensors(memory(bytes)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SafetensorsError);
  return error as SafetensorsError;
}

const floats = new Float32Array([1, -2.5, 3.25, 0, -0, 1e-3]);
const halves = new Uint16Array([...floats].map(float32ToFloat16Bits));
const bhalves = new Uint16Array([...floats].map(float32ToBfloat16Bits));
const ids = new BigInt64Array([1n, -2n, 9007199254740993n]);

describe('writer → reader round trip', () => {
  const metadata = { format: 'pt', note: 'ünïcödé', json: '[1, 2]' };
  const file = encodeSafetensors(
    [
      { name: 'f32', dtype: 'F32', shape: [2, 3], data: floats },
      { name: 'f16', dtype: 'F16', shape: [6], data: halves },
      { name: 'bf16', dtype: 'BF16', shape: [3, 2], data: bhalves },
      { name: 'ids', dtype: 'I64', shape: [3], data: ids },
      { name: 'scalar', dtype: 'F32', shape: [], data: new Float32Array([7]) },
      { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
    ],
    metadata,
  );

  test('values, shapes and metadata survive', async () => {
    const st = await openSafetensors(memory(file));
    expect(st.metadata).toEqual(metadata);
    expect([...st.tensors.keys()]).toEqual(['f32', 'f16', 'bf16', 'ids', 'scalar', 'empty']);
    expect(st.tensors.get('bf16')?.shape).toEqual([3, 2]);

    const f32 = await st.readTensor('f32');
    expect(toFloat32(f32.info, f32.bytes)).toEqual(floats);
    const f16 = await st.readTensor('f16');
    expect([...toFloat32(f16.info, f16.bytes)]).toEqual([1, -2.5, 3.25, 0, -0, float16Of(1e-3)]);
    const bf16 = await st.readTensor('bf16');
    expect([...toFloat32(bf16.info, bf16.bytes)]).toEqual([1, -2.5, 3.25, 0, -0, Math.fround(0.00099945068359375)]);
    const i64 = await st.readTensor('ids');
    expect([...toBigInt64(i64.info, i64.bytes)]).toEqual([...ids]);
    const scalar = await st.readTensor('scalar');
    expect([...toFloat32(scalar.info, scalar.bytes)]).toEqual([7]);
    expect((await st.readTensor('empty')).bytes.byteLength).toBe(0);
  });

  test('header is padded with spaces to a multiple of 8', () => {
    const headerLength = Number(new DataView(file.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = new TextDecoder().decode(file.subarray(8, 8 + headerLength));
    expect(header.trimEnd().endsWith('}')).toBe(true);
    expect(header.slice(header.trimEnd().length)).toMatch(/^ {0,7}$/);
    expect(JSON.parse(header).__metadata__).toEqual(metadata);
  });

  test('createSafetensorsWriter gives absolute offsets in the given order', () => {
    const layout = createSafetensorsWriter([
      { name: 'b', dtype: 'F16', shape: [3] },
      { name: 'a', dtype: 'I64', shape: [2, 1] },
    ]);
    expect(layout.header.byteLength % 8).toBe(0);
    const start = layout.header.byteLength;
    expect([...layout.offsets]).toEqual([
      ['b', [start, start + 6]],
      ['a', [start + 6, start + 22]],
    ]);
    expect(layout.totalSize).toBe(start + 22);
  });

  test('the writer rejects bad input', () => {
    expect(() => createSafetensorsWriter([{ name: 'x', dtype: 'F32', shape: [-1] }])).toThrow(/invalid shape/);
    expect(() =>
      createSafetensorsWriter([
        { name: 'x', dtype: 'F32', shape: [1] },
        { name: 'x', dtype: 'F32', shape: [1] },
      ]),
    ).toThrow(/duplicate tensor name "x"/);
    expect(() => createSafetensorsWriter([], { n: 3 as unknown as string })).toThrow(/Metadata "n" must be a string/);
    expect(() => encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [2], data: new Float32Array(3) }])).toThrow(
      /needs 8 bytes, got 12/,
    );
    expect(() => encodeSafetensors([{ name: 'x', dtype: 'F16', shape: [2], data: new Float32Array(1) }])).toThrow(
      /Float32Array data cannot hold F16 values/,
    );
  });
});

function float16Of(value: number): number {
  const bits = float32ToFloat16Bits(value);
  return toFloat32({ name: 'x', dtype: 'F16' }, new Uint8Array(new Uint16Array([bits]).buffer))[0] as number;
}

describe('reader errors', () => {
  const good = encodeSafetensors([
    { name: 'a', dtype: 'F32', shape: [4], data: new Float32Array(4) },
    { name: 'b', dtype: 'F32', shape: [2], data: new Float32Array(2) },
  ]);

  test('truncated data', async () => {
    const error = await openError(good.subarray(0, good.length - 3));
    expect(error.message).toBe(
      `test.safetensors is truncated: expected ${good.length} bytes, found ${good.length - 3}. Re-download the file.`,
    );
    expect(error.reason).toBe('truncated');
    expect(error.tensor).toBe('b');
  });

  test('shorter than the length prefix', async () => {
    const error = await openError(good.subarray(0, 5));
    expect(error.message).toBe('test.safetensors is truncated: expected at least 8 bytes, found 5. Re-download the file.');
  });

  test('header length beyond the file', async () => {
    const bytes = good.slice(0, 100);
    const error = await openError(bytes);
    const headerLength = Number(new DataView(good.buffer).getBigUint64(0, true));
    expect(error.message).toMatch(
      `test.safetensors is truncated: its header alone needs ${8 + headerLength} bytes, found 100. Re-download the file`,
    );
  });

  test('absurd header length', async () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 40n, true);
    const error = await openError(bytes);
    expect(error.message).toMatch(/is not a safetensors file: its header length field says 1099511627776 bytes/);
    expect(error.reason).toBe('malformed');
  });

  test('tensor offsets outside the file', async () => {
    const bytes = rawFile({ w: { dtype: 'F32', shape: [4], data_offsets: [1000, 1016] } }, 16);
    const error = await openError(bytes);
    expect(error.message).toMatch(/is truncated: expected \d+ bytes, found \d+\. Re-download the file\./);
    expect(error.tensor).toBe('w');
  });

  test('offsets that disagree with dtype and shape', async () => {
    const bytes = rawFile({ w: { dtype: 'F16', shape: [4], data_offsets: [0, 16] } }, 16);
    const error = await openError(bytes);
    expect(error.message).toBe(
      'test.safetensors: tensor "w" spans 16 bytes but F16 [4] needs 8. The file is corrupted; re-download it.',
    );
  });

  test('invalid JSON, missing fields and unknown dtypes', async () => {
    const bad = rawFile({}, 0);
    bad[8] = 0x5b; // '['
    expect((await openError(bad)).message).toMatch(/has a header that is not valid JSON/);
    expect((await openError(rawFile({ w: { shape: [1], data_offsets: [0, 4] } }, 4))).message).toMatch(
      /tensor "w" has no dtype/,
    );
    expect((await openError(rawFile({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, 4))).message).toMatch(
      /tensor "w" has an invalid shape/,
    );
    expect((await openError(rawFile({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 4] } }, 4))).message).toMatch(
      /tensor "w" has dtype Q4, which this reader does not know/,
    );
  });

  test('reading a tensor that is not there', async () => {
    const st = await openSafetensors(memory(good));
    await expect(st.readTensor('c')).rejects.toThrow('test.safetensors has no tensor "c".');
  });
});

describe('byte sources', () => {
  test('an aborted read rejects with the signal reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    await expect(memory(new Uint8Array(16)).read(0, 8, controller.signal)).rejects.toThrow('user cancelled');
  });

  test('reads past the end are refused', async () => {
    await expect(memory(new Uint8Array(16), 'x.bin').read(10, 8)).rejects.toThrow(
      'x.bin is truncated: reading bytes 10..18 needs 18 bytes, found 16. Re-download the file.',
    );
  });
});

describe('checkpoint from picked files', () => {
  test('sharded, through blobCheckpointFiles', async () => {
    const shard1 = encodeSafetensors([{ name: 'a', dtype: 'F32', shape: [1], data: new Float32Array([1]) }]);
    const shard2 = encodeSafetensors([{ name: 'b', dtype: 'I64', shape: [1], data: new BigInt64Array([2n]) }]);
    const index = { metadata: { total_size: 12 }, weight_map: { a: 's-1.safetensors', b: 's-2.safetensors' } };
    const files = blobCheckpointFiles(
      new Map([
        ['text_encoder/model.safetensors.index.json', new Blob([JSON.stringify(index)])],
        ['text_encoder/s-1.safetensors', new Blob([shard1])],
        ['text_encoder/s-2.safetensors', new Blob([shard2])],
        ['text_encoder/config.json', new Blob(['{"d_model": 32}'])],
      ]),
    );
    const checkpoint = await openCheckpoint(files, 'text_encoder');
    expect([...checkpoint.tensors.keys()]).toEqual(['a', 'b']);
    const b = await checkpoint.readTensor('b');
    expect([...toBigInt64(b.info, b.bytes)]).toEqual([2n]);
    expect(b.info.file).toBe('text_encoder/s-2.safetensors');
    expect(await checkpoint.readJson('config.json')).toEqual({ d_model: 32 });
  });
});
