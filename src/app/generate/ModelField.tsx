import { useModelsStore } from '../../state/models-store.ts';
import { useSettingsStore } from '../../state/settings-store.ts';

/** Which model generates: an installed one (or none yet), or a bundle URL read without installing. */
export function ModelField() {
  const settings = useSettingsStore();
  const installed = useModelsStore((s) => s.installed);
  return (
    <>
      <label htmlFor="model">Model</label>
      <select
        id="model"
        data-testid="model"
        value={settings.modelSource === 'installed' ? settings.installedModelId : 'url'}
        onChange={(event) => {
          const model = installed.find((candidate) => candidate.id === event.target.value);
          if (model) settings.chooseModel(model);
          else if (event.target.value === 'url') settings.update({ modelSource: 'url' });
          else settings.update({ modelSource: 'installed' });
        }}
      >
        {settings.modelSource === 'installed' && !installed.some((model) => model.id === settings.installedModelId) && (
          <option value={settings.installedModelId}>{installed.length === 0 ? 'No model installed' : 'Choose an installed model'}</option>
        )}
        {installed.map((model) => (
          <option key={model.id} value={model.id}>
            {model.name}
          </option>
        ))}
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
    </>
  );
}
