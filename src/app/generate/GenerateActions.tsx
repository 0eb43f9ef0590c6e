import { formatDuration } from '../../format-duration.ts';
import type { ProgressEvent } from '../../pipeline/generate/pipeline-events.ts';
import { useGenerationStore } from '../../state/generation-store.ts';
import { useModelOffer } from '../../state/use-model-offer.ts';
import { EstimateLine } from './EstimateLine.tsx';
import { InstallOffer } from './InstallOffer.tsx';
import { QueueList } from './QueueList.tsx';
import { modelPartName } from './model-part-name.ts';
import { RunSummary } from './RunSummary.tsx';

const PHASES: Record<ProgressEvent['phase'], string> = {
  loading: 'Loading the model',
  'encoding-text': 'Encoding the prompt',
  'encoding-image': 'Encoding the start image',
  'preparing-preview': 'Preparing the live preview',
  denoising: 'Denoising',
  decoding: 'Decoding frames',
};

/** Generate (or queue) and Cancel, the running job's phase, step and ETA, and the jobs waiting. */
export function GenerateActions() {
  const { status, progress, waitingForInstall, error, noModel, tookMs, generate, cancel } = useGenerationStore();
  const { needsModel } = useModelOffer();
  const running = status === 'running';
  return (
    <div className="generate-actions">
      <RunSummary />
      <EstimateLine />
      <div className="actions">
        <button type="button" data-testid="generate" onClick={() => void generate()} aria-keyshortcuts="Control+Enter Meta+Enter">
          {running ? 'Add to the queue' : needsModel ? 'Install a model to generate' : 'Generate'}
        </button>
        <button type="button" data-testid="cancel" disabled={!running} onClick={cancel}>
          Cancel
        </button>
      </div>
      <InstallOffer />
      <p role="status" data-testid="generation-status" data-status={status}>
        {running && progress && (
          <>
            {progress.graph ? `Loading ${modelPartName(progress.graph)}` : PHASES[progress.phase]} {progress.step}/{progress.steps} · {formatDuration(progress.elapsedMs)}
            {progress.etaMs !== null && ` · about ${formatDuration(progress.etaMs)} left in this phase`}
          </>
        )}
        {running && waitingForInstall && 'Waiting for the model install to finish: this job starts as soon as it does.'}
        {running && !progress && !waitingForInstall && 'Starting…'}
        {status === 'done' && tookMs !== null && `Done in ${formatDuration(tookMs)}.`}
        {status === 'canceled' && 'Cancelled. Nothing was saved.'}
      </p>
      <QueueList />
      {status === 'failed' && !noModel && (
        <p role="alert" className="note-error" data-testid="generation-error">
          {error}
        </p>
      )}
    </div>
  );
}
