import { useExtendStore } from '../../state/extend-store.ts';
import { removeStartImage } from './start-image-actions.ts';

/** Says which video Generate continues, with a way back to a plain generation. */
export function ExtendNotice() {
  const target = useExtendStore((state) => state.target);
  if (!target) return null;
  const segments = target.segments === 1 ? 'made in one go' : `${target.segments} segments`;
  return (
    <div className="restore-notice" data-testid="extend-notice" data-segments={target.segments}>
      <p>
        Generate extends <strong>{target.name}</strong> ({target.frames} frames, {segments}): the new part starts from its last frame (the start image below) and is joined to it in one
        video, without repeating that frame.
        {!target.lossless && ' Its last frame was decoded from the video, as it was made before videos kept it exactly.'}
      </p>
      <button type="button" data-testid="extend-stop" onClick={() => void removeStartImage()}>
        Stop extending
      </button>
    </div>
  );
}
