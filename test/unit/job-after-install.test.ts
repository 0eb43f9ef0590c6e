import { describe, expect, test } from 'vitest';
import { NO_MODEL_MESSAGE, jobAfterInstall, jobFromSettings, refusal, refusalUpdate } from '../../src/state/generation-queue.ts';
import type { QueuedJob } from '../../src/state/generation-queue.ts';
import { DEFAULT_SETTINGS, migrateSettings } from '../../src/state/settings-store.ts';
import type { Settings } from '../../src/state/settings-store.ts';

/** The page before any model: the first-run settings, with a prompt typed. */
const FIRST_RUN: Settings = { ...DEFAULT_SETTINGS, prompt: 'a red fox' };
/** The same page after the self-test install chose its model and applied its defaults. */
const INSTALLED: Settings = { ...FIRST_RUN, modelSource: 'installed', installedModelId: 'self-test', width: 64, height: 64, frames: 5, steps: 2 };

describe('Generate with no model, and while a model installs', () => {
  test('with no model and nothing installing, the answer says which model to install', () => {
    expect(jobFromSettings(1, FIRST_RUN, null, { installing: false, anyInstalled: false })).toBe(NO_MODEL_MESSAGE);
    expect(NO_MODEL_MESSAGE).toMatch(/Start with the self-test model \(17 MB.*or install a real model/);
  });

  test('with models installed but none chosen, it says to choose one; with an empty bundle URL chosen, to enter it', () => {
    expect(jobFromSettings(1, FIRST_RUN, null, { installing: false, anyInstalled: true })).toMatch(/No model is chosen: pick an installed one in the Model menu/);
    expect(jobFromSettings(1, { ...FIRST_RUN, modelSource: 'url' }, null, { installing: false, anyInstalled: true })).toMatch(/Enter the URL of a model bundle/);
  });

  test('while a model installs, the job is queued without a model', () => {
    const waiting = jobFromSettings(1, FIRST_RUN, null, { installing: true, anyInstalled: false }) as QueuedJob;
    expect(waiting).toMatchObject({ id: 1, location: null, settings: { prompt: 'a red fox' } });
  });

  test('once the install is done, it runs on the installed model with the settings as they are then', () => {
    const waiting = jobFromSettings(3, FIRST_RUN, null, { installing: true, anyInstalled: false }) as QueuedJob;
    const ready = jobAfterInstall(waiting, { status: 'done', error: null }, INSTALLED);
    expect(ready).toMatchObject({ id: 3, location: { kind: 'installed', id: 'self-test' }, settings: { prompt: 'a red fox', width: 64, steps: 2 } });
  });

  test('a failed or paused install says why the job did not run', () => {
    const waiting = jobFromSettings(2, FIRST_RUN, null, { installing: true, anyInstalled: false }) as QueuedJob;
    expect(jobAfterInstall(waiting, { status: 'failed', error: 'Storage is full.' }, FIRST_RUN)).toBe('The model install failed, so this job did not run: Storage is full.');
    expect(jobAfterInstall(waiting, { status: 'paused', error: null }, FIRST_RUN)).toMatch(/paused, so this job did not run\. Resume the install/);
  });

  test('an install that ended without choosing a model says what is missing', () => {
    const waiting = jobFromSettings(2, FIRST_RUN, null, { installing: true, anyInstalled: false }) as QueuedJob;
    expect(jobAfterInstall(waiting, { status: 'done', error: null }, FIRST_RUN)).toMatch(/No model is chosen/);
  });

  test('a job that had its model keeps its own settings', () => {
    const own = jobFromSettings(4, INSTALLED, null) as QueuedJob;
    expect(jobAfterInstall(own, { status: 'failed', error: 'x' }, FIRST_RUN)).toEqual(own);
  });
});

describe('a refused Generate follows the page', () => {
  const refused = { status: 'failed' as const, refused: true, error: NO_MODEL_MESSAGE };

  test('the first run starts on no model chosen, and the no-model answer', () => {
    expect(DEFAULT_SETTINGS.modelSource).toBe('installed');
    expect(refusal(FIRST_RUN, { installing: false, anyInstalled: false })).toBe(NO_MODEL_MESSAGE);
  });

  test('it is gone once the install started or the model is chosen', () => {
    expect(refusalUpdate(refused, refusal(FIRST_RUN, { installing: true, anyInstalled: false }))).toEqual({ status: 'idle', error: null, noModel: false, refused: false });
    expect(refusalUpdate(refused, refusal(INSTALLED, { installing: false, anyInstalled: true }))).toEqual({ status: 'idle', error: null, noModel: false, refused: false });
  });

  test('it says the new reason when the reason changed, and nothing when it did not', () => {
    expect(refusalUpdate(refused, refusal(FIRST_RUN, { installing: false, anyInstalled: true }))).toEqual({ error: expect.stringMatching(/No model is chosen/), noModel: false });
    expect(refusalUpdate(refused, NO_MODEL_MESSAGE)).toBeNull();
  });

  test('a job that failed on the GPU is not a refusal: it stays', () => {
    expect(refusalUpdate({ status: 'failed', refused: false, error: 'The GPU stopped working' }, null)).toBeNull();
    expect(refusalUpdate({ ...refused, status: 'running' }, null)).toBeNull();
  });

  test('settings stored when an empty bundle URL was the default choose no model instead; a URL someone entered stays', () => {
    expect(migrateSettings({ modelSource: 'url', bundleUrl: '' }).modelSource).toBe('installed');
    expect(migrateSettings({ modelSource: 'url', bundleUrl: 'https://example.org/b/' }).modelSource).toBe('url');
    expect(migrateSettings({ steps: 7 })).toMatchObject({ steps: 7, modelSource: 'installed' });
  });
});
