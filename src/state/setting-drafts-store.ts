import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { settingProblems } from './setting-fields.ts';
import type { CheckedField, FieldDraft, FieldDrafts, SettingProblem } from './setting-fields.ts';
import { useSettingsStore } from './settings-store.ts';

interface SettingDraftsState {
  readonly drafts: FieldDrafts;
  /** Keeps what a field holds while it is not an allowed value; null once it is one again. */
  setDraft(field: CheckedField, draft: FieldDraft | null): void;
}

/** The number fields' text while it holds no allowed value: shown and reported, never stored as a setting or kept across reloads. */
export const useSettingDraftsStore = create<SettingDraftsState>()((set) => ({
  drafts: {},
  setDraft: (field, draft) =>
    set((state) => {
      const { [field]: _dropped, ...others } = state.drafts;
      return { drafts: draft ? { ...others, [field]: draft } : others };
    }),
}));

/** What stops Generate now: every field without an allowed value. */
export function currentSettingProblems(): SettingProblem[] {
  return settingProblems(useSettingsStore.getState(), useSettingDraftsStore.getState().drafts);
}

/** The same, kept up to date for the page. */
export function useSettingProblems(): SettingProblem[] {
  const drafts = useSettingDraftsStore((state) => state.drafts);
  const values = useSettingsStore(useShallow(({ frames, steps, guidance, shift, seed, fps }) => ({ frames, steps, guidance, shift, seed, fps })));
  return settingProblems(values, drafts);
}
