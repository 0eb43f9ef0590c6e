import type { OrtModule } from '../pipeline/ort-types.ts';
import { FedWeightSessions } from '../pipeline/weights/fed-weight-sessions.ts';
import type { WeightMemory } from '../pipeline/weights/fed-weight-sessions.ts';
import type { DataType } from '../onnx/tensor-types.ts';
import { StagingRing } from './staging-ring.ts';

type GpuTensorType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'bool';
const GPU_TENSOR_TYPES: readonly DataType[] = ['float32', 'float16', 'int32', 'int64', 'uint8', 'bool'] satisfies GpuTensorType[];

/**
 * Weights in GPU buffers: each weight's bytes are packed, as they arrive, into a few reused
 * staging buffers that the GPU copies from (see StagingRing). Only pieces of the source are
 * ever in JS memory, whether it is OPFS, a picked file or a URL, with the JSPI build or
 * without. (Mapping each weight's own buffer at creation, or queue.writeBuffer, kept the
 * bytes' shared memory in the page's process: 3.1 and 1.4 GB more resident memory while the
 * text encoder loaded in chromium.)
 */
export function gpuWeightMemory(ort: OrtModule, device: GPUDevice): WeightMemory {
  return {
    feedable: (dtype) => GPU_TENSOR_TYPES.includes(dtype),
    startLoad() {
      const ring = new StagingRing(device);
      return {
        allocate(weight) {
          const buffer = device.createBuffer({
            size: Math.max(16, Math.ceil(weight.length / 16) * 16),
            usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
          });
          let written = 0;
          return {
            bytes: buffer.size,
            write(chunk) {
              const at = written;
              written += chunk.length;
              return ring.append(buffer, at, chunk);
            },
            seal: () => ring.end(buffer),
            tensor: () => ort.Tensor.fromGpuBuffer(buffer, { dataType: weight.dtype as GpuTensorType, dims: weight.dims }),
            destroy: () => buffer.destroy(),
          };
        },
        finish: () => ring.finish(),
        abandon: () => ring.destroy(),
      };
    },
  };
}

/** Sessions on the GPU with their weights in buffers we own (see FedWeightSessions). */
export const deviceWeightSessions = (ort: OrtModule, device: GPUDevice) => new FedWeightSessions(ort, gpuWeightMemory(ort, device));
