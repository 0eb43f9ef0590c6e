import { ALL_FORMATS, BlobSource, BufferTarget, EncodedPacketSink, EncodedVideoPacketSource, Input, Mp4OutputFormat, Output, WebMOutputFormat } from 'mediabunny';
import type { MetadataTags, VideoCodec } from 'mediabunny';
import { InvalidInputError } from '../errors.ts';
import type { VideoContainer } from './video-format.ts';

/** One video to join, with a name for messages (a later part's shared first frame was left out when it was encoded). */
export interface VideoPart {
  readonly file: Blob;
  readonly name: string;
}

/** What came out of a join. */
export interface JoinedVideo {
  readonly bytes: Uint8Array;
  readonly codec: VideoCodec;
  readonly frames: number;
  /** Frames each part contributed, in order. */
  readonly partFrames: readonly number[];
}

const sameBytes = (a: AllowSharedBufferSource | undefined, b: AllowSharedBufferSource | undefined) => {
  if (!a || !b) return a === b;
  const [x, y] = [toBytes(a), toBytes(b)];
  return x.length === y.length && x.every((value, i) => value === y[i]);
};

function toBytes(source: AllowSharedBufferSource): Uint8Array {
  return ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : new Uint8Array(source);
}

/**
 * Joins videos of one codec configuration into one file by copying their encoded packets,
 * unchanged, one after another at `fps` (no decoding, no re-encoding: no quality is lost however
 * many times a video is extended). Works wherever Mediabunny reads and writes files, Node included.
 * Throws InvalidInputError when the parts cannot share one track (other codec, size or settings).
 */
export async function joinVideos(parts: readonly VideoPart[], container: VideoContainer, fps: number, tags: MetadataTags): Promise<JoinedVideo> {
  const format = container === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat();
  const output = new Output({ format, target: new BufferTarget() });
  output.setMetadataTags(tags);
  let source: EncodedVideoPacketSource | null = null;
  let first: { codec: VideoCodec; config: VideoDecoderConfig; name: string } | null = null;
  let frames = 0;
  const partFrames: number[] = [];
  for (const part of parts) {
    const input = new Input({ source: new BlobSource(part.file), formats: ALL_FORMATS });
    try {
      const track = await input.getPrimaryVideoTrack();
      const config = await track?.getDecoderConfig();
      if (!track?.codec || !config) throw new InvalidInputError(`${part.name} has no video track that can be read.`);
      if (!first) {
        first = { codec: track.codec, config, name: part.name };
        source = new EncodedVideoPacketSource(track.codec);
        output.addVideoTrack(source, { frameRate: fps });
        await output.start();
      } else if (first.codec !== track.codec || first.config.codec !== config.codec || first.config.codedWidth !== config.codedWidth || first.config.codedHeight !== config.codedHeight || !sameBytes(first.config.description, config.description)) {
        throw new InvalidInputError(
          `${part.name} (${config.codec}, ${config.codedWidth}x${config.codedHeight}) was encoded differently from ${first.name} (${first.config.codec}, ${first.config.codedWidth}x${first.config.codedHeight}), so the two cannot be joined without re-encoding. Extend a video where it was made (the studio or the CLI), at the same size.`,
        );
      }
      const count = await copyPackets(track, source!, frames, fps, frames === 0 ? first.config : undefined);
      partFrames.push(count);
      frames += count;
    } catch (error) {
      await output.cancel();
      throw error;
    } finally {
      input.dispose();
    }
  }
  if (!first) throw new InvalidInputError('There is no video to join.');
  await output.finalize();
  return { bytes: new Uint8Array(output.target.buffer!), codec: first.codec, frames, partFrames };
}

type VideoTrack = NonNullable<Awaited<ReturnType<Input['getPrimaryVideoTrack']>>>;

/**
 * Copies a track's packets in decode order, placing frame i (by presentation time) at
 * `startFrame + i`; timestamps are re-made from frame numbers, so an edit list or a start
 * offset of the source does not shift them. Returns the number of packets (frames).
 */
async function copyPackets(track: VideoTrack, target: EncodedVideoPacketSource, startFrame: number, fps: number, config?: VideoDecoderConfig): Promise<number> {
  const sink = new EncodedPacketSink(track);
  const firstTimestamp = (await sink.getFirstPacket())?.timestamp ?? 0;
  let earliest = firstTimestamp;
  // B-frames: the first packet in decode order need not be the first shown.
  for await (const packet of sink.packets(undefined, undefined, { metadataOnly: true })) earliest = Math.min(earliest, packet.timestamp);
  let count = 0;
  for await (const packet of sink.packets()) {
    const frame = startFrame + Math.round((packet.timestamp - earliest) * fps);
    await target.add(packet.clone({ timestamp: frame / fps, duration: 1 / fps }), count === 0 && config ? { decoderConfig: config } : undefined);
    count++;
  }
  return count;
}
