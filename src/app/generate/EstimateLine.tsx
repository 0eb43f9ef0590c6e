import { formatBytes } from '../../format-bytes.ts';
import { formatDuration } from '../../format-duration.ts';
import type { FitVerdict } from '../../pipeline/estimate/generation-estimate.ts';
import { useEstimateStore } from '../../state/estimate-store.ts';
import { useGenerationStore } from '../../state/generation-store.ts';
import { useModelOffer } from '../../state/use-model-offer.ts';
import { useGenerationEstimate } from '../../state/use-generation-estimate.ts';
import { effectiveDecoder } from '../../state/decoder-availability.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import { useDecoderAvailability } from '../../state/use-decoder-availability.ts';
import { DecoderMemoryOffer } from './DecoderMemoryOffer.tsx';
import { useFullDecoderFit } from '../../state/use-decoder-memory-fit.ts';
import { FastAlternatives } from './FastAlternatives.tsx';
import { SoftwareGpuNote } from './SoftwareGpuNote.tsx';

function fitWarning(fit: FitVerdict): string | null {
  switch (fit.kind) {
    case 'fits':
      return null;
    case 'buffer-too-large':
      return `These settings will not fit: one tensor would need ${formatBytes(fit.needBytes)}, over this GPU's ${formatBytes(fit.limitBytes)} limit for a single buffer. Choose a smaller size or fewer frames.`;
    case 'ran-out-before':
      return `These settings will probably not fit: they need about ${formatBytes(fit.needBytes)} of GPU memory, and a generation needing ${formatBytes(fit.failedAtBytes)} ran out of it here. Choose a smaller size or fewer frames, or close other GPU work.`;
  }
}

/** Expected time and GPU memory for the current settings on this machine, measured, with a warning when they will not fit. */
export function EstimateLine() {
  const estimate = useGenerationEstimate();
  const predictedFit = useFullDecoderFit();
  const availability = useDecoderAvailability();
  const decoder = effectiveDecoder(useSettingsStore((s) => s.decoder), availability);
  const { calibrating, calibrationError, calibrate, cancelCalibration } = useEstimateStore();
  const busy = useGenerationStore((state) => state.status === 'running');
  const { needsModel } = useModelOffer();
  const measure = (label: string) => (
    <button type="button" className="small" data-testid="measure-machine" disabled={busy} onClick={() => void calibrate()}>
      {label}
    </button>
  );
  const warning = estimate ? fitWarning(estimate.fit) : null;
  return (
    <div className="estimate" data-testid="estimate">
      {calibrating ? (
        <p role="status">
          Measuring this machine: short clip {calibrating.run} of {calibrating.runs}…{' '}
          <button type="button" className="small" onClick={cancelCalibration}>
            Stop
          </button>
        </p>
      ) : estimate ? (
        <p data-testid="estimate-figures">
          Expected: about <strong>{formatDuration(estimate.totalMs)}</strong>
          {estimate.peakBytes !== null && (
            <>
              {' '}and <strong>{formatBytes(estimate.peakBytes)}</strong> of GPU memory
            </>
          )}{' '}
          once the model is loaded (prompt {formatDuration(estimate.phaseMs.text)}
          {estimate.phaseMs.image !== null && `, start image ${formatDuration(estimate.phaseMs.image)}`}, denoising {formatDuration(estimate.phaseMs.denoise)}, decoding{' '}
          {formatDuration(estimate.phaseMs.decode)}
          {estimate.otherDecodeMs !== null && (
            <span data-testid="estimate-other-decoder">
              ; with the {decoder === 'tiny' ? 'full VAE' : 'fast decoder'}, decoding {formatDuration(estimate.otherDecodeMs)}
            </span>
          )}
          ).
          {estimate.rough && ' Rough: measured at one size only so far.'}
          {estimate.extrapolated && ' Larger than anything measured here yet, so extrapolated.'}
          {estimate.imageUnmeasured && ' Encoding the start image is not measured yet.'}
          {estimate.decodeMemoryPredicted && " This decoder's memory is predicted from its graphs, not measured here yet."} {measure('Measure again')}
        </p>
      ) : needsModel ? null : (
        <p className="hint">
          No estimate yet for this model on this GPU. {measure('Measure this machine')} (two short clips of 3 steps, at this size and a smaller one) to see the expected time and GPU
          memory before generating.
        </p>
      )}
      <FastAlternatives />
      <SoftwareGpuNote />
      {warning && (
        <p role="alert" className="note-error" data-testid="estimate-warning">
          {warning}
        </p>
      )}
      {estimate && estimate.fit.kind !== 'fits' && estimate.fit.decoding && decoder === 'full' && <DecoderMemoryOffer availability={availability} />}
      {!estimate && predictedFit && predictedFit.kind !== 'fits' && decoder === 'full' && <DecoderMemoryOffer availability={availability} predicted={predictedFit} />}
      {calibrationError && (
        <p role="alert" className="note-error">
          {calibrationError}
        </p>
      )}
    </div>
  );
}
