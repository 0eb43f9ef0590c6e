import { describe, expect, test } from 'vitest';
import { NO_MODEL_MESSAGE, jobAfterInstall, jobFromSettings } from '../../src/state/generation-queue.ts';
import type { QueuedJob } from '../../src/state/generation-queue.ts';
import { DEFAULT_SETTINGS } from '../../src/state/settings-store.ts';
import type { Settings } from '../../src/state/settings-store.ts';

/** The page before any model: the first-run settings, with a prompt typed. */
const FIRST_RUN: Settings = { ...DEFAULT_SETTINGS, prompt: 'a red fox' };
/** The same page after the self-test install chose its model and applied its defaults. */
const INSTALLED: Settings = { ...FIRST_RUN, modelSource: 'installed', installedModelId: 'self-test', width: 64, height: 64, frames: 5, steps: 2 };

describe('Generate with no model, and while a model installs', () => {
  test('with no model and nothing installing, the answer says which model to install', () => {
    expect(jobFromSettings(1, FIRST_RUN, null, { installing: false, anyInstalled: false })).toBe(NO_MODEL_MESSAGE);
    expect(NO_MODEL_MESSAGE).toMatch(/self-test model.*Wan2\.2 TI2V-5B in the Models panel/);
  });

  test('with models installed but none chosen, it says to choose one', () => {
    expect(jobFromSettings(1, FIRST_RUN, null, { installing: false, anyInstalled: true })).toMatch(/Enter the URL of a model bundle/);
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
    expect(jobAfterInstall(waiting, { status: 'done', error: null }, FIRST_RUN)).toMatch(/Enter the URL of a model bundle/);
  });

  test('a job that had its model keeps its own settings', () => {
    const own = jobFromSettings(4, INSTALLED, null) as QueuedJob;
    expect(jobAfterInstall(own, { status: 'failed', error: 'x' }, FIRST_RUN)).toEqual(own);
  });
});
