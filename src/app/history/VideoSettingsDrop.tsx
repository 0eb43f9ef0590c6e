import { useEffect } from 'react';
import { useStudioRestore } from '../../state/studio-restore.ts';
import { firstVideoFile, restoreFromVideoFile } from './restore-video.ts';

/**
 * Restores the settings of a video made by this app: dropped anywhere on the page (the start
 * image area passes videos on to here) or picked with the file control.
 */
export function VideoSettingsDrop() {
  useEffect(() => {
    const onDragOver = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      // A drop the start image area took is done; any other file would make the browser leave the studio to show it.
      if (event.defaultPrevented || !event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      const video = firstVideoFile(event.dataTransfer.files);
      if (video) void restoreFromVideoFile(video);
      else useStudioRestore.getState().tell({ kind: 'failed', text: 'Drop a start image on the Start image area, or a video made here anywhere on the page to get its settings back.' });
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
