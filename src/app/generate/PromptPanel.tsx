import { useSettingsStore } from '../../state/settings-store.ts';

/** The prompt the next video is generated from. */
export function PromptPanel() {
  const prompt = useSettingsStore((s) => s.prompt);
  const setPrompt = useSettingsStore((s) => s.setPrompt);
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
        onChange={(event) => setPrompt(event.target.value)}
      />
      <p className="hint">{prompt.length} characters</p>
    </section>
  );
}
