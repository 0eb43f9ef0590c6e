import { REMEMBER_CHECK_MS } from '../../runtime/self-check/index.ts';
import type { SelfCheckReport } from '../../runtime/self-check/index.ts';
import { recheckGpu, useSystemStore } from '../../state/system-store.ts';

/** One line on the GPU self-check: waiting, running (which op), failed, or which GPU configuration the models use. */
export function SelfCheckStatus() {
  const { capabilities, selfCheckStatus, selfCheck, selfCheckError, selfCheckProgress, ortFlavor } = useSystemStore();
  return (
    <div
      className="self-check-status"
      data-testid="self-check"
      data-status={selfCheckStatus}
      data-chosen={selfCheck?.chosen ?? ''}
      data-remembered={String(selfCheck?.provenance?.remembered ?? false)}
    >
      {selfCheckStatus === 'idle' && (
        <p>GPU self-check: {capabilities && !capabilities.gpu.available ? 'not run, because this browser has no usable WebGPU.' : 'runs once WebGPU is found.'}</p>
      )}
      {selfCheckStatus === 'running' && (
        <p role="status">
          GPU self-check: comparing GPU ops with the CPU
          {selfCheckProgress ? ` (${selfCheckProgress.done + 1}/${selfCheckProgress.total}: ${selfCheckProgress.config}, ${selfCheckProgress.op})` : ''}…
        </p>
      )}
      {selfCheckStatus === 'failed' && (
        <p role="alert" className="note-error">
          The GPU self-check could not run: {selfCheckError}
        </p>
      )}
      {selfCheck && (
        <p data-testid="self-check-summary">
          {selfCheck.chosen
            ? `GPU self-check passed${checkedWhen(selfCheck.provenance)}: the models use "${selfCheck.chosen}" (onnxruntime-web ${ortFlavor ?? ''} build, WebGPU EP).`
            : 'GPU self-check: no GPU configuration passed, so models cannot run on this GPU.'}
        </p>
      )}
      {(selfCheckStatus === 'done' || selfCheckStatus === 'failed') && (
        <button type="button" data-testid="self-check-again" onClick={() => void recheckGpu()}>
          Check again
        </button>
      )}
    </div>
  );
}

/** When a remembered verdict's checks ran; nothing for checks run by this page. */
function checkedWhen(provenance: SelfCheckReport['provenance']): string {
  if (!provenance?.remembered) return '';
  return ` on ${new Date(provenance.checkedAt).toLocaleString()} (remembered for this GPU, browser and build for up to ${REMEMBER_CHECK_MS / 86_400_000} days)`;
}
