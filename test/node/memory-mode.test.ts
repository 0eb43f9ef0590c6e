import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';
import type { BundleAccess } from '../../src/pipeline/bundle-access.ts';
import type { MemoryMode } from '../../src/pipeline/generate/memory-mode.ts';
import type { LoadEvent, PipelineEvent } from '../../src/pipeline/generate/pipeline-events.ts';
import { WanPipeline } from '../../src/pipeline/generate/wan-pipeline.ts';

const work = await mkdtemp(join(tmpdir(), 'wan-memory-mode-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const SETTINGS = { prompt: 'a lighthouse', width: 32, height: 32, frames: 5, steps: 1, guidance: 1, shift: 5, sampler: 'unipc' as const, seed: 3 };

/** The bundle, with the graphs whose sessions are alive counted. */
function counted(bundle: BundleAccess): BundleAccess & { live: Map<string, number> } {
  const live = new Map<string, number>();
  return {
    ...bundle,
    live,
    async createSession(graph, options, rewrite) {
      const session = await bundle.createSession(graph, options, rewrite);
      live.set(graph, (live.get(graph) ?? 0) + 1);
      return {
        run: (feeds) => session.run(feeds),
        release: async () => {
          await session.release();
          const left = live.get(graph)! - 1;
          if (left === 0) live.delete(graph);
          else live.set(graph, left);
        },
      };
    },
  };
}

const loaded = (bundle: { live: Map<string, number> }) => [...bundle.live.keys()].sort();

let dir: string;
beforeAll(async () => {
  dir = join(work, 'bundle');
  await writeSelfTestBundle(dir);
});

describe('memory modes: which models stay loaded after a generation', () => {
  const expected: Record<MemoryMode, string[]> = {
    'keep-loaded': ['dit', 'dit-context', 'text-encoder', 'vae-decoder-0', 'vae-decoder-1', 'vae-decoder-2'],
    balanced: ['dit', 'dit-context'],
    'one-at-a-time': [],
  };
  for (const [mode, graphs] of Object.entries(expected) as [MemoryMode, string[]][]) {
    test(mode, async () => {
      const bundle = counted(await openDirBundle(dir));
      const pipeline = new WanPipeline({ ort, bundle, memory: mode });
      const events: PipelineEvent[] = [];
      await pipeline.generate(SETTINGS, null, { onEvent: (event) => events.push(event) });
      expect(loaded(bundle)).toEqual(graphs);
      const loads = events.filter((event): event is LoadEvent => event.type === 'load').map((event) => event.graph);
      expect(new Set(loads)).toEqual(new Set(['text-encoder', 'dit-context', 'dit', 'vae-decoder-0', 'vae-decoder-1', 'vae-decoder-2']));
      await pipeline.dispose();
      expect(loaded(bundle)).toEqual([]);
    });
  }

  test('a stricter mode for the next generation releases what the laxer one kept, and loads only what is gone', async () => {
    const bundle = counted(await openDirBundle(dir));
    const pipeline = new WanPipeline({ ort, bundle, memory: 'keep-loaded' });
    await pipeline.generate(SETTINGS);
    expect(loaded(bundle)).toEqual(expected['keep-loaded']);
    const loads: string[] = [];
    await pipeline.generate({ ...SETTINGS, prompt: 'a new prompt', seed: 4 }, null, {
      memory: 'balanced',
      onEvent: (event) => event.type === 'load' && loads.push(event.graph),
    });
    expect(loaded(bundle)).toEqual(expected.balanced);
    expect(loads.sort()).toEqual(['text-encoder', 'vae-decoder-0', 'vae-decoder-1', 'vae-decoder-2']);
    await pipeline.dispose();
  });
});
