import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ModelLocation } from '../model/model-location.ts';
import { modelLocation, useSettingsStore } from './settings-store.ts';

/** The chosen model's location; the same object until the choice changes. */
export function useModelLocation(): ModelLocation | null {
  const { modelSource, installedModelId, bundleUrl } = useSettingsStore(
    useShallow(({ modelSource, installedModelId, bundleUrl }) => ({ modelSource, installedModelId, bundleUrl })),
  );
  return useMemo(() => modelLocation({ modelSource, installedModelId, bundleUrl }), [modelSource, installedModelId, bundleUrl]);
}
