import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { hasFfmpeg } from '../../src/node/frame-writer.ts';
import { readExtendSource } from '../../src/video/extend-source.ts';
import { readCheckpointConfigs, writeRandomCheckpoint } from '../../src/node/write-random-checkpoint.ts';
import { TINY } from '../helpers/golden-cases.ts';
import { videoFrameCount } from '../helpers/video-frame-count.ts';

let work: string;
let bundle: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-extend-'));
  const checkpoint = join(work, 'checkpoint');
  await writeRandomCheckpoint(checkpoint, { configs: await readCheckpointConfigs(TINY), seed: 7 });
  bundle = join(work, 'bundle');
  expect(await runCli(['convert', checkpoint, bundle, '--weights', 'fp32', '--activations', 'fp32', '--vae-weights', 'int8', '--vae-cache', 'int8'])).toBe(0);
});

afterAll(() => rm(work, { recursive: true, force: true }));

const generate = (out: string, extra: string[]) => runCli(['generate', '--bundle', bundle, '--steps', '3', '--out', out, ...extra]);


const readVideo = async (path: string) => readExtendSource(new Blob([await readFile(path)]), path);

describe.runIf(hasFfmpeg())('wan-web generate --extend-from', () => {
  test('two extensions make one MP4 of 5 + 4 + 4 frames whose metadata lists the segments; the last frame is kept exactly', async () => {
    const first = join(work, 'fox.mp4');
    expect(await generate(first, ['--prompt', 'a red fox in fresh snow', '--size', '128x96', '--frames', '5', '--seed', '42'])).toBe(0);
    expect(await videoFrameCount(first)).toBe(5);
    const stderr = vi.spyOn(process.stderr, 'write');
    const second = join(work, 'fox-2.mp4');
    expect(await generate(second, ['--extend-from', first, '--seed', '43'])).toBe(0);
    const third = join(work, 'fox-3.mp4');
    expect(await generate(third, ['--extend-from', second, '--prompt', 'the fox runs away', '--seed', '44'])).toBe(0);
    const printed = stderr.mock.calls.map(([text]) => String(text)).join('');
    stderr.mockRestore();
    const seams = [...printed.matchAll(/across the joint ([\d.]+), within the new segment ([\d.]+); the new segment's own first frame was ([\d.]+)/g)];
    console.log(`CLI seams (mean |ΔRGB|, 8-bit): ${seams.map((m) => `joint ${m[1]} within ${m[2]} start gap ${m[3]}`).join(' | ')}`);
    expect(seams).toHaveLength(2);
    expect(await videoFrameCount(third)).toBe(5 + 4 + 4);

    const video = await readVideo(third);
    expect(video.lossless).toBe(true);
    expect(video.provenance.settings).toMatchObject({ prompt: 'the fox runs away', seed: 44, width: 128, height: 96, frames: 5, steps: 3 });
    const segments = video.provenance.segments!;
    expect(segments.map((segment) => [segment.settings.prompt, segment.settings.seed, segment.frames])).toEqual([
      ['a red fox in fresh snow', 42, 5],
      ['a red fox in fresh snow', 43, 4],
      ['the fox runs away', 44, 4],
    ]);
    expect(segments[0]!.seam).toBeUndefined();
    expect(segments[1]!.seam!.within).toBeGreaterThan(0);

    // The first clip again as PNG frames (deterministic): the MP4 keeps its last frame bit for bit.
    const frames = join(work, 'fox-frames');
    expect(await generate(frames, ['--prompt', 'a red fox in fresh snow', '--size', '128x96', '--frames', '5', '--seed', '42'])).toBe(0);
    const png = decodePng(await readFile(join(frames, 'frame-0005.png')));
    const kept = (await readVideo(first)).lastFrame;
    expect([kept.width, kept.height, kept.channels]).toEqual([128, 96, 3]);
    const rgb = Uint8Array.from({ length: 128 * 96 * 3 }, (_, i) => png.data[Math.floor(i / 3) * 4 + (i % 3)]!);
    expect(Buffer.from(kept.data).equals(Buffer.from(rgb))).toBe(true);
  });

  test('a clip without wan-web metadata, --image together with --extend-from, or an output that is not MP4 are refused with why', async () => {
    const plain = join(work, 'plain.mp4');
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=128x96:rate=24', '-frames:v', '5', '-pix_fmt', 'yuv420p', plain]);
    const stderr = vi.spyOn(process.stderr, 'write');
    expect(await generate(join(work, 'never.mp4'), ['--extend-from', plain])).toBe(1);
    expect(await generate(join(work, 'never.mp4'), ['--extend-from', join(work, 'fox.mp4'), '--image', join(work, 'fox.mp4')])).toBe(1);
    expect(await generate(join(work, 'never-frames'), ['--extend-from', join(work, 'fox.mp4')])).toBe(1);
    const printed = stderr.mock.calls.map(([text]) => String(text)).join('');
    stderr.mockRestore();
    expect(printed).toContain('has no wan-web settings in it');
    expect(printed).toContain('leave out --image');
    expect(printed).toContain('ending in .mp4');
    expect(await readdir(work)).not.toContain('never.mp4');
  });
});
