import { useId } from 'react';
import type { InstalledModel } from '../../model/model-store.ts';
import { useModelsStore } from '../../state/models-store.ts';

/**
 * For an installed model without the tiny decoder: add it, downloaded from madebyollin/taehv
 * (pinned and verified) or from a taew2_2.safetensors picked on this computer, without
 * installing the model again.
 */
export function AddTinyDecoder({ model, disabled }: { model: InstalledModel; disabled: boolean }) {
  const addTinyDecoder = useModelsStore((s) => s.addTinyDecoder);
  const fileId = useId();
  return (
    <div className="actions" data-testid="add-tiny-decoder">
      <button type="button" data-testid="add-tiny-decoder-download" disabled={disabled} onClick={() => void addTinyDecoder(model)}>
        Download the fast decoder
      </button>
      <label htmlFor={fileId} className="hint">
        or from taew2_2.safetensors on this computer:
      </label>
      <input
        id={fileId}
        type="file"
        accept=".safetensors"
        data-testid="add-tiny-decoder-file"
        disabled={disabled}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void addTinyDecoder(model, file);
        }}
      />
    </div>
  );
}
