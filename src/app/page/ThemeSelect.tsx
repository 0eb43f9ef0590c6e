import { useLayoutEffect } from 'react';
import { THEME_CHOICES, useThemeStore } from '../../state/theme-store.ts';
import type { ThemeChoice } from '../../state/theme-store.ts';

const LABELS: Record<ThemeChoice, string> = { system: 'As the system', light: 'Light', dark: 'Dark' };

/** Light, dark, or the system's setting; styles.css reads the choice from <html data-theme>. */
export function ThemeSelect() {
  const { theme, setTheme } = useThemeStore();
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <span className="theme-select">
      <label htmlFor="theme">Theme</label>
      <select id="theme" data-testid="theme" value={theme} onChange={(event) => setTheme(event.target.value as ThemeChoice)}>
        {THEME_CHOICES.map((choice) => (
          <option key={choice} value={choice}>
            {LABELS[choice]}
          </option>
        ))}
      </select>
    </span>
  );
}
