import { MAX_TEXT_TOKENS } from '../../bundle/umt5-names.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import { LookChips } from './LookChips.tsx';
import { StartImagePanel } from './StartImagePanel.tsx';
import { usePromptTokens } from './use-prompt-tokens.ts';

/** What to generate: the prompt (with its token count and look chips), and the optional start image. */
export function PromptPanel() {
  const prompt = useSettingsStore((s) => s.prompt);
  const setPrompt = useSettingsStore((s) => s.setPrompt);
  const tokens = usePromptTokens(prompt);
  const over = tokens !== null && tokens > MAX_TEXT_TOKENS;
  return (
    <section className="panel" aria-labelledby="prompt-heading">
      <h2 id="prompt-heading">Prompt</h2>
      <label htmlFor="prompt">Describe the video</label>
      <textarea
        id="prompt"
        data-testid="prompt"
        rows={6}
        value={prompt}
        placeholder="A red fox trotting through fresh snow at sunrise, low tracking shot, soft warm light"
        aria-describedby="prompt-length"
        onChange={(event) => setPrompt(event.target.value)}
      />
      <p className={over ? 'hint note-error' : 'hint'} id="prompt-length" data-testid="prompt-tokens" data-tokens={tokens ?? ''}>
        {tokens === null ? `${prompt.length} characters` : `${tokens} of ${MAX_TEXT_TOKENS} tokens`}
        {over && ': the text encoder reads only the first 512, so the end of this prompt is ignored.'}
        {' · '}Ctrl+Enter generates
      </p>
      <LookChips />
      <StartImagePanel />
    </section>
  );
}
