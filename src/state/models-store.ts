import { create } from 'zustand';
import type { ConvertProgress } from '../bundle/convert-progress.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import { InstallPausedError } from '../errors.ts';
import type { InstalledModel, PartialInstall } from '../model/model-store.ts';
import { TransferRate } from '../model/transfer-rate.ts';
import type { TransferProgress } from '../model/transfer-rate.ts';
import type { InstallProgress } from '../model/url-bundle-install.ts';
import { huggingFaceResolveUrl } from '../model/model-catalog.ts';
import type { CatalogModel } from '../model/model-catalog.ts';
import { pinnedRevision } from '../model/hugging-face-revision.ts';
import { useSettingsStore } from './settings-store.ts';
import { proxy, wanWorker } from './worker-client.ts';
import { userMessage } from '../user-message.ts';
import type { LoraRequest } from '../runtime/model-host-api.ts';

export type InstallStatus = 'running' | 'paused' | 'failed' | 'done';

/** What the progress bar shows of a download or a conversion. */
export interface InstallView extends TransferProgress {
  readonly name: string;
  /** Files verified (download) or the part being built (conversion). */
  readonly detail: string;
}

/** A model converted from a diffusers checkpoint in the browser. */
export interface CheckpointInstall {
  readonly url: string;
  readonly source: { readonly repo: string; readonly revision: string };
  readonly quant: QuantConfig;
  readonly name: string;
  /** LoRA files merged into the transformer while converting. */
  readonly loras?: readonly LoraRequest[];
}

/** Turns a conversion's source-bytes progress into the bar's view, with a rate measured here. */
function conversionView(name: string): (progress: ConvertProgress) => InstallView {
  let rate: TransferRate | null = null;
  let read = 0;
  return (p) => {
    if (!rate) {
      // A resumed conversion starts where its journal left off.
      rate = new TransferRate(p.sourceBytesRead, p.sourceBytesTotal);
      read = p.sourceBytesRead;
    }
    rate.add(p.sourceBytesRead - read);
    read = p.sourceBytesRead;
    return { ...rate.progress(), name, detail: `converting ${p.phase}` };
  };
}

const downloadView = (p: InstallProgress): InstallView => ({ ...p, detail: `${p.filesVerified} of ${p.files} files verified` });

interface ModelsState {
  readonly loaded: boolean;
  readonly installed: readonly InstalledModel[];
  readonly partial: readonly PartialInstall[];
  /** Why the last delete failed, if it did. */
  readonly error: string | null;
  /** The install started from this page, if any. */
  readonly install: { readonly url: string; readonly status: InstallStatus; readonly progress: InstallView | null; readonly error: string | null } | null;
  refresh(): Promise<void>;
  installFromUrl(url: string): Promise<void>;
  installFromCheckpoint(checkpoint: CheckpointInstall): Promise<void>;
  /** An official model: its revision pinned to a commit, then converted. */
  installCatalogModel(model: CatalogModel, quant: QuantConfig, loras?: readonly LoraRequest[]): Promise<void>;
  installSelfTest(): Promise<void>;
  /** Adds the tiny decoder to an installed model: downloaded from its upstream, or from a picked file. */
  addTinyDecoder(model: InstalledModel, file?: File): Promise<void>;
  /** Takes up an unfinished install from the list (a picked folder must be picked again instead). */
  resume(partial: PartialInstall): Promise<void>;
  /** A bundle or a diffusers checkpoint from a folder on this computer (files by path inside it). */
  installFromFolder(folderName: string, files: readonly { path: string; file: Blob }[], quant: QuantConfig, loras?: readonly LoraRequest[]): Promise<void>;
  pause(): void;
  remove(id: string): Promise<void>;
}

