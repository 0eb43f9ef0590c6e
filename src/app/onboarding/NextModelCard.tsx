import { MODEL_CATALOG } from '../../model/model-catalog.ts';
import { capabilityVerdict } from '../../runtime/capability-verdict.ts';
import { recommendedModel } from '../../state/first-run.ts';
import { useModelsStore } from '../../state/models-store.ts';
import { useSystemStore } from '../../state/system-store.ts';
import { CatalogInstallButton } from '../models/CatalogInstallButton.tsx';
import { InstallCostList } from '../models/InstallCostList.tsx';
import { useDefaultQuant } from '../models/use-default-quant.ts';

/** Step 2 of the first run: the real model to install next, what it costs, and how long it takes here. */
export function NextModelCard() {
  const model = recommendedModel();
  const others = MODEL_CATALOG.filter((candidate) => candidate !== model);
  const quant = useDefaultQuant();
  const running = useModelsStore((state) => state.install?.status === 'running');
  const { capabilities, selfCheck } = useSystemStore();
  const software = capabilities !== null && capabilityVerdict(capabilities, selfCheck).softwareGpu;
  return (
    <div className="next-model" data-testid="next-model-card">
      <p>
        <strong>Recommended: {model.name}.</strong> {model.description}
      </p>
      <InstallCostList model={model} quant={quant} />
      <p data-testid="next-model-time" className={software ? 'note-warn' : undefined}>
        {software
          ? 'Time on this machine: too long to be useful. This is a software GPU, and the full-size model took 31 minutes on one for a 64×64 clip of 5 frames with 2 steps. Open this page on a computer with a graphics card for real videos.'
          : 'Time on this machine: not measured yet. Once it is installed, "Measure this machine" beside Generate runs two short clips and gives the time for your settings before you generate.'}
      </p>
      <div className="actions">
        <CatalogInstallButton model={model} quant={quant} disabled={running} />
        {others.map((other) => (
          <CatalogInstallButton key={other.key} model={other} quant={quant} disabled={running} />
        ))}
        <a className="button" href="#models-heading">
          All install options
        </a>
      </div>
    </div>
  );
}
