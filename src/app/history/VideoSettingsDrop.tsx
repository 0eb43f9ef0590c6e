import { useEffect } from 'react';
import { useStudioRestore } from '../../state/studio-restore.ts';
import { firstVideoFile, restoreFromVideoFile } from './restore-video.ts';

/**
 * Restores the settings of a video made by this app: dropped anywhere on the page (an image
 * dragged in is taken by the start image's drop overlay first) or picked with the file control.
 */
export function VideoSettingsDrop() {
  useEffect(() => {
    const onDragOver = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      // A drop the start image overlay or the model folder zone took is done; any other file would make the browser leave the studio to show it.
      if (event.defaultPrevented || !event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      const video = firstVideoFile(event.dataTransfer.files);
      if (video) void restoreFromVideoFile(video);
      else useStudioRestore.getState().tell({ kind: 'failed', text: 'Drop an image to start the video from it, or a video made here to get its settings back: this file is neither.' });
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  return (
    <div className="field video-settings-drop">
      <label htmlFor="video-settings-file">Settings from a video made here</label>
      <input
        id="video-settings-file"
        data-testid="video-settings-file"
        type="file"
        accept="video/mp4,video/webm,.mp4,.webm"
        aria-describedby="video-settings-hint"
        onChange={(event) => {
          const video = event.target.files?.[0];
          event.target.value = '';
          if (video) void restoreFromVideoFile(video);
        }}
      />
      <span className="hint" id="video-settings-hint">
        Or drop the MP4 or WebM anywhere on the page: its prompt, seed and settings come back.
      </span>
    </div>
  );
}
