import { useState } from 'react';
import { shareLink } from '../../state/share-link.ts';
import type { SharedSettings } from '../../state/share-link.ts';

/**
 * Copies a link that carries the prompt, seed and settings in its fragment: whoever opens it
 * gets them filled in. Where the clipboard is out of reach, the link is shown to copy by hand.
 */
export function CopyLinkButton({ shared, label }: { shared: SharedSettings; label: string }) {
  const [copied, setCopied] = useState<'copied' | 'show' | null>(null);
  const link = shareLink(location.href, shared);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('copied');
    } catch {
      setCopied('show');
    }
  };
  return (
    <>
      <button type="button" data-testid="copy-link" aria-label={label} onClick={() => void copy()}>
        Copy link
      </button>
      <span role="status" className="hint">
        {copied === 'copied' && 'Link copied. It carries the prompt, seed and settings (not the video or a start image).'}
      </span>
      {copied === 'show' && (
        <label className="copy-link-fallback">
          Copy this link by hand:
          <input readOnly value={link} data-testid="copy-link-text" onFocus={(event) => event.target.select()} />
        </label>
      )}
    </>
  );
}
