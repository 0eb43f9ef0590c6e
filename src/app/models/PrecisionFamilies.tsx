import type { BundleManifest } from '../../bundle/manifest.ts';
import { familyFormats } from '../../bundle/precision-summary.ts';
import { TENSOR_FAMILY_LABELS } from '../../bundle/tensor-families.ts';

/** An installed model's weight format per tensor family, folded away under one line. */
export function PrecisionFamilies({ precision }: { precision: BundleManifest['precision'] }) {
  return (
    <details className="precision-families" data-testid="precision-families">
      <summary>Weights per layer family</summary>
      {precision.families === undefined && <p className="hint">Not recorded in this older bundle: every layer is {precision.weights}.</p>}
      <ul>
        {familyFormats(precision).map(({ family, format }) => (
          <li key={family}>
            {TENSOR_FAMILY_LABELS[family]}: {format}
          </li>
        ))}
      </ul>
    </details>
  );
}
