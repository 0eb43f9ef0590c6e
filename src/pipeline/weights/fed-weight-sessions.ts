import type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor } from '../ort-types.ts';
import type { DataType } from '../../onnx/tensor-types.ts';
import { ModelNotInstalledError } from '../../errors.ts';
import { weightsAsInputs } from './weight-inputs.ts';
import type { ConstantInput, WeightInput } from './weight-inputs.ts';
import { weightSpans } from './weight-spans.ts';
import type { BundleBytes, GraphSessionLoader } from './graph-session-loader.ts';

/** Where one weight's bytes are put as they arrive: a GPU buffer, or an array in tests. */
export interface WeightBuffer {
  /** Bytes the buffer takes (at least the weight's). */
  readonly bytes: number;
  /** Appends the weight's next bytes, in order. */
  write(chunk: Uint8Array): Promise<void> | void;
  /** Every byte is written. */
  seal(): Promise<void> | void;
  /** The tensor fed to a session. */
  tensor(): OrtTensor;
  destroy(): void;
}

/** What a buffer is made for: the tensor's type and shape, and its bytes. */
export type BufferShape = Pick<WeightInput, 'dtype' | 'dims' | 'length'>;

/** One batch of weights being loaded: their buffers, and whatever carries the bytes there. */
export interface WeightLoad {
  allocate(weight: BufferShape): WeightBuffer;
  /** Every weight of the batch is sealed: the buffers are usable once this settles. */
  finish(): Promise<void> | void;
  /** The batch failed: drop what is in flight (its buffers are destroyed by the caller). */
  abandon(): void;
}

/** Makes the buffers weights go to. */
export interface WeightMemory {
  /** Whether a weight of this type can live in such a buffer; the others are put inside the graph. */
  feedable(dtype: DataType): boolean;
  startLoad(): WeightLoad;
}

interface HeldWeight {
  readonly buffer: WeightBuffer;
  users: number;
}

/** Bytes and buffers of the weights held now. */
export interface WeightStats {
  readonly bytes: number;
  readonly buffers: number;
}

/**
 * Creates sessions whose external weights are fed on every run from buffers we own: each
 * weight is streamed from its bundle file into its buffer as the bytes arrive (one read per
 * span of the file, whatever the source), so no more than a piece of a file is ever in JS
 * memory. A weight that several sessions use (the DiT and its chunked-attention variant) is
 * loaded once; a buffer is destroyed when the last session using it is released, so the
 * bytes held are exactly the loaded sessions' weights (and the graph constants the GPU reads,
 * one copy per session; see weightsAsInputs).
 */
export class FedWeightSessions implements GraphSessionLoader {
  private readonly held = new Map<string, HeldWeight>();
  /** onnxruntime-web creates one WebGPU session at a time ("another … session is being created"). */
  private queue: Promise<unknown> = Promise.resolve();
  /** Constants belong to one session each: their keys are unique. */
  private constantKeys = 0;

  constructor(
    private readonly ort: OrtModule,
    private readonly memory: WeightMemory,
  ) {}

  create(model: Uint8Array, options: OrtSessionOptions, bytes: BundleBytes): Promise<OrtSession> {
    const created = this.queue.then(() => this.load(model, options, bytes));
    this.queue = created.catch(() => undefined);
    return created;
  }

  stats(): WeightStats {
    let total = 0;
    for (const weight of this.held.values()) total += weight.buffer.bytes;
    return { bytes: total, buffers: this.held.size };
  }

  private async load(model: Uint8Array, options: OrtSessionOptions, bytes: BundleBytes): Promise<OrtSession> {
    const graph = await weightsAsInputs(model, {
      feedable: (dtype) => this.memory.feedable(dtype),
      readRange: (file, offset, length) => bytes.readRange(file, offset, length),
      fileSize: (file) => bytes.fileSize(file),
      title: bytes.title,
    });
    const keyOf = (weight: WeightInput) => `${bytes.key}\n${weight.file}\n${weight.offset}\n${weight.length}`;
    const unique = new Map(graph.weights.map((weight) => [keyOf(weight), weight]));
    const acquired = new Set<string>();
    for (const key of unique.keys()) {
      const held = this.held.get(key);
      if (!held) continue;
      held.users++;
      acquired.add(key);
    }
    try {
      const missing = [...unique].filter(([key]) => !acquired.has(key)).map(([, weight]) => weight);
      const feeds: Record<string, OrtTensor> = {};
      for (const [weight, buffer] of await this.upload(missing, graph.constants, bytes)) {
        const key = 'file' in weight ? keyOf(weight) : `constant ${this.constantKeys++}`;
        this.held.set(key, { buffer, users: 1 });
        acquired.add(key);
        if (!('file' in weight)) feeds[weight.name] = buffer.tensor();
      }
      const session = await this.ort.InferenceSession.create(graph.model, options);
      for (const weight of graph.weights) feeds[weight.name] = this.held.get(keyOf(weight))!.buffer.tensor();
      let released = false;
      return {
        run: (inputs) => session.run({ ...inputs, ...feeds }),
        release: async () => {
          if (released) return;
          released = true;
          try {
            await session.release();
          } finally {
            this.drop(acquired);
          }
        },
      };
    } catch (error) {
      this.drop(acquired);
      throw error;
    }
  }

  /** Streams each weight from its file into a new buffer, span by span, then the constants; on failure none is kept. */
  private async upload(
    weights: readonly WeightInput[],
    constants: readonly ConstantInput[],
    bytes: BundleBytes,
  ): Promise<[WeightInput | ConstantInput, WeightBuffer][]> {
    const uploaded: [WeightInput | ConstantInput, WeightBuffer][] = [];
    let open: { weight: WeightInput; buffer: WeightBuffer; written: number } | null = null;
    const load = this.memory.startLoad();
    try {
      for (const span of weightSpans(weights)) {
        let next = 0;
        let position = span.offset;
        for await (const chunk of bytes.stream(span.file, span.offset, span.length)) {
          let at = 0;
          while (at < chunk.length) {
            if (!open) {
              if (next === span.weights.length) break;
              const weight = span.weights[next]!;
              const gap = weight.offset - (position + at);
              if (gap > 0) {
                at += Math.min(gap, chunk.length - at);
                continue;
              }
              open = { weight, buffer: load.allocate(weight), written: 0 };
              next++;
            }
            const take = Math.min(open.weight.length - open.written, chunk.length - at);
            await open.buffer.write(chunk.subarray(at, at + take));
            open.written += take;
            at += take;
            if (open.written === open.weight.length) {
              const done = open;
              open = null;
              uploaded.push([done.weight, done.buffer]);
              await done.buffer.seal();
            }
          }
          position += chunk.length;
        }
        if (open || next < span.weights.length) {
          throw new ModelNotInstalledError(`${bytes.title}: ${span.file} ended before its weights did. The bundle is damaged; install or build it again.`);
        }
      }
      for (const constant of constants) {
        const buffer = load.allocate({ ...constant, length: constant.bytes.length });
        uploaded.push([constant, buffer]);
        await buffer.write(constant.bytes);
        await buffer.seal();
      }
      await load.finish();
      return uploaded;
    } catch (error) {
      load.abandon();
      open?.buffer.destroy();
      for (const [, buffer] of uploaded) buffer.destroy();
      throw error;
    }
  }

  private drop(keys: Iterable<string>): void {
    for (const key of keys) {
      const weight = this.held.get(key);
      if (!weight || --weight.users > 0) continue;
      weight.buffer.destroy();
      this.held.delete(key);
    }
  }
}
