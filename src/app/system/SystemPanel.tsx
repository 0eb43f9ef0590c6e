import { useSystemStore } from '../../state/system-store.ts';
import { capabilityVerdict } from '../../runtime/capability-verdict.ts';
import { CapabilityList } from './CapabilityList.tsx';
import { SelfCheckTable } from './SelfCheckTable.tsx';

/** What this browser and GPU can do, ending in a verdict. */
export function SystemPanel() {
  const { probeStatus, capabilities, probeError, selfCheckStatus, selfCheck, selfCheckError, selfCheckProgress, ortFlavor } =
    useSystemStore();
  const verdict = capabilities ? capabilityVerdict(capabilities, selfCheck) : null;
  return (
    <section className="panel" aria-labelledby="system-heading" data-testid="system-panel">
      <h2 id="system-heading">This machine</h2>
      {probeStatus === 'running' && <p role="status">Checking the browser and GPU…</p>}
      {probeStatus === 'failed' && (
        <p role="alert" className="note-error">
          The capability check failed: {probeError}. Reload the page; if it persists, use a current Chrome or Edge.
        </p>
      )}
      {verdict && (
        <div className={`verdict verdict-${verdict.level}`} data-testid="verdict" data-precision={verdict.precision ?? 'none'}>
          <strong>{verdict.headline}</strong>
          <ul>
            {verdict.notes.map((note) => (
              <li key={note.text} className={`note-${note.level}`}>
                <span aria-hidden="true">{note.level === 'ok' ? '✓ ' : note.level === 'warn' ? '! ' : '✗ '}</span>
                {note.text}
              </li>
            ))}
          </ul>
        </div>
      )}
      {capabilities && <CapabilityList capabilities={capabilities} />}
      <h3>GPU self-check</h3>
      <div data-testid="self-check" data-status={selfCheckStatus} data-chosen={selfCheck?.chosen ?? ''}>
        {selfCheckStatus === 'idle' && (
          <p>{capabilities && !capabilities.gpu.available ? 'Not run: this browser has no usable WebGPU.' : 'Runs once WebGPU is found.'}</p>
        )}
        {selfCheckStatus === 'running' && (
          <p role="status">
            Comparing GPU ops with the CPU
            {selfCheckProgress ? ` (${selfCheckProgress.done + 1}/${selfCheckProgress.total}: ${selfCheckProgress.config}, ${selfCheckProgress.op})` : ''}…
          </p>
        )}
        {selfCheckStatus === 'failed' && (
          <p role="alert" className="note-error">
            The self-check could not run: {selfCheckError}
          </p>
        )}
        {selfCheck && <SelfCheckTable report={selfCheck} ortFlavor={ortFlavor} />}
      </div>
    </section>
  );
}
