import { describe, expect, test } from 'vitest';
import { bundleAtUrl, installedModel } from '../../src/model/model-location.ts';
import type { InstalledModel } from '../../src/model/model-store.ts';
import { decoderAvailability, effectiveDecoder } from '../../src/state/decoder-availability.ts';
import { DEFAULT_SETTINGS } from '../../src/state/settings-store.ts';
import { jobFromSettings } from '../../src/state/generation-queue.ts';

const model = (id: string, hasTinyDecoder?: boolean): InstalledModel => ({
  id,
  name: `Model ${id}`,
  source: 'self-test',
  precision: { weights: 'fp32', activations: 'fp32' } as InstalledModel['precision'],
  bytes: 1,
  installedAt: '2026-12-06T00:00:00.000Z',
  ...(hasTinyDecoder === undefined ? {} : { hasTinyDecoder }),
});
const INSTALLED = [model('with', true), model('without', false), model('older')];

describe('the decoder choice: the tiny decoder only where the model has it, else why not', () => {
  test('installed models say so in their record; one recorded before the flag has none', () => {
    expect(decoderAvailability(installedModel('with'), INSTALLED, {})).toEqual({ tiny: true, reason: null });
    for (const id of ['without', 'older']) {
      const none = decoderAvailability(installedModel(id), INSTALLED, {});
      expect(none.tiny).toBe(false);
      expect(none.reason).toContain(`Model ${id} has no fast decoder yet: add it in the Models panel`);
    }
    expect(decoderAvailability(null, INSTALLED, {}).reason).toContain('Choose a model first');
    expect(decoderAvailability(installedModel('gone'), INSTALLED, {}).reason).toContain('Choose a model first');
  });

  test('a URL bundle is told by its manifest: unknown until read, then yes or no', () => {
    const url = 'https://example.test/bundle/';
    expect(decoderAvailability(bundleAtUrl(url), [], {})).toMatchObject({ tiny: false, reason: expect.stringContaining('Reading') });
    expect(decoderAvailability(bundleAtUrl(url), [], { [url]: 'yes' }).tiny).toBe(true);
    expect(decoderAvailability(bundleAtUrl(url), [], { [url]: 'no' }).reason).toContain('This bundle has no fast decoder');
    expect(decoderAvailability(bundleAtUrl(url), [], { [url]: 'unreadable' }).reason).toContain('could not be read');
  });

  test('a job decodes with the tiny decoder only when it is chosen and the model has it; its previews come from it whenever the model has it', () => {
    const yes = decoderAvailability(installedModel('with'), INSTALLED, {});
    const no = decoderAvailability(installedModel('without'), INSTALLED, {});
    expect([effectiveDecoder('tiny', yes), effectiveDecoder('tiny', no), effectiveDecoder('full', yes)]).toEqual(['tiny', 'full', 'full']);
    const settings = { ...DEFAULT_SETTINGS, installedModelId: 'with', decoder: 'tiny' as const };
    const job = (tinyDecoder: boolean, decoder: 'full' | 'tiny' = 'tiny') => jobFromSettings(1, { ...settings, decoder }, null, { installing: false, anyInstalled: true, tinyDecoder });
    expect(job(true)).toMatchObject({ decoder: 'tiny', tinyDecoderPreview: true });
    expect(job(false)).toMatchObject({ decoder: 'full', tinyDecoderPreview: false });
    expect(job(true, 'full')).toMatchObject({ decoder: 'full', tinyDecoderPreview: true });
  });
});
