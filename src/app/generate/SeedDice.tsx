import { drawSeed } from '../../state/generation-queue.ts';
import { useSettingDraftsStore } from '../../state/setting-drafts-store.ts';
import { useSettingsStore } from '../../state/settings-store.ts';

/** A die's five: drawn, so it shows on every system (an emoji needs a colour-emoji font). */
const PIPS = [
  [5, 5],
  [11, 5],
  [8, 8],
  [5, 11],
  [11, 11],
] as const;

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
      <svg className="dice-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
        <rect x="1.5" y="1.5" width="13" height="13" rx="3" fill="none" stroke="currentColor" strokeWidth="1.5" />
        {PIPS.map(([x, y]) => (
          <circle key={`${x}-${y}`} cx={x} cy={y} r="1.3" fill="currentColor" />
        ))}
      </svg>
    </button>
  );
}