/** Models installed in this browser, and the install in progress. */
export const useModelsStore = create<ModelsState>()((set, get) => {
  let refreshes = 0;
  const convertCheckpoint = (checkpoint: CheckpointInstall, onView: (view: InstallView) => void) => {
    const view = conversionView(checkpoint.name);
    return wanWorker().installFromCheckpoint(
      checkpoint,
      proxy((p: ConvertProgress) => onView(view(p))),
    );
  };
  /** Runs one install (download or conversion); the installed model becomes the chosen one. */
  const runInstall = async (url: string, start: (onView: (view: InstallView) => void) => Promise<InstalledModel>) => {
    if (get().install?.status === 'running') return;
    // Only a page can ask for persistent storage; the worker cannot.
    await navigator.storage?.persist?.().catch(() => false);
    set({ install: { url, status: 'running', progress: null, error: null } });
    let outcome: { status: InstallStatus; error: string | null };
    try {
      const model = await start((progress) => set((state) => ({ install: state.install && { ...state.install, progress } })));
      useSettingsStore.getState().chooseModel(model);
      outcome = { status: 'done', error: null };
    } catch (error) {
      outcome = error instanceof InstallPausedError ? { status: 'paused', error: null } : { status: 'failed', error: userMessage(error) };
    }
    // The list is current before the status changes, so "done" never shows next to a stale list.
    await get().refresh().catch(() => undefined);
    set((state) => ({ install: state.install && { ...state.install, ...outcome } }));
  };

  return {
    loaded: false,
    installed: [],
    partial: [],
    error: null,
    install: null,

    async refresh() {
      // Only the newest listing counts: an older one can finish after a delete and bring the model back.
      const request = ++refreshes;
      const { installed, partial } = await wanWorker().listModels();
      if (request === refreshes) set({ loaded: true, installed, partial });
    },

    async installFromUrl(url) {
      const absolute = new URL(url, location.href).href;
      await runInstall(absolute, (onView) =>
        wanWorker().installModel(
          { url: absolute },
          proxy((p: InstallProgress) => onView(downloadView(p))),
        ),
      );
    },

    async installFromCheckpoint(checkpoint) {
      await runInstall(checkpoint.url, (onView) => convertCheckpoint(checkpoint, onView));
    },

    async installCatalogModel(model, quant, loras) {
      await runInstall(huggingFaceResolveUrl(model.repo, model.revision), async (onView) => {
        const revision = await pinnedRevision(model.repo, model.revision);
        const url = huggingFaceResolveUrl(model.repo, revision);
        return convertCheckpoint({ url, source: { repo: model.repo, revision }, quant, name: model.name, ...(loras?.length ? { loras } : {}) }, onView);
      });
    },

    async installFromFolder(folderName, files, quant, loras) {
      const view = conversionView(folderName);
      await runInstall(`folder ${folderName}`, (onView) =>
        wanWorker().installFromFolder(
          { folderName, entries: files, quant, ...(loras?.length ? { loras } : {}) },
          proxy((p: InstallProgress | ConvertProgress) => onView('filesVerified' in p ? downloadView(p) : view(p))),
        ),
      );
    },

    async installSelfTest() {
      await runInstall('built in', () => wanWorker().installSelfTest());
    },

    async addTinyDecoder(model, file) {
      await runInstall(`the fast decoder for ${model.name}`, () => wanWorker().addTinyDecoder({ id: model.id, ...(file ? { file, fileName: file.name } : {}) }));
    },

    async resume(partial) {
      const request = partial.resume;
      if (request.kind === 'bundle-url') await get().installFromUrl(request.url);
      // One with LoRAs is continued by installing it again with the same files (the panel says so).
      else if (request.kind === 'checkpoint-url' && !request.loras?.length) await get().installFromCheckpoint({ ...request, loras: [] });
      else if (request.kind === 'self-test') await get().installSelfTest();
    },

    pause() {
      void wanWorker().pauseInstall();
    },

    async remove(id) {
      try {
        await wanWorker().deleteModel(id);
        set({ error: null });
      } catch (error) {
        set({ error: `Could not delete the model: ${userMessage(error)}` });
      }
      const settings = useSettingsStore.getState();
      if (settings.installedModelId === id) settings.update({ installedModelId: '' });
      await get().refresh();
    },
  };
});

/** How the install running now ends (done, paused or failed); at once when none runs. */
export function installSettled(): Promise<{ status: Exclude<InstallStatus, 'running'>; error: string | null }> {
  return new Promise((resolve) => {
    let unsubscribe: (() => void) | null = null;
    const check = (state: ModelsState): boolean => {
      const install = state.install;
      if (install?.status === 'running') return false;
      unsubscribe?.();
      resolve({ status: install?.status ?? 'done', error: install?.error ?? null });
      return true;
    };
    if (!check(useModelsStore.getState())) unsubscribe = useModelsStore.subscribe(check);
  });
}
