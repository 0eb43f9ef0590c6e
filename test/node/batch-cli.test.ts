import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { batchCommand } from '../../src/node/cli/batch-command.ts';
import type { BatchHooks } from '../../src/node/cli/batch-command.ts';
import { planBatch } from '../../src/node/cli/batch-plan.ts';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { hasFfmpeg } from '../../src/node/frame-writer.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';

// The self-test model at its smallest useful size: one DiT pass per video, the tiny decoder.
const job = (prompt: string, seed: number) => JSON.stringify({ prompt, size: '32x32', frames: 5, steps: 1, guidance: 1, decoder: 'tiny', seed });
const JOBS = [job('a red fox in fresh snow', 1), job('a lighthouse at dusk', 2), job('rain on a window', 3), job('a paper boat', 4)];

const work = await mkdtemp(join(tmpdir(), 'wan-batch-'));
const bundle = join(work, 'bundle');
const jobsFile = join(work, 'jobs.jsonl');
afterAll(() => rm(work, { recursive: true, force: true }));

beforeAll(async () => {
  await writeSelfTestBundle(bundle);
  await writeFile(jobsFile, `${JOBS.join('\n')}\n`);
});

/** Runs `wan-web batch` in this process, recording the lines it starts a video for. */
async function batch(out: string, extra: string[] = [], hooks: BatchHooks = {}, file = jobsFile): Promise<{ code: number; started: number[] }> {
  const started: number[] = [];
  const code = await batchCommand([file, '--bundle', bundle, '--out', out, ...extra], {
    ...hooks,
    onJobStart: (line, output) => {
      started.push(line);
      hooks.onJobStart?.(line, output);
    },
  });
  return { code, started };
}

/** The finished videos in `out` (MP4 files, or PNG folders without ffmpeg), by name. */
async function finished(out: string): Promise<string[]> {
  return (await readdir(out)).filter((name) => /^line-\d{5}-[0-9a-f]{16}(\.mp4)?$/.test(name)).sort();
}

async function frameCount(path: string): Promise<number> {
  if (!hasFfmpeg()) return (await readdir(path)).length;
  const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  return Number(probe.stdout.trim());
}

