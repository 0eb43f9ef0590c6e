import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openUrlBundle } from '../../src/model/url-bundle.ts';
import { ModelNotInstalledError } from '../../src/errors.ts';
import { convertTinyA } from '../helpers/convert-tiny-a.ts';

const BASE = 'https://models.example/wan/';
let work: string;
let files: Map<string, Uint8Array>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-url-check-'));
  const dir = await convertTinyA(join(work, 'bundle'));
  files = new Map();
  for (const name of await readdir(dir)) files.set(name, new Uint8Array(await readFile(join(dir, name))));
});

afterAll(() => rm(work, { recursive: true, force: true }));

interface HostOptions {
  /** Serve whole files for range requests, as a host without range support does. */
  readonly ignoresRange?: boolean;
  /** Hide Content-Range, as a cross-origin host that does not expose it does. */
  readonly hidesContentRange?: boolean;
}

/** A static host over `served`, answering range requests the way web servers do (206, 416, 404). */
function host(served: Map<string, Uint8Array>, options: HostOptions = {}): typeof fetch {
  return async (input, init) => {
    const bytes = served.get(String(input).slice(BASE.length));
    if (!bytes) return new Response(null, { status: 404 });
    const range = /^bytes=(\d+)-(\d+)$/.exec(new Headers(init?.headers).get('Range') ?? '');
    if (!range || options.ignoresRange) return new Response(bytes.slice(), { status: 200 });
    const [start, end] = [Number(range[1]), Math.min(Number(range[2]), bytes.length - 1)];
    const total: Record<string, string> = options.hidesContentRange ? {} : { 'Content-Range': start >= bytes.length ? `bytes */${bytes.length}` : `bytes ${start}-${end}/${bytes.length}` };
    if (start >= bytes.length) return new Response(null, { status: 416, headers: total });
    return new Response(bytes.slice(start, end + 1), { status: 206, headers: total });
  };
}

/** The served files with `path` replaced by `bytes` (or removed). */
function damaged(path: string, bytes: Uint8Array | null): Map<string, Uint8Array> {
  const copy = new Map(files);
  if (bytes) copy.set(path, bytes);
  else copy.delete(path);
  return copy;
}

const biggest = () => [...files].filter(([name]) => name !== 'manifest.json').sort((a, b) => b[1].length - a[1].length)[0]!;

describe('a bundle at a URL is checked file by file before any session is made', () => {
  test('a complete bundle opens, whether or not the host exposes Content-Range or honours ranges', async () => {
    for (const options of [{}, { hidesContentRange: true }, { ignoresRange: true }]) {
      const bundle = await openUrlBundle(BASE, host(files, options));
      expect(bundle.manifest.files.length).toBe(files.size - 1);
    }
  });

  test('a file cut short is named with both sizes', async () => {
    const [path, bytes] = biggest();
    const error = await openUrlBundle(BASE, host(damaged(path, bytes.subarray(0, bytes.length >> 1)))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotInstalledError);
    expect((error as Error).message).toContain(`${path} has ${(bytes.length >> 1).toLocaleString('en-US')} bytes where the manifest says ${bytes.length.toLocaleString('en-US')}`);
  });

  test('a file cut short on a host that hides Content-Range is still refused (416 on its last byte)', async () => {
    const [path, bytes] = biggest();
    await expect(openUrlBundle(BASE, host(damaged(path, bytes.subarray(0, 100)), { hidesContentRange: true }))).rejects.toThrow(`${path} is shorter than the`);
  });

  test('a file that grew is refused where the host says its size', async () => {
    const [path, bytes] = biggest();
    const longer = new Uint8Array(bytes.length + 10);
    longer.set(bytes);
    await expect(openUrlBundle(BASE, host(damaged(path, longer)))).rejects.toThrow(`${path} has ${longer.length.toLocaleString('en-US')} bytes`);
  });

  test('a missing file is named, with what to do', async () => {
    const [path] = biggest();
    await expect(openUrlBundle(BASE, host(damaged(path, null)))).rejects.toThrow(new RegExp(`${path.replace('.', '\\.')} is missing.*Upload the whole bundle folder again`));
  });

  test('many damaged files: five are named and the rest counted', async () => {
    const served = new Map([...files].map(([name, bytes]) => [name, name === 'manifest.json' ? bytes : bytes.subarray(0, 1)]));
    const wrong = files.size - 1 - [...files.values()].filter((b) => b.length === 1).length;
    const error = (await openUrlBundle(BASE, host(served)).catch((e: unknown) => e)) as Error;
    expect(error.message.match(/ has 1 bytes where/g)?.length).toBe(5);
    expect(error.message).toContain(`and ${wrong - 5} more files are wrong`);
  });

  test('a manifest that is not JSON (a host\'s HTML error page) is named', async () => {
    const served = new Map(files).set('manifest.json', new TextEncoder().encode('<html>Not here</html>'));
    await expect(openUrlBundle(BASE, host(served))).rejects.toThrow(`${BASE}manifest.json is not a wan-web manifest (not JSON)`);
  });
});
