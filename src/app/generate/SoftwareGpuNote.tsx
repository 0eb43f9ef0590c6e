import { SELF_TEST_MODEL_ID } from '../../model/model-catalog.ts';
import { SOFTWARE_GPU_MEANING, capabilityVerdict } from '../../runtime/capability-verdict.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import { useSystemStore } from '../../state/system-store.ts';

/** Beside Generate, when a real model is chosen on a software GPU: what that means for the wait. */
export function SoftwareGpuNote() {
  const capabilities = useSystemStore((state) => state.capabilities);
  const selfCheck = useSystemStore((state) => state.selfCheck);
  const selfTest = useSettingsStore((state) => state.modelSource === 'installed' && state.installedModelId === SELF_TEST_MODEL_ID);
  if (selfTest || !capabilities || !capabilityVerdict(capabilities, selfCheck).softwareGpu) return null;
  return (
    <p className="note-warn" data-testid="software-gpu-note">
      {SOFTWARE_GPU_MEANING}
    </p>
  );
}
