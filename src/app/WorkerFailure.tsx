import { useWorkerHealth } from '../state/worker-client.ts';

/** Says that the model worker stopped, and offers the reload that starts it again. */
export function WorkerFailure() {
  const failure = useWorkerHealth((state) => state.failure);
  if (!failure) return null;
  return (
    <div role="alert" className="note-error worker-failure" data-testid="worker-failure">
      <p>{failure}</p>
      <button type="button" data-testid="reload" onClick={() => location.reload()}>
        Reload the page
      </button>
    </div>
  );
}
