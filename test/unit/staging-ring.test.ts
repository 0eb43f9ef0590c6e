import { describe, expect, test } from 'vitest';
import { StagingRing } from '../../src/runtime/staging-ring.ts';

/**
 * The part of WebGPU the ring uses, with WebGPU's rules checked: copies 4-byte aligned and in
 * bounds, no copy from a mapped or destroyed buffer, no write to an unmapped one.
 */
class FakeBuffer {
  readonly data: Uint8Array;
  mapped: boolean;
  destroyed = false;
  constructor(
    readonly size: number,
    readonly usage: number,
    mappedAtCreation: boolean,
  ) {
    this.data = new Uint8Array(size);
    this.mapped = mappedAtCreation;
  }
  getMappedRange(): ArrayBuffer {
    if (!this.mapped) throw new Error('getMappedRange on an unmapped buffer');
    return this.data.buffer as ArrayBuffer;
  }
  unmap() {
    this.mapped = false;
  }
  async mapAsync() {
    if (this.destroyed) throw new Error('mapAsync on a destroyed buffer');
    this.mapped = true;
  }
  destroy() {
    this.destroyed = true;
  }
}

function fakeDevice() {
  const created: FakeBuffer[] = [];
  let copies = 0;
  const device = {
    created,
    get copies() {
      return copies;
    },
    createBuffer: ({ size, usage, mappedAtCreation = false }: { size: number; usage: number; mappedAtCreation?: boolean }) => {
      const buffer = new FakeBuffer(size, usage, mappedAtCreation);
      created.push(buffer);
      return buffer;
    },
    createCommandEncoder: () => {
      const pending: (() => void)[] = [];
      return {
        copyBufferToBuffer(src: FakeBuffer, srcOffset: number, dst: FakeBuffer, dstOffset: number, size: number) {
          for (const n of [srcOffset, dstOffset, size]) if (n % 4 !== 0) throw new Error(`unaligned copy (${srcOffset}, ${dstOffset}, ${size})`);
          if (srcOffset + size > src.size || dstOffset + size > dst.size) throw new Error('copy out of bounds');
          pending.push(() => {
            if (src.mapped || src.destroyed || dst.destroyed) throw new Error('submitted a copy from a mapped or destroyed buffer');
            dst.data.set(src.data.subarray(srcOffset, srcOffset + size), dstOffset);
            copies++;
          });
        },
        finish: () => pending,
      };
    },
    queue: {
      submit: (commands: (() => void)[][]) => commands.flat().forEach((run) => run()),
      onSubmittedWorkDone: async () => undefined,
    },
  };
  return device;
}

const globals = globalThis as Record<string, unknown>;
globals.GPUBufferUsage ??= { MAP_WRITE: 2, COPY_SRC: 4, COPY_DST: 8, STORAGE: 128 };
globals.GPUMapMode ??= { WRITE: 2 };

function seeded(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('StagingRing', () => {
  test('carries every byte to its buffer through small slots, whatever the piece sizes, with aligned copies only', async () => {
    const random = seeded(3);
    const device = fakeDevice();
    const ring = new StagingRing(device as unknown as GPUDevice, 64, 3);
    const lengths = [1, 2, 3, 4, 5, 63, 64, 65, 130, 7, 301];
    const expected = lengths.map((length) => Uint8Array.from({ length }, () => Math.floor(random() * 256)));
    const targets = lengths.map((length) => device.createBuffer({ size: Math.max(16, Math.ceil(length / 16) * 16), usage: 0 }));
    for (const [i, bytes] of expected.entries()) {
      for (let at = 0; at < bytes.length; ) {
        const piece = Math.min(bytes.length - at, 1 + Math.floor(random() * 40));
        await ring.append(targets[i] as unknown as GPUBuffer, at, bytes.subarray(at, at + piece));
        at += piece;
      }
      await ring.end(targets[i] as unknown as GPUBuffer);
    }
    await ring.finish();
    for (const [i, bytes] of expected.entries()) expect(Array.from(targets[i]!.data.subarray(0, bytes.length)), `buffer ${i}`).toEqual(Array.from(bytes));
    expect(device.copies).toBeGreaterThan(lengths.length);
    expect(device.created.slice(0, 3).every((slot) => slot.destroyed)).toBe(true);
  });

  test('never holds more than its slots, however much it carries', async () => {
    const device = fakeDevice();
    const ring = new StagingRing(device as unknown as GPUDevice, 256, 2);
    const target = device.createBuffer({ size: 64 * 1024, usage: 0 });
    for (let at = 0; at < 64 * 1024; at += 1000) await ring.append(target as unknown as GPUBuffer, at, new Uint8Array(Math.min(1000, 64 * 1024 - at)).fill(7));
    await ring.end(target as unknown as GPUBuffer);
    await ring.finish();
    expect(device.created.filter((buffer) => buffer.usage & 2)).toHaveLength(2);
    expect(target.data.every((byte) => byte === 7)).toBe(true);
  });
});
