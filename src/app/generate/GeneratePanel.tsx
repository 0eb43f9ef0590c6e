import { useGenerationStore } from '../../state/generation-store.ts';
import { useModelsStore } from '../../state/models-store.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import type { Settings } from '../../state/settings-store.ts';
import type { ProgressEvent } from '../../pipeline/generate/pipeline-events.ts';
import { SIZE_PRESETS } from './size-presets.ts';

const PHASES: Record<ProgressEvent['phase'], string> = {
  loading: 'Loading the model',
  'encoding-text': 'Encoding the prompt',
  'encoding-image': 'Encoding the start image',
  'preparing-preview': 'Preparing the live preview',
  denoising: 'Denoising',
  decoding: 'Decoding frames',
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function NumberField(props: { id: keyof Settings; label: string; min: number; max: number; step?: number }) {
  const value = useSettingsStore((s) => s[props.id]) as number;
  const update = useSettingsStore((s) => s.update);
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        data-testid={props.id}
        type="number"
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        value={value}
        onChange={(event) => update({ [props.id]: Number(event.target.value) })}
      />
    </div>
  );
}

/** Model source, size, length, sampler and seed; Generate and Cancel; progress. */
export function GeneratePanel() {
  const settings = useSettingsStore();
  const { status, progress, error, tookMs, generate, cancel } = useGenerationStore();
  const installed = useModelsStore((s) => s.installed);
  const sizeKey = `${settings.width}x${settings.height}`;
  const running = status === 'running';
  return (
    <section className="panel" aria-labelledby="generate-heading">
      <h2 id="generate-heading">Settings</h2>
      <label htmlFor="model">Model</label>
      <select
        id="model"
        data-testid="model"
        value={settings.modelSource === 'installed' ? settings.installedModelId : 'url'}
        onChange={(event) =>
          settings.update(event.target.value === 'url' ? { modelSource: 'url' } : { modelSource: 'installed', installedModelId: event.target.value })
        }
      >
        {installed.map((model) => (
          <option key={model.id} value={model.id}>
            {model.name} (installed)
          </option>
        ))}
        {settings.modelSource === 'installed' && !installed.some((model) => model.id === settings.installedModelId) && <option value={settings.installedModelId}>choose an installed model</option>}
        <option value="url">A bundle URL, without installing</option>
      </select>
      {settings.modelSource === 'url' && (
        <>
          <label htmlFor="bundle-url">Model bundle URL</label>
          <input
            id="bundle-url"
            data-testid="bundle-url"
            type="url"
            placeholder="https://…/wan2.2-ti2v-5b-int4/"
            value={settings.bundleUrl}
            onChange={(event) => settings.update({ bundleUrl: event.target.value })}
          />
        </>
      )}
      <label htmlFor="negative-prompt">Negative prompt (empty: Wan's default)</label>
      <textarea id="negative-prompt" rows={2} value={settings.negativePrompt} onChange={(event) => settings.update({ negativePrompt: event.target.value })} />
      <div className="fields">
        <div className="field">
          <label htmlFor="size">Size</label>
          <select
            id="size"
            data-testid="size"
            value={sizeKey}
            onChange={(event) => {
              const [width, height] = event.target.value.split('x').map(Number);
              settings.update({ width: width!, height: height! });
            }}
          >
            {SIZE_PRESETS.map((preset) => (
              <option key={preset.label} value={`${preset.width}x${preset.height}`}>
                {preset.label}
              </option>
            ))}
            {!SIZE_PRESETS.some((p) => `${p.width}x${p.height}` === sizeKey) && <option value={sizeKey}>{sizeKey} (custom)</option>}
          </select>
        </div>
        <NumberField id="frames" label={`Frames (4n + 1; ${seconds((settings.frames / settings.fps) * 1000)})`} min={1} max={121} step={4} />
        <NumberField id="steps" label="Steps" min={1} max={200} />
        <NumberField id="guidance" label="Guidance" min={0} max={30} step={0.5} />
        <NumberField id="shift" label="Shift" min={0.5} max={50} step={0.5} />
        <div className="field">
          <label htmlFor="sampler">Sampler</label>
          <select id="sampler" value={settings.sampler} onChange={(event) => settings.update({ sampler: event.target.value as Settings['sampler'] })}>
            <option value="unipc">UniPC (Wan default)</option>
            <option value="euler">Euler</option>
            <option value="dmd">DMD (FastWan, 3 steps)</option>
          </select>
        </div>
        <NumberField id="seed" label="Seed" min={0} max={2 ** 53 - 1} />
        <div className="field">
          <label htmlFor="container">File</label>
          <select id="container" value={settings.container} onChange={(event) => settings.update({ container: event.target.value as Settings['container'] })}>
            <option value="mp4">MP4</option>
            <option value="webm">WebM</option>
          </select>
        </div>
        <NumberField id="fps" label="Frame rate" min={1} max={60} />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={settings.randomSeed} onChange={(event) => settings.update({ randomSeed: event.target.checked })} /> New random seed each time
      </label>
      <div className="actions">
        <button type="button" data-testid="generate" disabled={running} onClick={() => void generate()}>
          Generate
        </button>
        <button type="button" data-testid="cancel" disabled={!running} onClick={cancel}>
          Cancel
        </button>
      </div>
      <p role="status" data-testid="generation-status" data-status={status}>
        {running && progress && (
          <>
            {PHASES[progress.phase]} {progress.step}/{progress.steps} · {seconds(progress.elapsedMs)}
            {progress.etaMs !== null && ` · about ${seconds(progress.etaMs)} left in this phase`}
          </>
        )}
        {running && !progress && 'Starting…'}
        {status === 'done' && tookMs !== null && `Done in ${seconds(tookMs)}.`}
        {status === 'canceled' && 'Cancelled. Nothing was saved.'}
      </p>
      {status === 'failed' && (
        <p role="alert" className="note-error" data-testid="generation-error">
          {error}
        </p>
      )}
    </section>
  );
}
