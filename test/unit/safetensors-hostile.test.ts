// Hostile safetensors headers: thousands of random mutations of real headers (one written by our
// writer, one by Python's safetensors in test/fixtures/tiny-a) must open or fail with a
// SafetensorsError, and the reader may ask the file only for bytes inside it.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DTYPE_BYTES, MAX_HEADER_BYTES, SafetensorsError, createSafetensorsWriter, openSafetensors, shapeElementCount } from '../../src/safetensors/index.ts';
import type { ByteSource } from '../../src/safetensors/index.ts';

/**
 * A file of `size` bytes: `head` (prefix and header), then zeros. Every read is checked against
 * the size before anything is allocated; one outside the file throws a plain Error, which no
 * property accepts. `reads` records what the reader asked for.
 */
function guardedFile(head: Uint8Array, size: number, reportedSize: number = size) {
  const reads: [number, number][] = [];
  const source: ByteSource = {
    name: 'hostile.safetensors',
    size: () => Promise.resolve(reportedSize),
    read(offset, length) {
      reads.push([offset, length]);
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
        return Promise.reject(new Error(`read outside the file: ${offset} + ${length} of ${size} bytes`));
      }
      const out = new Uint8Array(length);
      if (offset < head.length) out.set(head.subarray(offset, Math.min(head.length, offset + length)));
      return Promise.resolve(out);
    },
  };
  return { source, reads };
}

/** The length prefix and the header text, as a file starts. */
function encodeHead(text: string, prefix?: bigint): Uint8Array {
  const json = new TextEncoder().encode(text);
  const head = new Uint8Array(8 + json.length);
  new DataView(head.buffer).setBigUint64(0, prefix ?? BigInt(json.length), true);
  head.set(json, 8);
  return head;
}

/** Opens the file; a refusal must be a SafetensorsError, and what opens must be self-consistent and readable. */
async function openOrRefuse(head: Uint8Array, size: number): Promise<'opened' | 'refused'> {
  const { source } = guardedFile(head, size);
  let file;
  try {
    file = await openSafetensors(source);
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
    return 'refused';
  }
  const dataStart = 8 + Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true));
  const spans = [...file.tensors.values()].sort((a, b) => a.byteOffset - b.byteOffset);
  spans.forEach((t, i) => {
    expect(t.byteOffset).toBeGreaterThanOrEqual(dataStart);
    expect(t.byteOffset + t.byteLength).toBeLessThanOrEqual(size);
    expect(t.byteLength).toBe(shapeElementCount(t.shape) * DTYPE_BYTES[t.dtype]);
    const before = spans[i - 1];
    if (before && t.byteLength > 0) expect(t.byteOffset).toBeGreaterThanOrEqual(before.byteOffset + before.byteLength);
  });
  for (const name of file.tensors.keys()) expect((await file.readTensor(name)).bytes.byteLength).toBe(file.tensors.get(name)!.byteLength);
  return 'opened';
}

interface Base {
  readonly label: string;
  readonly head: Uint8Array;
  readonly header: Record<string, unknown>;
  readonly dataBytes: number;
}

function baseOf(label: string, bytes: Uint8Array, fileSize: number): Base {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const head = bytes.slice(0, 8 + length);
  const header = JSON.parse(new TextDecoder().decode(head.subarray(8))) as Record<string, unknown>;
  return { label, head, header, dataBytes: fileSize - head.length };
}

const written = createSafetensorsWriter(
  [
    { name: 'blocks.0.weight', dtype: 'F32', shape: [4, 8] },
    { name: 'blocks.0.bias', dtype: 'F16', shape: [8] },
    { name: 'ids', dtype: 'I64', shape: [3] },
    { name: 'scalar', dtype: 'BF16', shape: [] },
    { name: 'empty', dtype: 'F32', shape: [0, 4] },
    { name: 'mask', dtype: 'BOOL', shape: [5] },
  ],
  { format: 'pt' },
);
const FIXTURE = join(import.meta.dirname, '../fixtures/tiny-a/transformer/diffusion_pytorch_model.safetensors');
const BASES: Base[] = [
  baseOf('our writer', written.header, written.totalSize),
  baseOf('Python safetensors (tiny-a transformer)', readFileSync(FIXTURE).subarray(0, 64 * 1024), statSync(FIXTURE).size),
];

