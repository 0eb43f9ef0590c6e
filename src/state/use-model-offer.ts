import { useModelsStore } from './models-store.ts';
import { useGenerationStore } from './generation-store.ts';
import { useModelLocation } from './use-model-location.ts';

/** What Generate says about models when there is none to generate with. */
export interface ModelOffer {
  /** No model is installed, chosen or installing: the button reads "Install a model to generate". */
  readonly needsModel: boolean;
  /** The installs are offered beside the button: Generate was pressed without a model, or an install is under way or ended there. */
  readonly showOffer: boolean;
}

export function useModelOffer(): ModelOffer {
  const { loaded, installed, install } = useModelsStore();
  const noModel = useGenerationStore((state) => state.noModel);
  const location = useModelLocation();
  const none = loaded && installed.length === 0;
  return { needsModel: none && install?.status !== 'running' && location === null, showOffer: none && (noModel || install !== null) };
}
