import { useGenerationStore } from '../../state/generation-store.ts';
import type { QueuedJob } from '../../state/generation-store.ts';
import { repeatedJobs } from '../../state/generation-queue.ts';
import './queue.css';

const describe = (job: QueuedJob) => {
  const { prompt, width, height, frames, steps, seed } = job.settings;
  const text = prompt.trim() || '(no prompt)';
  return `${text.length > 60 ? `${text.slice(0, 57)}…` : text} · ${width}×${height}, ${frames} frames, ${steps} steps, seed ${seed}${job.image ? ', start image' : ''}`;
};

const listed = (names: readonly string[]) => (names.length < 3 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`);

/** Says which jobs would make a video already asked for: a fixed seed with the same settings makes the same video again. */
function RepeatWarning({ running, queue }: { running: QueuedJob | null; queue: readonly QueuedJob[] }) {
  const name = (id: number) => (id === running?.id ? 'the running job' : `job ${queue.findIndex((job) => job.id === id) + 1}`);
  const groups = repeatedJobs(running, queue);
  if (groups.length === 0) return null;
  return (
    <div className="note-warn queue-repeats" data-testid="queue-repeats">
      {groups.map((ids) => {
        const jobs = listed(ids.map(name));
        return (
          <p key={ids.join()}>
            {jobs.charAt(0).toUpperCase() + jobs.slice(1)} have the same seed and settings, so they would make the same video.
          </p>
        );
      })}
      <p>Change the seed of the waiting ones, or tick “New random seed each time” before adding more.</p>
    </div>
  );
}

/** Jobs waiting behind the running one: reorder or remove them. */
export function QueueList() {
  const { queue, running, move, unqueue } = useGenerationStore();
  if (queue.length === 0) return null;
  return (
    <div className="queue">
      <h3 id="queue-heading">Waiting ({queue.length})</h3>
      <RepeatWarning running={running} queue={queue} />
      <ol className="queue-list" aria-labelledby="queue-heading" data-testid="queue">
        {queue.map((job, index) => (
          <li key={job.id} data-testid="queued-job">
            <span>{describe(job)}</span>
            <span className="actions">
              <button type="button" aria-label={`Move job ${index + 1} earlier`} disabled={index === 0} onClick={() => move(job.id, -1)}>
                ↑
              </button>
              <button type="button" aria-label={`Move job ${index + 1} later`} disabled={index === queue.length - 1} onClick={() => move(job.id, 1)}>
                ↓
              </button>
              <button type="button" aria-label={`Remove job ${index + 1}`} data-testid="unqueue" onClick={() => unqueue(job.id)}>
                ✕
              </button>
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