/** Stands for JSON nested 100,000 deep (too deep for JSON.stringify) in the header text. */
const DEEP = '\u0000deep\u0000';
const DEEP_JSON = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

const hostileValue = fc.oneof(
  fc.constantFrom(-1, -0, 0.5, 1e308, 2 ** 53, 2 ** 64, Number.MAX_SAFE_INTEGER, 'NaN', '1e999', 'F32', 'Q4', '', null, true, [], {}, DEEP),
  fc.integer({ min: -100, max: 100_000 }),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(fc.integer({ min: -4, max: 5000 }), fc.double(), fc.constant(DEEP)), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

type Op =
  | { readonly kind: 'set'; readonly tensor: number; readonly field: string; readonly value: unknown }
  | { readonly kind: 'offsets'; readonly tensor: number; readonly start: number; readonly end: number }
  | { readonly kind: 'move'; readonly tensor: number; readonly start: number }
  | { readonly kind: 'shape'; readonly tensor: number; readonly at: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly tensor: number; readonly field: string | null }
  | { readonly kind: 'duplicate'; readonly tensor: number }
  | { readonly kind: 'entry'; readonly tensor: number; readonly value: unknown }
  | { readonly kind: 'metadata'; readonly value: unknown }
  | { readonly kind: 'header'; readonly value: unknown };

const tensorIndex = fc.nat(200);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), tensor: tensorIndex, field: fc.constantFrom('dtype', 'shape', 'data_offsets', 'extra'), value: hostileValue }),
  fc.record({ kind: fc.constant('offsets' as const), tensor: tensorIndex, start: fc.integer({ min: -50, max: 8000 }), end: fc.integer({ min: -50, max: 8000 }) }),
  fc.record({ kind: fc.constant('move' as const), tensor: tensorIndex, start: fc.integer({ min: -8, max: 8000 }) }),
  fc.record({ kind: fc.constant('shape' as const), tensor: tensorIndex, at: fc.nat(4), value: hostileValue }),
  fc.record({ kind: fc.constant('delete' as const), tensor: tensorIndex, field: fc.option(fc.constantFrom('dtype', 'shape', 'data_offsets')) }),
  fc.record({ kind: fc.constant('duplicate' as const), tensor: tensorIndex }),
  fc.record({ kind: fc.constant('entry' as const), tensor: tensorIndex, value: hostileValue }),
  fc.record({ kind: fc.constant('metadata' as const), value: fc.oneof(hostileValue, fc.dictionary(fc.string({ maxLength: 4 }), hostileValue, { maxKeys: 3 })) }),
  fc.record({ kind: fc.constant('header' as const), value: hostileValue }),
);

/** The same span moved to start at `start` (so that it overlaps others, or runs past the end). */
function moved(offsets: unknown, start: number): unknown {
  if (!Array.isArray(offsets) || typeof offsets[0] !== 'number' || typeof offsets[1] !== 'number') return [start, start];
  return [start, start + offsets[1] - offsets[0]];
}

/** Header text after the operations (a duplicated key is written twice, as JSON text allows). */
function mutatedText(base: Base, ops: readonly Op[]): string {
  const header = structuredClone(base.header);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const entry = (i: number) => {
    const name = names[i % names.length]!;
    if (typeof header[name] !== 'object' || header[name] === null) header[name] = {};
    return header[name] as Record<string, unknown>;
  };
  let replaced: unknown = header;
  let duplicate = '';
  for (const o of ops) {
    if (o.kind === 'set') entry(o.tensor)[o.field] = o.value;
    else if (o.kind === 'offsets') entry(o.tensor).data_offsets = [o.start, o.end];
    else if (o.kind === 'move') entry(o.tensor).data_offsets = moved(entry(o.tensor).data_offsets, o.start);
    else if (o.kind === 'shape' && Array.isArray(entry(o.tensor).shape)) (entry(o.tensor).shape as unknown[])[o.at] = o.value;
    else if (o.kind === 'delete' && o.field === null) delete header[names[o.tensor % names.length]!];
    else if (o.kind === 'delete' && o.field !== null) delete entry(o.tensor)[o.field];
    else if (o.kind === 'duplicate') duplicate = `,${JSON.stringify(names[o.tensor % names.length])}:${JSON.stringify({ dtype: 'F32', shape: [1], data_offsets: [0, 4] })}`;
    else if (o.kind === 'entry') header[names[o.tensor % names.length]!] = o.value;
    else if (o.kind === 'metadata') header.__metadata__ = o.value;
    else if (o.kind === 'header') replaced = o.value;
  }
  let text = JSON.stringify(replaced) ?? '';
  if (duplicate && text.endsWith('}') && text.length > 2) text = `${text.slice(0, -1)}${duplicate}}`;
  return text.replaceAll(JSON.stringify(DEEP), DEEP_JSON);
}

