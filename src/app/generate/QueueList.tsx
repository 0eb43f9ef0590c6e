import { useGenerationStore } from '../../state/generation-store.ts';
import type { QueuedJob } from '../../state/generation-store.ts';

const describe = (job: QueuedJob) => {
  const { prompt, width, height, frames, steps, seed } = job.settings;
  const text = prompt.trim() || '(no prompt)';
  return `${text.length > 60 ? `${text.slice(0, 57)}…` : text} · ${width}×${height}, ${frames} frames, ${steps} steps, seed ${seed}${job.image ? ', start image' : ''}`;
};

/** Jobs waiting behind the running one: reorder or remove them. */
export function QueueList() {
  const { queue, move, unqueue } = useGenerationStore();
  if (queue.length === 0) return null;
  return (
    <div className="queue">
      <h3 id="queue-heading">Waiting ({queue.length})</h3>
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
