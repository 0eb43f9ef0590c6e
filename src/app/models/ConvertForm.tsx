import { useState } from 'react';
import { ACTIVATION_TYPES, DEFAULT_WEIGHT_PRESET, resolveQuantConfig } from '../../bundle/quant-config.ts';
import type { ActivationType } from '../../bundle/quant-config.ts';
import { WEIGHT_PRESET_NAMES } from '../../bundle/weight-presets.ts';
import type { WeightPreset } from '../../bundle/weight-presets.ts';
import { MODEL_CATALOG } from '../../model/model-catalog.ts';
import { useModelsStore } from '../../state/models-store.ts';
import { useSystemStore } from '../../state/system-store.ts';
import { CatalogInstallButton } from './CatalogInstallButton.tsx';
import { filesFromFileList, folderFromDrop, folderFromFileList, folderFromHandle } from './picked-folder.ts';
import type { PickedFolder } from './picked-folder.ts';
import { LoraPicker } from './LoraPicker.tsx';
import type { LoraRequest } from '../../runtime/model-host-api.ts';

/** The File System Access directory picker, where the browser has one (Chromium on desktop). */
const directoryPicker = (globalThis as { showDirectoryPicker?: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker?.bind(globalThis);

function Choice<T extends string>(props: { id: string; label: string; options: readonly T[]; value: T; onChange: (value: T) => void }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} data-testid={props.id} value={props.value} onChange={(event) => props.onChange(event.target.value as T)}>
        {props.options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </div>
  );
}

/**
 * Install by converting diffusers weights in this browser: the official models from the
 * catalog, or any Wan2.2 TI2V diffusers checkpoint served over HTTP.
 */
export function ConvertForm({ disabled }: { disabled: boolean }) {
  const installFromCheckpoint = useModelsStore((s) => s.installFromCheckpoint);
  const installSelfTest = useModelsStore((s) => s.installSelfTest);
  const installFromFolder = useModelsStore((s) => s.installFromFolder);
  const capabilities = useSystemStore((s) => s.capabilities);
  const f16 = capabilities?.gpu.available === true && capabilities.gpu.shaderF16;
  const [weights, setWeights] = useState<WeightPreset>(DEFAULT_WEIGHT_PRESET);
  const [activations, setActivations] = useState<ActivationType>(f16 ? 'fp16' : 'fp32');
  const [url, setUrl] = useState('');
  const [loras, setLoras] = useState<LoraRequest[]>([]);
  const quant = () => resolveQuantConfig({ weights, activations });
  const installPicked = (picked: PickedFolder) => void installFromFolder(picked.name, picked.files, quant(), loras);
  return (
    <>
      <h3>Self-test model</h3>
      <p className="hint">
        Wan2.2's architecture at toy size with random weights, built here without any download (about 17 MB). Its videos are noise: it checks that
        this browser and GPU run every part of the pipeline.
      </p>
      <button type="button" data-testid="install-self-test" disabled={disabled} onClick={() => void installSelfTest()}>
        Install the self-test model
      </button>
      <h3>Official models</h3>
      <p className="hint">Converted in this browser from the official weights, read with range requests and never stored whole.</p>
      <LoraPicker loras={loras} onChange={setLoras} disabled={disabled} />
      <ul className="model-list">
        {MODEL_CATALOG.map((model) => (
          <li key={model.key} data-testid="catalog-model">
            <strong>{model.name}</strong> · {model.repo}@{/^[0-9a-f]{40}$/.test(model.revision) ? model.revision.slice(0, 7) : model.revision} · reads about {model.sourceGb} GB,
            stores about {model.installedGb} GB
            <p className="hint">{model.description}</p>
            <CatalogInstallButton model={model} quant={quant()} loras={loras} disabled={disabled} />
          </li>
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const root = url.trim().replace(/\/+$/, '');
          if (root) void installFromCheckpoint({ url: root, source: { repo: root, revision: 'url' }, quant: quant(), name: root.split('/').slice(-3).join('/'), loras });
        }}
      >
        <label htmlFor="convert-url">Or convert a diffusers checkpoint from a URL</label>
        <input id="convert-url" data-testid="convert-url" type="url" required placeholder="https://huggingface.co/<repo>/resolve/<revision>" value={url} onChange={(event) => setUrl(event.target.value)} />
        <div className="fields">
          <Choice id="convert-weights" label="Weights" options={WEIGHT_PRESET_NAMES} value={weights} onChange={setWeights} />
          <Choice id="convert-activations" label="Activations" options={ACTIVATION_TYPES} value={activations} onChange={setActivations} />
        </div>
        <button type="submit" data-testid="convert" disabled={disabled}>
          Convert and install
        </button>
      </form>
      <div
        className="drop-zone"
        onDragOver={(event) => event.preventDefault()}
        onDrop={(event) => {
          event.preventDefault();
          void folderFromDrop(event.dataTransfer).then((picked) => picked && installPicked(picked));
        }}
      >
        <label htmlFor="install-folder">
          Or install from a folder on this computer (pick it, or drop it here): a bundle made by wan-web convert, a diffusers checkpoint, ComfyUI's models
          folder or Wan's original one, converted with the settings above
        </label>
        {directoryPicker ? (
          <button
            type="button"
            disabled={disabled}
            onClick={() =>
              void directoryPicker()
                .then(folderFromHandle)
                .then(installPicked, () => undefined)
            }
          >
            Choose a folder…
          </button>
        ) : null}
        <input
          id="install-folder"
          data-testid="install-folder"
          type="file"
          disabled={disabled}
          {...{ webkitdirectory: '' }}
          onChange={(event) => {
            const picked = folderFromFileList(event.target.files);
            event.target.value = '';
            if (picked) installPicked(picked);
          }}
        />
        <PickedFilesInput disabled={disabled} onPicked={installPicked} />
      </div>
    </>
  );
}

/** ComfyUI's three model files picked together, converted like a folder. */
function PickedFilesInput({ disabled, onPicked }: { disabled: boolean; onPicked: (picked: PickedFolder) => void }) {
  return (
    <>
      <label htmlFor="install-files">Or pick ComfyUI's three files together (diffusion model and text encoder as .safetensors or .gguf, VAE)</label>
      <input
        id="install-files"
        data-testid="install-files"
        type="file"
        multiple
        accept=".safetensors,.gguf,.json"
        disabled={disabled}
        onChange={(event) => {
          const picked = filesFromFileList(event.target.files);
          event.target.value = '';
          if (picked) onPicked(picked);
        }}
      />
    </>
  );
}
