import { useSettingsStore } from '../../state/settings-store.ts';
import type { Settings } from '../../state/settings-store.ts';

/** A labelled number input bound to one numeric setting. */
export function NumberField(props: { id: keyof Settings; label: string; min: number; max: number; step?: number; hint?: string }) {
  const value = useSettingsStore((s) => s[props.id]) as number;
  const update = useSettingsStore((s) => s.update);
  const hintId = `${props.id}-hint`;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        data-testid={props.id}
        type="number"
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        value={value}
        aria-describedby={props.hint ? hintId : undefined}
        onChange={(event) => update({ [props.id]: Number(event.target.value) })}
      />
      {props.hint && (
        <span className="hint" id={hintId}>
          {props.hint}
        </span>
      )}
    </div>
  );
}
