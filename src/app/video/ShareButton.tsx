import { useState } from 'react';

/** Shares a video file through the Web Share API; absent where the browser cannot share files. */
export function ShareButton(props: { file: () => File | Promise<File> }) {
  const [error, setError] = useState<string | null>(null);
  if (typeof navigator.canShare !== 'function') return null;
  const share = async () => {
    try {
      const file = await props.file();
      if (!navigator.canShare({ files: [file] })) throw new Error('this browser cannot share video files');
      await navigator.share({ files: [file], title: file.name });
    } catch (shareError) {
      if ((shareError as DOMException).name !== 'AbortError') setError(`Could not share: ${(shareError as Error).message}. Download it instead.`);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void share()}>
        Share
      </button>
      {error && <span className="note-warn">{error}</span>}
    </>
  );
}
