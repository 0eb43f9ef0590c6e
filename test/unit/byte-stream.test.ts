import { describe, expect, test } from 'vitest';
import { streamRange } from '../../src/model/byte-stream.ts';

function streamOf(chunks: number[][]): ReadableStream<Uint8Array> & { cancelled: boolean } {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(Uint8Array.from(chunk));
      controller.close();
    },
    cancel() {
      tracked.cancelled = true;
    },
  });
  const tracked = Object.assign(stream, { cancelled: false });
  return tracked;
}

/** A byte stream, as fetch bodies and Blob.stream() are: read into the reader's own buffer. */
function byteStreamOf(chunks: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    type: 'bytes',
    start(controller) {
      for (const chunk of chunks) controller.enqueue(Uint8Array.from(chunk));
      controller.close();
    },
  });
}

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of iterable) out.push(...chunk);
  return out;
}

describe('streamRange', () => {
  test('yields exactly `length` bytes after skipping `skip`, across chunk borders', async () => {
    const bytes = await collect(streamRange(streamOf([[0, 1, 2], [3, 4, 5, 6], [7, 8, 9]]), 2, 6, () => new Error('short')));
    expect(bytes).toEqual([2, 3, 4, 5, 6, 7]);
  });

  test('stops reading once it has the range, and cancels the rest', async () => {
    const stream = streamOf([[0, 1], [2, 3], [4, 5]]);
    expect(await collect(streamRange(stream, 0, 3, () => new Error('short')))).toEqual([0, 1, 2]);
    expect(stream.cancelled).toBe(true);
  });

  test('a byte stream is read into one reused buffer, with the same bytes out', async () => {
    const pieces: Uint8Array[] = [];
    const all: number[] = [];
    for await (const piece of streamRange(byteStreamOf([[0, 1, 2], [3, 4, 5, 6], [7, 8, 9]]), 1, 8, () => new Error('short'))) {
      pieces.push(piece);
      all.push(...piece);
    }
    expect(all).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(pieces.map((piece) => piece.buffer.byteLength)).size).toBe(1);
  });

  test('a stream that ends early throws the caller’s error', async () => {
    await expect(collect(streamRange(streamOf([[0, 1, 2]]), 1, 5, () => new Error('the file ended early')))).rejects.toThrow('the file ended early');
  });
});
