// Hostile GGUF headers: thousands of random mutations of a real one (blocks.gguf, written by
// ggml) must open or fail with a GgufError, the reader may ask the file only for bytes inside
// it, and whatever opens must be self-consistent and dequantize.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GGML_TYPES, GgufError, dequantizeGgml, openGguf } from '../../src/gguf/index.ts';
import type { ByteSource } from '../../src/safetensors/index.ts';

const REAL = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/gguf/blocks.gguf')));
/** Where the real file's tensor data starts: mutations aim at the header before it. */
const HEADER_BYTES = 1216;

function guardedFile(bytes: Uint8Array, reportedSize = bytes.length) {
  const source: ByteSource = {
    name: 'hostile.gguf',
    size: () => Promise.resolve(reportedSize),
    read(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > bytes.length) {
        return Promise.reject(new Error(`read outside the file: ${offset} + ${length} of ${bytes.length} bytes`));
      }
      return Promise.resolve(bytes.slice(offset, offset + length));
    },
  };
  return source;
}

async function openOrRefuse(bytes: Uint8Array): Promise<'opened' | 'refused'> {
  let file;
  try {
    file = await openGguf(guardedFile(bytes));
  } catch (error) {
    if (!(error instanceof GgufError)) throw error;
    return 'refused';
  }
  const spans = [...file.tensors.values()].sort((a, b) => a.byteOffset - b.byteOffset);
  spans.forEach((t, i) => {
    expect(t.byteOffset).toBeGreaterThanOrEqual(file.dataOffset);
    expect(t.byteOffset + t.byteLength).toBeLessThanOrEqual(bytes.length);
    expect((t.byteOffset - file.dataOffset) % file.alignment).toBe(0);
    expect(t.byteLength).toBe((t.elements / GGML_TYPES[t.type].blockValues) * GGML_TYPES[t.type].blockBytes);
    const before = spans[i - 1];
    if (before && t.byteLength > 0) expect(t.byteOffset).toBeGreaterThanOrEqual(before.byteOffset + before.byteLength);
  });
  for (const name of file.tensors.keys()) {
    const { info, bytes: data } = await file.readTensor(name);
    expect(dequantizeGgml(info.type, data, info.elements, name).length).toBe(info.elements);
  }
  return 'opened';
}

const HOSTILE_U64 = [0n, 1n, 3n, 5n, 8n, 9n, 31n, 33n, 64n, 255n, 4096n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];

type Mutation =
  | { readonly kind: 'u64' | 'u32'; readonly at: number; readonly value: bigint }
  | { readonly kind: 'bytes'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'truncate'; readonly length: number };

const at = fc.nat(HEADER_BYTES - 1);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('u64' as const, 'u32' as const), at, value: fc.oneof(fc.constantFrom(...HOSTILE_U64), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })) }),
  fc.record({ kind: fc.constant('bytes' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat(REAL.length) }),
);

function mutate(base: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = base.slice();
  for (const m of mutations) {
    if (m.kind === 'truncate') {
      bytes = bytes.slice(0, Math.min(bytes.length, m.length));
      continue;
    }
    if (m.kind === 'bytes') {
      if (bytes.length - m.at >= m.bytes.length) bytes.set(m.bytes, m.at);
      continue;
    }
    const width = m.kind === 'u64' ? 8 : 4;
    if (bytes.length - m.at < width) continue;
    const view = new DataView(bytes.buffer, bytes.byteOffset + m.at, width);
    if (m.kind === 'u64') view.setBigUint64(0, m.value, true);
    else view.setUint32(0, Number(m.value & 0xffffffffn), true);
  }
  return bytes;
}

describe('hostile GGUF headers', () => {
  test('the real file opens, and the data offset is where the tests aim', async () => {
    expect(await openOrRefuse(REAL)).toBe('opened');
    expect((await openGguf(guardedFile(REAL))).dataOffset).toBe(HEADER_BYTES);
  });

  test('random mutations open consistently or throw GgufError, reading only inside the file', async () => {
    const outcomes = { opened: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        outcomes[await openOrRefuse(mutate(REAL, mutations))]++;
      }),
      { numRuns: 1500, seed: 23 },
    );
    // Both outcomes must occur, or the mutations are not reaching the fields they aim at.
    expect(outcomes.opened).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(500);
  });

  test.each([
    ['not GGUF', (b: Uint8Array) => b.set([0x47, 0x47, 0x55, 0x47]), 'malformed'],
    ['big-endian', (b: Uint8Array) => new DataView(b.buffer).setUint32(4, 3, false), 'unsupported'],
    ['version 1', (b: Uint8Array) => new DataView(b.buffer).setUint32(4, 1, true), 'unsupported'],
    ['a metadata count of 2^63', (b: Uint8Array) => new DataView(b.buffer).setBigUint64(16, 2n ** 63n, true), 'malformed'],
  ] as const)('%s is refused with reason %s', async (_label, edit, reason) => {
    const bytes = REAL.slice();
    edit(bytes);
    await expect(openGguf(guardedFile(bytes))).rejects.toMatchObject({ name: 'GgufError', reason });
  });

  test('a tensor offset off the alignment, or into another tensor, is refused', async () => {
    const name = new TextEncoder().encode('blocks.q6_K');
    const start = REAL.findIndex((_, i) => name.every((c, j) => REAL[i + j] === c));
    const offsetAt = start + name.length + 4 + 2 * 8 + 4;
    for (const [shift, reason] of [[1n, 'malformed'], [-64n, 'malformed']] as const) {
      const bytes = REAL.slice();
      const view = new DataView(bytes.buffer, offsetAt, 8);
      view.setBigUint64(0, view.getBigUint64(0, true) + shift, true);
      await expect(openGguf(guardedFile(bytes))).rejects.toMatchObject({ name: 'GgufError', reason, message: expect.stringMatching(/alignment|overlap/) });
    }
  });

  test('a tensor count past the end of the file is refused', async () => {
    const bytes = REAL.slice();
    new DataView(bytes.buffer).setBigUint64(8, 2n ** 40n, true);
    await expect(openGguf(guardedFile(bytes))).rejects.toBeInstanceOf(GgufError);
  });

  test('a size no file has is refused before any read', async () => {
    await expect(openGguf(guardedFile(REAL, 2 ** 60))).rejects.toMatchObject({ reason: 'io' });
    await expect(openGguf(guardedFile(REAL, -1))).rejects.toMatchObject({ reason: 'io' });
  });
});
