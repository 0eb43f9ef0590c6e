import { MODEL_CATALOG } from '../../model/model-catalog.ts';
import { NO_MODEL_MESSAGE } from '../../state/generation-queue.ts';
import { useModelsStore } from '../../state/models-store.ts';
import { useModelOffer } from '../../state/use-model-offer.ts';
import { CatalogInstallButton } from '../models/CatalogInstallButton.tsx';
import { useDefaultQuant } from '../models/use-default-quant.ts';
import './InstallOffer.css';

/** Beside Generate when there is no model: the installs, and how the one started goes. */
export function InstallOffer() {
  const { showOffer } = useModelOffer();
  const { install, installSelfTest } = useModelsStore();
  const quant = useDefaultQuant();
  if (!showOffer) return null;
  const running = install?.status === 'running';
  const percent = install?.progress && install.progress.totalBytes > 0 ? Math.floor((100 * install.progress.doneBytes) / install.progress.totalBytes) : null;
  return (
    <div className="install-offer" data-testid="install-offer" role="group" aria-labelledby="install-offer-lead">
      <p id="install-offer-lead">{NO_MODEL_MESSAGE}</p>
      <div className="actions">
        <button type="button" data-testid="install-self-test-from-error" disabled={running} onClick={() => void installSelfTest()}>
          Install the self-test model
        </button>
        {MODEL_CATALOG.map((model) => (
          <CatalogInstallButton key={model.key} model={model} quant={quant} disabled={running} />
        ))}
      </div>
      <p role="status" className="hint" data-testid="install-offer-status">
        {running && `Installing ${install.progress?.name ?? 'the model'}${percent === null ? '' : `: ${percent}%`}… Press Generate now if you like: the job starts as soon as the install ends.`}
        {install?.status === 'paused' && 'The install is paused: resume it in the Models panel.'}
      </p>
      {install?.status === 'failed' && (
        <p role="alert" className="note-error">
          The install stopped: {install.error}
        </p>
      )}
    </div>
  );
}
