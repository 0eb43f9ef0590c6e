// A browser install (OPFS, shared components) that is paused and resumed reads each source byte
// once: what the paused run stored is journaled when it stops, and the shared components' keys
// are not sampled from the source again.
import { afterAll, describe, expect, test } from 'vitest';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import { installFromCheckpoint } from '../../src/convert-install/checkpoint-install.ts';
import type { ConvertProgress } from '../../src/bundle/convert-progress.ts';
import { openSourceModel } from '../../src/convert/convert-checkpoint.ts';
import { InstallPausedError } from '../../src/errors.ts';
import { ModelStore } from '../../src/model/model-store.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import type { CheckpointFiles } from '../../src/safetensors/index.ts';
import { memoryOpfs } from '../helpers/memory-opfs.ts';
import { TINY } from '../helpers/golden-cases.ts';

const source = nodeCheckpointFiles(TINY);
afterAll(() => source.close());
const plenty = { estimate: async () => ({ quota: 2 ** 50, usage: 0 }) };
/** Journal marks only when a run stops or a file is finished: what a closed tab would lose is not what this measures. */
const NEVER = { everyMs: 1e12, everyBytes: 1e15 };

/** The checkpoint's files, counting the bytes read from them. */
function counted(): { files: CheckpointFiles; read: () => number } {
  let read = 0;
  return {
    files: {
      ...source,
      async open(path) {
        const inner = await source.open(path);
        return { name: inner.name, size: () => inner.size(), read: async (offset, length, signal) => ((read += length), inner.read(offset, length, signal)) };
      },
    },
    read: () => read,
  };
}

/** The share of the source the first progress report of each install said was read. */
const firstShares: number[] = [];

/** Installs tiny-a into `store`; with `pauseAt`, pauses once that share of the source is read. Returns the bytes read. */
async function install(store: ModelStore, pauseAt?: number): Promise<number> {
  const reader = counted();
  const controller = new AbortController();
  let first = true;
  const onProgress = (p: ConvertProgress) => {
    if (first) firstShares.push(p.sourceBytesRead / p.sourceBytesTotal);
    first = false;
    if (pauseAt !== undefined && p.sourceBytesRead >= pauseAt * p.sourceBytesTotal) controller.abort();
  };
  const run = installFromCheckpoint({
    store,
    url: 'local:tiny-a',
    files: reader.files,
    source: { repo: 'tiny-a', revision: 'test' },
    quant: FP32_CONFIG,
    storage: plenty,
    checkpointPolicy: NEVER,
    signal: controller.signal,
    onProgress,
  });
  if (pauseAt === undefined) await run;
  else await expect(run).rejects.toBeInstanceOf(InstallPausedError);
  return reader.read();
}

describe('a paused browser install, resumed', () => {
  test('reads again only the headers and configs, and a few small tensors of a group read but not stored', { timeout: 120_000 }, async () => {
    const whole = await install(await ModelStore.open(memoryOpfs().root));
    const opening = counted();
    const model = await openSourceModel(opening.files);
    const tensors = [model.transformer, model.vae, model.textEncoder].flatMap((c) => [...c.tensors.values()].map((t) => t.byteLength));

    const store = await ModelStore.open(memoryOpfs().root);
    firstShares.length = 0;
    const reads = [await install(store, 0.3), await install(store, 0.6), await install(store)];
    const total = reads.reduce((a, b) => a + b, 0);
    const extra = total - whole;
    console.log(
      `a whole install reads ${whole} B; paused at 30 % and 60 % then finished: ${reads.join(' + ')} = ${total} B (${(total / whole).toFixed(3)}×); ` +
        `each attempt opens the source with ${opening.read()} B of headers and configs; the tensors are ${tensors.reduce((a, b) => a + b, 0)} B`,
    );
    expect((await store.list()).installed).toHaveLength(1);
    // Sampling the shared components' keys again (16 blocks of 4 KiB per file) would add 128 KiB per resume.
    expect(extra - 2 * opening.read()).toBeLessThan(16 * 1024);
    // Both pauses fall inside the VAE, a shared component with a journal of its own: a resumed install says from the start how far it got.
    expect(firstShares[1]).toBeGreaterThanOrEqual(0.3);
    expect(firstShares[2]).toBeGreaterThanOrEqual(0.6);
  });
});
