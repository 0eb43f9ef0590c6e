import { WAN_NEGATIVE_PROMPT, WAN_NEGATIVE_PROMPT_ENGLISH } from '../../pipeline/generate/generation-settings.ts';
import { useSettingsStore } from '../../state/settings-store.ts';

/** What to steer away from: Wan's own default (Chinese, shown with an English gloss) unless replaced. */
export function NegativePromptField() {
  const negativePrompt = useSettingsStore((s) => s.negativePrompt);
  const update = useSettingsStore((s) => s.update);
  const usingDefault = negativePrompt.trim() === '';
  return (
    <div className="negative-prompt">
      <label htmlFor="negative-prompt">Negative prompt</label>
      <textarea
        id="negative-prompt"
        data-testid="negative-prompt"
        rows={2}
        value={negativePrompt}
        placeholder="Empty: Wan's default, below"
        aria-describedby="negative-prompt-default"
        onChange={(event) => update({ negativePrompt: event.target.value })}
      />
      <details id="negative-prompt-default">
        <summary>{usingDefault ? "Using Wan's default negative prompt" : "Wan's default negative prompt"}</summary>
        <p lang="zh">{WAN_NEGATIVE_PROMPT}</p>
        <p className="hint">In English: {WAN_NEGATIVE_PROMPT_ENGLISH}</p>
        <div className="actions">
          <button type="button" onClick={() => update({ negativePrompt: WAN_NEGATIVE_PROMPT })}>
            Edit a copy of it
          </button>
          {!usingDefault && (
            <button type="button" onClick={() => update({ negativePrompt: '' })}>
              Go back to the default
            </button>
          )}
        </div>
      </details>
    </div>
  );
}
