/** Live and peak bytes of the GPU buffers created on one device. */
export interface GpuMemoryStats {
  readonly liveBytes: number;
  readonly liveBuffers: number;
  readonly peakBytes: number;
}

/** What one stretch of work needed: the most bytes live at once, and the largest single buffer it created. */
export interface GpuMemoryWindow {
  readonly peakBytes: number;
  readonly largestBufferBytes: number;
}

/**
 * Counts the buffers onnxruntime creates on our device (it destroys them explicitly), so
 * GPU memory growth across generations can be measured: WebGPU itself has no query for it.
 */
export class GpuMemoryMeter {
  private live = new Map<GPUBuffer, number>();
  private liveBytes = 0;
  private peakBytes = 0;
  private windowPeakBytes = 0;
  private windowLargestBuffer = 0;

  constructor(device: GPUDevice) {
    const create = device.createBuffer.bind(device);
    device.createBuffer = (descriptor: GPUBufferDescriptor) => {
      const buffer = create(descriptor);
      this.live.set(buffer, descriptor.size);
      this.liveBytes += descriptor.size;
      this.peakBytes = Math.max(this.peakBytes, this.liveBytes);
      this.windowPeakBytes = Math.max(this.windowPeakBytes, this.liveBytes);
      this.windowLargestBuffer = Math.max(this.windowLargestBuffer, descriptor.size);
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

  /** The peak and largest buffer since the previous call (or since creation); the next window starts now. */
  takeWindow(): GpuMemoryWindow {
    const window = { peakBytes: this.windowPeakBytes, largestBufferBytes: this.windowLargestBuffer };
    this.windowPeakBytes = this.liveBytes;
    this.windowLargestBuffer = 0;
    return window;
  }

  stats(): GpuMemoryStats {
    return { liveBytes: this.liveBytes, liveBuffers: this.live.size, peakBytes: this.peakBytes };
  }
}
