import { describe, expect, test } from 'vitest';
import { compareSettings, togglePick } from '../../src/state/compare-settings.ts';
import type { HistoryEntry } from '../../src/video/video-history.ts';

const entry = (changes: { settings?: object; video?: object; hasStartImage?: boolean; decoder?: 'full' | 'tiny' } = {}): HistoryEntry =>
  ({
    id: 'x',
    fileName: 'x.mp4',
    provenance: {
      settings: { prompt: 'a red fox', width: 64, height: 64, frames: 5, steps: 2, guidance: 5, shift: 5, sampler: 'unipc', seed: 42, ...changes.settings },
      model: 'self-test',
      createdAt: '2026-12-06T02:31:00.000Z',
      hasStartImage: changes.hasStartImage ?? false,
      ...(changes.decoder ? { decoder: changes.decoder } : {}),
    },
    video: { mimeType: 'video/mp4', container: 'mp4', codec: 'avc', width: 64, height: 64, frames: 5, fps: 24, sizeBytes: 1000, ...changes.video },
  }) as HistoryEntry;

const differing = (a: HistoryEntry, b: HistoryEntry) => compareSettings(a, b).filter((row) => row.differs).map((row) => [row.label, row.first, row.second]);

describe('comparing two videos: every setting side by side, the differences marked', () => {
  test('the same settings differ nowhere', () => {
    expect(differing(entry(), entry())).toEqual([]);
    expect(compareSettings(entry(), entry()).map((row) => row.label)).toEqual([
      'Prompt', 'Negative prompt', 'Start image', 'Size', 'Frames', 'Frame rate', 'Sampler', 'Steps', 'Guidance', 'Shift', 'Seed', 'Model', 'Decoder', 'File',
    ]);
  });

  test('each difference is named with both values', () => {
    const second = entry({ settings: { seed: 7, guidance: 3.5, negativePrompt: '' }, video: { fps: 16, container: 'webm', codec: 'vp9' }, hasStartImage: true });
    expect(differing(entry(), second)).toEqual([
      ['Negative prompt', "Wan's default", '(empty)'],
      ['Start image', 'no', 'yes'],
      ['Frame rate', '24 fps', '16 fps'],
      ['Guidance', '5', '3.5'],
      ['Seed', '42', '7'],
      ['File', 'AVC in MP4', 'VP9 in WEBM'],
    ]);
    expect(differing(entry({ settings: { width: 96 } }), entry())).toEqual([['Size', '96×64', '64×64']]);
    // A video from before the choice existed was made by the full VAE.
    expect(differing(entry(), entry({ decoder: 'full' }))).toEqual([]);
    expect(differing(entry(), entry({ decoder: 'tiny' }))).toEqual([['Decoder', 'full VAE decoder', 'fast decoder (tiny)']]);
  });

  test('two at most are picked: a third lets go of the earliest, picking again unpicks', () => {
    expect(togglePick([], 'a')).toEqual(['a']);
    expect(togglePick(['a', 'b'], 'c')).toEqual(['b', 'c']);
    expect(togglePick(['a', 'b'], 'a')).toEqual(['b']);
  });
});
