import { useSettingsStore } from '../../state/settings-store.ts';
import { LOOK_CATEGORIES, activeLook, withLook } from './look-presets.ts';

/** Chips that write lighting, shot, lens, movement, tone and style phrases into the prompt (one per kind). */
export function LookChips() {
  const prompt = useSettingsStore((s) => s.prompt);
  const setPrompt = useSettingsStore((s) => s.setPrompt);
  return (
    <details className="looks" data-testid="looks">
      <summary>Look: lighting, shot, lens, camera, colour, style</summary>
      {LOOK_CATEGORIES.map((category) => {
        const active = activeLook(prompt, category);
        return (
          <fieldset key={category.key} className="chips">
            <legend>{category.label}</legend>
            {category.phrases.map((phrase) => (
              <button
                key={phrase}
                type="button"
                className="chip"
                data-testid="look-chip"
                aria-pressed={active === phrase}
                onClick={() => setPrompt(withLook(prompt, category, phrase))}
              >
                {phrase}
              </button>
            ))}
          </fieldset>
        );
      })}
    </details>
  );
}
