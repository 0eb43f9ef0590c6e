import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GenerationCanceledError, GpuDeviceLostError, ModelNotInstalledError } from '../../src/errors.ts';
import { installedModel } from '../../src/model/model-location.ts';
import type { ModelLocation } from '../../src/model/model-location.ts';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';
import type { PipelineEvent } from '../../src/pipeline/generate/pipeline-events.ts';
import { probeCapabilities } from '../../src/runtime/capabilities.ts';
import { ModelHost } from '../../src/runtime/model-host.ts';
import type { GenerateRequest } from '../../src/runtime/model-host-api.ts';
import type { ModelHostParts, ModelInstalls } from '../../src/runtime/model-host-parts.ts';
import type { VideoProvenance } from '../../src/video/video-metadata.ts';
import { VideoWriter } from '../../src/video/video-writer.ts';
import { CpuModelRuntime } from './cpu-model-runtime.ts';

const work = await mkdtemp(join(tmpdir(), 'wan-model-host-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const SETTINGS = { prompt: 'a lighthouse', width: 32, height: 32, frames: 5, steps: 1, guidance: 1, shift: 5, sampler: 'unipc' as const, seed: 3 };
const A = installedModel('a');
const B = installedModel('b');

beforeAll(async () => {
  await writeSelfTestBundle(join(work, 'a'));
  await cp(join(work, 'a'), join(work, 'b'), { recursive: true });
});

const folderOf = (location: ModelLocation) => join(work, location.kind === 'installed' ? location.id : 'none');

const noInstalls: ModelInstalls = {
  list: async () => ({ installed: [], partial: [] }),
  fromUrl: () => Promise.reject(new Error('installs are not part of these tests')),
  fromCheckpoint: () => Promise.reject(new Error('installs are not part of these tests')),
  fromFolder: () => Promise.reject(new Error('installs are not part of these tests')),
  selfTest: () => Promise.reject(new Error('installs are not part of these tests')),
  addTinyDecoder: () => Promise.reject(new Error('installs are not part of these tests')),
  remove: async () => undefined,
};

/** A host on onnxruntime-node over bundle folders in `work` (an installed model's id is its folder), recording what it loads. */
function nodeHost(createVideoEncoding: ModelHostParts<CpuModelRuntime>['createVideoEncoding'] = (width, height, options, provenance) => VideoWriter.create(width, height, options, provenance)) {
  const runtimes: CpuModelRuntime[] = [];
  const bundlesOpened: string[] = [];
  const textsOpened: string[] = [];
  const host = new ModelHost<CpuModelRuntime>({
    loadRuntime: async () => {
      const runtime = new CpuModelRuntime();
      runtimes.push(runtime);
      return runtime;
    },
    openBundle: async (location, runtime) => {
      bundlesOpened.push(folderOf(location));
      return runtime.sessionsOf(await openDirBundle(folderOf(location)));
    },
    openText: async (location) => {
      textsOpened.push(folderOf(location));
      const bundle = await openDirBundle(folderOf(location));
      return { manifest: bundle.manifest, readText: (path) => bundle.readText(path), readRange: (path, offset, length) => bundle.readRange(path, offset, length) };
    },
    installs: noInstalls,
    createVideoEncoding,
    probeCapabilities: () => probeCapabilities(),
  });
  return { host, runtimes, bundlesOpened, textsOpened };
}

/** Every event of every job, in the order they came, tagged with the job. */
type EventLog = { job: string; event: PipelineEvent }[];

function generate(host: ModelHost<CpuModelRuntime>, log: EventLog, request: Partial<GenerateRequest> & { jobId: string }, onEvent?: (event: PipelineEvent) => void) {
  return host.generate(
    { location: A, settings: SETTINGS, ...request },
    {
      onEvent: (event) => {
        log.push({ job: request.jobId, event });
        onEvent?.(event);
      },
    },
  );
}

/** The jobs in the order their events came, each once per unbroken run of its events. */
const runsOfEvents = (log: EventLog) => log.map(({ job }) => job).filter((job, i, jobs) => job !== jobs[i - 1]);

const firstDenoisingStep = (event: PipelineEvent) => event.type === 'progress' && event.phase === 'denoising';

describe('the model host on onnxruntime-node, with the real pipeline on a tiny bundle', () => {
  test('runs jobs one at a time, in the order they were asked for', async () => {
    const { host } = nodeHost();
    const log: EventLog = [];
    const results = await Promise.all(['1', '2', '3'].map((jobId) => generate(host, log, { jobId })));
    expect(results.map((result) => result.frames)).toEqual([5, 5, 5]);
    expect(runsOfEvents(log)).toEqual(['1', '2', '3']);
  });

  test('a cancelled job that waits never starts; the jobs around it run', async () => {
    const { host } = nodeHost();
    const log: EventLog = [];
    const jobs = ['1', '2', '3'].map((jobId) => generate(host, log, { jobId }));
    host.cancel('2');
    const settled = await Promise.allSettled(jobs);
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[1]).toMatchObject({ reason: expect.any(GenerationCanceledError) });
    expect(runsOfEvents(log)).toEqual(['1', '3']);
  });

  test('cancelling the running job stops it, and the next one runs', async () => {
    const { host } = nodeHost();
    const log: EventLog = [];
    const running = generate(host, log, { jobId: 'long', settings: { ...SETTINGS, steps: 4 } }, (event) => firstDenoisingStep(event) && host.cancel('long'));
    const next = generate(host, log, { jobId: 'next' });
    await expect(running).rejects.toBeInstanceOf(GenerationCanceledError);
    expect((await next).frames).toBe(5);
    expect(log.some(({ job, event }) => job === 'long' && event.type === 'progress' && event.phase === 'decoding')).toBe(false);
  });

  test('a lost device fails the job on it with GpuDeviceLostError; the next job loads the model on a new device and succeeds', async () => {
    const { host, runtimes, bundlesOpened } = nodeHost();
    const log: EventLog = [];
    const lost = generate(host, log, { jobId: 'lost', settings: { ...SETTINGS, steps: 3 } }, (event) => firstDenoisingStep(event) && runtimes[0]!.lose('driver reset'));
    await expect(lost).rejects.toBeInstanceOf(GpuDeviceLostError);
    await expect(lost).rejects.toThrow(/driver reset/);
    // onnxruntime keeps a device while anything holds it: the host lets go of the lost one.
    expect(runtimes[0]!.disposed).toBe(true);
    const after = await generate(host, log, { jobId: 'after' });
    expect(after.frames).toBe(5);
    expect(runtimes).toHaveLength(2);
    expect(bundlesOpened).toEqual([folderOf(A), folderOf(A)]);
  });

  test('keeps one model loaded between jobs, loading again only for another model', async () => {
    const { host, bundlesOpened } = nodeHost();
    const log: EventLog = [];
    for (const [jobId, location] of [['1', A], ['2', A], ['3', B], ['4', A]] as const) await generate(host, log, { jobId, location });
    expect(bundlesOpened).toEqual([folderOf(A), folderOf(B), folderOf(A)]);
    await host.unloadModel();
    await generate(host, log, { jobId: '5' });
    expect(bundlesOpened).toHaveLength(4);
  });

  test('a model that failed to load is loaded again by the next job', async () => {
    const { host } = nodeHost();
    const late = installedModel('late');
    await expect(generate(host, [], { jobId: '1', location: late })).rejects.toBeInstanceOf(ModelNotInstalledError);
    await cp(join(work, 'a'), folderOf(late), { recursive: true });
    expect((await generate(host, [], { jobId: '2', location: late })).frames).toBe(5);
  });

  test('decodes with the decoder the request names (the self-test model has a tiny one) and records it in the video', async () => {
    const provenances: VideoProvenance[] = [];
    const { host } = nodeHost(async (width, height, options, provenance) => {
      provenances.push(provenance);
      return {
        add: async () => undefined,
        cancel: async () => undefined,
        finish: async () => ({ bytes: new Uint8Array(1), mimeType: 'video/mp4', container: 'mp4', codec: 'avc', width, height, frames: 5, fps: options.fps, provenance }),
      };
    });
    const video = { container: 'mp4' as const, fps: 24 };
    expect((await generate(host, [], { jobId: 'tiny', video, decoder: 'tiny' })).decoder).toBe('tiny');
    expect((await generate(host, [], { jobId: 'full', video })).decoder).toBe('full');
    expect(provenances.map((p) => p.decoder)).toEqual(['tiny', 'full']);
  });

  test('counts prompt tokens with a tokenizer read once per model, and reads it again after a failure', async () => {
    const { host, textsOpened } = nodeHost();
    const tokens = await host.promptTokens({ location: A, prompt: 'a red fox in fresh snow' });
    expect(tokens).toBeGreaterThan(1);
    expect(await host.promptTokens({ location: A, prompt: 'a red fox in fresh snow' })).toBe(tokens);
    expect(await host.promptTokens({ location: B, prompt: 'a red fox in fresh snow' })).toBe(tokens);
    expect(textsOpened).toEqual([folderOf(A), folderOf(B)]);

    const late = installedModel('late-tokenizer');
    await expect(host.promptTokens({ location: late, prompt: 'a fox' })).rejects.toBeInstanceOf(ModelNotInstalledError);
    await cp(join(work, 'a'), folderOf(late), { recursive: true });
    expect(await host.promptTokens({ location: late, prompt: 'a red fox in fresh snow' })).toBe(tokens);
  });
});
