import { appendFile, mkdtemp, readFile, readdir, rm, stat, truncate } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { convertCheckpoint, openSourceModel } from '../../src/convert/convert-checkpoint.ts';
import { estimateBundleBytes } from '../../src/convert/bundle-size-estimate.ts';
import type { ConvertOptions } from '../../src/convert/convert-checkpoint.ts';
import { ConversionCanceledError } from '../../src/errors.ts';
import { resolveQuantConfig } from '../../src/bundle/quant-config.ts';
import type { QuantConfig } from '../../src/bundle/quant-config.ts';
import type { CheckpointFiles } from '../../src/safetensors/index.ts';
import { ConversionJournal } from '../../src/convert/bundle/conversion-journal.ts';
import { ExternalWeightStore } from '../../src/convert/bundle/external-weight-store.ts';
import { openCheckpoint } from '../../src/safetensors/index.ts';
import { writeEmbeddingTable } from '../../src/convert/umt5/embedding-table.ts';
import { dirBundleSink } from '../../src/node/dir-bundle-sink.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { TINY } from '../helpers/golden-cases.ts';

const INT4 = resolveQuantConfig({ weights: 'int4', activations: 'fp32' });
const EVERY_WEIGHT = { everyMs: 0, everyBytes: 0 };
const work = await mkdtemp(join(tmpdir(), 'wan-resume-'));
const source = nodeCheckpointFiles(TINY);
afterAll(async () => {
  await source.close();
  await rm(work, { recursive: true, force: true });
});

/** The checkpoint's files, counting the bytes read from them. */
function counted(files: CheckpointFiles): { files: CheckpointFiles; read: () => number } {
  let read = 0;
  return {
    files: {
      ...files,
      async open(path) {
        const inner = await files.open(path);
        return {
          name: inner.name,
          size: () => inner.size(),
          read: async (offset, length, signal) => {
            const bytes = await inner.read(offset, length, signal);
            read += bytes.byteLength;
            return bytes;
          },
        };
      },
    },
    read: () => read,
  };
}

async function convert(out: string, options: Partial<ConvertOptions> & { quant?: QuantConfig } = {}) {
  const reader = counted(source);
  const manifest = await convertCheckpoint(reader.files, await dirBundleSink(join(work, out)), {
    quant: INT4,
    source: { repo: 'tiny-a', revision: 'test' },
    name: 'tiny-a',
    checkpointPolicy: EVERY_WEIGHT,
    ...options,
  });
  return { manifest, bytesRead: reader.read() };
}

/** Converts until `stopAt` of the source is read, then cancels as a closed tab would. */
async function interrupted(out: string, stopAt: number, quant = INT4) {
  const controller = new AbortController();
  const run = convert(out, {
    quant,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.sourceBytesRead >= stopAt * p.sourceBytesTotal) controller.abort();
    },
  });
  await expect(run).rejects.toBeInstanceOf(ConversionCanceledError);
}

async function fileHashes(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) hashes[name] = createHash('sha256').update(await readFile(join(dir, name))).digest('hex');
  return hashes;
}

const fresh = await convert('fresh');
const freshHashes = await fileHashes(join(work, 'fresh'));

