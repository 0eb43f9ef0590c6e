import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  httpByteSource,
  httpCheckpointFiles,
  openCheckpoint,
  openSafetensors,
  SafetensorsError,
  toFloat32,
} from '../../src/safetensors/index.ts';

const FIXTURES = new URL('../fixtures/tiny-a/', import.meta.url).pathname;
const dit = readFileSync(FIXTURES + 'cases/dit_t2v.safetensors');

interface Served {
  /** Requests as `METHOD path range`. */
  readonly log: string[];
  /** Body bytes sent to clients. */
  bytesSent: number;
}

const served: Served = { log: [], bytesSent: 0 };
let server: Server;
let base: string;

/** Serves the tiny-a folder. `/norange/…` ignores Range headers, `/nohead/…` refuses HEAD. */
function handle(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '/';
  const range = request.headers.range;
  served.log.push(`${request.method} ${url} ${range ?? '-'}`);
  const path = url.replace(/^\/(norange|nohead)\//, '/');
  let body: Buffer;
  try {
    body = readFileSync(FIXTURES + decodeURIComponent(path.slice(1)));
  } catch {
    response.writeHead(404, 'Not Found').end();
    return;
  }
  if (url.startsWith('/nohead/') && request.method === 'HEAD') {
    response.writeHead(405, 'Method Not Allowed').end();
    return;
  }
  const match = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
  if (match === null || url.startsWith('/norange/')) {
    send(response, request, 200, body, {});
    return;
  }
  const start = Number(match[1]);
  const end = Math.min(Number(match[2]), body.length - 1);
  if (start >= body.length) {
    response.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
    return;
  }
  send(response, request, 206, body.subarray(start, end + 1), { 'Content-Range': `bytes ${start}-${end}/${body.length}` });
}

function send(response: ServerResponse, request: IncomingMessage, status: number, body: Buffer, headers: Record<string, string>) {
  response.writeHead(status, { 'Content-Length': String(body.length), 'Content-Type': 'application/octet-stream', ...headers });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  served.bytesSent += body.length;
  response.end(body);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function resetLog(): void {
  served.log.length = 0;
  served.bytesSent = 0;
}

describe('httpByteSource', () => {
  test('opens a file and fetches only the header and the requested tensor', async () => {
    resetLog();
    // The DOM-typed global fetch is accepted as a FetchLike.
    const source = httpByteSource(`${base}/cases/dit_t2v.safetensors`, { fetch: globalThis.fetch });
    const file = await openSafetensors(source);
    const headerLength = Number(dit.readBigUInt64LE(0));
    expect(served.bytesSent).toBe(8 + headerLength);

    const t = await file.readTensor('t');
    expect([...toFloat32(t.info, t.bytes)]).toEqual(new Array(36).fill(937));
    expect(served.bytesSent).toBe(8 + headerLength + 36 * 4);
    expect(served.bytesSent).toBeLessThan(dit.length / 100);
    const { byteOffset, byteLength } = t.info;
    expect(served.log).toEqual([
      'HEAD /cases/dit_t2v.safetensors -',
      'GET /cases/dit_t2v.safetensors bytes=0-7',
      `GET /cases/dit_t2v.safetensors bytes=8-${8 + headerLength - 1}`,
      `GET /cases/dit_t2v.safetensors bytes=${byteOffset}-${byteOffset + byteLength - 1}`,
    ]);
  });

  test('a host that ignores Range is reported', async () => {
    resetLog();
    const source = httpByteSource(`${base}/norange/cases/dit_t2v.safetensors`);
    const error: unknown = await openSafetensors(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as SafetensorsError).reason).toBe('no-range-support');
    expect((error as SafetensorsError).message).toBe(
      `The host of ${base}/norange/cases/dit_t2v.safetensors does not support HTTP range requests (it answered 200 ` +
        'with the whole file). Download the file and open it from disk, or use a host that supports ranges.',
    );
  });

  test('size falls back to a one-byte range when HEAD is refused', async () => {
    resetLog();
    const source = httpByteSource(`${base}/nohead/cases/dit_t2v.safetensors`);
    expect(await source.size()).toBe(dit.length);
    expect(served.log).toEqual([
      'HEAD /nohead/cases/dit_t2v.safetensors -',
      'GET /nohead/cases/dit_t2v.safetensors bytes=0-0',
    ]);
  });

  test('HTTP errors name the URL and the status', async () => {
    const url = `${base}/cases/missing.safetensors`;
    const error: unknown = await httpByteSource(url).read(0, 8).catch((e: unknown) => e);
    expect((error as SafetensorsError).message).toBe(`Request for ${url} failed: HTTP 404 Not Found. Check the URL and the file name.`);
    expect((error as SafetensorsError).reason).toBe('not-found');
    await expect(httpByteSource(`${base}/cases/dit_t2v.safetensors`).read(dit.length, 8)).rejects.toThrow(
      /is shorter than expected \(HTTP 416\)/,
    );
  });

  test('custom fetch and headers are used', async () => {
    const seen: unknown[] = [];
    const source = httpByteSource(`${base}/cases/dit_t2v.safetensors`, {
      headers: { Authorization: 'Bearer token' },
      fetch: (url, init) => {
        seen.push(init?.headers);
        return fetch(url, init as RequestInit);
      },
    });
    expect((await source.read(0, 8)).byteLength).toBe(8);
    expect(seen).toEqual([{ Authorization: 'Bearer token', Range: 'bytes=0-7' }]);
  });

  test('openCheckpoint over HTTP probes for the index, then opens the single file', async () => {
    resetLog();
    const checkpoint = await openCheckpoint(httpCheckpointFiles(`${base}/`), 'text_encoder');
    expect(checkpoint.tensors.size).toBe(22);
    expect(await checkpoint.readJson('config.json')).toMatchObject({ d_model: 32 });
    expect(served.log[0]).toBe('HEAD /text_encoder/diffusion_pytorch_model.safetensors.index.json -');
  });
});
