import { GraphBuilder, STANDARD_OPSETS } from '../onnx/index.ts';
import type { OrtModule, OrtSession } from '../pipeline/ort-types.ts';

/** Features onnxruntime's WebGPU kernels can use, and the ones that come with them. */
const FEATURE_FAMILIES = {
  'shader-f16': ['shader-f16'],
  subgroups: ['subgroups', 'subgroup-size-control', 'chromium-experimental-subgroup-matrix'],
  'timestamp-query': ['timestamp-query'],
} as const;

/**
 * How onnxruntime keeps the GPU buffers its kernels free (set by the session that creates
 * its device). Its default keeps them in size buckets, up to about 4.4 GB of them, for reuse
 * by later runs, and never gives them back while the device lives: after a generation they
 * would hold the GPU memory of the largest activations seen. Here a buffer is destroyed at
 * the end of the run that freed it, so between jobs the GPU holds the loaded weights alone.
 */
const BUFFER_CACHE = { storageBufferCacheMode: 'lazyRelease', uniformBufferCacheMode: 'lazyRelease' } as const;

export type GpuFeature = keyof typeof FEATURE_FAMILIES;

/** onnxruntime's WebGPU device, kept alive by a session of ours. */
export interface OrtDevice {
  readonly device: GPUDevice;
  /** The useful features the device has. */
  readonly features: GpuFeature[];
  /** The adapter, named for telling machines apart. */
  readonly adapterName: string;
  /**
   * Destroys the buffers that onnxruntime freed since its last run (outputs disposed after
   * it): with the lazy-release cache they are destroyed only at the end of the next run, so
   * this runs a one-value graph.
   */
  flush(): Promise<void>;
  /** Lets onnxruntime destroy the device (once no other session uses it). */
  release(): Promise<void>;
}

/**
 * Has onnxruntime-web create its own WebGPU device, without the features in `exclude`.
 *
 * The sessions must run on onnxruntime's own device: onnxruntime-web 1.31 labels every GPU
 * tensor that a caller feeds (`Tensor.fromGpuBuffer`, or an output fed back) as being on
 * its device 0, and a session given a device of ours (device ids from 1) refuses them
 * ("There's no data transfer registered for copying tensors from … DeviceId:0 to … DeviceId:1").
 * onnxruntime creates that device through the page's WebGPU API when its first session
 * is created (and again after its last session was released), so the features are chosen
 * by filtering what it asks the adapter for while it does, with the high-performance adapter.
 * A held session keeps the device alive.
 */
export async function createOrtDevice(ort: OrtModule, exclude: readonly GpuFeature[]): Promise<OrtDevice> {
  const removed = new Set<string>(exclude.flatMap((feature) => FEATURE_FAMILIES[feature]));
  const { requestDevice } = GPUAdapter.prototype;
  const { requestAdapter } = GPU.prototype;
  let adapter: GPUAdapter | null = null;
  GPU.prototype.requestAdapter = function (this: GPU, options?: GPURequestAdapterOptions) {
    return requestAdapter.call(this, { ...options, powerPreference: 'high-performance' });
  };
  GPUAdapter.prototype.requestDevice = function (this: GPUAdapter, descriptor?: GPUDeviceDescriptor) {
    // oxlint-disable-next-line typescript/no-this-alias -- the adapter is only known inside the patched method
    adapter = this;
    const requiredFeatures = [...(descriptor?.requiredFeatures ?? [])].filter((feature) => !removed.has(feature));
    return requestDevice.call(this, { ...descriptor, requiredFeatures });
  };
  let hold: OrtSession;
  try {
    hold = await ort.InferenceSession.create(keepAliveGraph(), { executionProviders: [{ name: 'webgpu', ...BUFFER_CACHE }] });
  } finally {
    GPUAdapter.prototype.requestDevice = requestDevice;
    GPU.prototype.requestAdapter = requestAdapter;
  }
  const device = (ort as unknown as { env: { webgpu: { device?: GPUDevice } } }).env.webgpu.device;
  if (!device || !adapter) {
    await hold.release();
    throw new Error('onnxruntime did not create a WebGPU device (or created it before the features could be chosen).');
  }
  const features = (Object.keys(FEATURE_FAMILIES) as GpuFeature[]).filter((feature) => device.features.has(feature));
  const leaked = features.filter((feature) => exclude.includes(feature));
  if (leaked.length > 0) {
    await hold.release();
    throw new Error(`onnxruntime's WebGPU device has ${leaked.join(', ')}, which was left out: another session still holds an earlier device.`);
  }
  const { vendor, architecture, description } = (adapter as GPUAdapter).info;
  const adapterName = [vendor, architecture, description].filter(Boolean).join(' ') || 'unknown GPU';
  const one = new ort.Tensor('float32', new Float32Array(1), [1]);
  return {
    device,
    features,
    adapterName,
    flush: async () => {
      await hold.run({ x: one });
    },
    release: () => hold.release(),
  };
}

function keepAliveGraph(): Uint8Array {
  const g = new GraphBuilder('keep-device');
  g.output('y', 'float32', [1], g.input('x', 'float32', [1]));
  return g.toModel({ opsets: STANDARD_OPSETS });
}
