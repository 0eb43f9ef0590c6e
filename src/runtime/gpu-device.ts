/**
 * Creating our own GPUDevice for onnxruntime-web's native WebGPU EP: the EP ignores
 * env.webgpu.adapter/powerPreference, so the only way to choose features (e.g. leave
 * out `subgroups`, whose flash-attention path is wrong on some adapters) is to create
 * the device ourselves and pass it per session.
 */

/** Limits onnxruntime asks for at the adapter's maximum; a custom device must ask too. */
const LIMITS_AT_ADAPTER_MAX = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxBindGroups',
  'maxStorageBuffersPerShaderStage',
] as const;

/** Features onnxruntime's WebGPU kernels can use. */
const USEFUL_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query'] as const;

export type GpuFeature = (typeof USEFUL_FEATURES)[number];

/** Requests the high-performance adapter, or null when WebGPU has none. */
export async function requestGpuAdapter(gpu: GPU): Promise<GPUAdapter | null> {
  return gpu.requestAdapter({ powerPreference: 'high-performance' });
}

/**
 * Creates a device with the adapter's maximum limits and the useful features it has,
 * minus `exclude`. An adapter can give out only one device, so pass a fresh one.
 */
export async function createGpuDevice(
  adapter: GPUAdapter,
  exclude: readonly GpuFeature[] = [],
): Promise<{ device: GPUDevice; features: GpuFeature[] }> {
  const features = USEFUL_FEATURES.filter((f) => adapter.features.has(f) && !exclude.includes(f));
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS_AT_ADAPTER_MAX) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits });
  return { device, features };
}
