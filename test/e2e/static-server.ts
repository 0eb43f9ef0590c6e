import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

/** A static file server on 127.0.0.1 with Range and CORS support that counts the bytes it sends per path. */
export interface StaticServer {
  readonly url: string;
  readonly bytesSent: Map<string, number>;
  /** GET requests per path. */
  readonly requests: Map<string, number>;
  /** Sends at most this many bytes per second per response (a slow network), or without limit when null. */
  throttle: number | null;
  /** Paths whose next response has one byte flipped (at the given offset of the file). */
  readonly corruptOnce: Map<string, number>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startStaticServer(root: string): Promise<StaticServer> {
  const bytesSent = new Map<string, number>();
  const requests = new Map<string, number>();
  const corruptOnce = new Map<string, number>();
  const state: StaticServer = {
    url: '',
    bytesSent,
    requests,
    corruptOnce,
    throttle: null,
    close: async () => undefined,
  };
  const server = createServer(async (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Range');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length, Accept-Ranges');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    let [start, end] = [0, info.size - 1];
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && Number(range[1]) >= info.size) {
      res.writeHead(416, { 'Content-Range': `bytes */${info.size}` }).end();
      return;
    }
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), end) : end;
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${info.size}`, 'Content-Length': end - start + 1, 'Accept-Ranges': 'bytes' });
    } else {
      res.writeHead(200, { 'Content-Length': info.size, 'Accept-Ranges': 'bytes' });
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const flipAt = corruptOnce.get(path);
    corruptOnce.delete(path);
    let offset = start;
    // Chunks are counted as they go out, so a response cut short counts only what was sent.
    for await (const chunk of createReadStream(file, { start, end, highWaterMark: 16 * 1024 }) as AsyncIterable<Buffer>) {
      if (res.destroyed) break;
      if (flipAt !== undefined && flipAt >= offset && flipAt < offset + chunk.length) chunk[flipAt - offset]! ^= 0xff;
      offset += chunk.length;
      bytesSent.set(path, (bytesSent.get(path) ?? 0) + chunk.length);
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
      if (state.throttle) await sleep((chunk.length / state.throttle) * 1000);
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
