/** Bytes read from a stream at a time (and the one buffer they are read into, where the stream allows). */
const PIECE_BYTES = 1024 * 1024;

/**
 * The first `length` bytes of a stream, piece by piece as they arrive, skipping `skip`
 * bytes first (a host that ignored a Range request sends the file from its start). Throws
 * `tooShort()` if the stream ends early; the rest of the stream is cancelled.
 *
 * A byte stream (a fetch body, Blob.stream()) is read into one reused buffer: each piece
 * yielded is valid until the next is asked for. Reading into fresh buffers instead left
 * gigabytes of garbage behind a multi-GB load until the garbage collector ran.
 */
export async function* streamRange(
  stream: ReadableStream<Uint8Array>,
  skip: number,
  length: number,
  tooShort: () => Error,
): AsyncGenerator<Uint8Array> {
  const pieces = readPieces(stream);
  let toSkip = skip;
  let remaining = length;
  try {
    while (remaining > 0) {
      const { done, value } = await pieces.next();
      if (done) throw tooShort();
      let chunk = value;
      if (toSkip > 0) {
        const dropped = Math.min(toSkip, chunk.length);
        toSkip -= dropped;
        chunk = chunk.subarray(dropped);
      }
      if (chunk.length > remaining) chunk = chunk.subarray(0, remaining);
      remaining -= chunk.length;
      if (chunk.length > 0) yield chunk;
    }
  } finally {
    await pieces.return(undefined);
  }
}

async function* readPieces(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void> {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream: read the pieces it makes.
  }
  if (!byob) {
    const reader = stream.getReader();
    try {
      for (let piece = await reader.read(); !piece.done; piece = await reader.read()) yield piece.value;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    return;
  }
  let buffer = new ArrayBuffer(PIECE_BYTES);
  try {
    for (;;) {
      const { done, value } = await byob.read(new Uint8Array(buffer));
      if (done || !value) return;
      yield value;
      buffer = value.buffer as ArrayBuffer;
    }
  } finally {
    await byob.cancel().catch(() => undefined);
  }
}
