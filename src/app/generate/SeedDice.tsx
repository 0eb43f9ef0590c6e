import { drawSeed } from '../../state/generation-queue.ts';
import { useSettingDraftsStore } from '../../state/setting-drafts-store.ts';
import { useSettingsStore } from '../../state/settings-store.ts';

/** Draws a new random seed into the seed field. */
export function SeedDice() {
  const update = useSettingsStore((s) => s.update);
  const setDraft = useSettingDraftsStore((s) => s.setDraft);
  return (
    <button
      type="button"
      className="small dice"
      data-testid="seed-dice"
      aria-label="Draw a new random seed"
      title="Draw a new random seed"
      onClick={() => {
        update({ seed: drawSeed(Math.random) });
        setDraft('seed', null);
      }}
    >
      <span aria-hidden="true">🎲</span>
    </button>
  );
}
