/** Live and peak bytes of the GPU buffers created on one device. */
export interface GpuMemoryStats {
  readonly liveBytes: number;
  readonly liveBuffers: number;
  readonly peakBytes: number;
}

/**
 * Counts the buffers onnxruntime creates on our device (it destroys them explicitly), so
 * GPU memory growth across generations can be measured: WebGPU itself has no query for it.
 */
export class GpuMemoryMeter {
  private live = new Map<GPUBuffer, number>();
  private liveBytes = 0;
  private peakBytes = 0;

  constructor(device: GPUDevice) {
    const create = device.createBuffer.bind(device);
    device.createBuffer = (descriptor: GPUBufferDescriptor) => {
      const buffer = create(descriptor);
      this.live.set(buffer, descriptor.size);
      this.liveBytes += descriptor.size;
      this.peakBytes = Math.max(this.peakBytes, this.liveBytes);
      const destroy = buffer.destroy.bind(buffer);
      buffer.destroy = () => {
        const size = this.live.get(buffer);
        if (size !== undefined) {
          this.live.delete(buffer);
          this.liveBytes -= size;
        }
        destroy();
      };
      return buffer;
    };
  }

  stats(): GpuMemoryStats {
    return { liveBytes: this.liveBytes, liveBuffers: this.live.size, peakBytes: this.peakBytes };
  }
}
