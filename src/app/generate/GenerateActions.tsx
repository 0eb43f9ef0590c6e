import { useGenerationStore } from '../../state/generation-store.ts';
import { useModelsStore } from '../../state/models-store.ts';
import { useSettingProblems } from '../../state/setting-drafts-store.ts';
import { EstimateLine } from './EstimateLine.tsx';
import { GenerationProgress } from './GenerationProgress.tsx';
import { QueueList } from './QueueList.tsx';
import { SettingProblems } from './SettingProblems.tsx';

/** Generate (or queue) and Cancel, why Generate is off, the running job's progress, and the jobs waiting. */
export function GenerateActions() {
  const { status, error, noModel, generate, cancel } = useGenerationStore();
  const installSelfTest = useModelsStore((state) => state.installSelfTest);
  const problems = useSettingProblems();
  const running = status === 'running';
  return (
    <div className="generate-actions">
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
          {running ? 'Add to the queue' : 'Generate'}
        </button>
        <button type="button" data-testid="cancel" disabled={!running} onClick={cancel}>
          Cancel
        </button>
      </div>
      <SettingProblems id="setting-problems" problems={problems} />
      <GenerationProgress />
      <QueueList />
      {status === 'failed' && (
        <p role="alert" className="note-error" data-testid="generation-error">
          {error}
          {noModel && (
            <>
              {' '}
              <button type="button" data-testid="install-self-test-from-error" onClick={() => void installSelfTest()}>
                Install the self-test model
              </button>
            </>
          )}
        </p>
      )}
    </div>
  );
}
