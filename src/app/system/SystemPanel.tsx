import { useSystemStore } from '../../state/system-store.ts';
import { capabilityVerdict } from '../../runtime/capability-verdict.ts';
import { CapabilityList } from './CapabilityList.tsx';
import { SelfCheckStatus } from './SelfCheckStatus.tsx';
import { SelfCheckTable } from './SelfCheckTable.tsx';

/** What this browser and GPU can do, in a verdict; the raw facts and the self-check's tables under Advanced. */
export function SystemPanel() {
  const { probeStatus, capabilities, probeError, selfCheck } = useSystemStore();
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
      <SelfCheckStatus />
      <details className="advanced" data-testid="advanced">
        <summary>Advanced: browser capabilities and the GPU self-check, op by op</summary>
        {capabilities && <CapabilityList capabilities={capabilities} />}
        {selfCheck && <SelfCheckTable report={selfCheck} />}
      </details>
    </section>
  );
}
