import { useId, useRef } from 'react';
import type { QuantConfig } from '../../bundle/quant-config.ts';
import type { CatalogModel } from '../../model/model-catalog.ts';
import type { LoraRequest } from '../../runtime/model-host-api.ts';
import { useModelsStore } from '../../state/models-store.ts';
import { InstallCostList } from './InstallCostList.tsx';
import './CatalogInstallButton.css';

/** Installs an official model after the user confirmed what it reads, stores and needs (a native modal dialog). */
export function CatalogInstallButton({
  model,
  quant,
  loras,
  disabled,
  label,
}: {
  model: CatalogModel;
  quant: QuantConfig;
  /** LoRAs to merge while converting (see LoraPicker). */
  loras?: readonly LoraRequest[];
  disabled: boolean;
  label?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const installCatalogModel = useModelsStore((state) => state.installCatalogModel);
  const headingId = useId();
  const costId = useId();
  return (
    <>
      <button
        type="button"
        data-testid="catalog-install"
        data-model={model.key}
        disabled={disabled}
        onClick={() => {
          if (!dialog.current) return;
          dialog.current.returnValue = '';
          dialog.current.showModal();
        }}
      >
        {label ?? `Install ${model.name}…`}
      </button>
      <dialog
        ref={dialog}
        className="confirm-install"
        data-testid="confirm-install"
        aria-labelledby={headingId}
        aria-describedby={costId}
        onClose={(event) => event.currentTarget.returnValue === 'install' && void installCatalogModel(model, quant, loras)}
      >
        <form method="dialog">
          <h2 id={headingId}>Install {model.name}?</h2>
          <InstallCostList model={model} quant={quant} id={costId} />
          <div className="actions">
            <button value="cancel" data-testid="confirm-install-cancel" autoFocus>
              Cancel
            </button>
            <button value="install" data-testid="confirm-install-ok">
              Install
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