const flip = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });

describe.each(BASES)('a safetensors header from $label, mutated', (base) => {
  test('the unmutated header opens', async () => {
    expect(await openOrRefuse(base.head, base.head.length + base.dataBytes)).toBe('opened');
  });

  test('edits of its JSON (values, types, keys, offsets, shapes, metadata) open consistently or are refused with a SafetensorsError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 3 }), async (ops) => {
        const head = encodeHead(mutatedText(base, ops));
        await openOrRefuse(head, head.length + base.dataBytes);
      }),
      { numRuns: 1000 },
    );
  });

  test('flipped bytes, a changed length prefix and a cut file never make it read outside the file', async () => {
    const prefix = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.integer({ min: -16, max: 16 }).map((d) => BigInt(Math.max(0, base.head.length - 8 + d))),
      fc.constantFrom(BigInt(MAX_HEADER_BYTES), BigInt(MAX_HEADER_BYTES) + 1n, 2n ** 53n, 2n ** 63n),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(flip, { maxLength: 6 }), fc.option(prefix), fc.option(fc.nat()), async (flips, newPrefix, cut) => {
        const head = base.head.slice();
        if (newPrefix !== null) new DataView(head.buffer).setBigUint64(0, newPrefix, true);
        for (const { at, byte } of flips) head[at % head.length] = byte;
        const size = head.length + base.dataBytes;
        await openOrRefuse(head, cut === null ? size : cut % (size + 1));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('hostile safetensors headers, one by one', () => {
  const open = (header: unknown, dataBytes: number) => {
    const head = encodeHead(typeof header === 'string' ? header : JSON.stringify(header));
    return openSafetensors(guardedFile(head, head.length + dataBytes).source);
  };
  const refusal = async (header: unknown, dataBytes: number) => {
    const error: unknown = await open(header, dataBytes).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SafetensorsError);
    return error as SafetensorsError;
  };

  test('two tensors that share bytes are refused, naming both', async () => {
    const error = await refusal({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, 16);
    expect(error.reason).toBe('malformed');
    expect(error.message).toMatch(/tensors "a" and "b" overlap in the file/);
  });

  test('tensors side by side, in any header order, and empty tensors anywhere, still open', async () => {
    const file = await open({ b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, e: { dtype: 'F16', shape: [0], data_offsets: [4, 4] } }, 16);
    expect([...file.tensors.keys()]).toEqual(['b', 'a', 'e']);
  });

  test('data_offsets that end before they start are refused', async () => {
    expect((await refusal({ a: { dtype: 'U8', shape: [0], data_offsets: [8, 4] } }, 16)).message).toMatch(/data_offsets \[8, 4\] that end before they start/);
  });

  test('__metadata__ nested too deeply to write back is a SafetensorsError, not a RangeError', async () => {
    const error = await refusal(`{"__metadata__":{"deep":${DEEP_JSON}}}`, 0);
    expect(error.message).toMatch(/__metadata__ entry "deep" nested too deeply/);
  });

  test('a source that reports a size no file has (NaN, fractional, beyond 2^53) is refused before any read', async () => {
    const head = encodeHead('{}');
    for (const reported of [Number.NaN, 16.5, 2 ** 60, -1]) {
      const { source, reads } = guardedFile(head, head.length, reported);
      const error: unknown = await openSafetensors(source).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SafetensorsError);
      expect((error as SafetensorsError).reason).toBe('io');
      expect(reads).toEqual([]);
    }
  });

  test('a header length above MAX_HEADER_BYTES is refused after reading the 8-byte prefix alone, even in a huge file', async () => {
    const head = encodeHead('{}', BigInt(MAX_HEADER_BYTES) + 1n);
    const { source, reads } = guardedFile(head, 2 ** 40);
    await expect(openSafetensors(source)).rejects.toThrow(/header length field says 100000001 bytes/);
    expect(reads).toEqual([[0, 8]]);
  });
});
