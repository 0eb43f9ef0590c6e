import { AddTinyDecoder } from './AddTinyDecoder.tsx';
import { useEffect, useState } from 'react';
import { formatBytes } from '../../format-bytes.ts';
import { describeWeights } from '../../bundle/precision-summary.ts';
import type { PartialInstall } from '../../model/model-store.ts';
import { useModelsStore } from '../../state/models-store.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import { ConvertForm } from './ConvertForm.tsx';
import { InstallProgressBar } from './InstallProgressBar.tsx';
import { PrecisionFamilies } from './PrecisionFamilies.tsx';


/** Install a model once (from a bundle URL), see and delete what is installed. */
export function ModelsPanel() {
  const { loaded, installed, partial, install, error, refresh, installFromUrl, resume, pause, remove } = useModelsStore();
  const { modelSource, installedModelId, chooseModel } = useSettingsStore();
  const [url, setUrl] = useState('');
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const running = install?.status === 'running';
  return (
    <section className="panel" aria-labelledby="models-heading" data-testid="models" data-loaded={loaded}>
      <h2 id="models-heading">Models</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (url.trim()) void installFromUrl(url.trim());
        }}
      >
        <label htmlFor="install-url">Install a model bundle from a URL</label>
        <input id="install-url" data-testid="install-url" type="url" required placeholder="https://…/wan2.2-ti2v-5b-int4/" value={url} onChange={(event) => setUrl(event.target.value)} />
        <div className="actions">
          <button type="submit" data-testid="install" disabled={running}>
            Install
          </button>
          <button type="button" data-testid="install-pause" disabled={!running} onClick={pause}>
            Pause
          </button>
        </div>
      </form>
      <ConvertForm disabled={running} />
      {install?.progress && install.status !== 'done' && <InstallProgressBar progress={install.progress} />}
      <p role="status" data-testid="install-status" data-status={install?.status ?? 'idle'}>
        {install?.status === 'running' && (install.progress ? `Installing ${install.progress.name}…` : 'Reading the manifest…')}
        {install?.status === 'paused' && 'Paused. Resume it below: nothing done so far is lost.'}
        {install?.status === 'failed' && 'The install stopped.'}
        {install?.status === 'done' && 'Installed and verified: it works offline now.'}
      </p>
      {install?.status === 'failed' && (
        <p role="alert" className="note-error" data-testid="install-error">
          {install.error}
        </p>
      )}
      {error && (
        <p role="alert" className="note-error" data-testid="models-error">
          {error}
        </p>
      )}
      <h3>Installed</h3>
      {loaded && installed.length === 0 && <p className="hint">No model is installed yet.</p>}
      {!loaded && <p className="hint">Reading the installed models…</p>}
      <ul className="model-list">
        {installed.map((model) => (
          <li key={model.id} data-testid="installed-model" data-model-id={model.id} data-tiny-decoder={model.hasTinyDecoder ? 'yes' : 'no'}>
            <strong>{model.name}</strong> · {formatBytes(model.bytes)}
            {model.sharedBytes ? ` (${formatBytes(model.sharedBytes)} of it shared with other models, stored once)` : ''} · {describeWeights(model.precision)} weights, {model.precision.activations} activations
            {model.hasTinyDecoder && ' · fast decoder'}
            <PrecisionFamilies precision={model.precision} />
            <div className="actions">
              <button
                type="button"
                data-testid="model-use"
                aria-pressed={modelSource === 'installed' && installedModelId === model.id}
                onClick={() => chooseModel(model)}
              >
                Use
              </button>
              <button type="button" data-testid="model-delete" onClick={() => void remove(model.id)}>
                Delete
              </button>
            </div>
            {!model.hasTinyDecoder && <AddTinyDecoder model={model} disabled={running} />}
          </li>
        ))}
      </ul>
      {partial.length > 0 && (
        <>
          <h3>Not finished</h3>
          <ul className="model-list">
            {partial.map((model) => (
              <li key={model.id} data-testid="partial-model" data-model-id={model.id}>
                <strong>{model.name}</strong> · {partialDetail(model)}
                <div className="actions">
                  <ResumeAction model={model} disabled={running} onResume={() => void resume(model)} />
                  <button type="button" data-testid="partial-delete" disabled={running} onClick={() => void remove(model.id)}>
                    Delete
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** How an unfinished install is taken up: a button, or what to pick again when the page cannot keep the files. */
function ResumeAction({ model, disabled, onResume }: { model: PartialInstall; disabled: boolean; onResume: () => void }) {
  const { resume } = model;
  if (resume.kind === 'local-folder') return <span className="hint">Choose the folder “{resume.folderName}” again above to continue.</span>;
  if (resume.kind === 'checkpoint-url' && resume.loras?.length) {
    return <span className="hint">Install it again above with the same LoRAs ({resume.loras.map((l) => `${l.file} at ${l.strength}`).join(', ')}) to continue.</span>;
  }
  return (
    <button type="button" data-testid="partial-resume" disabled={disabled} onClick={onResume}>
      Resume
    </button>
  );
}

function partialDetail(model: PartialInstall): string {
  if (model.work === 'download') return `${model.verifiedPaths.length} files verified of ${formatBytes(model.bytes)}`;
  return `conversion stopped, about ${formatBytes(model.bytes)} still to write`;
}
