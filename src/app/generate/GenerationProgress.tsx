import { formatDuration } from '../../format-duration.ts';
import { useGenerationStore } from '../../state/generation-store.ts';
import { jobFractions, phaseWeights, timeLeft } from '../../state/job-progress.ts';
import type { JobProgress, PhaseDurations } from '../../state/job-progress.ts';
import { PHASE_SHORT_LABELS, progressTitle, stageText, timeLeftText } from '../../state/job-progress-text.ts';
import { useNotifyStore } from '../../state/notify-store.ts';
import { useRunningJobDurations } from '../../state/use-running-job.ts';
import { modelPartName } from './model-part-name.ts';
import { useJobEndNotification, useTabTitle } from './use-job-alerts.ts';
import { useNow } from './use-now.ts';
import './GenerationProgress.css';

/** One segment per stage, each as wide as its share of the job, filled as far as it has come. */
function StageBar({ progress, measured }: { progress: JobProgress; measured: PhaseDurations | null }) {
  const { phases, total } = jobFractions(progress, measured);
  const weights = phaseWeights(progress.phases, measured);
  const percent = Math.floor(total * 100);
  return (
    <div className="job-progress">
      <div
        className="job-stages"
        role="progressbar"
        aria-label="Generation progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%: ${stageText(progress)}`}
        data-testid="job-progress-bar"
      >
        {progress.phases.map((phase) => (
          <div key={phase} className="job-stage" style={{ flexGrow: weights[phase] }} data-phase={phase}>
            <div className="job-stage-fill" style={{ width: `${phases[phase] * 100}%` }} />
          </div>
        ))}
      </div>
      <ol className="job-stage-names" aria-hidden="true">
        {progress.phases.map((phase) => (
          <li key={phase} style={{ flexGrow: weights[phase] }} data-state={phase === progress.phase ? 'current' : phases[phase] === 1 ? 'done' : 'waiting'}>
            {PHASE_SHORT_LABELS[phase]}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** "Notify me when done": asks the browser's permission only when the user turns it on. */
function NotifyToggle() {
  const { wanted, blocked, setWanted } = useNotifyStore();
  if (typeof Notification === 'undefined') return null;
  return (
    <>
      <label className="checkbox">
        <input type="checkbox" data-testid="notify-when-done" checked={wanted && Notification.permission === 'granted'} onChange={(event) => void setWanted(event.target.checked)} /> Notify me
        when a video is done while this tab is in the background
      </label>
      {blocked && <p className="hint">This browser blocks notifications from this page; allow them in the site settings to use this.</p>}
    </>
  );
}

/**
 * The running job: a staged bar, the stage and step (with the model part loading, if one is),
 * a ticking elapsed time and the time left; the same in the tab title; a notification when a
 * job ends unseen. Then how the last job ended.
 */
export function GenerationProgress() {
  const { status, progress, waitingForInstall, tookMs } = useGenerationStore();
  const running = status === 'running';
  const measured = useRunningJobDurations();
  const now = useNow(running);
  const shown = running && progress && !waitingForInstall ? progress : null;
  useTabTitle(running ? progressTitle(shown, shown ? jobFractions(shown, measured).total : 0, waitingForInstall) : null);
  useJobEndNotification();
  return (
    <div className="generation-progress">
      <p role="status" data-testid="generation-status" data-status={status}>
        {shown && (
          <>
            {stageText(shown)}
            {shown.loading && ` · loading ${modelPartName(shown.loading)}`}
          </>
        )}
        {running && waitingForInstall && 'Waiting for the model install to finish: this job starts as soon as it does.'}
        {status === 'done' && tookMs !== null && `Done in ${formatDuration(tookMs)}.`}
        {status === 'canceled' && 'Cancelled. Nothing was saved.'}
      </p>
      {shown && (
        <>
          <StageBar progress={shown} measured={measured} />
          <p className="hint" data-testid="job-times">
            Elapsed {formatDuration(now - shown.startedAt)}. {timeLeftText(timeLeft(shown, now, measured), measured !== null)}
          </p>
        </>
      )}
      <NotifyToggle />
    </div>
  );
}
