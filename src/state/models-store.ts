import { create } from 'zustand';
import { InstallPausedError } from '../errors.ts';
import type { InstalledModel, PartialInstall } from '../model/model-store.ts';
import type { InstallProgress } from '../model/url-bundle-install.ts';
import { useSettingsStore } from './settings-store.ts';
import { proxy, wanWorker } from './worker-client.ts';

export type InstallStatus = 'running' | 'paused' | 'failed' | 'done';

interface ModelsState {
  readonly loaded: boolean;
  readonly installed: readonly InstalledModel[];
  readonly partial: readonly PartialInstall[];
  /** The install started from this page, if any. */
  /** Why the last delete failed, if it did. */
  readonly error: string | null;
  readonly install: { readonly url: string; readonly status: InstallStatus; readonly progress: InstallProgress | null; readonly error: string | null } | null;
  refresh(): Promise<void>;
  installFromUrl(url: string): Promise<void>;
  pause(): void;
  remove(id: string): Promise<void>;
}

/** Models installed in this browser, and the install in progress. */
export const useModelsStore = create<ModelsState>()((set, get) => ({
  loaded: false,
  installed: [],
  partial: [],
  error: null,
  install: null,

  async refresh() {
    const { installed, partial } = await wanWorker().listModels();
    set({ loaded: true, installed, partial });
  },

  async installFromUrl(url) {
    if (get().install?.status === 'running') return;
    const absolute = new URL(url, location.href).href;
    // Only a page can ask for persistent storage; the worker cannot.
    await navigator.storage?.persist?.().catch(() => false);
    set({ install: { url: absolute, status: 'running', progress: null, error: null } });
    const onProgress = (progress: InstallProgress) => set((state) => ({ install: state.install && { ...state.install, progress } }));
    try {
      const model = await wanWorker().installModel(absolute, proxy(onProgress));
      set((state) => ({ install: state.install && { ...state.install, status: 'done' } }));
      useSettingsStore.getState().update({ modelSource: 'installed', installedModelId: model.id });
    } catch (error) {
      const status: InstallStatus = error instanceof InstallPausedError ? 'paused' : 'failed';
      set((state) => ({ install: state.install && { ...state.install, status, error: status === 'failed' ? (error as Error).message : null } }));
    } finally {
      await get().refresh();
    }
  },

  pause() {
    void wanWorker().pauseInstall();
  },

  async remove(id) {
    try {
      await wanWorker().deleteModel(id);
      set({ error: null });
    } catch (error) {
      set({ error: `Could not delete the model: ${(error as Error).message}` });
    }
    const settings = useSettingsStore.getState();
    if (settings.installedModelId === id) settings.update({ installedModelId: '' });
    await get().refresh();
  },
}));
