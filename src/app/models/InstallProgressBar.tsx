import type { InstallView } from '../../state/models-store.ts';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Bytes, rate, time left, and files verified or the part being converted, of an install. */
export function InstallProgressBar({ progress }: { progress: InstallView }) {
  const { doneBytes, totalBytes, bytesPerSecond, etaSeconds, detail } = progress;
  return (
    <div className="install-progress">
      <progress data-testid="install-progress" value={doneBytes} max={totalBytes} aria-label={`Installing ${progress.name}`} />
      <p className="hint" data-testid="install-progress-text">
        {mb(doneBytes)} of {mb(totalBytes)}
        {bytesPerSecond !== null && ` · ${mb(bytesPerSecond)}/s`}
        {etaSeconds !== null && ` · about ${duration(etaSeconds)} left`} · {detail}
      </p>
    </div>
  );
}
