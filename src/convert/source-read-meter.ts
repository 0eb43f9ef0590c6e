import type { Checkpoint, AbortSignalLike } from '../safetensors/index.ts';
import { ConversionCanceledError } from '../errors.ts';
import type { WeightSource } from './weights/weight-source.ts';

/** Counts source bytes as weights are read, for progress and ETA, and honours the abort signal. */
export class SourceReadMeter {
  constructor(
    public read: number,
    readonly total: number,
    private readonly report: (read: number) => void,
    private readonly signal?: AbortSignalLike,
  ) {}

  wrap(source: WeightSource, checkpoint: Checkpoint): WeightSource {
    return {
      ...source,
      read: (name) => this.meter(name, checkpoint, source.read(name)),
      ...(source.quantized ? { quantized: { read: (name: string, ...rest: [number, number, 4 | 8, number]) => this.counted(name, checkpoint, source.quantized!.read(name, ...rest)) } } : {}),
      ...(source.ggml ? { ggml: { type: source.ggml.type, read: (name: string) => this.meter(name, checkpoint, source.ggml!.read(name)) } } : {}),
    };
  }

  private async meter<T>(name: string, checkpoint: Checkpoint, reading: Promise<T>): Promise<T> {
    if (this.signal?.aborted) throw new ConversionCanceledError();
    const value = await reading;
    this.add(checkpoint.tensors.get(name)?.byteLength ?? 0);
    return value;
  }

  private counted<T>(name: string, checkpoint: Checkpoint, value: T): T {
    if (this.signal?.aborted) throw new ConversionCanceledError();
    if (value !== undefined) this.add(checkpoint.tensors.get(name)?.byteLength ?? 0);
    return value;
  }

  add(bytes: number): void {
    this.read += bytes;
    this.report(this.read);
  }

  /** Moves on to `bytes` when behind: components are read in order, so reaching one means those before it are done. */
  catchUp(bytes: number): void {
    if (bytes <= this.read) return;
    this.read = bytes;
    this.report(this.read);
  }
}

/** Bytes of a component's source tensors. */
export function checkpointBytes(checkpoint: Checkpoint): number {
  let total = 0;
  for (const tensor of checkpoint.tensors.values()) total += tensor.byteLength;
  return total;
}
