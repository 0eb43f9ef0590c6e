import { useId } from 'react';
import type { LoraRequest } from '../../runtime/model-host-api.ts';

/**
 * LoRA files for the next conversion, each with its strength. They are merged into the
 * transformer's weights while converting, so generation runs at the same speed; the model
 * gets an id (and a name) of its own.
 */
export function LoraPicker({ loras, onChange, disabled }: { loras: readonly LoraRequest[]; onChange: (loras: LoraRequest[]) => void; disabled: boolean }) {
  const inputId = useId();
  const hintId = useId();
  const update = (index: number, strength: number) => onChange(loras.map((l, k) => (k === index ? { ...l, strength } : l)));
  return (
    <fieldset className="lora-picker" data-testid="lora-picker">
      <legend>LoRAs (optional)</legend>
      <p className="hint" id={hintId}>
        Wan2.2 TI2V-5B LoRA files (.safetensors, diffusers or Kohya/ComfyUI format), merged into the model when you install an official model, a URL or a checkpoint folder below.
      </p>
      <label htmlFor={inputId}>Add LoRA files</label>
      <input
        id={inputId}
        data-testid="lora-files"
        type="file"
        accept=".safetensors"
        multiple
        disabled={disabled}
        aria-describedby={hintId}
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = '';
          onChange([...loras, ...files.map((file) => ({ file, fileName: file.name, strength: 1 }))]);
        }}
      />
      {loras.length > 0 && (
        <ul className="lora-list">
          {loras.map((lora, index) => (
            <li key={`${lora.fileName}-${index}`} data-testid="lora-entry">
              <label htmlFor={`${inputId}-strength-${index}`}>{lora.fileName}, strength</label>
              <input
                id={`${inputId}-strength-${index}`}
                data-testid="lora-strength"
                type="number"
                step="0.05"
                min="-4"
                max="4"
                value={lora.strength}
                disabled={disabled}
                onChange={(event) => Number.isFinite(event.target.valueAsNumber) && update(index, event.target.valueAsNumber)}
              />
              <button type="button" disabled={disabled} aria-label={`Remove ${lora.fileName}`} onClick={() => onChange(loras.filter((_, k) => k !== index))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