describe('an interrupted conversion resumes at tensor granularity', () => {
  test('the staging folder keeps the weights written and a journal, and resuming reads the rest only', async () => {
    await interrupted('resumed', 0.5);
    const staging = join(work, 'resumed.partial');
    expect((await stat(join(staging, '.conversion-journal.jsonl'))).size).toBeGreaterThan(0);
    expect((await stat(join(staging, 'vae-weights-000.bin'))).size).toBeGreaterThan(0);

    const { bytesRead } = await convert('resumed');
    console.log(`resumed at 50%: read ${bytesRead} of the ${fresh.bytesRead} source bytes a whole conversion reads (${(bytesRead / fresh.bytesRead).toFixed(3)}×)`);
    // Resumed from about half: what was stored is not read again (an unfinished tensor group may be).
    expect(bytesRead).toBeLessThan(0.65 * fresh.bytesRead);
    expect(await fileHashes(join(work, 'resumed'))).toEqual(freshHashes);
    await expect(stat(staging)).rejects.toThrow();
  });

  test('several interruptions in a row still give the same bundle, file for file', async () => {
    for (const stopAt of [0.2, 0.4, 0.7]) await interrupted('many', stopAt);
    await convert('many');
    expect(await fileHashes(join(work, 'many'))).toEqual(freshHashes);
  });

  test('a journal line cut short and a weight file cut shorter than recorded are recovered from', async () => {
    await interrupted('damaged', 0.6);
    const staging = join(work, 'damaged.partial');
    await appendFile(join(staging, '.conversion-journal.jsonl'), '{"t":"weight","name":"cut');
    const weights = join(staging, 'vae-weights-000.bin');
    await truncate(weights, Math.floor((await stat(weights)).size / 2));
    await convert('damaged');
    expect(await fileHashes(join(work, 'damaged'))).toEqual(freshHashes);
  });

  test('a staging folder from another precision is discarded, not mixed in', async () => {
    const fp16 = resolveQuantConfig({ weights: 'fp16', activations: 'fp32' });
    await interrupted('switched', 0.5, fp16);
    await convert('switched');
    expect(await fileHashes(join(work, 'switched'))).toEqual(freshHashes);
  });

  test('a conversion refused before writing (no space) leaves the staged work of another untouched', async () => {
    await interrupted('refused', 0.5);
    const fp16 = resolveQuantConfig({ weights: 'fp16', activations: 'fp32' });
    const refusal = new Error('no room');
    let asked = 0;
    const beforeWriting = async (bytes: number) => {
      asked = bytes;
      throw refusal;
    };
    const model = await openSourceModel(source);
    await expect(convert('refused', { quant: fp16, beforeWriting })).rejects.toBe(refusal);
    expect(asked).toBe(estimateBundleBytes(model, fp16));
    await expect(convert('refused', { beforeWriting })).rejects.toBe(refusal);
    // The int4 work staged at 50% is still there: about half the bundle is left to write.
    expect(asked / estimateBundleBytes(model, INT4)).toBeGreaterThan(0.3);
    expect(asked / estimateBundleBytes(model, INT4)).toBeLessThan(0.6);
    const { bytesRead } = await convert('refused');
    expect(bytesRead).toBeLessThan(0.65 * fresh.bytesRead);
    expect(await fileHashes(join(work, 'refused'))).toEqual(freshHashes);
  });

  test('without interruption, a checkpoint every weight changes nothing either', async () => {
    const { bytesRead } = await convert('unjournaled', { checkpointPolicy: { everyMs: 1e9, everyBytes: 1e15 } });
    expect(await fileHashes(join(work, 'unjournaled'))).toEqual(freshHashes);
    expect(bytesRead).toBe(fresh.bytesRead);
  });

  test('the text embedding table resumes at row-block granularity', async () => {
    const textEncoder = await openCheckpoint(source, 'text_encoder');
    const table = async (out: string, stopAfterBlocks?: number) => {
      const sink = await dirBundleSink(join(work, out));
      const journal = await ConversionJournal.open(sink.resumable, 'table', EVERY_WEIGHT);
      await journal.begin();
      const controller = new AbortController();
      let blocks = 0;
      let copied = 0;
      const blockSizes: number[] = [];
      const written = await writeEmbeddingTable(textEncoder, sink, {
        blockBytes: 1000,
        maxFileBytes: 8000,
        journal,
        signal: controller.signal,
        onBytes: (bytes) => {
          copied += bytes;
          blockSizes.push(bytes);
          if (++blocks === stopAfterBlocks) controller.abort();
        },
      });
      await sink.commit();
      return { written, copied, blockSizes };
    };
    const whole = await table('table-fresh');
    expect(whole.written.files.length).toBeGreaterThan(2);
    await expect(table('table-resumed', 11)).rejects.toBeInstanceOf(ConversionCanceledError);
    const resumed = await table('table-resumed');
    expect(resumed.written).toEqual(whole.written);
    // The 11 blocks copied before the stop are kept, and not copied again.
    const kept = whole.blockSizes.slice(0, 11).reduce((a, b) => a + b, 0);
    expect(resumed.copied).toBe(whole.copied - kept);
    expect(await fileHashes(join(work, 'table-resumed'))).toEqual(await fileHashes(join(work, 'table-fresh')));
  });
});

describe('the weight store across rolled-over files', () => {
  /** 20 weights of 300 bytes into files of at most 1000 bytes, stopping after `stopAfter` of them. */
  async function store(out: string, stopAfter = Infinity) {
    const sink = await dirBundleSink(join(work, out));
    const journal = await ConversionJournal.open(sink.resumable, 'weights', { everyMs: 1e9, everyBytes: 1e15 });
    await journal.begin();
    const weights = await ExternalWeightStore.open(sink, { journal, maxFileBytes: 1000 });
    let added = 0;
    for (let i = 0; i < 20; i++) {
      if (added === stopAfter) {
        await weights.abandon();
        return null;
      }
      if (weights.recall(`w${i}`, 'uint8', [300])) continue;
      await weights.add(`w${i}`, 'uint8', [300], new Uint8Array(300).fill(i + 1));
      added++;
    }
    const records = await weights.finish();
    await sink.commit();
    return records;
  }

  test('weights recorded with a finished file are kept, so the files match an uninterrupted run', async () => {
    const whole = await store('rolled-fresh');
    expect(whole!.length).toBeGreaterThan(5);
    expect(await store('rolled', 11)).toBeNull();
    expect(await store('rolled')).toEqual(whole);
    expect(await fileHashes(join(work, 'rolled'))).toEqual(await fileHashes(join(work, 'rolled-fresh')));
  });
});
