import { describe, expect, test } from 'vitest';
import { useGenerationStore } from '../../src/state/generation-store.ts';
import { DEFAULT_SETTINGS, generationSettings, useSettingsStore } from '../../src/state/settings-store.ts';
import { useStartImageStore } from '../../src/state/start-image-store.ts';
import { useStudioRestore } from '../../src/state/studio-restore.ts';

const SETTINGS = { prompt: 'a red fox', negativePrompt: 'blur', width: 640, height: 352, frames: 49, steps: 30, guidance: 3.5, shift: 8, sampler: 'euler' as const, seed: 9 };

describe('restoring a video\'s settings into the studio (Re-use, a dropped video, a share link)', () => {
  test('every setting comes back, the frame rate and container included, with the seed fixed', () => {
    useSettingsStore.setState({ ...DEFAULT_SETTINGS, randomSeed: true, fps: 24, container: 'mp4', memoryMode: 'keep-loaded' });
    useStudioRestore.getState().restore(SETTINGS, { fps: 16, container: 'webm' });
    const now = useSettingsStore.getState();
    expect(generationSettings(now)).toEqual(SETTINGS);
    expect({ fps: now.fps, container: now.container, randomSeed: now.randomSeed, memoryMode: now.memoryMode }).toEqual({
      fps: 16,
      container: 'webm',
      randomSeed: false,
      memoryMode: 'keep-loaded',
    });
    useStudioRestore.getState().restore({ ...SETTINGS, negativePrompt: undefined }, { fps: 24, container: 'mp4' });
    expect(useSettingsStore.getState().negativePrompt).toBe('');
  });

  test('stale errors about the old settings are cleared; a running job is left alone', () => {
    useGenerationStore.setState({ status: 'failed', error: 'Enter the URL of a model bundle first.', noModel: true });
    useStartImageStore.getState().fail('That was not an image.');
    useStudioRestore.getState().restore(SETTINGS, { fps: 24, container: 'mp4' });
    expect(useGenerationStore.getState()).toMatchObject({ status: 'idle', error: null, noModel: false });
    expect(useStartImageStore.getState().error).toBeNull();
    useGenerationStore.setState({ status: 'running', error: null });
    useStudioRestore.getState().restore(SETTINGS, { fps: 24, container: 'mp4' });
    expect(useGenerationStore.getState().status).toBe('running');
  });
});
