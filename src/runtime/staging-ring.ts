interface Region {
  readonly dest: GPUBuffer;
  readonly destOffset: number;
  readonly srcOffset: number;
  size: number;
}

interface Slot {
  readonly buffer: GPUBuffer;
  /** The mapped range, once the slot's previous copies ran. */
  ready: Promise<Uint8Array>;
}

/**
 * Carries bytes to GPU buffers through a few reusable staging buffers: bytes are packed into
 * the mapped slot, and when it is full its copies are submitted and the next slot is used
 * while this one is mapped again. Memory in flight stays at `slots × slotBytes` however much
 * is loaded. (A staging buffer per weight, as onnxruntime uses, leaves each one's shared
 * memory to the garbage collector: 0.6 GB more resident memory while the text encoder loads.)
 *
 * Copies must be 4-byte aligned: every destination's bytes start at a 4-byte boundary of a
 * slot, a slot is cut only at its (aligned) end, and `end` pads a destination's last piece to
 * 4 bytes (destinations are padded to 16).
 */
export class StagingRing {
  private readonly slots: Slot[];
  private index = 0;
  private view: Uint8Array | null = null;
  private used = 0;
  private regions: Region[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly slotBytes = 16 * 1024 * 1024,
    slots = 3,
  ) {
    this.slots = Array.from({ length: slots }, () => {
      const buffer = device.createBuffer({ size: slotBytes, usage: GPUBufferUsage.MAP_WRITE | GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
      return { buffer, ready: Promise.resolve(new Uint8Array(buffer.getMappedRange())) };
    });
  }

  /** Copies `bytes` to `dest` at `destOffset`: a destination's bytes are appended in order, each piece after the last. */
  async append(dest: GPUBuffer, destOffset: number, bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      const view = await this.mapped();
      const last = this.regions.at(-1);
      let region = last?.dest === dest && last.srcOffset + last.size === this.used ? last : null;
      if (!region) {
        region = { dest, destOffset: destOffset + at, srcOffset: this.used, size: 0 };
        this.regions.push(region);
      }
      const take = Math.min(bytes.length - at, this.slotBytes - this.used);
      view.set(bytes.subarray(at, at + take), this.used);
      this.used += take;
      region.size += take;
      at += take;
      if (this.used === this.slotBytes) await this.submit();
    }
  }

  /** The bytes for `dest` are all appended: its last piece is padded to 4 bytes with zeros. */
  async end(dest: GPUBuffer): Promise<void> {
    const last = this.regions.at(-1);
    if (last?.dest !== dest || last.size % 4 === 0) return;
    const pad = 4 - (last.size % 4);
    (await this.mapped()).fill(0, this.used, this.used + pad);
    this.used += pad;
    last.size += pad;
  }

  /** Submits what is packed and waits until the GPU has copied everything; then frees the staging buffers. */
  async finish(): Promise<void> {
    await this.submit();
    await this.device.queue.onSubmittedWorkDone();
    this.destroy();
  }

  destroy(): void {
    for (const slot of this.slots) slot.buffer.destroy();
    this.regions = [];
  }

  private async mapped(): Promise<Uint8Array> {
    this.view ??= await this.slots[this.index]!.ready;
    return this.view;
  }

  /** Submits the slot's copies, and moves to the next slot while this one is mapped again. */
  private async submit(): Promise<void> {
    if (this.regions.length === 0) return;
    const slot = this.slots[this.index]!;
    await this.mapped();
    slot.buffer.unmap();
    const encoder = this.device.createCommandEncoder();
    for (const region of this.regions) encoder.copyBufferToBuffer(slot.buffer, region.srcOffset, region.dest, region.destOffset, region.size);
    this.device.queue.submit([encoder.finish()]);
    slot.ready = slot.buffer.mapAsync(GPUMapMode.WRITE).then(() => new Uint8Array(slot.buffer.getMappedRange()));
    this.index = (this.index + 1) % this.slots.length;
    this.view = null;
    this.used = 0;
    this.regions = [];
  }
}
