import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { decodeModel } from '../../src/onnx/onnx-proto.ts';
import type { NodeObject } from '../../src/onnx/onnx-proto.ts';
import { validateManifest } from '../../src/bundle/manifest.ts';
import { goldenCasePath } from '../helpers/golden-cases.ts';
import { convertTinyA } from '../helpers/convert-tiny-a.ts';

let work: string;
let mixed: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-families-'));
  mixed = await convertTinyA(join(work, 'mixed'), ['--weights', 'int4', '--family', 'head=int8,time-proj=fp16']);
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function graphNodes(dir: string, graph: string): Promise<NodeObject[]> {
  return decodeModel(new Uint8Array(await readFile(join(dir, `${graph}.onnx`)))).graph.node;
}

async function cliOutput(args: string[]): Promise<string> {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(await runCli(args)).toBe(0);
    return write.mock.calls.map(([chunk]) => String(chunk)).join('');
  } finally {
    write.mockRestore();
  }
}

describe('per-family weight formats', () => {
  test('each family is stored in its own format, and the manifest records every family', async () => {
    const nodes = await graphNodes(mixed, 'dit');
    const bits = (name: string) => nodes.find((n) => n.name === name)?.attribute.find((a) => a.name === 'bits')?.i;
    expect(bits('/head/proj_out/MatMulNBits')).toBe(8);
    expect(bits('/blocks.0/ffn/proj_in/MatMulNBits')).toBe(4);
    expect(nodes.some((n) => n.name === '/time/proj/MatMul')).toBe(true);
    const { precision } = validateManifest(JSON.parse(await readFile(join(mixed, 'manifest.json'), 'utf8')));
    expect(precision.families).toMatchObject({ head: 'int8', 'time-proj': 'fp16', 'ffn-up': 'int4', 'umt5-ffn': 'int4' });
    expect(Object.keys(precision.families!)).toHaveLength(15);
  });

  test('wan-web info shows every family’s format', async () => {
    const out = await cliOutput(['info', mixed]);
    expect(out).toMatch(/weights: +int4, fp16 for time-proj, int8 for head/);
    expect(out).toMatch(/^ {2}head +int8 +DiT output head \(proj_out\)$/m);
    expect(out).toMatch(/^ {2}self-attn-v +int4 /m);
  });

  test('a bundle written before families still loads and runs, and info says what its one format means', async () => {
    const old = await convertTinyA(join(work, 'old'), ['--weights', 'int4']);
    const manifestPath = join(old, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    delete manifest.precision.families;
    delete manifest.precision.preset;
    await writeFile(manifestPath, JSON.stringify(manifest));
    expect(await cliOutput(['info', old])).toMatch(/not recorded in this older bundle: all int4/);
    expect(await runCli(['debug', 'dit', '--bundle', old, '--in', goldenCasePath('dit_t2v'), '--out', join(work, 'v.safetensors')])).toBe(0);
  });

  test('a malformed --family is refused with the expected form', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runCli(['convert', 'nowhere', join(work, 'x'), '--family', 'head'])).toBe(1);
      expect(err.mock.calls.map(([c]) => String(c)).join('')).toMatch(/--family takes <family>=<format> pairs/);
    } finally {
      err.mockRestore();
    }
  });
});
