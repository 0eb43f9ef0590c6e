import { formatDuration } from '../../format-duration.ts';
import { useGenerationStore } from '../../state/generation-store.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import { useFastAlternatives } from '../../state/use-fast-alternatives.ts';
import { CatalogInstallButton } from '../models/CatalogInstallButton.tsx';
import { useDefaultQuant } from '../models/use-default-quant.ts';

const about = (ms: number | null) => (ms === null ? '' : `: about ${formatDuration(ms)}`);

/** One-click ways to a shorter wait, beside Generate, when the estimate for the settings is long. */
export function FastAlternatives() {
  const alternatives = useFastAlternatives();
  const { update, chooseModel } = useSettingsStore();
  const busy = useGenerationStore((state) => state.status === 'running');
  const quant = useDefaultQuant();
  if (alternatives.length === 0) return null;
  return (
    <div className="actions" role="group" aria-label="Faster alternatives" data-testid="fast-alternatives">
      <span className="hint">Faster:</span>
      {alternatives.map((alternative) => {
        switch (alternative.kind) {
          case 'use-model':
            return (
              <button key="model" type="button" className="small" onClick={() => chooseModel(alternative.model)}>
                Use {alternative.model.name}
                {about(alternative.estimateMs)}
              </button>
            );
          case 'settings':
            return (
              <button key={alternative.label} type="button" className="small" onClick={() => update(alternative.changes)}>
                {alternative.label}
                {about(alternative.estimateMs)}
              </button>
            );
          case 'install':
            return <CatalogInstallButton key="install" model={alternative.model} quant={quant} disabled={busy} label={`Install ${alternative.model.name}…`} />;
        }
      })}
    </div>
  );
}
