import { formatBytes } from '../../format-bytes.ts';
import { formatDuration } from '../../format-duration.ts';
import type { QuantConfig } from '../../bundle/quant-config.ts';
import type { CatalogModel } from '../../model/model-catalog.ts';
import { TYPICAL_BITS_PER_SECOND, installCost } from '../../state/first-run.ts';

/** What installing a catalog model reads, stores and needs of the GPU, in plain figures. */
export function InstallCostList({ model, quant, id }: { model: CatalogModel; quant: QuantConfig; id?: string }) {
  const cost = installCost(model);
  const int4 = quant.weights === 'int4';
  return (
    <ul className="install-cost" id={id} data-testid="install-cost">
      <li>
        Reads about <strong>{formatBytes(cost.readBytes)}</strong> from Hugging Face: about {formatDuration(cost.readSeconds * 1000)} at {TYPICAL_BITS_PER_SECOND / 1e6} Mbit/s. It
        is converted as it arrives, and you can pause and resume.
      </li>
      <li>
        Stores {int4 ? 'about' : 'more than'} <strong>{formatBytes(cost.diskBytes)}</strong> in this browser{int4 ? '' : ` (that is with int4 weights; ${quant.weights} takes more)`}.
      </li>
      <li>
        Needs about <strong>{formatBytes(cost.gpuBytes)}</strong> of GPU memory to generate a short clip, more for long 720p videos.
      </li>
    </ul>
  );
}
