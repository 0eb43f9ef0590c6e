import { useGenerationStore } from '../../state/generation-store.ts';
import { useModelOffer } from '../../state/use-model-offer.ts';
import { useSettingProblems } from '../../state/setting-drafts-store.ts';
import { EstimateLine } from './EstimateLine.tsx';
import { GenerationProgress } from './GenerationProgress.tsx';
import { InstallOffer } from './InstallOffer.tsx';
import { QueueList } from './QueueList.tsx';
import { RunSummary } from './RunSummary.tsx';
import { SettingProblems } from './SettingProblems.tsx';

/** Generate (or queue) and Cancel, why Generate is off, the running job's progress, and the jobs waiting. */
export function GenerateActions() {
  const { status, error, noModel, generate, cancel } = useGenerationStore();
  const { needsModel } = useModelOffer();
  const problems = useSettingProblems();
  const running = status === 'running';
  return (
    <div className="generate-actions">
      <RunSummary />
      <EstimateLine />
      <div className="actions">
        <button
          type="button"
          data-testid="generate"
          onClick={() => void generate()}
          aria-keyshortcuts="Control+Enter Meta+Enter"
          disabled={problems.length > 0}
          aria-describedby={problems.length > 0 ? 'setting-problems' : undefined}
        >
          {running ? 'Add to the queue' : needsModel ? 'Install a model to generate' : 'Generate'}
        </button>
        <button type="button" data-testid="cancel" disabled={!running} onClick={cancel}>
          Cancel
        </button>
      </div>
      <InstallOffer />
      <SettingProblems id="setting-problems" problems={problems} />
      <GenerationProgress />
      <QueueList />
      {status === 'failed' && !noModel && (
        <p role="alert" className="note-error" data-testid="generation-error">
          {error}
        </p>
      )}
    </div>
  );
}
