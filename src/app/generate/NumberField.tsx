import type { ReactNode } from 'react';
import { fieldProblem, fieldText, fieldValue } from '../../state/setting-fields.ts';
import type { CheckedField } from '../../state/setting-fields.ts';
import { useSettingDraftsStore } from '../../state/setting-drafts-store.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import './NumberField.css';

interface SettingInputProps {
  readonly id: CheckedField;
  readonly min: number;
  readonly max: number;
  readonly step?: number;
  /** Ids of the hints that describe the field, besides its problem. */
  readonly describedBy?: readonly string[];
  /** The value to store when the field is left with this text, if any (frames round to 4n + 1). */
  readonly onLeave?: (text: string) => number | null;
  /** A control beside the input (the seed's dice). */
  readonly beside?: ReactNode;
}

/**
 * A number input bound to one setting. What is typed is stored only when it is allowed; until
 * then the field keeps the text, is marked invalid and says under it what is allowed.
 */
export function SettingInput({ id, min, max, step = 1, describedBy = [], onLeave, beside }: SettingInputProps) {
  const value = useSettingsStore((s) => s[id]);
  const update = useSettingsStore((s) => s.update);
  const draft = useSettingDraftsStore((s) => s.drafts[id]);
  const setDraft = useSettingDraftsStore((s) => s.setDraft);
  const text = fieldText(value, draft);
  const problem = fieldProblem(id, text);
  const problemId = `${id}-problem`;
  const store = (next: number) => {
    update({ [id]: next });
    setDraft(id, null);
  };
  const input = (
    <input
      id={id}
      data-testid={id}
      type="number"
      inputMode={step % 1 === 0 ? 'numeric' : 'decimal'}
      min={min}
      max={max}
      step={step}
      value={text}
      aria-invalid={problem !== null}
      aria-describedby={[...describedBy, ...(problem ? [problemId] : [])].join(' ') || undefined}
      onChange={(event) => {
        const next = fieldValue(id, event.target.value);
        if (next !== null) store(next);
        else setDraft(id, { text: event.target.value, over: value });
      }}
      onBlur={(event) => {
        const left = onLeave?.(event.target.value);
        if (left !== null && left !== undefined) store(left);
      }}
    />
  );
  return (
    <>
      {beside ? (
        <div className="field-row">
          {input}
          {beside}
        </div>
      ) : (
        input
      )}
      {problem && (
        <span className="field-problem" id={problemId} data-testid={problemId}>
          {problem}
        </span>
      )}
    </>
  );
}

/** A labelled number input bound to one setting, with an optional help line. */
export function NumberField(props: Omit<SettingInputProps, 'describedBy'> & { readonly label: string; readonly help?: string }) {
  const { label, help, ...input } = props;
  const helpId = `${props.id}-help`;
  return (
    <div className="field">
      <label htmlFor={props.id}>{label}</label>
      <SettingInput {...input} describedBy={help ? [helpId] : []} />
      {help && (
        <span className="hint" id={helpId}>
          {help}
        </span>
      )}
    </div>
  );
}