describe('wan-web batch', () => {
  const out = join(work, 'out');
  let names: string[] = [];

  test('interrupted after 2 of 4 and resumed by two shards: 4 videos, none made twice; a half-written one never counts', async () => {
    const controller = new AbortController();
    let third = '';
    const loads: string[] = [];
    const first = await batch(out, [], {
      signal: controller.signal,
      onEvent: (_, event) => event.type === 'load' && loads.push(event.graph),
      onJobStart: (line, output) => {
        if (line !== 3) return;
        third = output.partial;
        controller.abort();
      },
    });
    expect(first).toEqual({ code: 130, started: [1, 2, 3] });
    // The model is loaded once for the whole batch: no graph's session is created twice.
    expect(loads.length).toBeGreaterThan(3);
    expect(new Set(loads).size).toBe(loads.length);
    const afterStop = await finished(out);
    expect(afterStop.map((name) => name.slice(0, 10))).toEqual(['line-00001', 'line-00002']);
    const mtimes = await Promise.all(afterStop.map(async (name) => (await stat(join(out, name))).mtimeMs));

    // What a killed process leaves: line 3's video half-written under its temporary name.
    if (third.endsWith('.mp4')) await writeFile(third, Buffer.alloc(1000, 7));
    else {
      await mkdir(third, { recursive: true });
      await writeFile(join(third, 'frame-0001.png'), Buffer.alloc(10));
    }
    expect(await finished(out)).toHaveLength(2);

    // Two machines resume it: shard 0/2 owns lines 1 and 3, shard 1/2 lines 2 and 4.
    expect(await batch(out, ['--shard', '0/2'])).toEqual({ code: 0, started: [3] });
    expect(await batch(out, ['--shard', '1/2'])).toEqual({ code: 0, started: [4] });
    names = await finished(out);
    expect(names).toHaveLength(4);
    expect(await Promise.all(afterStop.map(async (name) => (await stat(join(out, name))).mtimeMs))).toEqual(mtimes);
    for (const name of names) expect(await frameCount(join(out, name))).toBe(5);
    expect((await readdir(out)).filter((name) => name.startsWith('.'))).toEqual([]);
    const record = JSON.parse(await readFile(join(out, names[2]!.replace(/\.mp4$/, '.json')), 'utf8')) as { line: number; settings: { seed: number } };
    expect(record).toMatchObject({ line: 3, settings: { seed: 3 } });

    expect(await batch(out)).toEqual({ code: 0, started: [] });
  });

  test('--shard 0/2 and 1/2 split 4 lines 2 + 2, together the whole file under the same names', async () => {
    const plan = (index: number) => planBatch({ jobsFile, bundleDir: bundle, outDir: join(work, 'empty'), shard: { index, count: 2 }, video: hasFfmpeg() });
    const [even, odd] = await Promise.all([plan(0), plan(1)]);
    expect(even.todo.map((job) => job.line)).toEqual([1, 3]);
    expect(odd.todo.map((job) => job.line)).toEqual([2, 4]);
    const union = [...even.todo, ...odd.todo].map((job) => basename(job.output.final)).sort();
    expect(union).toEqual(names);
    for (const shard of ['2/2', '1/0', '-1/2', 'one/two']) expect(await runCli(['batch', jobsFile, '--bundle', bundle, '--out', out, '--shard', shard])).toBe(1);
  });

  test('--format png: each video a folder of PNG frames, renamed when complete, skipped when there', async () => {
    const frames = join(work, 'frames');
    const file = join(work, 'one.jsonl');
    await writeFile(file, `${JOBS[1]}\n`);
    expect(await batch(frames, ['--format', 'png'], {}, file)).toEqual({ code: 0, started: [1] });
    const [folder, ...others] = await finished(frames);
    expect(others).toEqual([]);
    expect(folder).toBe(names[1]!.replace(/^line-00002/, 'line-00001').replace(/\.mp4$/, ''));
    expect((await readdir(join(frames, folder!))).sort()).toEqual(['frame-0001.png', 'frame-0002.png', 'frame-0003.png', 'frame-0004.png', 'frame-0005.png']);
    expect(await batch(frames, ['--format', 'png'], {}, file)).toEqual({ code: 0, started: [] });
  });

  test('bad lines are named by number and the others go on; a moved line is not made again', async () => {
    const file = join(work, 'mixed.jsonl');
    const lines = [
      job('a new line', 9),
      JSON.stringify({ prompt: 'ten frames', frames: 10 }),
      JSON.stringify({ prompt: 'a fox', fps: 24 }),
      '{"prompt": "unfinished"',
      '',
      JOBS[0],
      JSON.stringify({ prompt: 'big', size: '1280x1280' }),
      JSON.stringify({ prompt: 'per line', out: 'x' }),
    ];
    await writeFile(file, lines.join('\n'));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let result: { code: number; started: number[] };
    let said = '';
    try {
      result = await batch(out, [], {}, file);
    } finally {
      said = stderr.mock.calls.map(([text]) => String(text)).join('');
      stderr.mockRestore();
    }
    expect(result).toEqual({ code: 1, started: [1] });
    expect(said).toMatch(/line 2: settings\.frames must be 4n \+ 1/);
    expect(said).toMatch(/line 3: unknown setting "fps"; a line may set prompt, image/);
    expect(said).toMatch(/line 4: not JSON/);
    expect(said).toMatch(/line 7: settings\.width × settings\.height must be at most 1280×704/);
    expect(said).toMatch(/line 8: "out" holds for the whole batch: give it on the command line \(--out\)/);
    expect(said).toMatch(/1 made, 1 already there, 5 failed \(7 lines in the whole file\)/);
    expect(await finished(out)).toHaveLength(5);
  });
});
