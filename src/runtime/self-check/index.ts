export { buildOpChecks } from './op-check-graphs.ts';
export type { CheckFeed, OpCheck } from './op-check-graphs.ts';
export {
  SELF_CHECK_TOLERANCE,
  compareWithReference,
  maxAbsDiff,
  runReference,
  sessionRunner,
} from './compare-runners.ts';
export type { OpCheckResult, OpRunner, ReferenceOutputs } from './compare-runners.ts';
export { GPU_CONFIGS } from './self-check-report.ts';
export { REMEMBER_CHECK_MS, checkToRemember, gpuCheckFingerprint, usableRememberedCheck } from './remembered-check.ts';
export type { GpuCheckIdentity, RememberedGpuCheck } from './remembered-check.ts';
export type { GpuConfigId, GpuConfigReport, SelfCheckProgress, SelfCheckReport } from './self-check-report.ts';
