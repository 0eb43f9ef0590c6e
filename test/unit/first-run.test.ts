import { describe, expect, test } from 'vitest';
import { resolveQuantConfig } from '../../src/bundle/quant-config.ts';
import { MODEL_CATALOG, SELF_TEST_MODEL_NAME } from '../../src/model/model-catalog.ts';
import type { InstalledModel } from '../../src/model/model-store.ts';
import { FASTWAN_DEFAULTS } from '../../src/pipeline/generate/generation-settings.ts';
import { LONG_ESTIMATE_MS, draftSize, fastAlternatives } from '../../src/state/fast-alternatives.ts';
import { installCost, isSelfTestVideo, onboardingStep, recommendedModel } from '../../src/state/first-run.ts';
import { DEFAULT_SETTINGS } from '../../src/state/settings-store.ts';
import type { Settings } from '../../src/state/settings-store.ts';

const model = (id: string, name: string, source = ''): InstalledModel => ({ id, name, source, precision: resolveQuantConfig({}), bytes: 1, installedAt: '' });
const SELF_TEST = model('self-test', SELF_TEST_MODEL_NAME);
const WAN = model('convert-wan', 'Wan2.2 TI2V-5B', 'Wan-AI/Wan2.2-TI2V-5B-Diffusers');
const FASTWAN = model('convert-fast', 'FastWan2.2 TI2V-5B (3 steps)', 'FastVideo/FastWan2.2-TI2V-5B-FullAttn-Diffusers');

describe('the first-run guide', () => {
  test('self-test model, then its video, then a real model; gone with a real model or when closed', () => {
    expect(onboardingStep([], false, false)).toBe('install-self-test');
    expect(onboardingStep([SELF_TEST], false, false)).toBe('make-self-test-video');
    expect(onboardingStep([SELF_TEST], true, false)).toBe('install-real-model');
    expect(onboardingStep([SELF_TEST, WAN], true, false)).toBeNull();
    expect(onboardingStep([WAN], false, false)).toBeNull();
    expect(onboardingStep([SELF_TEST], true, true)).toBeNull();
  });

  test('a self-test video is known by its model name', () => {
    expect(isSelfTestVideo(SELF_TEST_MODEL_NAME)).toBe(true);
    expect(isSelfTestVideo('Wan2.2 TI2V-5B')).toBe(false);
  });

  test('FastWan is recommended first, else the first model of the catalog', () => {
    expect(recommendedModel().sampler).toBe('dmd');
    const wanOnly = MODEL_CATALOG.filter((m) => m.sampler !== 'dmd');
    expect(recommendedModel(wanOnly)).toBe(wanOnly[0]);
  });

  test('an install reads 34 GB (about 45 min at 100 Mbit/s), stores 11 GB and needs 6 GB of GPU memory', () => {
    const cost = installCost(recommendedModel());
    expect(cost).toEqual({ readBytes: 34e9, diskBytes: 11e9, gpuBytes: 6e9, readSeconds: 2720 });
    expect(installCost(recommendedModel(), 1e9).readSeconds).toBeCloseTo(272, 6);
  });
});

describe('faster alternatives beside Generate', () => {
  const LONG = LONG_ESTIMATE_MS + 1;
  const wanChosen: Settings = { ...DEFAULT_SETTINGS, installedModelId: WAN.id };
  const estimateOf = () => 60_000;

  test('none while the estimate is short or unknown', () => {
    expect(fastAlternatives(wanChosen, LONG_ESTIMATE_MS, [WAN, FASTWAN], estimateOf)).toEqual([]);
    expect(fastAlternatives(wanChosen, null, [WAN, FASTWAN], estimateOf)).toEqual([]);
  });

  test('Wan2.2 at 720p: FastWan when installed, with its own estimate, and a draft size', () => {
    const seen: Partial<Settings>[] = [];
    const alternatives = fastAlternatives(wanChosen, LONG, [WAN, FASTWAN], (_, settings) => (seen.push(settings), 90_000));
    expect(alternatives).toEqual([
      { kind: 'use-model', model: FASTWAN, estimateMs: 90_000 },
      { kind: 'settings', label: 'Draft size 640×352', changes: { width: 640, height: 352 }, estimateMs: 90_000 },
    ]);
    expect(seen[0]).toMatchObject({ sampler: 'dmd', steps: 3 });
  });

  test('without FastWan installed, it is offered to install', () => {
    expect(fastAlternatives(wanChosen, LONG, [WAN], estimateOf)[0]).toEqual({ kind: 'install', model: MODEL_CATALOG.find((m) => m.sampler === 'dmd') });
  });

  test('FastWan run with another sampler: its DMD sampler and 3 steps; already at the draft size: nothing smaller', () => {
    const fastSlow: Settings = { ...DEFAULT_SETTINGS, installedModelId: FASTWAN.id, sampler: 'unipc', steps: 50, width: 640, height: 352 };
    expect(fastAlternatives(fastSlow, LONG, [FASTWAN], estimateOf)).toEqual([
      { kind: 'settings', label: 'DMD sampler, 3 steps', changes: { steps: 3, guidance: FASTWAN_DEFAULTS.guidance, sampler: 'dmd' }, estimateMs: 60_000 },
    ]);
  });

  test('a draft keeps the shape on the 32-pixel grid', () => {
    expect(draftSize(704, 1280)).toEqual({ width: 352, height: 640 });
    expect(draftSize(928, 928)).toEqual({ width: 480, height: 480 });
    expect(draftSize(640, 352)).toBeNull();
  });
});
